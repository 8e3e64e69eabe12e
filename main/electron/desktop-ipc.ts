import { z } from 'zod'
import { CAMERA_CHANNEL, TAKE_LINK_CHANNEL } from './channels.ts'
import type { CameraGate } from './camera-gate.ts'
import { isTrustedSender, type IpcMainLike } from './ipc.ts'
import type { OpenedLinks } from './opened-links.ts'

// The two desktop-only calls (channels.ts): taking an opened link and opening
// or closing the camera gate. Like every call, each is answered only for our
// top frame, and its argument is parsed, never trusted.

const CameraRequestSchema = z.strictObject({ scanning: z.boolean() })

export interface DesktopIpcOptions {
  ipcMain: IpcMainLike
  links: OpenedLinks
  camera: CameraGate
}

/** Registers both handlers; returns the undo. A refused call gets null (links) or false (camera). */
export function registerDesktopIpc({ ipcMain, links, camera }: DesktopIpcOptions): () => void {
  ipcMain.handle(TAKE_LINK_CHANNEL, (event) => (isTrustedSender(event.senderFrame) ? links.take() : null))
  ipcMain.handle(CAMERA_CHANNEL, (event, request) => {
    const parsed = CameraRequestSchema.safeParse(request)
    if (!isTrustedSender(event.senderFrame) || !parsed.success) return false
    if (parsed.data.scanning) camera.open()
    else camera.close()
    return true
  })
  return () => {
    ipcMain.removeHandler(TAKE_LINK_CHANNEL)
    ipcMain.removeHandler(CAMERA_CHANNEL)
  }
}

import type { EventName, MethodName } from '../../shared/api.ts'

// Shared by the main process and the preload. The preload is bundled on its
// own and must stay free of zod, so the contract's names are listed here as
// plain strings; the compile-time checks below fail when shared/api.ts gains a
// method or an event that is missing from these lists.

/**
 * One invoke channel carries every call as `{ method, params }`. A channel per
 * method would repeat the sender check and parsing in N handlers; with one,
 * the method name is just data that `isMethodName` checks, and a method added
 * to the contract needs no IPC change.
 */
export const CALL_CHANNEL = 'pairwise:call'

/** Main → window only: `{ event, payload }`, already validated in main. */
export const EVENT_CHANNEL = 'pairwise:event'

/**
 * Desktop-only channels, outside the shared contract because only the desktop
 * app has them: the OS hands it pairwise:// links, and Electron's permission
 * handler (not a browser prompt) decides about the camera.
 */
/** Window → main: the link the OS opened last, as an OpenedLink, or null; taking it clears it. */
export const TAKE_LINK_CHANNEL = 'pairwise:take-opened-link'
/** Main → window, no payload: a link was opened, take it. */
export const LINK_OPENED_CHANNEL = 'pairwise:link-opened'
/** Window → main: `{ scanning: boolean }`; the camera is allowed only between true and false. */
export const CAMERA_CHANNEL = 'pairwise:camera'

export const METHOD_NAMES = [
  'getState',
  'startPairing',
  'cancelPairing',
  'join',
  'cancelJoin',
  'dismissJoin',
  'dismissAlarm',
  'listDevices',
  'revokeDevice',
  'forgetDevice',
  'renameDevice',
  'getMetrics',
  'listNodes',
  'addNode',
  'removeNode',
  'answerApproval',
  'getPublicNetwork',
  'setPublicNetwork'
] as const satisfies readonly MethodName[]

export const EVENT_NAMES = [
  'session',
  'join-progress',
  'join-status',
  'devices-changed',
  'attempt-failed',
  'paired',
  'removed-by-peer',
  'device-renamed',
  'nodes-changed',
  'code-alarm',
  'public-network-changed'
] as const satisfies readonly EventName[]

type Unlisted<All, Listed extends readonly unknown[]> = Exclude<All, Listed[number]>
const _everyMethodListed: [Unlisted<MethodName, typeof METHOD_NAMES>] extends [never]
  ? true
  : Unlisted<MethodName, typeof METHOD_NAMES> = true
const _everyEventListed: [Unlisted<EventName, typeof EVENT_NAMES>] extends [never]
  ? true
  : Unlisted<EventName, typeof EVENT_NAMES> = true

export function isListedEvent(name: unknown): name is EventName {
  return typeof name === 'string' && (EVENT_NAMES as readonly string[]).includes(name)
}

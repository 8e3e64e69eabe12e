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

export const METHOD_NAMES = [
  'getState',
  'startPairing',
  'cancelPairing',
  'join',
  'cancelJoin',
  'listDevices',
  'revokeDevice',
  'forgetDevice',
  'renameDevice',
  'getMetrics',
  'listNodes',
  'addNode',
  'removeNode',
  'getPublicNetwork',
  'setPublicNetwork'
] as const satisfies readonly MethodName[]

export const EVENT_NAMES = [
  'session',
  'join-progress',
  'devices-changed',
  'attempt-failed',
  'paired',
  'removed-by-peer',
  'device-renamed',
  'nodes-changed',
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

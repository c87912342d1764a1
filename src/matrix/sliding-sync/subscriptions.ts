// Merging what a request asks for with what the connection already holds: sticky room
// subscriptions and extension configs, and the one room config for a room that several lists
// and subscriptions match (MSC4186 "Combining room configs").
import type { StickyExtensions } from './connection.js';
import { mergeSpecs } from './required-state.js';
import type { ExtensionsRequest, RoomConfig } from './request.js';

/**
 * The subscriptions in force after a request: the connection's, less `unsubscribe_rooms`, with the
 * request's added or replacing earlier ones. matrix-js-sdk sends a subscription once and expects
 * it to hold until it unsubscribes.
 */
export function applySubscriptions(held: ReadonlyMap<string, RoomConfig>, added: ReadonlyMap<string, RoomConfig>, removed: readonly string[]): Map<string, RoomConfig> {
  const out = new Map(held);
  for (const id of removed) out.delete(id);
  for (const [id, c] of added) out.set(id, c);
  return out;
}

/** An extension sent in the request replaces the held one; one left out stays as it was. */
export function applyExtensions(held: StickyExtensions, req: ExtensionsRequest): StickyExtensions {
  const out: StickyExtensions = { ...held };
  for (const k of ['e2ee', 'account_data', 'receipts', 'typing'] as const) if (req[k]) out[k] = req[k];
  const ts = req['io.element.msc4308.thread_subscriptions'];
  if (ts) out['io.element.msc4308.thread_subscriptions'] = ts;
  if (req.to_device) {
    const { since: _since, ...rest } = req.to_device;
    out.to_device = rest;
  }
  return out;
}

/** The superset of room configs: the largest timeline, the union of required state. */
export function mergeConfigs(configs: RoomConfig[]): RoomConfig {
  if (configs.length === 1) return configs[0];
  return {
    timelineLimit: Math.max(0, ...configs.map((c) => c.timelineLimit)),
    requiredState: mergeSpecs(configs.map((c) => c.requiredState)),
  };
}

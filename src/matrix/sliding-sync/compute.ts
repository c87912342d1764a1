// One sliding sync response (MSC4186) at the committed stream position: the lists' windows over
// the user's rooms, the rooms in them and in the subscriptions that are new to the connection or
// changed, and the enabled extensions. Everything is read synchronously at one position.
import type { JsonObject } from '../../core/events/types.js';
import type { Requester } from '../http/types.js';
import type { ConnState, SentRoom } from './connection.js';
import { computeExtensions, extensionsEmpty, type ExtensionDeps } from './extensions.js';
import { predecessors, spaceChildren, userRooms, type UserRoom } from './facts.js';
import { listWindow, sortByActivity } from './lists.js';
import type { RoomConfig, SlidingRequest } from './request.js';
import { buildRoom, type RoomResultDeps } from './room-result.js';
import { applyExtensions, applySubscriptions, mergeConfigs } from './subscriptions.js';

export type SlidingDeps = RoomResultDeps & ExtensionDeps;

export interface SlidingResult {
  body: { lists: Record<string, { count: number }>; rooms: Record<string, JsonObject>; extensions: Record<string, JsonObject> };
  next: ConnState;
  /** Nothing the client does not have yet: a long-poll keeps waiting. */
  empty: boolean;
}

interface Match { configs: RoomConfig[]; lists: string[] }

export function computeSliding(d: SlidingDeps, viewer: Requester, req: SlidingRequest, held: ConnState): SlidingResult {
  const upto = d.core.stream.committed;
  const prevPos = held.upto === null ? null : Math.min(held.upto, upto);
  const subscriptions = applySubscriptions(held.subscriptions, req.roomSubscriptions, req.unsubscribeRooms);
  const extensions = applyExtensions(held.extensions, req.extensions);
  const all = userRooms(d, viewer, upto, held.rooms);
  const sorted = sortByActivity(all);
  const byId = new Map<string, UserRoom>(all.map((r) => [r.roomId, r]));
  const matches = new Map<string, Match>();
  const match = (roomId: string, config: RoomConfig, list?: string) => {
    let m = matches.get(roomId);
    if (!m) matches.set(roomId, (m = { configs: [], lists: [] }));
    m.configs.push(config);
    if (list !== undefined) m.lists.push(list);
  };
  const lists: Record<string, { count: number }> = {};
  const listRooms = new Map<string, string[]>();
  const listCounts = new Map<string, number>();
  for (const [name, list] of req.lists) {
    const children = list.filters.spaces ? spaceChildren(d.core, viewer.userId, list.filters.spaces) : null;
    const w = listWindow(sorted, list, children);
    lists[name] = { count: w.count };
    listCounts.set(name, w.count);
    listRooms.set(name, w.roomIds);
    for (const id of w.roomIds) match(id, list, name);
  }
  // Subscriptions to rooms the user may not see (or that do not exist) are ignored (MSC4186).
  const subscribed = new Set<string>();
  for (const [roomId, config] of subscriptions) {
    if (!byId.has(roomId)) continue;
    subscribed.add(roomId);
    match(roomId, config);
  }
  // MSC3575 include_old_rooms: the rooms a matched room replaced come along, outside every list.
  for (const [roomId, m] of [...matches]) {
    for (const config of m.configs) {
      if (config.oldRooms) for (const old of predecessors(d.core, roomId, byId)) match(old, config.oldRooms);
    }
  }
  const sent = new Map<string, SentRoom>(held.rooms);
  const rooms: Record<string, JsonObject> = {};
  const fresh = new Set<string>();
  for (const [roomId, m] of matches) {
    const prev = held.rooms.get(roomId);
    if (!prev) fresh.add(roomId);
    const built = buildRoom(d, viewer, { room: byId.get(roomId)!, config: mergeConfigs(m.configs), lists: m.lists, prev, prevPos, upto, viewerId: viewer.userId });
    sent.set(roomId, built.sent);
    if (built.result) rooms[roomId] = built.result;
  }
  const ext = computeExtensions(d, viewer, {
    held: extensions, toDeviceSince: req.extensions.to_device?.since ?? null, prevPos, upto,
    scope: { listRooms, subscribed, fresh },
  });
  const countsChanged = [...listCounts].some(([k, n]) => held.listCounts.get(k) !== n);
  return {
    body: { lists, rooms, extensions: ext },
    next: { upto, rooms: sent, subscriptions, extensions, listCounts },
    empty: Object.keys(rooms).length === 0 && extensionsEmpty(ext) && !countsChanged,
  };
}

// The body of POST /_matrix/push/v1/notify (spec push-gateway-api.md), built from an event, the
// pushers of one user and their counts. Pure, so its shape is tested on its own.
import type { JsonObject } from '../../core/events/types.js';
import type { PushAction } from './types.js';

export interface NotifyInput {
  eventId: string;
  roomId: string;
  type: string;
  sender: string;
  senderDisplayName: string | null;
  roomName: string | null;
  content: JsonObject;
  userIsTarget: boolean;
  actions: PushAction[];
  unread: number;
}

/** Tweaks of the actions, as the `tweaks` object of a device (highlight defaults to true). */
export function tweaksOf(actions: PushAction[]): JsonObject {
  const out: JsonObject = {};
  for (const a of actions) if (typeof a === 'object') out[a.set_tweak] = a.value === undefined ? true : a.value;
  return out;
}

export function notifyBody(n: NotifyInput, pusher: JsonObject): JsonObject {
  const data = typeof pusher.data === 'object' && pusher.data !== null && !Array.isArray(pusher.data) ? { ...pusher.data } : {};
  delete data.url; // The gateway's own address is not news to it (Synapse does the same).
  const device = { app_id: pusher.app_id ?? '', pushkey: pusher.pushkey ?? '', pushkey_ts: pusher.pushkey_ts ?? 0, data, tweaks: tweaksOf(n.actions) };
  const notification: JsonObject = {
    event_id: n.eventId, room_id: n.roomId, counts: { unread: n.unread },
    prio: tweaksOf(n.actions).highlight === true || n.type === 'm.call.invite' ? 'high' : 'low',
    devices: [device],
  };
  // event_id_only: the gateway is not to see content or names (spec pusher.yaml `format`).
  if (data.format !== 'event_id_only') {
    Object.assign(notification, { type: n.type, sender: n.sender, content: n.content, user_is_target: n.userIsTarget });
    if (n.senderDisplayName !== null) notification.sender_display_name = n.senderDisplayName;
    if (n.roomName !== null) notification.room_name = n.roomName;
  }
  return { notification };
}

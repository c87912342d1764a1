// Room configuration by its owner (XEP-0045 §10.1-10.2), reduced to what the Matrix room has:
// the name (m.room.name) and whether anyone may enter (m.room.join_rules public) or only members
// (invite), and a password kept by this server (password.ts). Persistence and non-anonymity are fixed. An instant room (an empty submitted form) and
// a cancelled configuration are accepted as they are: rooms are never locked. <destroy/> closes
// the room (destroy.ts).
import type { JsonObject } from '../../../core/events/types.js';
import { RoomError } from '../../../core/rooms/errors.js';
import type { StanzaErrorCondition } from '../../errors.js';
import { x, type XmlElement } from '../../xml/element.js';
import { OWNER_LEVEL } from './affiliation.js';
import { FORM_ROOMCONFIG, NS_DATA, NS_MUC_OWNER } from './ns.js';
import type { MucService } from './service.js';
import { applySecret, openRoom, roomSecret } from './password.js';
import { destroyRoom, readDestroy } from './destroy.js';

export interface OwnerReply {
  result(...children: XmlElement[]): void;
  error(condition: StanzaErrorCondition, text?: string): void;
}

function isOwner(svc: MucService, roomId: string, mxid: string): boolean {
  return svc.levelOf(roomId, mxid) >= OWNER_LEVEL;
}

function bool(v: boolean): string {
  return v ? '1' : '0';
}

export function configForm(svc: MucService, roomId: string): XmlElement {
  const name = svc.core.rooms.stateContent(roomId, 'm.room.name')?.name;
  const open = openRoom(svc, roomId);
  const secret = roomSecret(svc, roomId);
  const f = (v: string, type: string, label: string | undefined, value: string) => x('field', { var: v, type, label }, x('value', {}, value));
  return x('query', { xmlns: NS_MUC_OWNER },
    x('x', { xmlns: NS_DATA, type: 'form' },
      x('title', {}, 'Room configuration'),
      f('FORM_TYPE', 'hidden', undefined, FORM_ROOMCONFIG),
      f('muc#roomconfig_roomname', 'text-single', 'Name', typeof name === 'string' ? name : ''),
      f('muc#roomconfig_publicroom', 'boolean', 'Listed in the room directory', bool(open)),
      f('muc#roomconfig_membersonly', 'boolean', 'Only invited members may enter', bool(!open)),
      f('muc#roomconfig_passwordprotectedroom', 'boolean', 'Password required to enter (Matrix users then ask to join or are invited)', bool(secret !== null)),
      f('muc#roomconfig_roomsecret', 'text-private', 'Password', secret ?? ''),
      f('muc#roomconfig_persistentroom', 'fixed', 'Persistent', '1'),
      f('muc#roomconfig_whois', 'fixed', 'Real JIDs visible to', 'anyone')));
}

function submittedValues(form: XmlElement): Map<string, string> {
  const out = new Map<string, string>();
  for (const field of form.getChildren('field')) {
    const v = field.attr('var');
    if (v) out.set(v, field.getChildText('value') ?? '');
  }
  return out;
}

const TRUE = new Set(['1', 'true']);

/**
 * The room secret a submitted form asks for: undefined for no change, null for none. A secret
 * without protection switched on, or protection without a secret, leaves the room open.
 */
export function secretFromForm(values: Map<string, string>, current: string | null): string | null | undefined {
  const protect = values.get('muc#roomconfig_passwordprotectedroom');
  const secret = values.get('muc#roomconfig_roomsecret');
  if (protect === undefined && secret === undefined) return undefined;
  const on = protect === undefined ? current !== null : TRUE.has(protect);
  const next = on ? (secret ?? current ?? '') : '';
  return next === '' ? null : next;
}

/** The state events a submitted form asks for, leaving out what already holds. */
export function changesFromForm(values: Map<string, string>, current: { name: string; open: boolean }): { type: string; content: JsonObject }[] {
  const out: { type: string; content: JsonObject }[] = [];
  const name = values.get('muc#roomconfig_roomname');
  if (name !== undefined && name !== current.name) out.push({ type: 'm.room.name', content: { name } });
  const membersOnly = values.get('muc#roomconfig_membersonly');
  if (membersOnly !== undefined && TRUE.has(membersOnly) === current.open) {
    out.push({ type: 'm.room.join_rules', content: { join_rule: TRUE.has(membersOnly) ? 'invite' : 'public' } });
  }
  return out;
}

export async function ownerIq(svc: MucService, roomId: string, mxid: string, type: 'get' | 'set', query: XmlElement, reply: OwnerReply): Promise<void> {
  if (!isOwner(svc, roomId, mxid)) return reply.error('forbidden', 'only the room owner may configure the room');
  if (type === 'get') return reply.result(configForm(svc, roomId));
  const destroy = query.getChild('destroy');
  if (destroy) {
    const d = readDestroy(destroy);
    if (!d) return reply.error('jid-malformed', 'the alternate venue must be a room JID');
    await destroyRoom(svc, roomId, mxid, d);
    return reply.result();
  }
  const form = query.getChild('x', NS_DATA);
  if (!form) return reply.error('bad-request', 'expected a data form or <destroy/>');
  if (form.attr('type') === 'cancel') return reply.result();
  if (form.attr('type') !== 'submit') return reply.error('bad-request', 'expected a submitted form');
  const name = svc.core.rooms.stateContent(roomId, 'm.room.name')?.name;
  const open = openRoom(svc, roomId);
  try {
    const values = submittedValues(form);
    for (const c of changesFromForm(values, { name: typeof name === 'string' ? name : '', open })) {
      await svc.core.rooms.send(roomId, { type: c.type, sender: mxid, stateKey: '', content: c.content });
    }
    // The password, and the Matrix join rule that goes with it (password.ts), after the join rule the form set.
    const current = roomSecret(svc, roomId);
    const secret = secretFromForm(values, current);
    const membersOnly = values.get('muc#roomconfig_membersonly');
    const next = secret === undefined ? current : secret;
    if (secret !== undefined || next !== null) await applySecret(svc, roomId, mxid, next, membersOnly === undefined ? undefined : TRUE.has(membersOnly));
    reply.result();
  } catch (err) {
    if (err instanceof RoomError && (err.code === 'forbidden' || err.code === 'suspended')) return reply.error('forbidden', err.message);
    svc.logger.warn({ err, roomId }, 'muc: room configuration failed');
    reply.error('not-acceptable', 'the configuration could not be applied');
  }
}

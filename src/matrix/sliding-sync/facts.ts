// The user's rooms as sliding sync lists see them (MSC4186 "Lists"): which rooms are eligible,
// with what each filter and the activity sort need. Reads only in-memory room heads, the
// notifier's per-room latest positions and a few account-data rows.
import { stateTuple } from '../../core/events/types.js';
import type { CoreServices } from '../../core/services.js';
import type { Formatter } from '../events/formatter.js';
import type { History } from '../events/history.js';
import type { Requester } from '../http/types.js';
import type { SyncNotifier } from '../sync/notifier.js';
import { membershipsAt, type Membership } from '../sync/compute.js';
import { summaryOf } from '../sync/rooms.js';
import type { RoomHead } from '../../core/rooms/head.js';
import type { RoomFacts } from './lists.js';
import type { SentRoom } from './connection.js';
import { blocksInvites } from '../invite-permission.js';

export interface FactsDeps { core: CoreServices; formatter: Formatter; history: History; notifier: Pick<SyncNotifier, 'latestIn' | 'latestMembershipIn'> }

export interface UserRoom extends RoomFacts { m: Membership }

/** Room ids the user's m.direct account data names (spec "Direct Messaging"). */
export function directRoomIds(core: CoreServices, userId: string): Set<string> {
  const out = new Set<string>();
  const content = core.storage.accountData.get(userId, '', 'm.direct');
  if (!content) return out;
  for (const rooms of Object.values(content)) {
    if (Array.isArray(rooms)) for (const r of rooms) if (typeof r === 'string') out.add(r);
  }
  return out;
}

/**
 * Whether a left or banned room stays in the lists: when the client was sent it on this connection
 * (so it learns of the leave), or when someone else removed the user after they had joined.
 */
function keepsLeft(d: FactsDeps, userId: string, m: Membership, sent: SentRoom | undefined): boolean {
  if (sent) return true;
  if (d.core.storage.forgottenRooms.isForgotten(userId, m.roomId, m.eventId)) return false;
  const ev = d.core.storage.events.getEvent(m.eventId);
  if (!ev || ev.pdu.sender === userId) return false;
  // Banned (or kicked) before ever joining: not part of the list (MSC4186).
  return d.history.visibleUpTo(m.roomId, userId, m.stream) !== null;
}

/** Every room the user's lists may show, as of stream position `upto`. */
export function userRooms(d: FactsDeps, viewer: Requester, upto: number, sent: ReadonlyMap<string, SentRoom>): UserRoom[] {
  const userId = viewer.userId;
  const dms = directRoomIds(d.core, userId);
  const out: UserRoom[] = [];
  for (const m of membershipsAt(d, userId, upto, ['join', 'invite', 'knock', 'leave', 'ban'])) {
    const head = d.core.rooms.head(m.roomId);
    if (!head) continue;
    if ((m.membership === 'leave' || m.membership === 'ban') && !keepsLeft(d, userId, m, sent.get(m.roomId))) continue;
    if (m.membership === 'invite') {
      // Spec "Ignoring Users": invites from an ignored user are not shown; v1.18: none while the user blocks invites.
      const inviter = d.core.storage.events.getEvent(m.eventId)?.pdu.sender;
      if ((inviter && d.formatter.ignores(viewer, inviter)) || blocksInvites(d.core.accountData, userId)) continue;
    }
    const create = head.state.get(stateTuple('m.room.create', ''));
    const type = create?.content.type;
    let tags: Set<string> | undefined;
    let name: string | undefined;
    out.push({
      roomId: m.roomId, membership: m.membership, m,
      // A member sees the room move with each event; anyone else sees it where their membership changed.
      activity: m.membership === 'join' ? Math.min(d.notifier.latestIn(m.roomId), upto) : m.stream,
      isDm: dms.has(m.roomId),
      isEncrypted: head.state.has(stateTuple('m.room.encryption', '')),
      roomType: typeof type === 'string' ? type : null,
      tags: () => (tags ??= roomTags(d.core, userId, m.roomId)),
      name: () => (name ??= roomName(head, userId, m.membership)),
    });
  }
  return out;
}

/**
 * The room's display name (spec "Calculating the display name for a room"): its name, else its
 * canonical alias, else its heroes' display names. Invitees and knockers see no members, so for
 * them it is the name or alias only ('' when neither).
 */
export function roomName(head: RoomHead, userId: string, membership: string): string {
  const text = (type: string, key: string) => {
    const v = head.state.get(stateTuple(type, ''))?.content[key];
    return typeof v === 'string' && v !== '' ? v : null;
  };
  const named = text('m.room.name', 'name') ?? text('m.room.canonical_alias', 'alias');
  if (named !== null || membership === 'invite' || membership === 'knock') return named ?? '';
  return (summaryOf(head, userId)['m.heroes'] as string[]).map((u) => {
    const dn = head.state.get(stateTuple('m.room.member', u))?.content.displayname;
    return typeof dn === 'string' && dn !== '' ? dn : u;
  }).join(', ');
}

function roomTags(core: CoreServices, userId: string, roomId: string): Set<string> {
  const t = core.storage.accountData.get(userId, roomId, 'm.tag')?.tags;
  return new Set(t && typeof t === 'object' && !Array.isArray(t) ? Object.keys(t) : []);
}

/** Longest chain of room upgrades walked back (each step is one in-memory head lookup). */
const MAX_PREDECESSORS = 10;

/**
 * The rooms `roomId` replaced, newest first: each room's m.room.create `predecessor`, as long as
 * the user is joined to it (MSC3575 `include_old_rooms`: "The user MUST be joined to old rooms").
 */
export function predecessors(core: CoreServices, roomId: string, rooms: ReadonlyMap<string, UserRoom>): string[] {
  const out: string[] = [];
  const seen = new Set([roomId]);
  let id = roomId;
  for (let i = 0; i < MAX_PREDECESSORS; i++) {
    const pred = core.rooms.head(id)?.state.get(stateTuple('m.room.create', ''))?.content.predecessor;
    const prevId = pred && typeof pred === 'object' && !Array.isArray(pred) && typeof pred.room_id === 'string' ? pred.room_id : null;
    if (prevId === null || seen.has(prevId) || rooms.get(prevId)?.membership !== 'join') break;
    seen.add(prevId);
    out.push(prevId);
    id = prevId;
  }
  return out;
}

/**
 * The rooms named by m.space.child events of the given spaces the user is joined to; subspaces are
 * not walked (MSC4186 `spaces` filter).
 */
export function spaceChildren(core: CoreServices, userId: string, spaces: string[]): Set<string> {
  const out = new Set<string>();
  for (const spaceId of spaces) {
    if (core.rooms.membership(spaceId, userId) !== 'join') continue;
    const head = core.rooms.head(spaceId);
    if (!head) continue;
    for (const ev of head.state.values()) {
      // A child event with no `via` has been removed (spec "Spaces").
      if (ev.type === 'm.space.child' && ev.state_key && Array.isArray(ev.content.via) && ev.content.via.length > 0) out.add(ev.state_key);
    }
  }
  return out;
}

// What the Matrix endpoints share: the core services and the Matrix-side helpers built on them.
import type { CoreServices } from '../core/services.js';
import type { Formatter, TxnEcho } from './events/formatter.js';
import type { Redactions } from './events/redactions.js';
import type { History } from './events/history.js';
import type { SyncNotifier } from './sync/notifier.js';
import type { Ephemeral } from './ephemeral/index.js';
import type { RoomHead } from '../core/rooms/head.js';
import { forbidden, notFound } from './errors.js';

export interface MatrixContext {
  core: CoreServices;
  formatter: Formatter;
  echo: TxnEcho;
  redactions: Redactions;
  history: History;
  notifier: SyncNotifier;
  /** Typing, receipts, presence, push rules and pushers. */
  ephemeral: Ephemeral;
  /** The base URL clients should use (well-known, login's well_known). */
  baseUrl(): string;
  /** Runs `fn` when the API closes, before storage's last commit (state to save at shutdown). */
  onClose(fn: () => void): void;
}

/** A local user's profile as it goes into member events and /profile. */
export function profileOf(m: MatrixContext, userId: string): { displayname: string | null; avatar_url: string | null } | null {
  const lp = m.core.accounts.localpartOf(userId);
  const account = lp ? m.core.accounts.get(lp) : null;
  return account ? { displayname: account.displayname, avatar_url: account.avatarUrl } : null;
}

/** False for a user id of this server with no active account (invites to it would go nowhere). */
export function isReachable(m: MatrixContext, userId: string): boolean {
  if (!userId.endsWith(`:${m.core.config.server_name}`)) return true;
  const lp = m.core.accounts.localpartOf(userId);
  return lp !== null && m.core.accounts.active(lp) !== null;
}

export function requireRoom(m: MatrixContext, roomId: string): RoomHead {
  const head = m.core.rooms.head(roomId);
  if (!head) throw notFound('Unknown room');
  return head;
}

/** Endpoints that only members may use (state writes, member lists) check this first. */
export function requireJoined(m: MatrixContext, roomId: string, userId: string): RoomHead {
  const head = requireRoom(m, roomId);
  if (m.core.rooms.membership(roomId, userId) !== 'join') throw forbidden(`User ${userId} not in room ${roomId}`);
  return head;
}

/** The last stream position the user may read in the room; M_FORBIDDEN when none. */
export function requireReadable(m: MatrixContext, roomId: string, userId: string): number {
  requireRoom(m, roomId);
  const upTo = m.history.visibleUpTo(roomId, userId, m.core.stream.committed);
  if (upTo === null) throw forbidden(`User ${userId} is not allowed to read room ${roomId}`);
  return upTo;
}

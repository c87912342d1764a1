// Offline delivery: nothing a user is sent is lost while they have no XMPP client.
//
// Messages are events in DM rooms, so nothing is stored twice: each account keeps one position
// in the event stream ("offline since", storage.kv), and when the account comes back online for
// messages it is sent the DM messages from others written after that position, oldest first
// (with the reactions and retractions among them; a message retracted meanwhile is left out),
// at most `xmpp.offline_max_messages` (the newest ones when there are more), each with an
// XEP-0203 <delay/>. Since Matrix clients read the same rooms, this is precisely "the messages
// that arrived while you had no XMPP client", whether or not you read them on Matrix meanwhile.
//
// "Online for messages" means having a session that takes messages sent to the bare JID
// (available, priority >= 0; see presence/state.ts). The position is written when the last
// such session goes, and replaced by a marker while one exists; the first login of an account
// starts from 0 (all of its DM history up to the limit). A marker found at login means the
// process stopped while the account was online: what came after this process started is due.
// Other modules deliver what they keep from the same position (onDue: MUC invitations still open).
import type { StoredEvent } from '../../core/ports.js';
import type { XmppModule } from '../module.js';
import type { C2sSession } from '../stream/types.js';
import type { ImContext } from './presence/context.js';
import { dmStanza, isDmItem } from './messages/dm-stanza.js';
import { unackedEventIds } from './xep-0198-sm/unacked.js';

const NS = 'xmpp_offline_since';
const ONLINE = 'online';
const PAGE = 200;

export class OfflineQueue {
  private readonly bootStream: number;
  /** Events handed to a connected but not-online session while offline: not to repeat. */
  private readonly sentWhileOffline = new Map<string, Set<string>>();
  /** Positions queued for the next group commit, read before the database (see setPosition). */
  private readonly pending = new Map<string, { value: string }>();
  /** What other modules deliver from the same position (MUC invitations). */
  private readonly dueFns: ((session: C2sSession, since: number, skip: ReadonlySet<string>) => void)[] = [];

  constructor(private readonly im: ImContext) {
    this.bootStream = im.core.storage.events.maxStream();
  }

  deliveredLive(bareJid: string, eventId: string): void {
    let set = this.sentWhileOffline.get(bareJid);
    if (!set) this.sentWhileOffline.set(bareJid, (set = new Set()));
    set.add(eventId);
  }

  /** An event that a module wrote to the account's sessions: not repeated at coming online if none was online. */
  reached(bareJid: string, eventId: string): void {
    if (!this.im.tracker.onlineForMessages(bareJid)) this.deliveredLive(bareJid, eventId);
  }

  /** Called at coming online with the position the account was offline since, and the events it already got. */
  onDue(fn: (session: C2sSession, since: number, skip: ReadonlySet<string>) => void): void {
    this.dueFns.push(fn);
  }

  wentOffline(bareJid: string): void {
    this.setPosition(this.localpart(bareJid), String(this.im.core.stream.committed));
  }

  /**
   * XEP-0198: these events were written to a session that ended without acknowledging them.
   * Unless the account is still online for messages, its position moves back before the oldest,
   * so the next login delivers them (at least once: later ones may come again, with their ids).
   */
  notAcknowledged(bareJid: string, eventIds: string[]): void {
    const skip = this.sentWhileOffline.get(bareJid);
    for (const id of eventIds) skip?.delete(id);
    if (eventIds.length === 0 || this.im.tracker.onlineForMessages(bareJid)) return;
    const streams = eventIds.map((id) => this.im.core.storage.events.getEvent(id)?.stream)
      .filter((n): n is number => typeof n === 'number');
    if (streams.length === 0) return;
    const user = this.localpart(bareJid);
    const stored = this.position(user);
    const before = Math.min(...streams) - 1;
    if (stored !== ONLINE && before < (Number(stored ?? 0) || 0)) this.setPosition(user, String(before));
  }

  cameOnline(session: C2sSession): void {
    const user = session.username;
    const stored = this.position(user);
    const since = stored === ONLINE ? this.bootStream : Number(stored ?? 0) || 0;
    this.setPosition(user, ONLINE);
    const skip = this.sentWhileOffline.get(session.bareJid) ?? new Set<string>();
    this.sentWhileOffline.delete(session.bareJid);
    for (const ev of this.missed(user, since)) {
      if (skip.has(ev.eventId)) continue;
      const stanza = dmStanza(this.im, ev, session.bareJid, session.bareJid, 'offline');
      if (stanza) session.send(stanza);
    }
    for (const fn of this.dueFns) {
      try { fn(session, since, skip); } catch (err) { this.im.server.logger.warn({ err }, 'offline: a delivery hook failed'); }
    }
  }

  /** DM messages (and reactions, retractions: messages/dm-stanza.ts) from others after `since`: the newest `max` of them, oldest first. */
  private missed(user: string, since: number): StoredEvent[] {
    const max = this.im.core.config.xmpp.offline_max_messages;
    if (max === 0) return [];
    const { storage, directs, stream, config } = this.im.core;
    const mxid = `@${user}:${config.server_name}`;
    const upto = stream.committed;
    const found: StoredEvent[] = [];
    for (const { roomId } of storage.rooms.roomsForUser(mxid, ['join'])) {
      if (!directs.pairOf(roomId)) continue;
      found.push(...this.newestFrom(roomId, mxid, since, upto, max));
    }
    return found.sort((a, b) => b.stream - a.stream).slice(0, max).reverse();
  }

  /** Up to `max` messages from others in one room, in (since, upto], newest first. */
  private newestFrom(roomId: string, mxid: string, since: number, upto: number, max: number): StoredEvent[] {
    const out: StoredEvent[] = [];
    let hi = upto;
    while (out.length < max && hi > since) {
      const page = this.im.core.storage.events.roomEventsBetween(roomId, since, hi, PAGE, true);
      for (const ev of page) {
        if (ev.pdu.sender !== mxid && isDmItem(this.im.core, ev)) out.push(ev);
      }
      if (page.length < PAGE) break;
      hi = page[page.length - 1]!.stream - 1;
    }
    return out.slice(0, max);
  }

  private position(user: string): string | null {
    return this.pending.get(user)?.value ?? this.im.core.storage.kv.get(NS, user);
  }

  /**
   * A deferred write (it joins the next group commit): a disk sync of its own at every login and
   * logout was most of the cost of a login. Losing it in a crash only repeats messages: the
   * position on disk is then an older one, and a stale 'online' marker falls back to this
   * process's start. The queue is FIFO, so a message committed after the change is never on disk
   * without it.
   */
  private setPosition(user: string, value: string): void {
    const entry = { value };
    this.pending.set(user, entry);
    void this.im.core.storage.writes.enqueueDeferred(() => this.im.core.storage.kv.put(NS, user, value))
      .then(() => { if (this.pending.get(user) === entry) this.pending.delete(user); }, () => {});
  }

  private localpart(bareJid: string): string {
    return bareJid.slice(0, bareJid.indexOf('@'));
  }
}

export function offlineModule(im: ImContext, queue: OfflineQueue): XmppModule {
  return {
    name: 'offline',
    load(server) {
      server.features.add('msgoffline'); // what Prosody and ejabberd advertise for offline storage
      im.tracker.onOnline((session) => queue.cameOnline(session));
      im.tracker.onOffline((bare) => queue.wentOffline(bare));
      // Runs after the presence module's own session-end handling has written the position.
      server.onSessionClosed((session) => queue.notAcknowledged(session.bareJid, unackedEventIds(session)));
    },
  };
}

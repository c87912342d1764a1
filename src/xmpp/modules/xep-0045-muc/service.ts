// The MUC service's shared state and the reads it makes of a room: its members, their standing,
// the roster view and the announcing of roster changes. The handlers (join, leave, messages,
// Matrix events, iq) are in their own files and work through this.
import { randomBytes } from 'node:crypto';
import type { CoreServices } from '../../../core/services.js';
import { gatewayDomain, gatewayJid, jidOfPuppet, mxidOfGatewayJid, puppetUserId } from '../../../core/addresses.js';
import { stateEvent } from '../../../core/rooms/head.js';
import type { Pdu } from '../../../core/events/types.js';
import type { ModuleApi } from '../../module.js';
import type { Jid } from '../../jid.js';
import { escapeAttr, type XmlElement } from '../../xml/element.js';
import { aliasOfRoomJid, type MucAddressing } from './addressing.js';
import { eventLevel, standing, type Affiliation, type Role } from './affiliation.js';
import { roomCreator, roomCreators, userLevel } from '../../../core/auth/power-levels.js';
import { getRoomVersion } from '../../../core/events/room-versions.js';
import { stateTuple } from '../../../core/events/types.js';
import { MucRoom, MucRooms } from './state.js';
import { occupantPresence, type Removal } from './stanzas.js';
import { computeView, diffViews, nickOfMember, type MemberInfo, type View, type ViewEntry } from './view.js';
import { Status } from './ns.js';
import { OccupantIds } from './occupant-id.js';
import type { OfflineQueue } from '../offline.js';

export interface AnnounceOptions {
  /** An occupant that is told separately (the joiner, who gets the whole roster). */
  exclude?: string;
  /** A nick change (XEP-0045 §7.6): the old nick's unavailable presence carries 303 and the new nick. */
  renamed?: { from: string; to: string };
  /** Departures the occupants did not ask for, by nick (307 kicked, 301 banned, 321), with actor and reason. */
  removals?: Map<string, Removal>;
}

export class MucService {
  readonly rooms = new MucRooms();
  /** Rooms being created from XMPP, by alias, so that two first joins make one room. */
  readonly creating = new Map<string, Promise<string>>();
  /** Why a muc#admin request is removing a user ("roomId user" -> status), read when its event arrives. */
  readonly removing = new Map<string, string>();
  /** Invites made from an XEP-0249 direct invitation ("roomId user"): no mediated invitation for them. */
  readonly directInvites = new Set<string>();
  readonly addr: MucAddressing;
  readonly occupantIds: OccupantIds;

  constructor(readonly core: CoreServices, readonly server: ModuleApi, readonly offline?: OfflineQueue) {
    this.occupantIds = new OccupantIds(core.storage.kv);
    this.addr = { serverName: core.config.server_name, mucDomain: core.config.mucDomain.toLowerCase() };
  }

  get logger() { return this.server.logger; }

  /** The Matrix room behind a room JID, by its alias; null when there is none. */
  roomIdOf(roomJid: Jid): string | null {
    const alias = aliasOfRoomJid(roomJid, this.addr);
    return alias ? this.core.storage.rooms.getAlias(alias) : null;
  }

  mxidOfAccount(username: string): string {
    return this.core.accounts.userId(username);
  }

  /** The XMPP address of a Matrix user: a local account, a puppet's own JID, or its gateway JID. */
  jidOfMxid(mxid: string): string {
    const lp = this.core.accounts.localpartOf(mxid);
    if (lp !== null) return jidOfPuppet(mxid, this.addr.serverName) ?? `${lp}@${this.addr.serverName}`;
    return gatewayJid(mxid, this.addr.serverName) ?? mxid;
  }

  stateEvent(roomId: string, type: string, key = ''): Pdu | undefined {
    const head = this.core.rooms.head(roomId);
    return head ? stateEvent(head, type, key) : undefined;
  }

  members(roomId: string): MemberInfo[] {
    return this.core.rooms.joinedMembers(roomId).map((mxid) => {
      const name = this.core.rooms.stateContent(roomId, 'm.room.member', mxid)?.displayname;
      return { mxid, displayname: typeof name === 'string' ? name : null };
    });
  }

  standingIn(roomId: string): (mxid: string) => { affiliation: Affiliation; role: Role } {
    const messageLevel = eventLevel(this.core.rooms.stateContent(roomId, 'm.room.power_levels'), 'm.room.message', false);
    return (mxid) => standing(this.levelOf(roomId, mxid), messageLevel);
  }

  /**
   * A user's power level in the room, by the Matrix rules of its version (the core's own
   * reading): from v12 the creators' level is infinite, so they are owners here.
   */
  levelOf(roomId: string, mxid: string): number {
    const head = this.core.rooms.head(roomId);
    const rules = head ? getRoomVersion(head.version) : undefined;
    return head && rules ? userLevel(head.state, mxid, rules) : 0;
  }

  /** The room's creator by the rules of its version (the sender of m.room.create from v11). */
  creatorOf(roomId: string): string | null {
    const head = this.core.rooms.head(roomId);
    const rules = head ? getRoomVersion(head.version) : undefined;
    return (head && rules && roomCreator(head.state.get(stateTuple('m.room.create', '')), rules)) || null;
  }

  /** v12's room creators (infinite power, in no power levels map); none before v12. */
  creatorsOf(roomId: string): string[] {
    const head = this.core.rooms.head(roomId);
    const rules = head ? getRoomVersion(head.version) : undefined;
    return head && rules?.privilegedCreators ? roomCreators(head.state.get(stateTuple('m.room.create', '')), rules) : [];
  }

  /** The Matrix user a JID stands for (XEP-0045 affiliations are by bare JID): an account, a puppet or a gateway JID. */
  mxidOfJid(jid: Jid): string | null {
    if (jid.local === '') return null;
    if (jid.domain === this.addr.serverName) return this.core.accounts.active(jid.local) ? this.mxidOfAccount(jid.local) : null;
    if (jid.domain === gatewayDomain(this.addr.serverName)) return mxidOfGatewayJid(jid.bareString(), this.addr.serverName);
    return puppetUserId(jid.bareString(), this.addr.serverName);
  }

  /** The roster of a room JID: the announced one while it has occupants, else computed now. */
  viewOf(roomJid: string, roomId: string): View {
    const room = this.rooms.get(roomJid);
    return room && room.occupants.size > 0 ? room.view : this.computeView(room ?? new MucRoom(roomJid, roomId));
  }

  computeView(room: MucRoom): Map<string, ViewEntry> {
    return computeView({
      occupants: room.occupants.values(),
      members: this.members(room.roomId),
      hidden: room.hidden,
      standing: this.standingIn(room.roomId),
      jidOf: (mxid) => this.jidOfMxid(mxid),
      occupantId: (mxid) => this.occupantIds.of(room.roomId, mxid),
    });
  }

  /** The nick a member speaks under in this room (the view's, else its name from the room state). */
  nickFor(room: MucRoom, mxid: string): string {
    const nick = nickOfMember(room.view, mxid);
    if (nick) return nick;
    const name = this.core.rooms.stateContent(room.roomId, 'm.room.member', mxid)?.displayname;
    return typeof name === 'string' && name.trim() !== '' ? name.trim() : mxid.slice(1, mxid.indexOf(':'));
  }

  send(to: string, el: XmlElement): void {
    // Occupants are sessions of this server; a vanished session simply misses the stanza.
    this.server.send(to, el);
  }

  /** Recomputes the roster and announces what changed to every occupant (XEP-0045 §7.2.3, §7.14). */
  refresh(room: MucRoom, o: AnnounceOptions = {}): void {
    const before: View = room.view;
    room.view = this.computeView(room);
    this.announce(room, before, room.view, o);
  }

  /** Sends the difference between two rosters to the occupants; an occupant's own entries carry 110. */
  announce(room: MucRoom, before: View, after: View, o: AnnounceOptions = {}): void {
    const { gone, changed } = diffViews(before, after);
    if (gone.length === 0 && changed.length === 0) return;
    for (const occ of room.occupants.values()) {
      if (occ.fullJid === o.exclude) continue;
      const self = (e: ViewEntry) => (e.sessions.includes(occ.fullJid) ? [Status.SELF] : []);
      for (const e of gone) {
        const renamed = o.renamed?.from === e.nick ? o.renamed.to : undefined;
        const removal = o.removals?.get(e.nick);
        const statuses = [...self(e), ...(renamed ? [Status.NEW_NICK] : []), ...(removal?.statuses ?? [])];
        this.send(occ.fullJid, occupantPresence(room.jid, e, occ.fullJid, { ...removal, unavailable: true, newNick: renamed, statuses }));
      }
      for (const e of changed) this.send(occ.fullJid, occupantPresence(room.jid, e, occ.fullJid, { statuses: self(e) }));
    }
  }

  /**
   * Sends one stanza to every occupant of every room JID of a Matrix room, serialized once per
   * room JID: only the `to` differs between recipients, so it is spliced into the text. Building
   * and serializing the stanza per occupant was the main cost of a busy room's fan-out.
   */
  toOccupantsSame(roomId: string, build: (room: MucRoom, to: string) => XmlElement | null, skip: (historyUpTo: number) => boolean): void {
    for (const room of this.rooms.ofRoomId(roomId)) {
      const once = build(room, RECIPIENT_SLOT);
      if (!once) continue;
      const parts = splitAtRecipient(once.toString());
      for (const o of room.occupants.values()) {
        if (skip(o.historyUpTo)) continue;
        if (parts) this.server.sessionFor(o.fullJid)?.send(parts[0] + escapeAttr(o.fullJid) + parts[1]);
        else {
          const el = build(room, o.fullJid);
          if (el) this.send(o.fullJid, el);
        }
      }
    }
  }

  /** Sends a stanza built per recipient to every occupant of every room JID of a Matrix room. */
  toOccupants(roomId: string, build: (room: MucRoom, to: string, historyUpTo: number) => XmlElement | null): void {
    for (const room of this.rooms.ofRoomId(roomId)) {
      for (const o of room.occupants.values()) {
        const el = build(room, o.fullJid, o.historyUpTo);
        if (el) this.send(o.fullJid, el);
      }
    }
  }
}

/**
 * Stands for the recipient's JID in a stanza serialized once for many: plain characters (the
 * serializer drops control characters), unguessable, so no payload can hold it by chance.
 */
const RECIPIENT_SLOT = `hearth-recipient-${randomBytes(12).toString('hex')}`;

function splitAtRecipient(text: string): [string, string] | null {
  const at = text.indexOf(RECIPIENT_SLOT);
  if (at < 0 || text.indexOf(RECIPIENT_SLOT, at + 1) >= 0) return null;
  return [text.slice(0, at), text.slice(at + RECIPIENT_SLOT.length)];
}

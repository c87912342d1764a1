// Test support for this module's tests: a router with the MUC module on a real in-memory core,
// and sessions that record what they are sent. Used only by *.test.ts here.
import { resolveConfig } from '../../../core/config/load.js';
import { generateSigningKey } from '../../../core/events/index.js';
import { silentLogger } from '../../../core/logger.js';
import { createCore, type CoreServices } from '../../../core/services.js';
import { createRoom } from '../../../core/rooms/create-room.js';
import { openSqliteStorage } from '../../../storage/sqlite/index.js';
import { XmppServer } from '../../router.js';
import { discoModule } from '../xep-0030-disco.js';
import type { C2sSession } from '../../stream/types.js';
import { x, type XmlElement } from '../../xml/element.js';
import { mucModule } from './index.js';
import { parseFragment } from '../../im/payload.js';

export const D = 'example.org';
export const MUC = `conference.${D}`;
export const LOBBY = `lobby@${MUC}`;

export class Session implements C2sSession {
  readonly data = new Map<string, unknown>();
  readonly sent: XmlElement[] = [];
  readonly isTls = true;
  resource = '';
  constructor(readonly username: string, private readonly server: XmppServer) {}
  get bareJid() { return `${this.username}@${D}`; }
  get jid() { return this.resource ? `${this.bareJid}/${this.resource}` : ''; }
  send(el: XmlElement | string): boolean {
    // Room fan-out sends text serialized once for all occupants: read it back as the client would.
    const parsed = typeof el === 'string' ? parseFragment(el) : el;
    if (!parsed) throw new Error(`not well-formed: ${el}`);
    this.sent.push(parsed);
    return true;
  }
  close(): void { this.server.closed(this); }
  bind(resource: string): this {
    this.resource = resource;
    this.server.bind(this, resource);
    return this;
  }
  stanza(el: XmlElement): void { this.server.stanza(this, el.withAttrs({ from: this.jid })); }
  /** Takes (and forgets) what was sent so far. */
  take(): XmlElement[] { return this.sent.splice(0); }
}

export interface Kit {
  core: CoreServices;
  server: XmppServer;
  lobbyId: string;
  session(user: string, resource?: string): Promise<Session>;
  close(): void;
}

/** A server with a public room #lobby (created by @carol, name 'Lobby', topic, two messages). */
export async function kit(): Promise<Kit> {
  const storage = openSqliteStorage({ path: ':memory:', onFatal: () => {} });
  const core = createCore(resolveConfig({ server_name: D }), storage, silentLogger, generateSigningKey());
  const server = new XmppServer({ domain: D, logger: silentLogger });
  server.load(discoModule).load(mucModule(core));
  const carol = `@carol:${D}`;
  await core.accounts.create('carol', 'pw');
  const { roomId } = await createRoom(core.rooms, {
    creator: carol, preset: 'public_chat', alias: `#lobby:${D}`, name: 'Lobby', topic: 'Welcome', creatorProfile: { displayname: 'Carol' },
  });
  storage.rooms.putAlias(`#lobby:${D}`, roomId, carol);
  for (const body of ['first', 'second']) await core.rooms.send(roomId, { type: 'm.room.message', sender: carol, content: { msgtype: 'm.text', body } });
  return {
    core, server, lobbyId: roomId,
    async session(user, resource = 'res') {
      if (!core.accounts.get(user)) await core.accounts.create(user, 'pw');
      return new Session(user, server).bind(resource);
    },
    close() { storage.close(); },
  };
}

export function join(s: Session, room: string, nick: string, extra: XmlElement[] = []): void {
  s.stanza(x('presence', { to: `${room}/${nick}`, id: `join-${nick}` }, x('x', { xmlns: 'http://jabber.org/protocol/muc' }, extra)));
}

/** Waits until the session has been sent a stanza matching the test (write queues commit asynchronously). */
export async function until(s: Session, test: (el: XmlElement) => boolean, ms = 2000): Promise<XmlElement> {
  const end = Date.now() + ms;
  for (;;) {
    const hit = s.sent.find(test);
    if (hit) return hit;
    if (Date.now() > end) throw new Error(`timed out; got:\n${s.sent.map(String).join('\n')}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const statusCodes = (el: XmlElement): string[] =>
  el.getChild('x', 'http://jabber.org/protocol/muc#user')?.getChildren('status').map((s) => s.attr('code')!) ?? [];
export const isSubject = (el: XmlElement) => el.name === 'message' && el.getChild('subject') !== undefined && !el.getChild('body');

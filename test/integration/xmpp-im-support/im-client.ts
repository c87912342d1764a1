// A real XMPP client (@xmpp/client) for the IM tests, with a mailbox: every stanza it receives
// is kept until a test takes it, so a test reads like the conversation it checks.
import { client, xml, type Client, type XmlNode } from '@xmpp/client';

// The test server's certificate is self-signed.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

export { xml, type XmlNode };
export const DOMAIN = 'localhost';
export const NS_ROSTER = 'jabber:iq:roster';
export const NS_MUC = 'http://jabber.org/protocol/muc';
/**
 * The library gives each step (stream open after STARTTLS included) 2 s by default; on a 2-core
 * machine running several suites at once, a TLS handshake alone has taken longer.
 */
export const CONNECT_TIMEOUT_MS = 10_000;

type Pred = (el: XmlNode) => boolean;

export class ImClient {
  readonly box: XmlNode[] = [];
  private waiters: { pred: Pred; resolve: (el: XmlNode) => void }[] = [];
  jid = '';

  private constructor(readonly xmpp: Client) {
    xmpp.on('stanza', (el) => this.take(el as XmlNode));
    xmpp.on('error', () => undefined);
  }

  /**
   * Logs in over STARTTLS with SCRAM (the library's choice) and binds `resource`. `port` may be a
   * service URL instead (e.g. ws://127.0.0.1:PORT/xmpp-websocket for XMPP over WebSocket).
   */
  static async login(port: number | string, username: string, password: string, resource: string, opts: { sm?: boolean; sasl2?: boolean; userAgentId?: string } = {}): Promise<ImClient> {
    const service = typeof port === 'string' ? port : `xmpp://127.0.0.1:${port}`;
    // A fixed XEP-0388 user-agent id is what one installation of a client sends every time.
    const userAgent = opts.userAgentId ? xml('user-agent', { id: opts.userAgentId }, xml('software', {}, 'hearth-tests')) : undefined;
    const xmpp = client({ service, domain: DOMAIN, username, password, resource, userAgent, timeout: CONNECT_TIMEOUT_MS });
    // The library prefers SASL2 + Bind 2 (XEP-0388/0386), where the server names the resource
    // (`resource/…`); the IM tests address exact resources, so they use the classic flow
    // unless `opts.sasl2` (xmpp-sasl2.test.ts covers SASL2 itself).
    if (!opts.sasl2) classicAuthOnly(xmpp);
    // Stream management (XEP-0198) only with `opts.sm`: the library enables it with resumption
    // whenever it is offered, and then a dropped connection keeps the session for resumption,
    // which tests of plain sessions (a vanished client is unavailable at once) do not expect.
    // This listener runs before the library's middleware: for it, <sm/> is simply not offered.
    if (!opts.sm) {
      const events = xmpp as unknown as { prependListener(ev: string, fn: (el: XmlNode) => void): void };
      events.prependListener('element', (el) => {
        if (el.name === 'stream:features' || el.name === 'features') {
          el.children = el.children.filter((ch) => typeof ch === 'string' || ch.name !== 'sm');
        }
      });
    }
    const c = new ImClient(xmpp);
    c.jid = (await startOrStop(xmpp)).toString();
    // Tests stop and kill connections on purpose: no automatic reconnection.
    (xmpp as unknown as { reconnect: { stop(): void } }).reconnect.stop();
    return c;
  }

  private take(el: XmlNode): void {
    const i = this.waiters.findIndex((w) => w.pred(el));
    if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(el);
    else this.box.push(el);
  }

  /** The first stanza (kept or coming) that matches; fails after `ms`. */
  next(pred: Pred, what: string, ms = 4000): Promise<XmlNode> {
    const i = this.box.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.box.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const w = { pred, resolve: (el: XmlNode) => { clearTimeout(t); resolve(el); } };
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`${this.jid}: no ${what} within ${ms} ms; got: ${this.box.map(String).join('\n')}`));
      }, ms);
      this.waiters.push(w);
    });
  }

  /**
   * Waits for a stanza matching `test`; everything received up to and including it is returned
   * and taken from the mailbox (for tests that read a conversation in the order it came).
   */
  async until(test: Pred, ms = 5000): Promise<XmlNode[]> {
    const end = Date.now() + ms;
    for (;;) {
      const i = this.box.findIndex(test);
      if (i >= 0) return this.box.splice(0, i + 1);
      if (Date.now() > end) throw new Error(`${this.jid}: timed out; got:\n${this.box.map(String).join('\n')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** The stanza `until` waited for. */
  async last(test: Pred, ms?: number): Promise<XmlNode> {
    const all = await this.until(test, ms);
    return all[all.length - 1]!;
  }

  /** Joins a group chat (XEP-0045 §7.2) as `nick`, with a <history/> request if given. */
  join(room: string, nick: string, history?: Record<string, string>): Promise<void> {
    return this.send(xml('presence', { to: `${room}/${nick}`, id: `join-${nick}` }, xml('x', { xmlns: NS_MUC }, ...(history ? [xml('history', history)] : []))));
  }

  /** A groupchat message to the room. */
  say(room: string, body: string, id: string): Promise<void> {
    return this.send(xml('message', { to: room, type: 'groupchat', id }, xml('body', {}, body)));
  }

  /** Fails when a matching stanza is (or becomes, within `ms`) in the mailbox. */
  async nothing(pred: Pred, what: string, ms = 300): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    const found = this.box.find(pred);
    if (found) throw new Error(`${this.jid}: unexpected ${what}: ${found.toString()}`);
  }

  send(el: XmlNode): Promise<void> {
    return this.xmpp.send(el);
  }

  iq(el: XmlNode): Promise<XmlNode> {
    return this.xmpp.iqCaller.request(el);
  }

  /** Sends an iq and returns whatever comes back, error or result. */
  async iqRaw(type: 'get' | 'set', child: XmlNode, to?: string): Promise<XmlNode> {
    const id = `t-${Math.random().toString(36).slice(2)}`;
    await this.send(xml('iq', to ? { type, id, to } : { type, id }, child));
    return this.next((el) => el.name === 'iq' && el.attrs.id === id, `answer to iq ${id}`);
  }

  async roster(ver?: string): Promise<XmlNode> {
    return this.iq(xml('iq', { type: 'get' }, xml('query', ver === undefined ? { xmlns: NS_ROSTER } : { xmlns: NS_ROSTER, ver })));
  }

  /** Ends the stream properly (</stream:stream>). */
  async stop(): Promise<void> {
    await this.xmpp.stop().catch(() => undefined);
  }

  /** Drops the TCP connection without a word, as a phone losing its network does. */
  vanish(): void {
    // After STARTTLS the library's socket is a wrapper around the TLS socket.
    type Destroyable = { destroy(): void; socket?: Destroyable };
    const s = (this.xmpp as unknown as { socket: Destroyable | null }).socket;
    (s?.socket ?? s)?.destroy();
  }
}

export const isPresence = (from: string, type?: string): Pred => (el) =>
  el.name === 'presence' && el.attrs.from === from && el.attrs.type === type;

export const isPush = (jid: string): Pred => (el) =>
  el.name === 'iq' && el.attrs.type === 'set' && el.getChild('query', NS_ROSTER)?.getChild('item')?.attrs.jid === jid;

export const isMessage = (body: string): Pred => (el) => el.name === 'message' && el.getChildText('body') === body;

/** The <item/> of a roster push or roster result for `jid`. */
export function itemOf(el: XmlNode, jid: string): XmlNode | undefined {
  return el.getChild('query', NS_ROSTER)?.getChildren('item').find((i) => i.attrs.jid === jid);
}

/** Hides the SASL2 feature from the library, so it authenticates with RFC 6120 SASL and binds as asked. */
export function classicAuthOnly(xmpp: Client): void {
  const events = xmpp as unknown as { prependListener(ev: string, fn: (el: XmlNode) => void): void };
  events.prependListener('element', (el) => {
    if (el.name === 'stream:features' || el.name === 'features') {
      el.children = el.children.filter((ch) => typeof ch === 'string' || ch.name !== 'authentication');
    }
  });
}

/**
 * Starts the client; if that fails (e.g. a connect timeout on a loaded machine), stops it so its
 * reconnect timer does not keep the test process alive, then rethrows.
 */
export async function startOrStop(xmpp: Client): Promise<Awaited<ReturnType<Client['start']>>> {
  try {
    return await xmpp.start();
  } catch (err) {
    await xmpp.stop().catch(() => undefined);
    throw err;
  }
}

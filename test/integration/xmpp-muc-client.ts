// An @xmpp/client connection for the MUC tests that keeps every stanza it receives, so a test can
// wait for what it expects in the order the protocol gives.
import { client, xml, type Client, type XmlNode } from '@xmpp/client';
import { classicAuthOnly, CONNECT_TIMEOUT_MS, startOrStop } from './xmpp-im-support/im-client.js';

export const NS_MUC = 'http://jabber.org/protocol/muc';
export const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';

export class MucClient {
  readonly got: XmlNode[] = [];
  private constructor(readonly c: Client, readonly jid: string) {}

  static async connect(port: number, username: string, password: string, resource = 'test'): Promise<MucClient> {
    const c = client({ service: `xmpp://127.0.0.1:${port}`, domain: 'localhost', username, password, resource, timeout: CONNECT_TIMEOUT_MS });
    classicAuthOnly(c); // the tests address the exact resource asked for
    c.on('error', () => undefined);
    const got: XmlNode[] = [];
    c.on('stanza', (s) => { got.push(s as XmlNode); });
    const jid = await startOrStop(c);
    const mc = new MucClient(c, jid.toString());
    (mc as { got: XmlNode[] }).got = got;
    return mc;
  }

  send(el: XmlNode): Promise<void> {
    return this.c.send(el);
  }

  join(room: string, nick: string, history?: Record<string, string>): Promise<void> {
    return this.send(xml('presence', { to: `${room}/${nick}`, id: `join-${nick}` }, xml('x', { xmlns: NS_MUC }, ...(history ? [xml('history', history)] : []))));
  }

  say(room: string, body: string, id: string): Promise<void> {
    return this.send(xml('message', { to: room, type: 'groupchat', id }, xml('body', {}, body)));
  }

  /** Waits for a received stanza matching the test; everything up to and including it is returned and forgotten. */
  async until(test: (s: XmlNode) => boolean, ms = 5000): Promise<XmlNode[]> {
    const end = Date.now() + ms;
    for (;;) {
      const i = this.got.findIndex(test);
      if (i >= 0) return this.got.splice(0, i + 1);
      if (Date.now() > end) throw new Error(`${this.jid}: timed out; got:\n${this.got.map(String).join('\n')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async last(test: (s: XmlNode) => boolean, ms?: number): Promise<XmlNode> {
    const all = await this.until(test, ms);
    return all[all.length - 1]!;
  }

  stop(): Promise<void> {
    return this.c.stop().catch(() => undefined);
  }
}

export const statusCodes = (s: XmlNode): string[] =>
  s.getChild('x', NS_MUC_USER)?.getChildren('status').map((st) => st.attrs.code!) ?? [];
export const isSubject = (s: XmlNode): boolean => s.name === 'message' && !!s.getChild('subject') && !s.getChild('body');
/** The defined condition of an error stanza (the typings of @xmpp/client leave out `children`). */
export function errorOf(s: XmlNode): string | undefined {
  if (s.attrs.type !== 'error') return undefined;
  const children = (s.getChild('error') as unknown as { children?: (string | XmlNode)[] } | undefined)?.children ?? [];
  return children.find((c): c is XmlNode => typeof c !== 'string' && c.name !== 'text')?.name;
}

// The set-up most XMPP test files share: one Hearth for the file, accounts `<name>` with password
// `<name>-pw`, and every client a test logs in stopped when the file ends.
import { after, before } from 'node:test';
import { startTestServer, type TestServer, type TestServerOptions } from '../harness.js';
import { ImClient, isPresence, xml } from './im-client.js';

export type LoginOptions = Parameters<typeof ImClient.login>[4];

export interface XmppFixture {
  /** The server (set once the file's `before` has run). */
  readonly server: TestServer;
  /** The STARTTLS port of the server. */
  readonly port: number;
  /** Logs `user` in over STARTTLS and binds `resource`; no presence yet. */
  login(user: string, resource?: string, opts?: LoginOptions): Promise<ImClient>;
  /**
   * Logs in, asks for the roster first if `roster` (an interested resource, RFC 6121 §2.1.6),
   * sends initial presence (with `priority` if given) and waits for its echo.
   */
  online(user: string, resource?: string, opts?: LoginOptions & { priority?: number; roster?: boolean }): Promise<ImClient>;
  /** Has a client made elsewhere stopped with the others. */
  track<C extends { stop(): Promise<void> }>(client: C): C;
  /** Stops every client so far, then restarts the server on the same data. */
  restart(): Promise<TestServer>;
}

/**
 * Registers the file's `before`/`after` hooks. `ready` runs after the accounts exist (befriending
 * users, logging in the clients every test uses).
 */
export function useXmppServer(users: readonly string[], opts: TestServerOptions & { ready?: (server: TestServer) => void | Promise<void> } = {}): XmppFixture {
  let server: TestServer | undefined;
  const clients: { stop(): Promise<void> }[] = [];
  const track = <C extends { stop(): Promise<void> }>(c: C): C => (clients.push(c), c);
  const fx: XmppFixture = {
    get server() {
      if (!server) throw new Error('the server is not started yet (use it inside a test or hook)');
      return server;
    },
    get port() {
      return fx.server.xmppPorts.starttls!;
    },
    track,
    restart: async () => {
      for (const c of clients.splice(0)) await c.stop();
      server = await fx.server.restart();
      return server;
    },
    login: async (user, resource = 'test', loginOpts = {}) =>
      track(await ImClient.login(fx.port, user, `${user}-pw`, resource, loginOpts)),
    online: async (user, resource = 'test', { priority, roster, ...loginOpts } = {}) => {
      const c = await fx.login(user, resource, loginOpts);
      if (roster) await c.roster();
      await c.send(priority === undefined ? xml('presence') : xml('presence', {}, xml('priority', {}, String(priority))));
      await c.next(isPresence(c.jid), 'own presence');
      return c;
    },
  };
  before(async () => {
    const { ready, ...serverOpts } = opts;
    server = await startTestServer(serverOpts);
    for (const u of users) await server.addUser(u, `${u}-pw`);
    await ready?.(server);
  });
  after(async () => {
    for (const c of clients) await c.stop();
    await server?.destroy();
  });
  return fx;
}

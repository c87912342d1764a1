// The set-up most XMPP test files share: one Hearth for the file, accounts `<name>` with password
// `<name>-pw` (or one `password` for all), and every client a test logs in (XMPP or Element)
// stopped when the file ends.
import { after, before } from 'node:test';
import type { Session } from '../clients/matrix-sdk.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../harness.js';
import { ImClient, isPresence, xml } from './im-client.js';
import { isSubject } from './muc.js';

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
  /** Signs `user` in with matrix-js-sdk (as Element does) and waits for its first sync. */
  element(user: string): Promise<Session>;
  /** Logs `user` in and enters `room` as `nick` without history; resolves once the subject came. */
  occupant(user: string, room: string, nick: string, resource?: string): Promise<ImClient>;
  /** Has a client made elsewhere stopped with the others. */
  track<C extends { stop(): Promise<void> }>(client: C): C;
  /** Stops every client so far, then restarts the server on the same data. */
  restart(): Promise<TestServer>;
}

/**
 * Registers the file's `before`/`after` hooks. `ready` runs after the accounts exist (befriending
 * users, logging in the clients every test uses).
 */
export function useXmppServer(
  users: readonly string[],
  opts: TestServerOptions & { password?: string; ready?: (server: TestServer) => void | Promise<void> } = {},
): XmppFixture {
  const passwordOf = (user: string) => opts.password ?? `${user}-pw`;
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
      track(await ImClient.login(fx.port, user, passwordOf(user), resource, loginOpts)),
    element: async (user) => {
      // Loaded here so that XMPP-only files do not load matrix-js-sdk.
      const { loginAndSync } = await import('../clients/matrix-sdk.js');
      const session = await loginAndSync(fx.server.matrixUrl, user, passwordOf(user));
      track({ stop: async () => session.client.stopClient() });
      return session;
    },
    occupant: async (user, room, nick, resource = 'test') => {
      const c = await fx.login(user, resource);
      await c.join(room, nick, { maxstanzas: '0' });
      await c.until(isSubject);
      return c;
    },
    online: async (user, resource = 'test', { priority, roster, ...loginOpts } = {}) => {
      const c = await fx.login(user, resource, loginOpts);
      if (roster) await c.roster();
      await c.send(priority === undefined ? xml('presence') : xml('presence', {}, xml('priority', {}, String(priority))));
      await c.next(isPresence(c.jid), 'own presence');
      return c;
    },
  };
  before(async () => {
    const { ready, password: _password, ...serverOpts } = opts;
    server = await startTestServer(serverOpts);
    for (const u of users) await server.addUser(u, passwordOf(u));
    await ready?.(server);
  });
  after(async () => {
    for (const c of clients) await c.stop();
    await server?.destroy();
  });
  return fx;
}

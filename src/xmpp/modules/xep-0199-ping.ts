// XEP-0199 XMPP Ping: the server answers pings addressed to it; pings to a client's full JID are
// routed to that client by the router like any iq. `pingClient` lets the server check a client.
import { errorCondition } from '../errors.js';
import type { ModuleApi, XmppModule } from '../module.js';
import { x } from '../xml/element.js';

export const NS_PING = 'urn:xmpp:ping';

export const pingModule: XmppModule = {
  name: 'ping',
  load(server) {
    server.features.add(NS_PING);
    server.iq(`ping ${NS_PING}`, 'get', (ctx) => ctx.result(), 'host');
  },
};

/** Sends a server-to-client ping (XEP-0199 §4.2); true when the client answered at all. */
export async function pingClient(server: ModuleApi, fullJid: string, timeoutMs = 30_000): Promise<boolean> {
  if (!server.sessionFor(fullJid)) return false;
  const answer = await server.request(x('iq', { type: 'get', to: fullJid }, x('ping', { xmlns: NS_PING })), timeoutMs);
  // Any answer from the client, even an error (XEP-0199 §4.2 lets clients without ping support
  // reply <service-unavailable/>), proves it is alive; only the tracker's timeout error does not.
  return answer.attr('type') === 'result' || errorCondition(answer) !== 'remote-server-timeout';
}

// XEP-0357 Push Notifications, the user's server part. A client (Conversations, Monal, Siskin)
// registers its app server's push service JID and node with <enable/>; when a one-to-one message
// (or a XEP-0353 call proposal) arrives while the account has no connected session (none at all,
// or only XEP-0198 sessions whose connection is away), the server publishes a notification to each registered service, so
// the phone is woken and reconnects. Registrations are kept per account (storage.kv), so they
// outlive sessions and restarts. A service that answers a publish with an error is disabled (§5.1).
// The app server is normally remote; until server-to-server exists the publish is routed like any
// stanza: to a local component or a local JID.
import type { RoomEventNotice } from '../../../core/bus.js';
import type { IqContext, ModuleApi, StanzaContext, XmppModule } from '../../module.js';
import type { XmlElement } from '../../xml/element.js';
import type { ImContext } from '../presence/context.js';
import { dmRecipient, senderJid } from '../messages/dm-events.js';
import { SM_HIBERNATING } from '../xep-0198-sm/stream-sm.js';
import { NS_PUSH, parseDisable, parseEnable, publishIq, readRegistrations, withoutRegistration, withRegistration, type Registration } from './wire.js';

const KV = 'xmpp_push';
/** XEP-0353 Jingle Message Initiation: the namespaces clients use (Conversations, Dino, Monal: :0). */
const JINGLE_MESSAGE = ['urn:xmpp:jingle-message:0', 'urn:xmpp:jingle-message:1'];
const CALL_WATCH_PRIORITY = 100;

/** A one-to-one message that proposes a call. */
function isCallProposal(el: XmlElement): boolean {
  const type = el.attr('type');
  return (type === undefined || type === 'chat' || type === 'normal')
    && el.elements().some((c) => c.name === 'propose' && JINGLE_MESSAGE.includes(el.nsOf(c)));
}
const PUBLISH_TIMEOUT_MS = 30_000;

export function pushModule(im: ImContext): XmppModule {
  // Messages notified since the account was last connected: the summary's message-count.
  const pending = new Map<string, number>();
  const load = (user: string): Registration[] => readRegistrations(im.core.storage.kv.get(KV, user));
  const save = (user: string, list: Registration[]): void => im.core.storage.kv.put(KV, user, JSON.stringify(list));

  function change(ctx: IqContext, apply: (list: Registration[]) => Registration[] | string): void {
    // §4: a client manages its own account's registrations only.
    if (!ctx.target.equals(ctx.from.bare()) || !ctx.session) return ctx.error('forbidden');
    const next = apply(load(ctx.target.local));
    if (typeof next === 'string') return ctx.error('bad-request', next);
    save(ctx.target.local, next);
    ctx.result();
  }

  function onRoomEvent(server: ModuleApi, n: RoomEventNotice): void {
    if (n.pdu.type !== 'm.room.message' || n.pdu.state_key !== undefined) return;
    const local = dmRecipient(im, n.roomId, n.pdu.sender);
    if (!local || !n.recipients.includes(`@${local}:${im.core.config.server_name}`)) return;
    const body = typeof n.pdu.content.body === 'string' ? n.pdu.content.body : undefined;
    notify(server, local, senderJid(im, n.pdu) ?? undefined, body);
  }

  /**
   * A call (XEP-0353 <propose/>) is no room event, and must wake the phone all the same: its
   * session holds the proposal until the phone resumes it (XEP-0198), and rings then.
   */
  function onCall(server: ModuleApi, ctx: StanzaContext): false {
    const to = ctx.to;
    if (!to || to.domain !== server.domain || to.local === '' || !isCallProposal(ctx.stanza) || !im.isLocalUser(to)) return false;
    notify(server, to.local, ctx.from.bareString(), undefined);
    return false;
  }

  /** A notification to each registered app server, unless a connection of the account is up. */
  function notify(server: ModuleApi, local: string, sender: string | undefined, body: string | undefined): void {
    const bare = `${local}@${server.domain}`;
    if (server.sessionsOf(bare).some((s) => s.data.get(SM_HIBERNATING) !== true)) return;
    const list = load(local);
    if (list.length === 0) return;
    const count = (pending.get(bare) ?? 0) + 1;
    pending.set(bare, count);
    const summary = { count, sender, body };
    for (const r of list) {
      void server.request(publishIq(bare, r, summary), PUBLISH_TIMEOUT_MS).then((answer) => {
        if (answer.attr('type') !== 'error') return;
        server.logger.info({ user: local, service: r.jid, node: r.node }, 'xmpp: push service refused a notification; disabled');
        save(local, withoutRegistration(load(local), r.jid, r.node));
      });
    }
  }

  return {
    name: 'xep-0357-push',
    load(server) {
      server.accountFeatures.add(NS_PUSH);
      server.iq(`enable ${NS_PUSH}`, 'set', (ctx) => change(ctx, (list) => {
        const r = parseEnable(ctx.payload);
        return r.ok ? withRegistration(list, r.value) : r.text;
      }), 'bare');
      server.iq(`disable ${NS_PUSH}`, 'set', (ctx) => change(ctx, (list) => {
        const r = parseDisable(ctx.payload);
        return r.ok ? withoutRegistration(list, r.value.jid, r.value.node) : r.text;
      }), 'bare');
      server.onSessionBound((s) => pending.delete(s.bareJid));
      // Before the messages module, which takes the stanza; this only watches.
      server.message((ctx) => {
        try { return onCall(server, ctx); } catch (err) { server.logger.warn({ err }, 'xmpp: call push failed'); return false; }
      }, CALL_WATCH_PRIORITY);
      im.onClose(im.core.bus.onRoomEvent((n) => {
        try {
          onRoomEvent(server, n);
        } catch (err) {
          server.logger.warn({ err, event: n.eventId }, 'xmpp: push notification failed');
        }
      }));
    },
  };
}

// XEP-0045 Multi-User Chat on the core's rooms: `name@MUC_DOMAIN` is the Matrix room with the
// alias `#name:SERVER_NAME`. Stanzas for the MUC domain are taken before any other handler (so
// that presence tracking elsewhere never swallows a join), room events come from the core's bus,
// and a session that ends leaves its rooms. See README.md in this folder for the behaviour.
import type { CoreServices } from '../../../core/services.js';
import type { StanzaContext, XmppModule } from '../../module.js';
import { handleIq } from './iq.js';
import { sessionGone } from './leave.js';
import { onRoomEvent } from './matrix-events.js';
import { handleRoomMessage } from './messages.js';
import { handleRoomPresence } from './presence.js';
import { MucService } from './service.js';
import { NS_CONFERENCE, directInvitation, pendingInvitations } from './invite.js';
import type { OfflineQueue } from '../offline.js';
import { receiptsToOccupants, typingToOccupants } from './room-ephemeral.js';

/** Hooks run by priority; MUC traffic is recognised by its domain and taken first. */
const PRIORITY = 1000;

/** `offline`: the account's offline position, from which invitations are delivered at coming online. */
export function mucModule(core: CoreServices, offline?: OfflineQueue): XmppModule & { service(): MucService | null } {
  let svc: MucService | null = null;
  let unsubscribe: (() => void) | null = null;
  let dueHooked = false;
  return {
    name: 'muc',
    service: () => svc,
    load(server) {
      unsubscribe?.();
      const s = (svc = new MucService(core, server, offline));
      const domain = s.addr.mucDomain;
      const forMuc = (ctx: StanzaContext) => ctx.to !== null && ctx.to.domain === domain;
      const guard = (what: string, fn: () => void) => {
        try { fn(); } catch (err) { s.logger.warn({ err }, `muc: ${what} failed`); }
      };

      server.items.add({ jid: domain, name: 'Chatrooms' });
      server.message((ctx) => {
        if (!forMuc(ctx)) {
          // XEP-0249 direct invitations to a room here are also Matrix invites; delivered as usual.
          if (ctx.stanza.getChild('x', NS_CONFERENCE)) guard('direct invitation', () => directInvitation(s, ctx));
          return false;
        }
        guard('message', () => handleRoomMessage(s, ctx, ctx.to!));
        return true;
      }, PRIORITY);
      server.presence((ctx) => {
        if (forMuc(ctx)) {
          guard('presence', () => handleRoomPresence(s, ctx, ctx.to!));
          return true;
        }
        // Broadcast unavailable presence (RFC 6121 §4.6.3 sends it to every room the session is
        // in): the session leaves its rooms, the account stays joined. Not taken: the presence
        // module handles the broadcast itself.
        if (ctx.to === null && ctx.stanza.attr('type') === 'unavailable' && ctx.session) {
          guard('broadcast unavailable', () => sessionGone(s, ctx.from.toString(), true));
        }
        return false;
      }, PRIORITY);
      // IQs to the MUC domain never pass the message/presence hooks: they arrive here.
      server.component(domain, (ctx) => {
        const name = ctx.stanza.name;
        if (name === 'iq') return guard('iq', () => handleIq(s, ctx, ctx.to!));
        // Reached only if a hook above did not take it (it always does); handled the same way.
        if (name === 'message') return guard('message', () => handleRoomMessage(s, ctx, ctx.to!));
        if (name === 'presence') return guard('presence', () => handleRoomPresence(s, ctx, ctx.to!));
      });
      if (offline && !dueHooked) {
        dueHooked = true;
        offline.onDue((session, since, skip) => guard('offline invitations', () => { if (svc) pendingInvitations(svc, session, since, skip); }));
      }
      server.onSessionClosed((session) => guard('session end', () => sessionGone(s, session.jid, false)));
      const stops = [
        core.bus.onRoomEvent((n) => guard('room event', () => onRoomEvent(s, n))),
        typingToOccupants(s), // XEP-0085 <- m.typing
        receiptsToOccupants(s), // XEP-0333 <- m.read
      ];
      unsubscribe = () => stops.forEach((stop) => stop());
    },
  };
}

// IQs to the MUC service, a room, or an occupant JID: disco (§6), room configuration (§10), and
// XEP-0199/XEP-0410 pings, and MAM on the room's timeline. Anything else is <service-unavailable/>.
import { stanzaError, type StanzaErrorCondition } from '../../errors.js';
import type { Jid } from '../../jid.js';
import type { StanzaContext } from '../../module.js';
import { x, type XmlElement } from '../../xml/element.js';
import { roomInfo, serviceInfo, serviceItems } from './disco.js';
import { NS_DISCO_INFO, NS_DISCO_ITEMS, NS_MUC_ADMIN, NS_MUC_OWNER, NS_PING } from './ns.js';
import { adminIq } from './admin.js';
import { NS_MODERATE, moderateIq } from './moderation.js';
import { ownerIq } from './owner.js';
import { roomArchiveIq } from '../xep-0313-mam/room-archive.js';
import { NS_MAM } from '../xep-0313-mam/query.js';
import type { MucService } from './service.js';
import { roomAvatarHash, roomVcard, setRoomVcard } from './avatar.js';
import { NS_VCARD } from '../xep-0054-vcard-model.js';

export function handleIq(svc: MucService, ctx: StanzaContext, to: Jid): void {
  const iq = ctx.stanza;
  const type = iq.attr('type');
  if (type !== 'get' && type !== 'set') return; // results and errors for the room: nothing asked
  const children = iq.elements();
  const reply = {
    result: (...c: XmlElement[]) => svc.server.route(x('iq', { type: 'result', id: iq.attr('id'), from: iq.attr('to'), to: iq.attr('from') }, ...c)),
    error: (condition: StanzaErrorCondition, text?: string) => svc.server.route(stanzaError(iq, undefined, condition, text)),
  };
  if (iq.attr('id') === undefined || children.length !== 1) return reply.error('bad-request', 'iq get/set needs an id and exactly one child');
  const payload = children[0]!;
  const key = `${type} ${payload.name} ${iq.nsOf(payload)}`;
  if (to.local === '') return serviceIq(svc, key, reply);
  if (to.isBare()) return roomIq(svc, ctx, to, key, payload, reply);
  return occupantIq(svc, ctx, to, key, reply);
}

type Reply = { result(...c: XmlElement[]): void; error(condition: StanzaErrorCondition, text?: string): void };

function serviceIq(svc: MucService, key: string, reply: Reply): void {
  switch (key) {
    case `get query ${NS_DISCO_INFO}`: return reply.result(serviceInfo());
    case `get query ${NS_DISCO_ITEMS}`: return reply.result(serviceItems(svc));
    case `get ping ${NS_PING}`: return reply.result();
    default: return reply.error('service-unavailable');
  }
}

function roomIq(svc: MucService, ctx: StanzaContext, to: Jid, key: string, payload: XmlElement, reply: Reply): void {
  const roomId = svc.roomIdOf(to);
  if (!roomId) return reply.error('item-not-found', 'no such room');
  const room = svc.rooms.get(to.bareString());
  switch (key) {
    case `get query ${NS_DISCO_INFO}`: {
      if (payload.attr('node') !== undefined) return reply.error('item-not-found');
      const occupants = room ? room.view.size : svc.members(roomId).length;
      roomAvatarHash(svc, roomId).then((hash) => reply.result(roomInfo(svc, roomId, to.local, occupants, hash)), (err: unknown) => {
        svc.logger.warn({ err }, 'muc: room avatar hash failed');
        reply.result(roomInfo(svc, roomId, to.local, occupants, null));
      });
      return;
    }
    // XEP-0486: the room's vCard is its avatar.
    case `get vCard ${NS_VCARD}`:
      roomVcard(svc, roomId).then((v) => reply.result(v), (err: unknown) => {
        svc.logger.warn({ err }, 'muc: room vCard failed');
        reply.error('internal-server-error');
      });
      return;
    case `set vCard ${NS_VCARD}`:
      if (!ctx.session) return reply.error('forbidden');
      setRoomVcard(svc, roomId, svc.mxidOfAccount(ctx.session.username), payload, reply).catch((err: unknown) => {
        svc.logger.warn({ err }, 'muc: setting the room vCard failed');
        reply.error('internal-server-error');
      });
      return;
    // §6.5: the occupant list is not disclosed through disco.
    case `get query ${NS_DISCO_ITEMS}`: return reply.result(x('query', { xmlns: NS_DISCO_ITEMS }));
    case `get ping ${NS_PING}`: return reply.result();
    // XEP-0313 §6.2: the room's archive is its timeline.
    case `get query ${NS_MAM}`:
    case `set query ${NS_MAM}`: return roomArchiveIq(svc, ctx, to, roomId, key.startsWith('get') ? 'get' : 'set', payload, reply);
    case `get query ${NS_MUC_OWNER}`:
    case `set query ${NS_MUC_OWNER}`: {
      if (!ctx.session) return reply.error('forbidden');
      const mxid = svc.mxidOfAccount(ctx.session.username);
      ownerIq(svc, roomId, mxid, key.startsWith('get') ? 'get' : 'set', payload, reply).catch((err) => {
        svc.logger.warn({ err }, 'muc: owner iq failed');
        reply.error('internal-server-error');
      });
      return;
    }
    case `set moderate ${NS_MODERATE}`:
      if (!ctx.session) return reply.error('forbidden');
      return moderateIq(svc, roomId, svc.mxidOfAccount(ctx.session.username), payload, reply);
    case `get query ${NS_MUC_ADMIN}`:
    case `set query ${NS_MUC_ADMIN}`: {
      if (!ctx.session) return reply.error('forbidden');
      const req = { svc, roomJid: to.bareString(), roomId, mxid: svc.mxidOfAccount(ctx.session.username), reply };
      adminIq(req, key.startsWith('get') ? 'get' : 'set', payload).catch((err) => {
        svc.logger.warn({ err }, 'muc: admin iq failed');
        reply.error('internal-server-error');
      });
      return;
    }
    default: return reply.error('service-unavailable');
  }
}

/**
 * IQs to an occupant JID. XEP-0410: an occupant pinging its own occupant JID is answered by the
 * service; a non-occupant gets <not-acceptable/> so that its client knows to rejoin. Relaying
 * other IQs between occupants is not offered (§6.6: a non-occupant gets <bad-request/>).
 */
function occupantIq(svc: MucService, ctx: StanzaContext, to: Jid, key: string, reply: Reply): void {
  const occ = svc.rooms.get(to.bareString())?.occupants.get(ctx.from.toString());
  if (key === `get ping ${NS_PING}`) {
    if (!occ) return reply.error('not-acceptable', 'you are not in the room');
    return occ.nick === to.resource ? reply.result() : reply.error('service-unavailable');
  }
  return reply.error(occ ? 'service-unavailable' : 'bad-request');
}

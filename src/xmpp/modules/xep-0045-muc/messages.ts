// Messages to a room (XEP-0045 §7.4, §8.1). A groupchat body becomes one m.room.message sent by
// the occupant's account; the room's answer to every occupant (the sender included) comes back
// from the event bus like any other room event, so an XMPP message and a Matrix message take the
// same way out. A subject without a body becomes m.room.topic.
import { RoomError } from '../../../core/rooms/errors.js';
import type { StanzaErrorCondition } from '../../errors.js';
import type { Jid } from '../../jid.js';
import type { StanzaContext } from '../../module.js';
import { x } from '../../xml/element.js';
import { mainBody, XMPP_CONTENT_KEY } from '../../im/message-map.js';
import { isMappedRelation } from '../../im/rich-map.js';
import { reactionsFromOccupant, withRoomRelations } from './room-rich.js';
import type { XmlElement } from '../../xml/element.js';
import { contentOfGroupchat } from './mapping.js';
import { extrasOf, unknownChildren } from './payload.js';
import type { MucService } from './service.js';
import type { MucRoom, RoomOccupant } from './state.js';
import { messageError } from './stanzas.js';
import { privateMessage } from './private.js';
import { retractOwn } from './moderation.js';
import { readRetraction } from '../../im/retraction.js';
import { invitationsIn, mediatedInvitations } from './invite.js';
import { occupantIdElement } from './occupant-id.js';
import { ephemeralFromOccupant } from './room-ephemeral.js';
import { voiceForm, voiceFormIn } from './voice.js';

export function handleRoomMessage(svc: MucService, ctx: StanzaContext, to: Jid): void {
  const stanza = ctx.stanza;
  const type = stanza.attr('type') ?? 'normal';
  const roomJid = to.bareString();
  const fail = (condition: StanzaErrorCondition, text?: string) => svc.send(ctx.from.toString(), messageError(stanza, roomJid, condition, text));
  if (type === 'error') return; // never answer an error (RFC 6120 §8.3.1)
  if (to.local === '') return fail('service-unavailable', 'the chat service takes messages for its rooms only');
  if (!to.isBare()) return privateMessage(svc, ctx, to, fail);
  const room = svc.rooms.get(roomJid);
  // A room with occupants is known; otherwise the alias tells a missing room from a closed door.
  if (!room && !svc.roomIdOf(to)) return fail('item-not-found', 'no such room');
  const invitations = type === 'normal' ? invitationsIn(stanza) : null;
  if (invitations) {
    const roomId = room?.roomId ?? svc.roomIdOf(to)!;
    mediatedInvitations(svc, ctx, roomId, invitations, fail).catch((err) => {
      svc.logger.warn({ err, room: roomJid }, 'muc: invitation failed');
      fail('internal-server-error');
    });
    return;
  }
  const voice = type === 'normal' ? voiceFormIn(stanza) : null;
  if (type !== 'groupchat' && !voice) return fail('feature-not-implemented', 'only groupchat messages are accepted by this room');
  const occ = room?.occupants.get(ctx.from.toString());
  if (!room || !occ) return fail('not-acceptable', 'only occupants may send messages to the room');
  if (voice) return voiceForm(svc, room, occ, voice, fail); // §7.13, §8.6
  // XEP-0085 / XEP-0333: typing and read receipts of the Matrix room (also on messages with a body).
  const badMarker = ephemeralFromOccupant(svc, room, occ, stanza);
  if (badMarker) return fail(...badMarker);
  const retractId = readRetraction(stanza);
  // XEP-0424: the fallback body of a retraction is not a new message.
  if (retractId !== null) return retractOwn(svc, room, occ, retractId, fail);
  const reacted = reactionsFromOccupant(svc, room, occ, stanza);
  if (reacted) {
    reacted.catch((err) => fail(...roomErrorCondition(err, svc, room)));
    return;
  }
  const body = mainBody(stanza);
  const subject = stanza.getChild('subject', stanza.xmlns);
  if (subject && !body) return void setSubject(svc, room, occ, subject.text(), fail);
  if (body) return void postMessage(svc, room, occ, ctx, body, fail);
  relayEphemeral(svc, room, occ, ctx);
}

async function postMessage(svc: MucService, room: MucRoom, occ: RoomOccupant, ctx: StanzaContext, body: XmlElement, fail: Fail): Promise<void> {
  const related = withRoomRelations(svc, room, occ.mxid, ctx.stanza, contentOfGroupchat(body.text(), {}));
  // Relation elements that became the Matrix relation are not kept as payload; the rest is.
  const extras = extrasOf(ctx.stanza, body, svc.addr, (c) => !related.mapped || !isMappedRelation(ctx.stanza, c));
  const content = Object.keys(extras).length > 0 ? { ...related.content, [XMPP_CONTENT_KEY]: extras } : related.content;
  try {
    await svc.core.rooms.send(room.roomId, { type: 'm.room.message', sender: occ.mxid, content });
  } catch (err) {
    fail(...roomErrorCondition(err, svc, room));
  }
}

async function setSubject(svc: MucService, room: MucRoom, occ: RoomOccupant, subject: string, fail: Fail): Promise<void> {
  try {
    await svc.core.rooms.send(room.roomId, { type: 'm.room.topic', sender: occ.mxid, stateKey: '', content: { topic: subject } });
  } catch (err) {
    // §8.1: an occupant not allowed to change the subject gets <forbidden/>.
    fail(...roomErrorCondition(err, svc, room));
  }
}

type Fail = (condition: StanzaErrorCondition, text?: string) => void;

function roomErrorCondition(err: unknown, svc: MucService, room: MucRoom): [StanzaErrorCondition, string?] {
  if (err instanceof RoomError) {
    if (err.code === 'forbidden' || err.code === 'suspended') return ['forbidden', err.message];
    if (err.code === 'too_large') return ['not-acceptable', 'message too large'];
    if (err.code === 'bad_event') return ['bad-request', err.message];
  }
  svc.logger.warn({ err, room: room.jid }, 'muc: sending to the room failed');
  return ['internal-server-error'];
}

/**
 * A groupchat message with neither body nor subject (chat states, markers): passed to the other
 * XMPP occupants as it is, with the sender's occupant id (XEP-0421; XEP-0333 §7 matches markers
 * to occupants by it), and not stored; Matrix clients got its typing or receipt
 * (room-ephemeral.ts).
 */
function relayEphemeral(svc: MucService, room: MucRoom, occ: RoomOccupant, ctx: StanzaContext): void {
  const from = `${room.jid}/${occ.nick}`;
  const payload = unknownChildren(ctx.stanza, undefined, svc.addr);
  if (payload.length === 0) return;
  const children = [...payload, occupantIdElement(svc.occupantIds.of(room.roomId, occ.mxid))];
  for (const o of room.occupants.values()) {
    if (o.fullJid === occ.fullJid) continue;
    svc.send(o.fullJid, x('message', { from, to: o.fullJid, type: 'groupchat', id: ctx.stanza.attr('id') }, children));
  }
}

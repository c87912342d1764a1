// Voice requests (XEP-0045 §7.13, §8.6). A visitor (below the room's level for m.room.message)
// sends a muc#request form asking for the participant role; the room passes it to the XMPP
// sessions of its moderators who may change the power levels as an approval form; one who submits it with
// muc#request_allow true grants voice exactly as a muc#admin role change would (admin.ts: the
// user's power level raised to the message level, sent as that moderator, so the room's auth
// rules decide and Element shows the change). The forms are pure functions here.
import type { StanzaErrorCondition } from '../../errors.js';
import { x, type XmlElement } from '../../xml/element.js';
import { changeRoles } from './admin.js';
import { eventLevel } from './affiliation.js';
import { NS_DATA } from './ns.js';
import type { MucService } from './service.js';
import type { MucRoom, RoomOccupant } from './state.js';

export const FORM_REQUEST = 'http://jabber.org/protocol/muc#request';
type Fail = (condition: StanzaErrorCondition, text?: string) => void;

/** What a submitted muc#request form says: a request (no `allow`) or a moderator's answer. */
export interface VoiceForm { role?: string; jid?: string; nick?: string; allow?: boolean }

/** The muc#request form a message carries (a submitted jabber:x:data form with that FORM_TYPE), or null. */
export function voiceFormIn(stanza: XmlElement): XmlElement | null {
  for (const form of stanza.getChildren('x', NS_DATA)) {
    const formType = form.getChildren('field', NS_DATA).find((f) => f.attr('var') === 'FORM_TYPE')?.getChildText('value');
    if (formType === FORM_REQUEST) return form;
  }
  return null;
}

/** Reads the fields; null when the form is not a submission or muc#request_allow is not a boolean. */
export function parseVoiceForm(form: XmlElement): VoiceForm | null {
  if (form.attr('type') !== 'submit') return null;
  const value = (v: string) => form.getChildren('field', NS_DATA).find((f) => f.attr('var') === v)?.getChildText('value')?.trim();
  const out: VoiceForm = { role: value('muc#role'), jid: value('muc#jid'), nick: value('muc#roomnick') };
  const allow = value('muc#request_allow');
  if (allow !== undefined) {
    if (!['true', '1', 'false', '0'].includes(allow)) return null;
    out.allow = allow === 'true' || allow === '1';
  }
  return out;
}

/** §8.6: the approval form a moderator gets for a visitor's request. */
export function approvalForm(a: { roomJid: string; to: string; id: string; jid: string; nick: string }): XmlElement {
  const field = (v: string, type: string, label: string, value: string) => x('field', { var: v, type, label }, x('value', {}, value));
  return x('message', { from: a.roomJid, to: a.to, id: a.id },
    x('x', { xmlns: NS_DATA, type: 'form' },
      x('title', {}, 'Voice request'),
      x('instructions', {}, `To grant ${a.nick} voice, set "Grant voice to this person?" and submit; to skip the request, cancel.`),
      x('field', { var: 'FORM_TYPE', type: 'hidden' }, x('value', {}, FORM_REQUEST)),
      field('muc#role', 'list-single', 'Requested role', 'participant'),
      field('muc#jid', 'jid-single', 'User ID', a.jid),
      field('muc#roomnick', 'text-single', 'Room Nickname', a.nick),
      field('muc#request_allow', 'boolean', 'Grant voice to this person?', 'false')));
}

let requests = 0;

/** A muc#request form sent to the room by an occupant: a visitor's request, or a moderator's answer to one. */
export function voiceForm(svc: MucService, room: MucRoom, occ: RoomOccupant, el: XmlElement, fail: Fail): void {
  const form = parseVoiceForm(el);
  if (!form) return fail('bad-request', 'a voice request is a submitted muc#request form (muc#request_allow true or false)');
  const self = room.view.get(occ.nick);
  if (form.allow !== undefined) return answer(svc, room, occ, self?.role === 'moderator', form, fail);
  if (form.role !== 'participant') return fail('bad-request', 'only the participant role (voice) can be requested');
  if (self?.role !== 'visitor') return; // already has voice: nothing to ask
  // Only moderators who may change the power levels can grant voice (Element's rooms keep that at 100).
  const plLevel = eventLevel(svc.core.rooms.stateContent(room.roomId, 'm.room.power_levels'), 'm.room.power_levels', true);
  const moderators = [...room.view.values()].filter((e) => e.role === 'moderator' && svc.levelOf(room.roomId, e.mxid) >= plLevel).flatMap((e) => e.sessions);
  const id = `voice-${++requests}`;
  for (const to of moderators) svc.send(to, approvalForm({ roomJid: room.jid, to, id, jid: occ.fullJid, nick: occ.nick }));
}

/** §8.6: a moderator's submitted approval form; voice is granted only when it says so. */
function answer(svc: MucService, room: MucRoom, occ: RoomOccupant, isModerator: boolean, form: VoiceForm, fail: Fail): void {
  if (!isModerator) return fail('forbidden', 'only moderators may grant voice');
  if (!form.allow) return;
  if (!form.nick) return fail('bad-request', 'the approval names no occupant (muc#roomnick)');
  changeRoles({
    svc, roomJid: room.jid, roomId: room.roomId, mxid: occ.mxid,
    reply: { result: () => undefined, error: (condition, text) => fail(condition, text) },
  }, [{ role: 'participant', nick: form.nick }]).catch((err: unknown) => {
    svc.logger.warn({ err, room: room.jid }, 'muc: granting voice failed');
    fail('internal-server-error');
  });
}

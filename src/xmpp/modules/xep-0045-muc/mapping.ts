// Message text between a room event and a groupchat stanza. Mapped here: text, notices and
// emotes (XEP-0245 "/me"); everything else a Matrix client can send gets a plain fallback body
// that says what it is (DESIGN §1). Replies, edits, reactions and media are the bridge's
// feature mapping, not this module's.
import type { JsonObject, Pdu } from '../../../core/events/types.js';
import { XMPP_CONTENT_KEY } from '../../im/message-map.js';
import { shownContent } from '../../im/rich-map.js';

const ME = '/me ';

/** The body an XMPP occupant gets for a room event, or null when the event is not a message. */
export function bodyOfEvent(pdu: Pdu): string | null {
  const c = pdu.content;
  const body = typeof c.body === 'string' ? c.body : null;
  switch (pdu.type) {
    case 'm.room.message': {
      // An edit (m.replace) shows its new content; the "* " fallback body is for old clients.
      const shown = shownContent(c);
      const text = typeof shown.body === 'string' ? shown.body : null;
      if (text === null) return null; // redacted, or not a message a client can show
      return shown.msgtype === 'm.emote' ? ME + text : text;
    }
    case 'm.sticker':
      return body ?? '[sticker]';
    case 'm.room.encrypted':
      // A server cannot read Megolm (DESIGN §1): say so instead of dropping the message.
      return '[encrypted message: it can only be read in a Matrix client with the room keys]';
    default:
      return null;
  }
}

/** The m.room.message content for a groupchat body, with the stanza's own extras (payload.ts). */
export function contentOfGroupchat(body: string, extras: JsonObject): JsonObject {
  const emote = body.startsWith(ME);
  const content: JsonObject = { msgtype: emote ? 'm.emote' : 'm.text', body: emote ? body.slice(ME.length) : body };
  if (Object.keys(extras).length > 0) content[XMPP_CONTENT_KEY] = extras;
  return content;
}

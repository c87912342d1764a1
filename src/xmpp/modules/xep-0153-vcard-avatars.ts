// XEP-0153 vCard-based avatars, as XEP-0398 §4 asks of the server: available presence from a
// client carries <x xmlns='vcard-temp:x:update'><photo>hash</photo></x> with the account's
// current photo hash, unless the client said it is not ready (<photo/> empty) or gave a hash.
import type { XmppModule } from '../module.js';
import { x, type XmlElement } from '../xml/element.js';
import type { VcardBook } from './xep-0054-vcard.js';

export const NS_VCARD_UPDATE = 'vcard-temp:x:update';

/** The presence to send instead, or null to leave it alone. Pure. */
export function withPhotoHash(presence: XmlElement, hash: string | null): XmlElement | null {
  const type = presence.attr('type');
  if (type !== undefined) return null;
  const update = presence.getChild('x', NS_VCARD_UPDATE);
  // A <photo/> the client wrote (empty or not) is its own statement; an <x/> without one is overwritten.
  if (update?.getChild('photo')) return null;
  const others = presence.children.filter((c) => typeof c === 'string' || c !== update);
  return presence.withChildren([...others, x('x', { xmlns: NS_VCARD_UPDATE }, x('photo', {}, hash ?? ''))]);
}

export function vcardAvatarsModule(book: VcardBook): XmppModule {
  return {
    name: 'xep-0153-vcard-avatars',
    load(server) {
      // Runs before every other presence hook, and hands the amended stanza back to routing.
      server.presence((ctx) => {
        if (!ctx.session) return false;
        const amended = withPhotoHash(ctx.stanza, book.photoHash(ctx.session.username));
        if (!amended) return false;
        server.route(amended, ctx.session);
        return true;
      }, 1000);
    },
  };
}

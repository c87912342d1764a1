// XEP-0398: the vCard photo and the XEP-0084 avatar nodes hold the same picture. A vCard with a
// photo publishes data then metadata (§3.2); a metadata publish copies the matching data item
// into the vCard (§3.1), checked against its SHA-1 id. Each direction stops when the other side
// already has that picture, so the two never chase each other.
import { createHash } from 'node:crypto';
import type { XmppModule } from '../module.js';
import { x, type XmlElement } from '../xml/element.js';
import { withPhoto } from './xep-0054-vcard-model.js';
import type { VcardBook } from './xep-0054-vcard.js';
import type { PepService } from './xep-0163-pep/service.js';

export const NS_AVATAR_DATA = 'urn:xmpp:avatar:data';
export const NS_AVATAR_METADATA = 'urn:xmpp:avatar:metadata';

export function avatarConversionModule(pep: PepService, book: VcardBook): XmppModule {
  return {
    name: 'xep-0398-avatar-conversion',
    load(server) {
      server.accountFeatures.add('urn:xmpp:pep-vcard-conversion:0');
      book.onSaved((owner, _v, source) => { if (source !== 'pep') vcardToPep(pep, book, owner, `${owner}@${server.domain}`); });
      pep.onChange((owner, node) => { if (node === NS_AVATAR_METADATA) pepToVcard(pep, book, owner); });
    },
  };
}

function vcardToPep(pep: PepService, book: VcardBook, owner: string, ownerJid: string): void {
  const photo = book.photo(owner);
  const [current] = pep.items(owner, NS_AVATAR_METADATA, [], 1);
  const currentId = current?.payload.getChild('info')?.attr('id') ?? null;
  if ((photo?.sha1 ?? null) === currentId) return;
  if (!photo) {
    if (current) pep.publish(owner, ownerJid, NS_AVATAR_METADATA, 'current', x('metadata', { xmlns: NS_AVATAR_METADATA }), NS_AVATAR_METADATA);
    return;
  }
  pep.publish(owner, ownerJid, NS_AVATAR_DATA, photo.sha1, x('data', { xmlns: NS_AVATAR_DATA }, photo.base64), NS_AVATAR_DATA);
  pep.publish(owner, ownerJid, NS_AVATAR_METADATA, photo.sha1,
    x('metadata', { xmlns: NS_AVATAR_METADATA }, x('info', { id: photo.sha1, bytes: String(photo.bytes), type: photo.type })), NS_AVATAR_METADATA);
}

function pepToVcard(pep: PepService, book: VcardBook, owner: string): void {
  const [meta] = pep.items(owner, NS_AVATAR_METADATA, [], 1);
  if (!meta) return;
  // §3.1: the info that is not an external URL is the one stored in the data node.
  const info: XmlElement | undefined = meta.payload.getChildren('info').find((i) => i.attr('url') === undefined);
  const stored = book.photo(owner);
  if (!info) {
    if (stored && meta.payload.getChildren('info').length === 0) book.save(owner, withPhoto(book.stored(owner), null), 'pep');
    return;
  }
  const id = info.attr('id');
  if (!id || stored?.sha1 === id) return;
  const [data] = pep.items(owner, NS_AVATAR_DATA, [id], undefined);
  const base64 = data?.payload.text().replace(/\s+/g, '');
  if (!base64) return;
  if (createHash('sha1').update(Buffer.from(base64, 'base64')).digest('hex') !== id) return;
  book.save(owner, withPhoto(book.stored(owner), { type: info.attr('type') ?? 'image/png', base64 }), 'pep');
}

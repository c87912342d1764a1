// Pure vCard-temp (XEP-0054) edits used to keep the vCard in step with the account profile and
// the XEP-0084 avatar: read and replace NICKNAME/FN and PHOTO, and hash a photo (XEP-0153 §4).
import { createHash } from 'node:crypto';
import { x, type XmlElement } from '../xml/element.js';

export const NS_VCARD = 'vcard-temp';

export interface VcardPhoto {
  type: string;
  /** Base64 of the image, whitespace removed. */
  base64: string;
  bytes: number;
  /** SHA-1 of the image bytes, hex: the avatar id of XEP-0153 and XEP-0084. */
  sha1: string;
}

export const emptyVcard = (): XmlElement => x('vCard', { xmlns: NS_VCARD });

/** The name a vCard gives its owner: NICKNAME first (what chat clients set), then FN. */
export function nameOf(vcard: XmlElement): string | null {
  for (const tag of ['NICKNAME', 'FN']) {
    const v = vcard.getChildText(tag)?.trim();
    if (v) return v;
  }
  return null;
}

/** A copy whose NICKNAME (and FN, when it was empty or equal to the old nickname) is `name`. */
export function withName(vcard: XmlElement, name: string): XmlElement {
  const oldNick = vcard.getChildText('NICKNAME')?.trim();
  const fn = vcard.getChildText('FN')?.trim();
  const keepFn = fn !== undefined && fn !== '' && fn !== oldNick;
  const rest = vcard.children.filter((c) => typeof c === 'string' || (c.name !== 'NICKNAME' && (keepFn || c.name !== 'FN')));
  const head = [...(keepFn ? [] : [x('FN', {}, name)]), x('NICKNAME', {}, name)];
  return vcard.withChildren([...head, ...rest]);
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The embedded photo (BINVAL); null when there is none or it is not valid base64. */
export function photoOf(vcard: XmlElement): VcardPhoto | null {
  const photo = vcard.getChild('PHOTO');
  const base64 = photo?.getChildText('BINVAL')?.replace(/\s+/g, '');
  if (!photo || !base64 || base64.length % 4 !== 0 || !BASE64.test(base64)) return null;
  const bin = Buffer.from(base64, 'base64');
  if (bin.length === 0) return null;
  return {
    type: photo.getChildText('TYPE')?.trim() || 'image/png', base64, bytes: bin.length,
    sha1: createHash('sha1').update(bin).digest('hex'),
  };
}

/** A copy with PHOTO replaced (or removed, with null). */
export function withPhoto(vcard: XmlElement, photo: { type: string; base64: string } | null): XmlElement {
  const rest = vcard.children.filter((c) => typeof c === 'string' || c.name !== 'PHOTO');
  return vcard.withChildren(photo ? [...rest, x('PHOTO', {}, x('TYPE', {}, photo.type), x('BINVAL', {}, photo.base64))] : rest);
}

// XEP-0363 HTTP File Upload, the wire side (pure): reading a slot request, and the disco#info,
// slot and error elements of the upload service.
import { errorElement } from '../../errors.js';
import { x, type XmlElement } from '../../xml/element.js';

export const NS_UPLOAD = 'urn:xmpp:http:upload:0';
export const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
export const NS_DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';
const NS_DATA = 'jabber:x:data';

export interface SlotRequest { filename: string; size: number; contentType: string | null }

/** The request's attributes, or a reason it is malformed (XEP-0363 §4: filename and size required). */
export function parseRequest(el: XmlElement): SlotRequest | { bad: string } {
  const filename = el.attr('filename');
  const size = el.attr('size');
  const ct = el.attr('content-type');
  if (!filename || filename.length > 255 || /[\x00-\x1f\x7f/\\]/.test(filename)) return { bad: 'filename is missing or not a plain file name' };
  if (size === undefined || !/^[0-9]{1,15}$/.test(size)) return { bad: 'size must be a non-negative integer' };
  if (ct !== undefined && (ct.length > 255 || !/^[\x21-\x7e][\x20-\x7e]*$/.test(ct) || !ct.includes('/'))) return { bad: 'content-type is malformed' };
  return { filename, size: Number(size), contentType: ct ?? null };
}

/** §2: identity store/file, the feature, and the max-file-size form. */
export function serviceInfo(maxFileSize: number): XmlElement {
  return x('query', { xmlns: NS_DISCO_INFO },
    x('identity', { category: 'store', type: 'file', name: 'HTTP File Upload' }),
    x('feature', { var: NS_DISCO_INFO }),
    x('feature', { var: NS_UPLOAD }),
    x('x', { xmlns: NS_DATA, type: 'result' },
      x('field', { var: 'FORM_TYPE', type: 'hidden' }, x('value', null, NS_UPLOAD)),
      x('field', { var: 'max-file-size' }, x('value', null, String(maxFileSize)))));
}

export function slot(putUrl: string, getUrl: string): XmlElement {
  return x('slot', { xmlns: NS_UPLOAD }, x('put', { url: putUrl }), x('get', { url: getUrl }));
}

/** §6: not-acceptable with the service's limit. */
export function fileTooLarge(max: number): XmlElement {
  const err = errorElement('modify', 'not-acceptable', `File too large. The maximum file size is ${max} bytes`);
  return err.withChildren([...err.children, x('file-too-large', { xmlns: NS_UPLOAD }, x('max-file-size', null, String(max)))]);
}

// Files between XEP-0066 Out of Band Data (as XEP-0363 clients send them: the body is the URL
// and <x xmlns='jabber:x:oob'><url/> repeats it) and Matrix m.image/m.file/m.video/m.audio with
// an mxc:// URL. The link between a URL and a stored file is the media store's, given here as
// MediaLinks by the upload module, per served domain (xmpp/ cannot import the media API itself).
import type { JsonObject } from '../../core/events/types.js';
import { x, type XmlElement } from '../xml/element.js';

export const NS_OOB = 'jabber:x:oob';
const MEDIA_MSGTYPES = new Set(['m.image', 'm.file', 'm.video', 'm.audio']);

export interface LinkedFile { mxc: string; contentType: string; size: number; filename: string | null }

export interface MediaLinks {
  /** The stored file behind one of this server's download URLs; null for any other URL. */
  fileOf(url: string): LinkedFile | null;
  /** A download URL XMPP clients can fetch without a Matrix token; null for media not stored here. */
  urlOf(mxc: string, filename: string | null): string | null;
}

const registry = new Map<string, MediaLinks>();

export function registerMediaLinks(domain: string, links: MediaLinks | null): void {
  if (links) registry.set(domain, links);
  else registry.delete(domain);
}

export function mediaLinksFor(domain: string): MediaLinks | undefined {
  return registry.get(domain);
}

export function msgtypeFor(contentType: string): string {
  const top = contentType.split('/')[0];
  return top === 'image' ? 'm.image' : top === 'video' ? 'm.video' : top === 'audio' ? 'm.audio' : 'm.file';
}

/** The OOB URL of a stanza, if it has one. */
export function oobUrl(stanza: XmlElement): string | undefined {
  const el = stanza.getChild('x', NS_OOB);
  const url = el?.getChildText('url')?.trim();
  return url || undefined;
}

/**
 * The media fields for a message whose OOB URL is a file stored here: msgtype, body (the file
 * name when the body was just the URL, else the sender's text), url, info. Null otherwise: a
 * foreign URL stays a text message with the link in its body.
 */
export function oobToMedia(stanza: XmlElement, text: string, links: MediaLinks | undefined): JsonObject | null {
  const url = oobUrl(stanza);
  const file = url && links ? links.fileOf(url) : null;
  if (!file) return null;
  const name = file.filename ?? 'file';
  const out: JsonObject = {
    msgtype: msgtypeFor(file.contentType),
    body: text.trim() === url ? name : text,
    url: file.mxc,
    info: { mimetype: file.contentType, size: file.size },
  };
  if (text.trim() !== url) out.filename = name;
  return out;
}

export function isMediaContent(content: JsonObject): boolean {
  return typeof content.msgtype === 'string' && MEDIA_MSGTYPES.has(content.msgtype) && typeof content.url === 'string';
}

/**
 * What an XMPP client gets for a Matrix file message: the body is the download URL (with a
 * caption before it when the event has one), plus an OOB element when `kept` has none. Null when
 * the file has no URL an XMPP client can fetch (not stored here).
 */
export function mediaToOob(content: JsonObject, kept: XmlElement[], links: MediaLinks | undefined): { body: string; oob: XmlElement | null } | null {
  const keptOob = kept.find((el) => el.name === 'x' && el.attr('xmlns') === NS_OOB);
  const filename = typeof content.filename === 'string' ? content.filename : typeof content.body === 'string' ? content.body : null;
  const url = (keptOob && oobUrl(x('message', null, keptOob))) ?? links?.urlOf(content.url as string, filename) ?? null;
  if (!url) return null;
  const caption = typeof content.filename === 'string' && typeof content.body === 'string' && content.body !== content.filename ? content.body : null;
  return {
    body: caption ? `${caption}\n${url}` : url,
    oob: keptOob ? null : x('x', { xmlns: NS_OOB }, x('url', null, url)),
  };
}

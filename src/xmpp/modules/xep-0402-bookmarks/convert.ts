// Bookmarks in their two shapes (pure): XEP-0402 items (one <conference/> per room, the room JID
// as item id) and the XEP-0048 <storage xmlns='storage:bookmarks'/> list. XEP-0048 <url/>
// bookmarks and XEP-0402 <extensions/> have no counterpart and do not cross.
import { Jid } from '../../jid.js';
import { x, type XmlElement } from '../../xml/element.js';

export const NS_BOOKMARKS2 = 'urn:xmpp:bookmarks:1';
export const NS_BOOKMARKS = 'storage:bookmarks';

export interface Bookmark {
  jid: string;
  name?: string;
  autojoin: boolean;
  nick?: string;
  password?: string;
}

const truthy = (v: string | undefined): boolean => v === 'true' || v === '1';
const text = (el: XmlElement, name: string): string | undefined => el.getChildText(name) || undefined;

/** From a XEP-0402 item; null when the id is not a JID. */
export function fromConference2(id: string, c: XmlElement): Bookmark | null {
  const jid = Jid.parse(id);
  if (!jid) return null;
  return { jid: jid.toString(), name: c.attr('name') || undefined, autojoin: truthy(c.attr('autojoin')), nick: text(c, 'nick'), password: text(c, 'password') };
}

export function toConference2(b: Bookmark, extensions?: XmlElement): XmlElement {
  return x('conference', { xmlns: NS_BOOKMARKS2, name: b.name, autojoin: b.autojoin ? 'true' : 'false' },
    b.nick !== undefined ? x('nick', {}, b.nick) : null,
    b.password !== undefined ? x('password', {}, b.password) : null,
    extensions ?? null);
}

/** The conferences of a XEP-0048 storage element; entries without a valid JID are dropped. */
export function fromStorage(storage: XmlElement): Bookmark[] {
  const out: Bookmark[] = [];
  for (const c of storage.getChildren('conference')) {
    const jid = Jid.parse(c.attr('jid') ?? '');
    if (!jid) continue;
    out.push({ jid: jid.toString(), name: c.attr('name') || undefined, autojoin: truthy(c.attr('autojoin')), nick: text(c, 'nick'), password: text(c, 'password') });
  }
  return out;
}

export function toStorage(bookmarks: Bookmark[]): XmlElement {
  return x('storage', { xmlns: NS_BOOKMARKS }, bookmarks.map((b) => x('conference', { jid: b.jid, name: b.name, autojoin: b.autojoin ? 'true' : 'false' },
    b.nick !== undefined ? x('nick', {}, b.nick) : null,
    b.password !== undefined ? x('password', {}, b.password) : null)));
}

export const sameBookmark = (a: Bookmark, b: Bookmark): boolean =>
  a.jid === b.jid && a.name === b.name && a.autojoin === b.autojoin && a.nick === b.nick && a.password === b.password;

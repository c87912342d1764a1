// Reading group chat (XEP-0045) stanzas in tests; the client is ImClient (join, say, until).
import type { XmlNode } from './im-client.js';

export { NS_MUC } from './im-client.js';
export const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';

export const statusCodes = (s: XmlNode): string[] =>
  s.getChild('x', NS_MUC_USER)?.getChildren('status').map((st) => st.attrs.code!) ?? [];
export const isSubject = (s: XmlNode): boolean => s.name === 'message' && !!s.getChild('subject') && !s.getChild('body');
/** The defined condition of an error stanza (the typings of @xmpp/client leave out `children`). */
export function errorOf(s: XmlNode): string | undefined {
  if (s.attrs.type !== 'error') return undefined;
  const children = (s.getChild('error') as unknown as { children?: (string | XmlNode)[] } | undefined)?.children ?? [];
  return children.find((c): c is XmlNode => typeof c !== 'string' && c.name !== 'text')?.name;
}

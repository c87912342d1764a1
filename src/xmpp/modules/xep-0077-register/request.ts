// Reading a jabber:iq:register query (XEP-0077 §3): what the client asks for. Pure.
import type { XmlElement } from '../../xml/element.js';

export const NS_REGISTER = 'jabber:iq:register';
export const NS_REGISTER_FEATURE = 'http://jabber.org/features/iq-register';

export type RegisterRequest =
  | { kind: 'remove' }
  | { kind: 'set'; username: string | null; password: string }
  | { kind: 'incomplete'; text: string };

export function readRequest(query: XmlElement): RegisterRequest {
  if (query.getChild('remove', NS_REGISTER)) return { kind: 'remove' };
  const username = query.getChildText('username', NS_REGISTER);
  const password = query.getChildText('password', NS_REGISTER);
  // §3.1 and §3.3: an empty password never replaces one and never makes an account.
  if (password === undefined || password === '') return { kind: 'incomplete', text: 'a non-empty <password/> is needed' };
  return { kind: 'set', username: username === undefined ? null : username.trim().toLowerCase(), password };
}

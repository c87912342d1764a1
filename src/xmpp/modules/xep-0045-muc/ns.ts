// Namespaces and status codes of XEP-0045 and the XEPs a MUC service speaks alongside it.
export const NS_MUC = 'http://jabber.org/protocol/muc';
export const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
export const NS_MUC_OWNER = 'http://jabber.org/protocol/muc#owner';
export const NS_MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';
/** XEP-0045 §7.4: the service reflects the sender's message id (advertised since v1.31). */
export const NS_MUC_STABLE_ID = 'http://jabber.org/protocol/muc#stable_id';
export const FORM_ROOMINFO = 'http://jabber.org/protocol/muc#roominfo';
export const FORM_ROOMCONFIG = 'http://jabber.org/protocol/muc#roomconfig';
export const NS_DATA = 'jabber:x:data';
export const NS_DELAY = 'urn:xmpp:delay';
export const NS_SID = 'urn:xmpp:sid:0';
export const NS_PING = 'urn:xmpp:ping';
export const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
export const NS_DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';

/** XEP-0045 §15 status codes used here. */
export const Status = {
  NON_ANONYMOUS: '100',
  ROOM_CONFIG_CHANGED: '104',
  SELF: '110',
  CREATED: '201',
  NICK_MODIFIED: '210',
  BANNED: '301',
  NEW_NICK: '303',
  KICKED: '307',
  AFFILIATION_CHANGED: '321',
  MEMBERS_ONLY: '322',
  KICKED_TECHNICAL: '333',
} as const;

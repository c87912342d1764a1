// What a session that ended for good left unacknowledged (XEP-0198 §4: the server "SHOULD treat
// unacknowledged stanzas" as not delivered). Messages that are room events are not lost: they
// are in the history, and the offline module hands them out again at the next login. This reads
// their event ids back from the stanzas as they were written (the XEP-0359 stanza-id this server
// stamps with the event id, by the recipient's bare JID).
import { NS_SID, parseFragment } from '../../im/payload.js';
import type { C2sSession } from '../../stream/types.js';
import { SM_UNACKED } from './stream-sm.js';

export function unackedEventIds(session: C2sSession): string[] {
  const wires = session.data.get(SM_UNACKED);
  if (!Array.isArray(wires)) return [];
  const ids: string[] = [];
  for (const wire of wires) {
    if (typeof wire !== 'string' || !wire.startsWith('<message')) continue;
    const el = parseFragment(wire);
    const sid = el?.getChildren('stanza-id', NS_SID).find((c) => c.attr('by') === session.bareJid);
    const id = sid?.attr('id');
    if (id && el?.attr('type') !== 'error') ids.push(id);
  }
  return ids;
}

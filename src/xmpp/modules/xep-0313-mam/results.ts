// The answer to a MAM query (XEP-0313 §4.2, §4.3): one <message/> per item with <result/>,
// <forwarded/> and <delay/>, in page order (reversed for <flip-page/>), then the <fin/> with
// the RSM <set/>. Shared by the account archive and the room archive.
import { x, type XmlElement } from '../../xml/element.js';
import type { Page } from './paging.js';
import { NS_MAM, NS_RSM, type MamQuery } from './query.js';
import type { EventItem } from './room-source.js';

export const NS_FORWARD = 'urn:xmpp:forward:0';
export const NS_DELAY = 'urn:xmpp:delay';

export interface ResultTarget {
  /** The querying client's full JID. */
  to: string;
  /** The archive's JID (the account's bare JID, or the room JID). */
  archive: string;
  send(el: XmlElement): void;
}

/** Sends the result messages; `render` gives the archived stanza (null: left out). Returns the <fin/>. */
export function sendResults(t: ResultTarget, q: MamQuery, page: Page<EventItem>, render: (item: EventItem) => XmlElement | null): XmlElement {
  const ordered = q.flip ? [...page.items].reverse() : page.items;
  for (const item of ordered) {
    const inner = render(item);
    if (!inner) continue;
    t.send(x('message', { to: t.to, from: t.archive, id: `mam-${item.id}` },
      x('result', { xmlns: NS_MAM, queryid: q.queryId, id: item.id },
        x('forwarded', { xmlns: NS_FORWARD },
          x('delay', { xmlns: NS_DELAY, stamp: new Date(item.ev.pdu.origin_server_ts).toISOString() }),
          inner.withAttrs({ xmlns: 'jabber:client' })))));
  }
  const first = page.items[0];
  const last = page.items[page.items.length - 1];
  return x('fin', { xmlns: NS_MAM, queryid: q.queryId, complete: page.complete ? 'true' : undefined },
    x('set', { xmlns: NS_RSM },
      first ? x('first', null, first.id) : null,
      last ? x('last', null, last.id) : null,
      x('count', null, String(page.count))));
}

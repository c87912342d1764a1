// XEP-0313 Message Archive Management for accounts: the archive is read from the account's
// direct-message room timelines (DESIGN §1), paged with XEP-0059 RSM. The query form can be
// fetched (§4.1.5), the archive's first and last items read (metadata), and the XEP-0441
// preferences kept. Queries are answered only for the sender's own archive.
import type { IqContext, XmppModule } from '../../module.js';
import { x, type XmlElement } from '../../xml/element.js';
import type { ImContext } from '../presence/context.js';
import { buildForm } from './forms.js';
import { selectPage, TOP } from './paging.js';
import { loadPrefs, parsePrefs, prefsElement, storePrefs } from './prefs.js';
import { NS_MAM, NS_MAM_EXTENDED, parseQuery } from './query.js';
import { sendResults } from './results.js';
import { archivedStanza, dmRoomsOf, userArchive } from './user-archive.js';

export function mamModule(im: ImContext): XmppModule {
  return {
    name: 'xep-0313-mam',
    load(server) {
      server.accountFeatures.add(NS_MAM);
      server.accountFeatures.add(NS_MAM_EXTENDED);
      const own = (fn: (ctx: IqContext) => void | Promise<void>) => (ctx: IqContext) => {
        // Another account's archive is not readable (XEP-0313 §5 leaves access to the server).
        if (!ctx.session || ctx.target.bareString() !== ctx.from.bareString()) return ctx.error('forbidden');
        try {
          void Promise.resolve(fn(ctx)).catch((err: unknown) => {
            server.logger.warn({ err }, 'mam: query failed');
            ctx.error('internal-server-error');
          });
        } catch (err) {
          server.logger.warn({ err }, 'mam: query failed');
          ctx.error('internal-server-error');
        }
      };
      server.iq(`query ${NS_MAM}`, 'get', own((ctx) => ctx.result(queryForm())), 'bare');
      server.iq(`query ${NS_MAM}`, 'set', own((ctx) => runQuery(im, ctx)), 'bare');
      server.iq(`metadata ${NS_MAM}`, 'get', own((ctx) => ctx.result(archiveMetadata(im, ctx.from.local))), 'bare');
      // XEP-0386: a Bind 2 <bound/> tells the client where its archive stood when it bound.
      server.bind2Bound((session) => archiveMetadata(im, session.username));
      server.iq(`prefs ${NS_MAM}`, 'get', own((ctx) => ctx.result(prefsElement(loadPrefs(im.core.storage.kv, ctx.from.local)))), 'bare');
      server.iq(`prefs ${NS_MAM}`, 'set', own(async (ctx) => {
        const prefs = parsePrefs(ctx.payload);
        if (!prefs) return ctx.error('bad-request', 'prefs need a default of always, never or roster, and valid JIDs');
        await im.core.storage.writes.enqueue(() => storePrefs(im.core.storage.kv, ctx.from.local, prefs));
        ctx.result(prefsElement(prefs));
      }), 'bare');
    },
  };
}

/** The fields this archive understands (§4.1.5); 'ids' is open to any value (XEP-0122). */
export function queryForm(): XmlElement {
  return x('query', { xmlns: NS_MAM }, buildForm('form', NS_MAM, [
    { var: 'with', type: 'jid-single' },
    { var: 'start', type: 'text-single' },
    { var: 'end', type: 'text-single' },
    { var: 'before-id', type: 'text-single' },
    { var: 'after-id', type: 'text-single' },
    { var: 'ids', type: 'list-multi', extra: [x('validate', { xmlns: 'http://jabber.org/protocol/xdata-validate', datatype: 'xs:string' }, x('open'))] },
  ]));
}

function runQuery(im: ImContext, ctx: IqContext): void {
  const q = parseQuery(ctx.payload);
  if ('error' in q) return ctx.error(q.error, q.text);
  const userId = im.core.accounts.userId(ctx.from.local);
  const src = userArchive(im.core, userId, q);
  const page = selectPage(src, q);
  if (page === 'item-not-found') return ctx.error('item-not-found', 'no such id in this archive');
  const peers = new Map(dmRoomsOf(im.core, userId).map((r) => [r.roomId, r.peer]));
  const owner = ctx.from.bare();
  const fin = sendResults({ to: ctx.from.toString(), archive: owner.toString(), send: (el) => ctx.session!.send(el) }, q, page,
    (item) => archivedStanza(im, owner, item, peers.get(item.roomId) ?? null));
  ctx.result(fin);
}

/** The first and last items of the account's whole archive (§5, for clients planning a sync). */
function archiveMetadata(im: ImContext, localpart: string): XmlElement {
  const src = userArchive(im.core, im.core.accounts.userId(localpart), { max: 1, page: { first: true }, flip: false });
  const oldest = src.scan(0, TOP, false, 1)[0];
  const newest = src.scan(0, TOP, true, 1)[0];
  const stamp = (ts: number) => new Date(ts).toISOString();
  return x('metadata', { xmlns: NS_MAM },
    oldest ? x('start', { id: oldest.id, timestamp: stamp(oldest.ev.pdu.origin_server_ts) }) : null,
    newest ? x('end', { id: newest.id, timestamp: stamp(newest.ev.pdu.origin_server_ts) }) : null);
}

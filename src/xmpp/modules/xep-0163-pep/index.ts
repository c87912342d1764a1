// XEP-0163 Personal Eventing Protocol: every account is a pubsub service with its own nodes
// (XEP-0060 subset: publish with publish-options, retract, items, create, configure, delete,
// purge), notifications by caps interest, and last items sent when a resource comes online.
import type { XmppModule } from '../../module.js';
import type { PepStore } from '../../../core/ports.js';
import type { ImContext } from '../presence/context.js';
import * as h from './handlers.js';
import { pepHost, sendLastItems, sendLastItemsOf } from './host.js';
import { Interests } from './notify.js';
import { NS_PUBSUB, NS_PUBSUB_OWNER, PepService } from './service.js';

export { PepService } from './service.js';

/** Built once so that vCard, avatar and bookmark modules publish through the same service. */
export function createPepService(im: ImContext, store: PepStore = im.core.storage.pep): PepService {
  return new PepService(store, pepHost(im), im.server.domain);
}

// 'config-node-max' (max_items 'max' is accepted) is what Conversations, Gajim, Monal and
// converse.js look for before they keep XEP-0402 bookmarks or XEP-0490 state in PEP.
const FEATURES = [
  'access-open', 'access-presence', 'access-whitelist', 'auto-create', 'config-node', 'config-node-max', 'create-nodes',
  'delete-items', 'delete-nodes', 'filtered-notifications', 'item-ids', 'last-published', 'persistent-items',
  'publish', 'publish-options', 'purge-nodes', 'retract-items', 'retrieve-items',
].map((f) => `${NS_PUBSUB}#${f}`);

export function pepModule(im: ImContext, pep: PepService): XmppModule {
  return {
    name: 'xep-0163-pep',
    load(server) {
      for (const f of [NS_PUBSUB, ...FEATURES]) server.accountFeatures.add(f);
      server.iq(`pubsub ${NS_PUBSUB}`, 'set', (ctx) => h.dispatch(server, pep, ctx, { publish: h.publish, retract: h.retract, create: h.create }), 'bare');
      server.iq(`pubsub ${NS_PUBSUB}`, 'get', (ctx) => h.dispatch(server, pep, ctx, { items: h.items }), 'bare');
      server.iq(`pubsub ${NS_PUBSUB_OWNER}`, 'get', (ctx) => h.dispatch(server, pep, ctx, { configure: h.getConfigure, default: h.getDefault }), 'bare');
      server.iq(`pubsub ${NS_PUBSUB_OWNER}`, 'set', (ctx) => h.dispatch(server, pep, ctx, { configure: h.setConfigure, delete: h.deleteNode, purge: h.purge }), 'bare');
      const interests = new Interests(server);
      // XEP-0163 §4.3.4: a contact that was just granted a subscription gets the last items
      // (after the presence module has recorded the approval, hence the deferral).
      server.presence((ctx) => {
        const to = ctx.to;
        if (!ctx.session || ctx.stanza.attr('type') !== 'subscribed' || !to || !im.isLocalUser(to)) return false;
        const owner = ctx.session.username;
        setImmediate(() => {
          if (!pep.seesPresence(owner, to.bareString())) return;
          for (const s of im.tracker.available(to.bareString())) sendLastItemsOf(im, pep, s, [owner]);
        });
        return false;
      }, 50);
      // Watches available presence for caps; never handles it (the presence module does).
      server.presence((ctx) => {
        const s = ctx.session;
        if (!s || ctx.to !== null || ctx.stanza.attr('type') !== undefined) return false;
        void interests.learn(s, ctx.stanza).then((changed) => { if (changed) sendLastItems(im, pep, s); })
          .catch((err: unknown) => server.logger.warn({ err }, 'pep: caps lookup failed'));
        return false;
      }, 50);
    },
  };
}

// XEP-0402 PEP native bookmarks with XEP-0048 compatibility: the 'urn:xmpp:bookmarks:1' node is
// the one list; XEP-0048 through private XML (XEP-0049) reads and writes it, and the XEP-0048
// PEP node ('storage:bookmarks', XEP-0223) is kept equal to it in both directions (§ Compatibility).
import type { XmppModule } from '../../module.js';
import type { XmlElement } from '../../xml/element.js';
import type { PrivateNamespace } from '../xep-0049-private.js';
import { defaultConfig, type NodeConfig } from '../xep-0163-pep/node-config.js';
import type { PepService } from '../xep-0163-pep/service.js';
import { fromConference2, fromStorage, NS_BOOKMARKS, NS_BOOKMARKS2, sameBookmark, toConference2, toStorage, type Bookmark } from './convert.js';

/** XEP-0402 §5 / XEP-0223: private, persistent, every item kept, never pushed to contacts. */
const PRIVATE_NODE: NodeConfig = {
  ...defaultConfig(), 'pubsub#access_model': 'whitelist', 'pubsub#max_items': 'max', 'pubsub#send_last_published_item': 'never',
};

export class BookmarkSync {
  private syncing = false;

  constructor(private readonly pep: PepService, private readonly domain: string) {}

  list(owner: string): Bookmark[] {
    return this.pep.items(owner, NS_BOOKMARKS2, [], undefined).reverse()
      .map((i) => fromConference2(i.id, i.payload)).filter((b): b is Bookmark => b !== null);
  }

  /** Makes the XEP-0402 node hold exactly these bookmarks, then mirrors it to the legacy node. */
  replaceAll(owner: string, wanted: Bookmark[], from: string): void {
    this.guarded(() => {
      if (!this.pep.config(owner, NS_BOOKMARKS2)) this.pep.create(owner, NS_BOOKMARKS2, PRIVATE_NODE);
      const current = new Map(this.pep.items(owner, NS_BOOKMARKS2, [], undefined).map((i) => [i.id, i]));
      for (const b of wanted) {
        const old = current.get(b.jid);
        const oldBookmark = old ? fromConference2(old.id, old.payload) : null;
        if (oldBookmark && sameBookmark(oldBookmark, b)) continue;
        // Extensions are kept: XEP-0048 cannot carry them, and dropping them would lose client data.
        const ext: XmlElement | undefined = old?.payload.getChild('extensions');
        this.pep.publish(owner, from, NS_BOOKMARKS2, b.jid, toConference2(b, ext), NS_BOOKMARKS2);
      }
      const keep = new Set(wanted.map((b) => b.jid));
      for (const id of current.keys()) if (!keep.has(id)) this.pep.retract(owner, NS_BOOKMARKS2, id, true);
    });
    this.mirrorLegacy(owner);
  }

  /** After a change of either node: the other one follows. */
  changed(owner: string, node: string): void {
    if (this.syncing) return;
    if (node === NS_BOOKMARKS2) return this.mirrorLegacy(owner);
    if (node !== NS_BOOKMARKS) return;
    const [current] = this.pep.items(owner, NS_BOOKMARKS, [], 1);
    const storage = current?.payload;
    this.replaceAll(owner, storage && storage.name === 'storage' ? fromStorage(storage) : [], `${owner}@${this.domain}`);
  }

  /** XEP-0048 over PEP: one item 'current' holding the whole list; only when a client uses that node. */
  private mirrorLegacy(owner: string): void {
    if (!this.pep.config(owner, NS_BOOKMARKS)) return;
    this.guarded(() => this.pep.publish(owner, `${owner}@${this.domain}`, NS_BOOKMARKS, 'current', toStorage(this.list(owner)), NS_BOOKMARKS));
  }

  private guarded(fn: () => void): void {
    this.syncing = true;
    try { fn(); } finally { this.syncing = false; }
  }
}

/** storage:bookmarks in private XML, answered from and written to the XEP-0402 node. */
export function bookmarksPrivateNamespace(sync: BookmarkSync): PrivateNamespace {
  return {
    get: (owner) => [toStorage(sync.list(owner))],
    set: (owner, els, from) => sync.replaceAll(owner, els.flatMap(fromStorage), from),
  };
}

export function bookmarksModule(pep: PepService, sync: BookmarkSync): XmppModule {
  return {
    name: 'xep-0402-bookmarks',
    load(server) {
      server.accountFeatures.add(`${NS_BOOKMARKS2}#compat`);
      server.accountFeatures.add(`${NS_BOOKMARKS2}#compat-pep`);
      pep.onChange((owner, node) => sync.changed(owner, node));
    },
  };
}

// Who hears a PEP event (XEP-0163 §4.3): the owner's resources and the resources of contacts
// with a presence subscription to the owner, each only for nodes its caps ask for (+notify), and
// only when the node's access model lets that contact read it. Also keeps each resource's
// interests, learnt from the caps in its presence.
import type { C2sSession } from '../../stream/types.js';
import { x, type XmlElement } from '../../xml/element.js';
import type { ModuleApi } from '../../module.js';
import { CapsCache, capsVer, featuresOf, NS_CAPS, NS_DISCO_INFO, notifyNodes } from './caps.js';

const KEY = 'pep.notify';

/** Per-session: the nodes it wants, once known. */
interface Interest { ver: string | null; nodes: Set<string> | null }

export function interestOf(session: C2sSession): Set<string> | null {
  return (session.data.get(KEY) as Interest | undefined)?.nodes ?? null;
}

export class Interests {
  private readonly cache = new CapsCache();
  private seq = 0;

  constructor(private readonly server: ModuleApi) {}

  /**
   * Reads the caps of an available presence; resolves true when the session's interests were
   * (re)learnt from it, so that the caller can send last items.
   */
  async learn(session: C2sSession, presence: XmlElement): Promise<boolean> {
    const c = presence.getChild('c', NS_CAPS);
    const ver = c?.attr('ver');
    const node = c?.attr('node');
    const current = session.data.get(KEY) as Interest | undefined;
    if (!c || !ver || !node) {
      if (current) return false;
      session.data.set(KEY, { ver: null, nodes: new Set() });
      return true;
    }
    if (current?.ver === ver) return false;
    const known = c.attr('hash') === 'sha-1' ? this.cache.get(ver) : undefined;
    const features = known ?? await this.query(session, node, ver, c.attr('hash') === 'sha-1');
    if (!features) return false;
    session.data.set(KEY, { ver, nodes: notifyNodes(features) });
    return true;
  }

  private async query(session: C2sSession, node: string, ver: string, verifiable: boolean): Promise<Set<string> | null> {
    const iq = x('iq', { type: 'get', to: session.jid, id: `pep-caps-${++this.seq}` }, x('query', { xmlns: NS_DISCO_INFO, node: `${node}#${ver}` }));
    try {
      const answer = await this.server.request(iq, 20_000);
      const query = answer.attr('type') === 'result' ? answer.getChild('query', NS_DISCO_INFO) : undefined;
      if (!query) return null;
      const features = featuresOf(query);
      if (verifiable && capsVer(query) === ver) this.cache.put(ver, features);
      return features;
    } catch {
      return null;
    }
  }
}

/** Builds the headline message XEP-0163 §4.3.2 uses for an event. */
export function eventMessage(from: string, to: string, event: XmlElement): XmlElement {
  return x('message', { from, to, type: 'headline', id: `pep-${Math.random().toString(36).slice(2)}` }, event);
}

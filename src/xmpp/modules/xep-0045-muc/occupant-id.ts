// XEP-0421 occupant identifiers: stable per room and user, unique, and pseudonymous. Each is an
// HMAC-SHA256, under a random key this server keeps (key-value store, made on first use), of the
// room id and the Matrix user id (one per account, puppet or remote user, as the XEP's "real bare
// JID"); the room id in the input makes the same user's ids differ between rooms.
import { createHmac, randomBytes } from 'node:crypto';
import type { KeyValueStore } from '../../../core/ports.js';
import { x, type XmlElement } from '../../xml/element.js';

export const NS_OCCUPANT_ID = 'urn:xmpp:occupant-id:0';
const KV_NS = 'muc_occupant_id';

export class OccupantIds {
  private key: Buffer | null = null;
  private readonly cache = new Map<string, string>();

  constructor(private readonly kv: KeyValueStore) {}

  of(roomId: string, mxid: string): string {
    const k = `${roomId}\n${mxid}`;
    let id = this.cache.get(k);
    if (id === undefined) {
      id = createHmac('sha256', this.secret()).update(k).digest('base64url');
      if (this.cache.size > 10_000) this.cache.clear(); // bounded; recomputing is cheap
      this.cache.set(k, id);
    }
    return id;
  }

  private secret(): Buffer {
    if (this.key) return this.key;
    const stored = this.kv.get(KV_NS, 'key');
    if (stored) return (this.key = Buffer.from(stored, 'base64'));
    this.key = randomBytes(32);
    this.kv.put(KV_NS, 'key', this.key.toString('base64'));
    return this.key;
  }
}

export function occupantIdElement(id: string): XmlElement {
  return x('occupant-id', { xmlns: NS_OCCUPANT_ID, id });
}

/** A client's own <occupant-id/> is never passed on (the XEP: the service replaces it). */
export function isOccupantId(parent: XmlElement, child: XmlElement): boolean {
  return child.name === 'occupant-id' && parent.nsOf(child) === NS_OCCUPANT_ID;
}

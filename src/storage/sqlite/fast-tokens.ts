// XEP-0484 FAST tokens (see FastTokenStore in core/ports.ts): two slots per client; hashes only,
// but for the channel-binding mechanisms, which need the token itself.
// Password changes and deactivation clear them in accounts.ts, in the same transaction.
import type Database from 'better-sqlite3';
import type { FastTokenRecord, FastTokenStore } from '../../core/ports.js';

interface Row { slot: 'current' | 'new'; mechanism: string; proof_hash: Buffer; server_proof: Buffer; secret: Buffer | null; expires_ts: number; last_count: number }

export function sqliteFastTokenStore(db: Database.Database): FastTokenStore {
  const list = db.prepare<[string, string], Row>(
    'SELECT slot, mechanism, proof_hash, server_proof, secret, expires_ts, last_count FROM fast_tokens WHERE localpart = ? AND client_id = ?');
  const put = db.prepare(`INSERT OR REPLACE INTO fast_tokens (localpart, client_id, slot, mechanism, proof_hash, server_proof, secret, expires_ts)
    VALUES (?, ?, 'new', ?, ?, ?, ?, ?)`);
  const del = db.prepare('DELETE FROM fast_tokens WHERE localpart = ? AND client_id = ? AND slot = ?');
  const promote = db.prepare(`UPDATE fast_tokens SET slot = 'current' WHERE localpart = ? AND client_id = ? AND slot = 'new'`);
  const count = db.prepare('UPDATE fast_tokens SET last_count = MAX(last_count, ?) WHERE localpart = ? AND client_id = ? AND slot = ?');

  return {
    tokens: (localpart, clientId) => list.all(localpart, clientId).map((r): FastTokenRecord => ({
      slot: r.slot, mechanism: r.mechanism, proofHash: r.proof_hash, serverProof: r.server_proof, secret: r.secret,
      expiresTs: r.expires_ts, lastCount: r.last_count,
    })),
    putNew(localpart, clientId, t) {
      put.run(localpart, clientId, t.mechanism, t.proofHash, t.serverProof, t.secret, t.expiresTs);
    },
    used: db.transaction((localpart: string, clientId: string, slot: 'current' | 'new', n: number) => {
      count.run(n, localpart, clientId, slot);
      if (slot === 'new') {
        del.run(localpart, clientId, 'current');
        promote.run(localpart, clientId);
      }
    }),
    remove(localpart, clientId, slot) {
      del.run(localpart, clientId, slot);
    },
  };
}

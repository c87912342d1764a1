// Cross-signing (spec cross_signing.yaml): uploading the master, self-signing and user-signing
// keys (behind user-interactive auth once the user has a master key), uploading signatures of devices and keys, and the
// cross-signing sections of /keys/query.
import { canonicalJson } from '../../core/events/index.js';
import type { JsonObject } from '../../core/events/types.js';
import type { MatrixContext } from '../context.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { bodyObject, isObject } from '../http/validate.js';
import { uiaFor } from '../auth/uia.js';
import { commitKeyChange } from '../e2ee/changes.js';
import { signerKeys, verifiedSignatures } from '../e2ee/signatures.js';
import { crossSigningPublicKey, mergeSignatures, parseCrossSigningKey, type CrossSigningUsage } from '../e2ee/validate.js';

const USAGES: CrossSigningUsage[] = ['master', 'self_signing', 'user_signing'];

/** master_keys and self_signing_keys of the users; user_signing_keys only of the requester's own. */
export function crossSigningSections(m: MatrixContext, users: string[], requester: string): JsonObject {
  const master_keys: JsonObject = {};
  const self_signing_keys: JsonObject = {};
  const user_signing_keys: JsonObject = {};
  for (const u of users) {
    const keys = m.core.storage.e2ee.crossSigningKeys(u);
    const mk = keys.get('master');
    const ssk = keys.get('self_signing');
    const usk = keys.get('user_signing');
    if (mk) master_keys[u] = mk;
    if (ssk) self_signing_keys[u] = ssk;
    if (usk && u === requester) user_signing_keys[u] = usk;
  }
  return { master_keys, self_signing_keys, user_signing_keys };
}

async function uploadSigningKeys(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  const body = bodyObject(ctx.body);
  const userId = ctx.requester.userId;
  // Check the keys before asking for a password, so a malformed upload fails at once.
  const keys = new Map<CrossSigningUsage, JsonObject>();
  for (const usage of USAGES) {
    const v = body[`${usage}_key`];
    if (v !== undefined && v !== null) keys.set(usage, parseCrossSigningKey(v, userId, usage));
  }
  // Spec (MSC3967, v1.11): no UIA for the first upload, nor for re-sending the keys already
  // stored; replacing keys needs the password, since new keys re-anchor the user's identity.
  const stored = m.core.storage.e2ee.crossSigningKeys(userId);
  const same = [...keys].every(([usage, key]) => canonicalJson(stored.get(usage) ?? null) === canonicalJson(key));
  if (stored.has('master') && same) return {};
  if (stored.has('master')) await uiaFor(m).require(ctx, body, { flows: [['m.login.password']] });
  if (keys.size === 0) return {};
  await commitKeyChange(m.core, userId, () => {
    for (const [usage, key] of keys) m.core.storage.e2ee.putCrossSigningKey(userId, usage, key);
  });
  return {};
}

type Failure = { errcode: string; error: string };

/**
 * Merges a verified signature into what it targets: a device or the master key of the uploader,
 * or another user's master key (signed with the uploader's user-signing key).
 */
function planSignature(m: MatrixContext, signer: string, userId: string, keyId: string, signed: JsonObject): Failure | (() => void) {
  const e2ee = m.core.storage.e2ee;
  const keys = signerKeys(e2ee.deviceKeys(signer), e2ee.crossSigningKeys(signer));
  const own = userId === signer;
  const device = own ? e2ee.deviceKeys(userId).get(keyId) : undefined;
  const cross = [...e2ee.crossSigningKeys(userId)].find(([usage, key]) => crossSigningPublicKey(key) === keyId && (own || usage === 'master'));
  const stored = device ?? cross?.[1];
  if (!stored) return { errcode: 'M_NOT_FOUND', error: `No key ${keyId} of ${userId} that ${signer} may sign` };
  const ok = verifiedSignatures(signed, stored, signer, keys);
  if (typeof ok === 'string') return { errcode: 'M_INVALID_SIGNATURE', error: ok };
  // The merge re-reads the stored key inside the commit, so two uploads in one turn both count.
  if (device) return () => e2ee.putDeviceKeys(userId, keyId, mergeSignatures(e2ee.deviceKeys(userId).get(keyId) ?? device, ok));
  return () => e2ee.putCrossSigningKey(userId, cross![0], mergeSignatures(e2ee.crossSigningKeys(userId).get(cross![0]) ?? cross![1], ok));
}

async function uploadSignatures(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  const body = bodyObject(ctx.body);
  const failures: Record<string, Record<string, Failure>> = {};
  const jobs: [string, string, JsonObject][] = [];
  for (const [userId, perKey] of Object.entries(body)) {
    if (!isObject(perKey)) { (failures[userId] ??= {})[''] = { errcode: 'M_BAD_JSON', error: 'Expected an object of keys' }; continue; }
    for (const [keyId, signed] of Object.entries(perKey)) {
      if (!isObject(signed) || !isObject(signed.signatures)) {
        (failures[userId] ??= {})[keyId] = { errcode: 'M_BAD_JSON', error: 'Expected a signed object' };
      } else if (signed.user_id !== userId) {
        (failures[userId] ??= {})[keyId] = { errcode: 'M_INVALID_PARAM', error: 'user_id does not match' };
      } else {
        jobs.push([userId, keyId, signed]);
      }
    }
  }
  for (const [userId, keyId, signed] of jobs) {
    const plan = planSignature(m, ctx.requester.userId, userId, keyId, signed);
    if (typeof plan === 'function') await commitKeyChange(m.core, userId, plan);
    else (failures[userId] ??= {})[keyId] = plan;
  }
  return { failures } as JsonObject;
}

export function keySigningRoutes(m: MatrixContext): Route[] {
  return [
    { method: 'POST', path: '/_matrix/client/v3/keys/device_signing/upload', auth: 'required', handler: (ctx) => uploadSigningKeys(m, ctx) },
    { method: 'POST', path: '/_matrix/client/v3/keys/signatures/upload', auth: 'required', handler: (ctx) => uploadSignatures(m, ctx) },
  ];
}

// Auth rule 4.4.1: invites that redeem an m.room.third_party_invite (an invite sent to an
// e-mail address, later bound to a Matrix id by an identity server that signed `signed`).

import { verifyJsonSignature } from '../events/signing.js';
import { stateTuple, type JsonObject, type JsonValue } from '../events/types.js';
import { isObject } from './power-levels.js';
import { allow, deny, type AuthResult } from './result.js';
import { membershipOf, type AuthContext } from './state.js';

export function authorizeThirdPartyInvite(ctx: AuthContext, target: string): AuthResult {
  const { pdu, state } = ctx;
  if (membershipOf(state, target) === 'ban') return deny('invited user is banned');
  const invite = pdu.content.third_party_invite;
  const signed = isObject(invite) ? invite.signed : undefined;
  if (!isObject(signed)) return deny('third_party_invite has no signed object');
  if (typeof signed.mxid !== 'string' || typeof signed.token !== 'string') {
    return deny('third_party_invite.signed lacks mxid or token');
  }
  if (signed.mxid !== target) return deny('third_party_invite.signed.mxid is not the invited user');
  const original = state.get(stateTuple('m.room.third_party_invite', signed.token));
  if (!original) return deny('no m.room.third_party_invite event for this token');
  if (original.sender !== pdu.sender) return deny('sender did not send the third party invite');
  for (const key of publicKeysOf(original.content)) {
    if (isSignedWith(signed, key)) return allow();
  }
  return deny('third_party_invite.signed bears no signature of the invite public keys');
}

/** `public_key` and every `public_keys[].public_key` of the m.room.third_party_invite event. */
function publicKeysOf(content: JsonObject): string[] {
  const keys: string[] = [];
  if (typeof content.public_key === 'string') keys.push(content.public_key);
  const list: JsonValue | undefined = content.public_keys;
  if (Array.isArray(list)) {
    for (const entry of list) {
      if (isObject(entry) && typeof entry.public_key === 'string') keys.push(entry.public_key);
    }
  }
  return keys;
}

// Any ed25519 signature in `signed`, by any signer, made with this key.
function isSignedWith(signed: JsonObject, publicKey: string): boolean {
  // Identity servers have published keys in both Base64 alphabets; verification wants standard.
  const standardKey = publicKey.replace(/-/g, '+').replace(/_/g, '/');
  const signatures = signed.signatures;
  if (!isObject(signatures)) return false;
  for (const [signer, byKey] of Object.entries(signatures)) {
    if (!isObject(byKey)) continue;
    for (const keyId of Object.keys(byKey)) {
      if (!keyId.startsWith('ed25519:')) continue;
      if (verifyJsonSignature(signed, signer, keyId, standardKey)) return true;
    }
  }
  return false;
}

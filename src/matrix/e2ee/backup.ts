// Which of two backed-up copies of a Megolm session to keep (spec key_backup.yaml, "PUT
// /room_keys/keys"): a verified copy beats an unverified one, then the lower first message index
// (it decrypts more), then the lower forwarded count (fewer hops). Pure so it has its own tests.
import type { JsonObject } from '../../core/events/types.js';

export function betterSession(candidate: JsonObject, existing: JsonObject): boolean {
  if (candidate.is_verified !== existing.is_verified) return candidate.is_verified === true;
  const ci = Number(candidate.first_message_index);
  const ei = Number(existing.first_message_index);
  if (ci !== ei) return ci < ei;
  return Number(candidate.forwarded_count) < Number(existing.forwarded_count);
}

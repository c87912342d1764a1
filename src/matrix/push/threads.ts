// Which thread an event is in (spec receipts.md "Threaded read receipts"): an m.thread relation
// names its root; other relations inherit their parent's thread, following at most three hops.
import type { JsonObject } from '../../core/events/types.js';

export const MAIN_THREAD = 'main';
const MAX_HOPS = 3;

function relationOf(content: JsonObject): { relType: unknown; eventId: string } | null {
  const rel = content['m.relates_to'];
  if (typeof rel !== 'object' || rel === null || Array.isArray(rel) || typeof rel.event_id !== 'string') return null;
  return { relType: rel.rel_type, eventId: rel.event_id };
}

/** The thread root id, or MAIN_THREAD; `contentOf` reads a parent event's content (null if unknown). */
export function threadOf(content: JsonObject, contentOf: (eventId: string) => JsonObject | null): string {
  let current: JsonObject | null = content;
  for (let hop = 0; hop <= MAX_HOPS && current; hop++) {
    const rel = relationOf(current);
    if (!rel) return MAIN_THREAD;
    if (rel.relType === 'm.thread') return rel.eventId;
    current = contentOf(rel.eventId);
  }
  return MAIN_THREAD;
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../../core/events/types.js';
import { MAIN_THREAD, threadOf } from './threads.js';

test('thread membership follows relations up to three hops (spec receipts.md)', () => {
  const events: Record<string, JsonObject> = {
    $root: { body: 'root' },
    $reply: { body: 'r', 'm.relates_to': { rel_type: 'm.thread', event_id: '$root' } },
    $edit: { 'm.relates_to': { rel_type: 'm.replace', event_id: '$reply' } },
    $react: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$edit', key: 'x' } },
    $deep: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$react', key: 'y' } },
    $deeper: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$deep', key: 'w' } },
    $onRoot: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$root', key: 'z' } },
  };
  const lookup = (id: string) => events[id] ?? null;
  assert.equal(threadOf(events.$root, lookup), MAIN_THREAD, 'a root is in the main timeline');
  assert.equal(threadOf(events.$reply, lookup), '$root');
  assert.equal(threadOf(events.$edit, lookup), '$root');
  assert.equal(threadOf(events.$react, lookup), '$root');
  assert.equal(threadOf(events.$deep, lookup), '$root', 'three hops up to the threaded reply');
  assert.equal(threadOf(events.$deeper, lookup), MAIN_THREAD, 'beyond three hops');
  assert.equal(threadOf(events.$onRoot, lookup), MAIN_THREAD, 'relations to a root stay in main');
  assert.equal(threadOf({ 'm.relates_to': { rel_type: 'm.replace', event_id: '$unknown' } }, lookup), MAIN_THREAD);
  assert.equal(threadOf({ 'm.relates_to': 'junk' } as JsonObject, lookup), MAIN_THREAD);
});

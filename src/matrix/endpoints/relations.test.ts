import { test } from 'node:test';
import assert from 'node:assert/strict';
import { annotations } from './relations.js';
import type { RelationRow } from '../../core/ports.js';

const row = (relType: string, key: string | null, type = 'm.reaction'): RelationRow =>
  ({ eventId: `$${Math.random()}`, relType, type, sender: '@a:h', key, stream: 1 });

test('annotations are counted per type and key, most used first; other relations do not count', () => {
  const got = annotations([row('m.annotation', '👍'), row('m.annotation', '🎉'), row('m.annotation', '👍'),
    row('m.annotation', '👍', 'm.sticker'), row('m.thread', null), row('m.annotation', null)]);
  assert.deepEqual(got, { chunk: [
    { type: 'm.reaction', key: '👍', count: 2 },
    { type: 'm.reaction', key: '🎉', count: 1 },
    { type: 'm.sticker', key: '👍', count: 1 },
  ] });
  assert.equal(annotations([row('m.replace', null)]), undefined);
  assert.equal(annotations([]), undefined);
});

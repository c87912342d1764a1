import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventLinks } from './event-links.js';

test('answers are read once, then follow the writes the store reports', () => {
  const l = new EventLinks();
  let reads = 0;
  const none = () => { reads++; return null; };
  const no = () => { reads++; return false; };
  assert.equal(l.redactedBy('$a', none), null);
  assert.equal(l.redactedBy('$a', none), null);
  assert.equal(l.hasChildren('$a', no), false);
  assert.equal(l.hasChildren('$a', no), false);
  assert.equal(reads, 2);
  l.related('$a');
  assert.equal(l.hasChildren('$a', no), true);
  l.redacted('$a', '$r1');
  l.redacted('$a', '$r2'); // the first recorded redaction stays
  assert.equal(l.redactedBy('$a', none), '$r1');
  // A redaction may have removed a relation: children are read again.
  assert.equal(l.hasChildren('$a', no), false);
  assert.equal(reads, 3);
  // Writes about events never asked about are not remembered: the next ask reads.
  l.related('$b');
  assert.equal(l.hasChildren('$b', () => { reads++; return true; }), true);
  assert.equal(reads, 4);
  l.clear();
  assert.equal(l.redactedBy('$a', none), null);
  assert.equal(reads, 5);
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromPairs, mergeSpecs, specKey, stateSelector, widens } from './required-state.js';

const ME = '@me:x';

describe('required_state selection', () => {
  it('matches exact pairs and nothing else', () => {
    const sel = stateSelector(fromPairs([['m.room.name', ''], ['m.room.create', '']]), ME);
    assert.ok(sel('m.room.name', ''));
    assert.ok(sel('m.room.create', ''));
    assert.ok(!sel('m.room.topic', ''));
    assert.ok(!sel('m.room.name', 'other'));
  });

  it('`*` matches every type or every key', () => {
    const all = stateSelector(fromPairs([['*', '*']]), ME);
    assert.ok(all('m.room.topic', ''));
    assert.ok(all('m.room.member', '@a:x'));
    const members = stateSelector(fromPairs([['m.room.member', '*']]), ME);
    assert.ok(members('m.room.member', '@a:x'));
    assert.ok(!members('m.room.topic', ''));
    const emptyKeys = stateSelector(fromPairs([['*', '']]), ME);
    assert.ok(emptyKeys('m.room.topic', ''));
    assert.ok(!emptyKeys('m.room.member', '@a:x'));
  });

  it('$ME is the requester', () => {
    const sel = stateSelector(fromPairs([['m.room.member', '$ME']]), ME);
    assert.ok(sel('m.room.member', ME));
    assert.ok(!sel('m.room.member', '@other:x'));
  });

  it('$LAZY sends only the members behind the returned events, even beside [*, *]', () => {
    const spec = fromPairs([['*', '*'], ['m.room.member', '$LAZY']]);
    assert.equal(spec.lazyMembers, true);
    const sel = stateSelector(spec, ME);
    assert.ok(sel('m.room.topic', ''));
    assert.ok(!sel('m.room.member', '@a:x'));
    assert.ok(sel('m.room.member', '@a:x', new Set(['@a:x'])));
  });

  it('an explicit type is governed by its own entries, not by the type wildcard', () => {
    const sel = stateSelector(fromPairs([['*', '*'], ['m.room.member', '$ME']]), ME);
    assert.ok(sel('m.room.member', ME));
    assert.ok(!sel('m.room.member', '@a:x'));
    assert.ok(sel('m.room.power_levels', ''));
  });

  it('exclude removes matches, but not lazily loaded members', () => {
    const spec = { include: [['*', '*'] as const], exclude: [['m.room.create', ''] as const, ['m.room.member', '*'] as const], lazyMembers: true };
    const sel = stateSelector(spec, ME);
    assert.ok(!sel('m.room.create', ''));
    assert.ok(sel('m.room.name', ''));
    assert.ok(sel('m.room.member', '@a:x', new Set(['@a:x'])));
  });

  it('merging is the union, and an exclusion survives only when every config has it', () => {
    const a = fromPairs([['m.room.name', '']]);
    const b = { include: [['m.room.topic', ''] as const], exclude: [['m.room.create', ''] as const], lazyMembers: true };
    const m = mergeSpecs([a, b]);
    const sel = stateSelector(m, ME);
    assert.ok(sel('m.room.name', ''));
    assert.ok(sel('m.room.topic', ''));
    assert.equal(m.lazyMembers, true);
    assert.deepEqual(m.exclude, []);
    assert.deepEqual(mergeSpecs([b, b]).exclude, [['m.room.create', '']]);
  });

  it('tells a wider spec from the same one in another order', () => {
    const a = fromPairs([['m.room.name', ''], ['m.room.topic', '']]);
    const b = fromPairs([['m.room.topic', ''], ['m.room.name', '']]);
    assert.equal(specKey(a), specKey(b));
    assert.ok(!widens(a, b));
    assert.ok(widens(a, fromPairs([['m.room.name', ''], ['m.room.topic', ''], ['m.room.avatar', '']])));
    assert.ok(!widens(a, fromPairs([['m.room.name', '']])));
    assert.ok(widens(a, fromPairs([['m.room.name', ''], ['m.room.member', '$LAZY']])));
  });
});

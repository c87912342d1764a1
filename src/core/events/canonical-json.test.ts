import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadFixture } from '../../../test/fixtures/load.js';
import {
  CanonicalJsonError,
  assertCanonicalizable,
  canonicalJson,
  canonicalJsonBytes,
  compareCodePoints,
  isCanonicalizable,
} from './canonical-json.js';

const vectors = loadFixture<{ cases: { input: string; expected: string }[] }>('matrix-spec/canonical-json.json');

test('every canonical JSON example of the spec', () => {
  assert.equal(vectors.cases.length, 10);
  for (const { input, expected } of vectors.cases) {
    assert.equal(canonicalJson(JSON.parse(input)), expected, input);
  }
});

test('bytes are UTF-8', () => {
  assert.deepEqual(canonicalJsonBytes({ a: '日' }), Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe6, 0x97, 0xa5, 0x22, 0x7d]));
});

test('escapes only what the grammar requires', () => {
  assert.equal(canonicalJson('"\\/\b\f\n\r\t'), '"\\"\\\\/\\b\\f\\n\\r\\t"');
  assert.equal(canonicalJson('\u0000\u0001\u001f\u007f'), '"\\u0000\\u0001\\u001f\u007f"');
  assert.equal(canonicalJson('\u2028\u00e9'), '"\u2028\u00e9"');
});

test('keys sort by code point, not UTF-16 unit', () => {
  // U+FF61 is above U+1F600 in UTF-16 units (0xFF61 > 0xD83D) but below it as code points.
  assert.equal(canonicalJson({ '\u{1F600}': 1, '\uFF61': 2, a: 3 }), '{"a":3,"\uFF61":2,"\u{1F600}":1}');
  assert.ok(compareCodePoints('\uFF61', '\u{1F600}') < 0);
  assert.ok(compareCodePoints('ab', 'a') > 0);
  assert.equal(compareCodePoints('x', 'x'), 0);
});

test('integers at the edges of the range', () => {
  assert.equal(canonicalJson([2 ** 53 - 1, -(2 ** 53) + 1, 0]), '[9007199254740991,-9007199254740991,0]');
});

test('rejects floats and out-of-range integers', () => {
  for (const bad of [1.5, 2 ** 53, -(2 ** 53), 1e300, NaN, Infinity, -Infinity]) {
    assert.throws(() => canonicalJson({ n: bad }), CanonicalJsonError, String(bad));
    assert.equal(isCanonicalizable([bad]), false);
  }
});

test('rejects values that are not JSON', () => {
  for (const bad of [undefined, () => 1, Symbol('x'), 1n, new Date(0), new Map(), [undefined], '\uD800']) {
    assert.throws(() => assertCanonicalizable(bad), CanonicalJsonError);
  }
  // eslint-disable-next-line no-sparse-arrays
  assert.throws(() => canonicalJson([1, , 2]), CanonicalJsonError);
});

test('the error names where the bad value is', () => {
  assert.throws(() => canonicalJson({ a: { b: [0, 0.5] } }), /at \.a\.b\[1\]/);
});

test('absent (undefined) members are skipped like JSON.stringify does', () => {
  assert.equal(canonicalJson({ a: 1, b: undefined }), '{"a":1}');
});

test('lenient mode for old room versions writes unsafe numbers', () => {
  assert.equal(canonicalJson({ a: 1.5, b: 2 ** 60 }, { allowUnsafeNumbers: true }), '{"a":1.5,"b":1152921504606846976}');
  assert.throws(() => canonicalJson({ a: NaN }, { allowUnsafeNumbers: true }), CanonicalJsonError);
});

test('objects without a prototype are plain objects', () => {
  const o = Object.create(null) as Record<string, number>;
  o.z = 1;
  o.a = 2;
  assert.equal(canonicalJson(o), '{"a":2,"z":1}');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { readJsonBody } from './body.js';
import { MatrixError } from '../errors.js';

const req = (text: string) => Object.assign(Readable.from([Buffer.from(text)]), { headers: {} }) as unknown as IncomingMessage;
const errcode = async (text: string) => {
  try { await readJsonBody(req(text), 1 << 20); return 'ok'; } catch (e) { return (e as MatrixError).errcode; }
};

test('a JSON body is parsed; none is undefined; broken JSON is M_NOT_JSON', async () => {
  assert.deepEqual(await readJsonBody(req('{"a":[1,{"b":"\\u00e9"}]}'), 100), { a: [1, { b: 'é' }] });
  assert.equal(await readJsonBody(req(''), 100), undefined);
  assert.equal(await errcode('{"a":'), 'M_NOT_JSON');
  assert.equal(await readJsonBody(req(`{"a":"${'x'.repeat(200)}"}`), 100).catch((e: MatrixError) => e.errcode), 'M_TOO_LARGE');
});

test('a "__proto__" key anywhere, spelt plainly or with escapes, is M_BAD_JSON; the word as a value is fine', async () => {
  assert.equal(await errcode('{"__proto__":{"admin":true}}'), 'M_BAD_JSON');
  assert.equal(await errcode('{"a":[{"b":{"__proto__":1}}]}'), 'M_BAD_JSON');
  assert.equal(await errcode('{"\\u005f_proto__":{}}'), 'M_BAD_JSON');
  assert.equal(await errcode('{"body":"__proto__ \\u0041","constructor":1}'), 'ok');
  assert.equal(({} as Record<string, unknown>).admin, undefined, 'nothing reached Object.prototype');
});

test('a deeply nested body with escapes is walked without exhausting the stack', async () => {
  const depth = 200_000;
  assert.equal(await errcode(`${'['.repeat(depth)}"\\u0041"${']'.repeat(depth)}`).then((c) => c === 'ok' || c === 'M_NOT_JSON'), true);
  assert.equal(await errcode(`{"a":[${Array(100_000).fill('"\\u0041"').join(',')}]}`), 'ok');
});

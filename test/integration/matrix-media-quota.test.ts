// Upload limits: the per-file maximum (413 M_TOO_LARGE) and the per-user quota (403 M_FORBIDDEN,
// as the spec's upload 403 says for "reached a quota").
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { contentFiles, http } from './media-support.js';

let server: TestServer;
let token: string;

before(async () => {
  server = await startTestServer({ extra: { media: { max_upload_bytes: 2048, user_quota_bytes: 3000 } } });
  await server.addUser('carol');
  const r = await http(`${server.matrixUrl}/_matrix/client/v3/login`, { method: 'POST', contentType: 'application/json',
    body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'carol' }, password: 'secret-pw' }) });
  token = r.json.access_token;
});

after(async () => { await server?.destroy(); });

const upload = (body: Buffer, headers: Record<string, string> = {}) =>
  http(`${server.matrixUrl}/_matrix/media/v3/upload`, { method: 'POST', token, contentType: 'application/octet-stream', body, headers });

test('config announces the limit; a file over it is 413 M_TOO_LARGE and leaves nothing on disk', async () => {
  const cfg = await http(`${server.matrixUrl}/_matrix/client/v1/media/config`, { token });
  assert.equal(cfg.json['m.upload.size'], 2048);
  const big = await upload(Buffer.alloc(2049, 1));
  assert.equal(big.status, 413);
  assert.equal(big.json.errcode, 'M_TOO_LARGE');
  assert.equal(contentFiles(server.dataDir).length, 0);
});

test('a streamed (chunked) upload over the limit is cut off at the limit', async () => {
  const body = new ReadableStream({
    start(c) { for (let i = 0; i < 5; i++) c.enqueue(new Uint8Array(1000)); c.close(); },
  });
  const res = await fetch(`${server.matrixUrl}/_matrix/media/v3/upload`, {
    method: 'POST', headers: { Authorization: `Bearer ${token}` }, body, duplex: 'half',
  } as RequestInit).catch((err: unknown) => err as Error);
  // The server answers 413 and closes; the client may see the answer or a reset while sending.
  if (res instanceof Response) {
    assert.equal(res.status, 413);
    assert.equal((await res.json()).errcode, 'M_TOO_LARGE');
  }
  assert.equal(contentFiles(server.dataDir).length, 0);
});

test('uploads past the user quota are 403 M_FORBIDDEN', async () => {
  assert.equal((await upload(Buffer.alloc(1500, 2))).status, 200);
  assert.equal((await upload(Buffer.alloc(1400, 3))).status, 200);
  const over = await upload(Buffer.alloc(200, 4));
  assert.equal(over.status, 403);
  assert.equal(over.json.errcode, 'M_FORBIDDEN');
  assert.match(over.json.error, /quota/);
});

test('uploads survive a restart', async () => {
  const bytes = Buffer.from('kept across restarts');
  const r = await upload(bytes);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  server = await server.restart();
  const id = (r.json.content_uri as string).split('/').pop();
  const d = await http(`${server.matrixUrl}/_matrix/client/v1/media/download/localhost/${id}`, { token });
  assert.deepEqual(d.bytes, bytes);
});

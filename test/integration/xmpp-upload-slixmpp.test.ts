// XEP-0363 from an independent client: Debian's slixmpp finds the upload service through disco,
// reads its limit, gets a slot, PUTs with aiohttp, and the GET URL serves the same bytes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, type TestServer } from './harness.js';
import { runPython, slixmppScript } from './clients/slixmpp.js';
import { http, png } from './media-support.js';

let server: TestServer;
let dir: string;

before(async () => {
  server = await startTestServer({ extra: { media: { max_upload_bytes: 100000 } } });
  await server.addUser('dave');
  dir = mkdtempSync(join(tmpdir(), 'hearth-upload-'));
});

after(async () => {
  await server?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

test('slixmpp uploads a file with its XEP-0363 plugin and the GET URL serves it', async () => {
  const bytes = await png(120, 80);
  const file = join(dir, 'photo.png');
  writeFileSync(file, bytes);
  const r = await runPython([slixmppScript('http_upload.py'), '127.0.0.1', String(server.xmppPorts.starttls), 'dave@localhost', 'secret-pw', file]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.equal(out.ok, true, JSON.stringify(out));
  assert.equal(out.service, 'upload.localhost');
  assert.equal(out.max_file_size, 100000);
  assert.equal(out.too_big, 'not-acceptable');
  assert.equal(out.too_big_max, '100000');
  const got = await http(out.url);
  assert.equal(got.status, 200);
  assert.deepEqual(got.bytes, bytes);
  assert.equal(got.headers.get('content-type'), 'image/png');
});

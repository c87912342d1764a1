// The Matrix media repository with matrix-js-sdk and raw HTTP: upload, download, thumbnails,
// deduplication, legacy routes and bad input.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { loginAndSync, type Session } from './clients/matrix-sdk.js';
import { contentFiles, dims, http, png } from './media-support.js';

let server: TestServer;
let alice: Session;

before(async () => {
  server = await startTestServer();
  await server.addUser('alice');
  alice = await loginAndSync(server.matrixUrl, 'alice');
});

after(async () => {
  alice?.client.stopClient();
  await server?.destroy();
});

const v1 = () => `${server.matrixUrl}/_matrix/client/v1/media`;
const idOf = (mxc: string) => mxc.slice('mxc://localhost/'.length);

test('matrix-js-sdk uploadContent, then an authenticated download gives the same bytes back', async () => {
  const bytes = await png(1000, 500);
  const { content_uri } = await alice.client.uploadContent(new Uint8Array(bytes), { name: 'big.png', type: 'image/png' });
  assert.match(content_uri, /^mxc:\/\/localhost\/[A-Za-z0-9]{24}$/);
  const r = await http(`${v1()}/download/localhost/${idOf(content_uri)}`, { token: alice.accessToken });
  assert.equal(r.status, 200);
  assert.deepEqual(r.bytes, bytes);
  assert.equal(r.headers.get('content-type'), 'image/png');
  assert.equal(r.headers.get('content-disposition'), 'inline; filename="big.png"');
  assert.match(r.headers.get('content-security-policy')!, /sandbox/);
  assert.equal(r.headers.get('cross-origin-resource-policy'), 'cross-origin');
  // A file name in the path overrides the stored one.
  const named = await http(`${v1()}/download/localhost/${idOf(content_uri)}/other.png`, { token: alice.accessToken });
  assert.equal(named.headers.get('content-disposition'), 'inline; filename="other.png"');
});

test('thumbnails crop and scale to the spec sizes, are cached, and never upscale', async () => {
  const { content_uri } = await alice.client.uploadContent(new Uint8Array(await png(1000, 500)), { name: 'wide.png', type: 'image/png' });
  const thumb = (q: string) => http(`${v1()}/thumbnail/localhost/${idOf(content_uri)}?${q}`, { token: alice.accessToken });
  const crop = await thumb('width=96&height=96&method=crop');
  assert.equal(crop.status, 200, JSON.stringify(crop.json));
  assert.deepEqual(await dims(crop.bytes), { width: 96, height: 96, format: 'png' });
  assert.match(crop.headers.get('content-disposition')!, /^inline; filename="thumbnail\.png"$/);
  // 300x200 scale snaps to 320x240 and keeps the 2:1 aspect: 320x160.
  const scale = await thumb('width=300&height=200&method=scale');
  assert.deepEqual(await dims(scale.bytes), { width: 320, height: 160, format: 'png' });
  const again = await thumb('width=300&height=200&method=scale');
  assert.deepEqual(again.bytes, scale.bytes);
  // An original smaller than the request is served as it is.
  const small = await alice.client.uploadContent(new Uint8Array(await png(20, 10)), { name: 's.png', type: 'image/png' });
  const r = await http(`${v1()}/thumbnail/localhost/${idOf(small.content_uri)}?width=96&height=96&method=crop`, { token: alice.accessToken });
  assert.deepEqual(await dims(r.bytes), { width: 20, height: 10, format: 'png' });
});

test('a JPEG thumbnail stays JPEG', async () => {
  const sharp = (await import('sharp')).default;
  const jpeg = await sharp({ create: { width: 800, height: 800, channels: 3, background: '#336699' } }).jpeg().toBuffer();
  const { content_uri } = await alice.client.uploadContent(new Uint8Array(jpeg), { name: 'p.jpg', type: 'image/jpeg' });
  const r = await http(`${v1()}/thumbnail/localhost/${idOf(content_uri)}?width=32&height=32&method=crop`, { token: alice.accessToken });
  assert.equal(r.headers.get('content-type'), 'image/jpeg');
  assert.deepEqual(await dims(r.bytes), { width: 32, height: 32, format: 'jpeg' });
});

test('GIF and WebP thumbnails: static PNG by default, animated WebP when asked for', async () => {
  const sharp = (await import('sharp')).default;
  const frame = (bg: string) => sharp({ create: { width: 200, height: 100, channels: 3, background: bg } }).png().toBuffer();
  const gif = await sharp([await frame('#f00'), await frame('#00f')], { join: { animated: true } }).gif().toBuffer();
  const { content_uri } = await alice.client.uploadContent(new Uint8Array(gif), { name: 'blink.gif', type: 'image/gif' });
  const base = `${v1()}/thumbnail/localhost/${idOf(content_uri)}?width=96&height=96&method=crop`;
  const still = await http(base, { token: alice.accessToken });
  assert.equal(still.headers.get('content-type'), 'image/png');
  assert.deepEqual(await dims(still.bytes), { width: 96, height: 96, format: 'png' });
  const moving = await http(`${base}&animated=true`, { token: alice.accessToken });
  assert.equal(moving.headers.get('content-type'), 'image/webp');
  const meta = await sharp(moving.bytes, { animated: true }).metadata();
  assert.equal(meta.pages, 2);
  assert.equal(meta.width, 96);
  const webp = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#0a0' } }).webp().toBuffer();
  const w = await alice.client.uploadContent(new Uint8Array(webp), { name: 'g.webp', type: 'image/webp' });
  const t = await http(`${v1()}/thumbnail/localhost/${idOf(w.content_uri)}?width=32&height=32&method=crop`, { token: alice.accessToken });
  assert.deepEqual(await dims(t.bytes), { width: 32, height: 32, format: 'png' });
});

test('the same bytes uploaded twice are two mxc URIs and one file on disk', async () => {
  const bytes = Buffer.from(`dedup me ${Date.now()}`);
  const before = contentFiles(server.dataDir).length;
  const a = await alice.client.uploadContent(new Uint8Array(bytes), { name: 'a.txt', type: 'text/plain' });
  const b = await alice.client.uploadContent(new Uint8Array(bytes), { name: 'b.txt', type: 'text/plain' });
  assert.notEqual(a.content_uri, b.content_uri);
  assert.equal(contentFiles(server.dataDir).length, before + 1);
  for (const uri of [a.content_uri, b.content_uri]) {
    const r = await http(`${v1()}/download/localhost/${idOf(uri)}`, { token: alice.accessToken });
    assert.deepEqual(r.bytes, bytes);
  }
});

test('the deprecated unauthenticated routes still serve downloads and thumbnails', async () => {
  const { content_uri } = await alice.client.uploadContent(new Uint8Array(await png(400, 400)), { name: 'sq.png', type: 'image/png' });
  const legacy = `${server.matrixUrl}/_matrix/media/v3`;
  const d = await http(`${legacy}/download/localhost/${idOf(content_uri)}`);
  assert.equal(d.status, 200);
  assert.equal(d.headers.get('content-type'), 'image/png');
  const t = await http(`${legacy}/thumbnail/localhost/${idOf(content_uri)}?width=32&height=32&method=crop`);
  assert.deepEqual(await dims(t.bytes), { width: 32, height: 32, format: 'png' });
  const cfg = await http(`${legacy}/config`, { token: alice.accessToken });
  assert.equal(cfg.json['m.upload.size'], server.config.media.max_upload_bytes);
  const cfg1 = await http(`${v1()}/config`, { token: alice.accessToken });
  assert.equal(cfg1.json['m.upload.size'], server.config.media.max_upload_bytes);
});

test('async upload: create, wait for the bytes, only the creator may upload, only once', async () => {
  await server.addUser('bob');
  const bobLogin = await http(`${server.matrixUrl}/_matrix/client/v3/login`, { method: 'POST', contentType: 'application/json',
    body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'bob' }, password: 'secret-pw' }) });
  const bob = bobLogin.json.access_token as string;
  const created = await http(`${server.matrixUrl}/_matrix/media/v1/create`, { method: 'POST', token: alice.accessToken, contentType: 'application/json', body: '{}' });
  assert.equal(created.status, 200);
  assert.ok(created.json.unused_expires_at > Date.now());
  const id = idOf(created.json.content_uri);
  const early = await http(`${v1()}/download/localhost/${id}?timeout_ms=0`, { token: alice.accessToken });
  assert.equal(early.status, 504);
  assert.equal(early.json.errcode, 'M_NOT_YET_UPLOADED');
  const waiting = http(`${v1()}/download/localhost/${id}?timeout_ms=20000`, { token: alice.accessToken });
  const put = (token: string, body: string) => http(`${server.matrixUrl}/_matrix/media/v3/upload/localhost/${id}?filename=late.txt`, { method: 'PUT', token, contentType: 'text/plain', body });
  const byBob = await put(bob, 'not yours');
  assert.equal(byBob.status, 403);
  assert.equal(byBob.json.errcode, 'M_FORBIDDEN');
  assert.equal((await put(alice.accessToken, 'arrived later')).status, 200);
  const got = await waiting;
  assert.equal(got.status, 200);
  assert.equal(got.bytes.toString(), 'arrived later');
  const twice = await put(alice.accessToken, 'again');
  assert.equal(twice.status, 409);
  assert.equal(twice.json.errcode, 'M_CANNOT_OVERWRITE_MEDIA');
  const unknown = await http(`${server.matrixUrl}/_matrix/media/v3/upload/localhost/AAAAAAAAAAAAAAAAAAAAAAAA`, { method: 'PUT', token: alice.accessToken, body: 'x' });
  assert.equal(unknown.status, 404);
});

test('bad input gets the spec\'s errors', async () => {
  const upload = `${server.matrixUrl}/_matrix/media/v3/upload`;
  // Spec 1.12: Content-Type is optional and defaults to application/octet-stream, served as an attachment.
  const noType = await http(upload, { method: 'POST', token: alice.accessToken, body: Buffer.from([1, 2, 3]), headers: { 'Content-Type': '' } });
  assert.equal(noType.status, 200, JSON.stringify(noType.json));
  const d = await http(`${v1()}/download/localhost/${idOf(noType.json.content_uri)}`, { token: alice.accessToken });
  assert.equal(d.headers.get('content-type'), 'application/octet-stream');
  assert.equal(d.headers.get('content-disposition'), 'attachment');
  // HTML is never inline.
  const html = await http(`${upload}?filename=x.html`, { method: 'POST', token: alice.accessToken, contentType: 'text/html', body: '<script>alert(1)</script>' });
  const h = await http(`${v1()}/download/localhost/${idOf(html.json.content_uri)}`, { token: alice.accessToken });
  assert.equal(h.headers.get('content-disposition'), 'attachment; filename="x.html"');

  const expect = async (p: Promise<{ status: number; json: Record<string, any> }>, status: number, errcode: string) => {
    const r = await p;
    assert.equal(r.status, status, JSON.stringify(r.json));
    assert.equal(r.json.errcode, errcode);
  };
  await expect(http(upload, { method: 'POST', body: 'x' }), 401, 'M_MISSING_TOKEN');
  await expect(http(`${v1()}/download/localhost/AAAAAAAAAAAAAAAAAAAAAAAA`), 401, 'M_MISSING_TOKEN');
  await expect(http(`${v1()}/download/localhost/AAAAAAAAAAAAAAAAAAAAAAAA`, { token: alice.accessToken }), 404, 'M_NOT_FOUND');
  await expect(http(`${v1()}/download/localhost/..%2F..%2Fetc`, { token: alice.accessToken }), 404, 'M_NOT_FOUND');
  await expect(http(`${v1()}/download/other.example/AAAA`, { token: alice.accessToken }), 404, 'M_NOT_FOUND');
  await expect(http(`${v1()}/download/localhost/%E0%A4%A`, { token: alice.accessToken }), 400, 'M_INVALID_PARAM');
  await expect(http(`${v1()}/download/localhost/${idOf(html.json.content_uri)}?timeout_ms=-1`, { token: alice.accessToken }), 400, 'M_INVALID_PARAM');
  const txt = idOf(html.json.content_uri);
  await expect(http(`${v1()}/thumbnail/localhost/${txt}?width=32&height=32`, { token: alice.accessToken }), 400, 'M_UNKNOWN');
  await expect(http(`${v1()}/thumbnail/localhost/${txt}?width=32`, { token: alice.accessToken }), 400, 'M_MISSING_PARAM');
  await expect(http(`${v1()}/thumbnail/localhost/${txt}?width=0&height=-3`, { token: alice.accessToken }), 400, 'M_INVALID_PARAM');
  await expect(http(`${v1()}/thumbnail/localhost/${txt}?width=32&height=32&method=zoom`, { token: alice.accessToken }), 400, 'M_INVALID_PARAM');
  // A file that claims to be an image but is not cannot be thumbnailed.
  const fake = await http(upload, { method: 'POST', token: alice.accessToken, contentType: 'image/png', body: 'not a png at all' });
  await expect(http(`${v1()}/thumbnail/localhost/${idOf(fake.json.content_uri)}?width=32&height=32`, { token: alice.accessToken }), 400, 'M_UNKNOWN');
  // Too many pixels to decode safely (a decompression bomb): refused, not decoded.
  const bomb = await png(6000, 6000);
  const b = await http(upload, { method: 'POST', token: alice.accessToken, contentType: 'image/png', body: bomb });
  await expect(http(`${v1()}/thumbnail/localhost/${idOf(b.json.content_uri)}?width=32&height=32`, { token: alice.accessToken }), 400, 'M_UNKNOWN');
  await expect(http(`${upload}?filename=a%2Fb`, { method: 'POST', token: alice.accessToken, body: 'x' }), 400, 'M_INVALID_PARAM');
  await expect(http(`${v1()}/preview_url?url=https://example.org`, { token: alice.accessToken }), 403, 'M_FORBIDDEN');
  await expect(http(`${server.matrixUrl}/_matrix/media/v3/nothing`), 404, 'M_UNRECOGNIZED');
  await expect(http(`${v1()}/config`, { method: 'DELETE', token: alice.accessToken }), 405, 'M_UNRECOGNIZED');
});

// XEP-0363 HTTP upload with @xmpp/client: discovery, slot requests, the HTTP PUT and GET, the
// same file as an mxc:// URI on the Matrix side, and every kind of bad request.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { ImClient, xml, type XmlNode } from './xmpp-im-support/im-client.js';
import { dims, http, png } from './media-support.js';

const NS = 'urn:xmpp:http:upload:0';
const UPLOAD = 'upload.localhost';
let server: TestServer;
let bob: ImClient;

before(async () => {
  server = await startTestServer({ extra: { media: { max_upload_bytes: 200000, user_quota_bytes: 300000 } } });
  await server.addUser('bob');
  bob = await ImClient.login(server.xmppPorts.starttls!, 'bob', 'secret-pw', 'phone');
});

after(async () => {
  await bob?.stop();
  await server?.destroy();
});

const request = (attrs: Record<string, string>) => bob.iqRaw('get', xml('request', { xmlns: NS, ...attrs }), UPLOAD);

async function slotFor(filename: string, bytes: Buffer, type: string): Promise<{ put: string; get: string }> {
  const res = await request({ filename, size: String(bytes.length), 'content-type': type });
  assert.equal(res.attrs.type, 'result', res.toString());
  const s = res.getChild('slot', NS)!;
  return { put: s.getChild('put')!.attrs.url as string, get: s.getChild('get')!.attrs.url as string };
}

const errorOf = (el: XmlNode) => el.getChild('error')!;

test('the upload service is found through disco and announces its limit', async () => {
  const items = await bob.iqRaw('get', xml('query', { xmlns: 'http://jabber.org/protocol/disco#items' }), 'localhost');
  const jids = items.getChild('query')!.getChildren('item').map((i) => i.attrs.jid);
  assert.ok(jids.includes(UPLOAD), jids.join(' '));
  const info = await bob.iqRaw('get', xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }), UPLOAD);
  const q = info.getChild('query')!;
  assert.ok(q.getChildren('identity').some((i) => i.attrs.category === 'store' && i.attrs.type === 'file'));
  assert.ok(q.getChildren('feature').some((f) => f.attrs.var === NS));
  const field = q.getChild('x', 'jabber:x:data')!.getChildren('field').find((f) => f.attrs.var === 'max-file-size')!;
  assert.equal(field.getChildText('value'), '200000');
});

test('a slot PUT then GET round-trips the file, and Matrix sees it as mxc:// content', async () => {
  const bytes = await png(640, 480);
  const s = await slotFor('très cool.png', bytes, 'image/png');
  assert.ok(s.put.startsWith(server.matrixUrl), s.put);
  assert.match(s.get, /tr%C3%A8s%20cool\.png$/);
  const put = await http(s.put, { method: 'PUT', body: bytes, contentType: 'image/png' });
  assert.equal(put.status, 201, put.bytes.toString());
  const got = await http(s.get);
  assert.equal(got.status, 200);
  assert.deepEqual(got.bytes, bytes);
  assert.equal(got.headers.get('content-type'), 'image/png');
  assert.match(got.headers.get('content-disposition')!, /^inline; filename\*=utf-8''tr%C3%A8s%20cool\.png$/);
  // The media id in the URL is the mxc:// id: a Matrix client downloads and thumbnails it.
  const mediaId = new URL(s.get).pathname.split('/')[5];
  const login = await http(`${server.matrixUrl}/_matrix/client/v3/login`, { method: 'POST', contentType: 'application/json',
    body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'bob' }, password: 'secret-pw' }) });
  const token = login.json.access_token as string;
  const viaMatrix = await http(`${server.matrixUrl}/_matrix/client/v1/media/download/localhost/${mediaId}`, { token });
  assert.deepEqual(viaMatrix.bytes, bytes);
  const thumb = await http(`${server.matrixUrl}/_matrix/client/v1/media/thumbnail/localhost/${mediaId}?width=96&height=96&method=crop`, { token });
  assert.deepEqual(await dims(thumb.bytes), { width: 96, height: 96, format: 'png' });
  // A slot is used once.
  const again = await http(s.put, { method: 'PUT', body: bytes, contentType: 'image/png' });
  assert.equal(again.status, 409);
});

test('a file over the limit is not-acceptable with file-too-large and the maximum', async () => {
  const res = await request({ filename: 'huge.bin', size: '200001' });
  assert.equal(res.attrs.type, 'error');
  const err = errorOf(res);
  assert.equal(err.attrs.type, 'modify');
  assert.ok(err.getChild('not-acceptable', 'urn:ietf:params:xml:ns:xmpp-stanzas'));
  assert.equal(err.getChild('file-too-large', NS)!.getChildText('max-file-size'), '200000');
});

test('bad slot requests and other iqs get stanza errors', async () => {
  const bad: Record<string, string>[] = [{ size: '10' }, { filename: 'a.txt' }, { filename: 'a.txt', size: 'ten' }, { filename: '../a', size: '1' }];
  for (const attrs of bad) {
    const res = await request(attrs);
    assert.ok(errorOf(res).getChild('bad-request', 'urn:ietf:params:xml:ns:xmpp-stanzas'), res.toString());
  }
  const other = await bob.iqRaw('get', xml('query', { xmlns: 'jabber:iq:version' }), UPLOAD);
  assert.ok(errorOf(other).getChild('service-unavailable', 'urn:ietf:params:xml:ns:xmpp-stanzas'));
});

test('the quota answers resource-constraint', async () => {
  const res = await request({ filename: 'q.bin', size: '150000' });
  assert.equal(res.attrs.type, 'result');
  const put = res.getChild('slot', NS)!.getChild('put')!.attrs.url as string;
  assert.equal((await http(put, { method: 'PUT', body: Buffer.alloc(150000, 7) })).status, 201);
  const over = await request({ filename: 'q2.bin', size: '150000' });
  assert.ok(errorOf(over).getChild('resource-constraint', 'urn:ietf:params:xml:ns:xmpp-stanzas'), over.toString());
});

test('the HTTP side refuses a bad token, a wrong length or type, and an unsigned download', async () => {
  const bytes = Buffer.from('hello upload');
  const s = await slotFor('h.txt', bytes, 'text/plain');
  const tampered = s.put.replace(/\/slot\/([^.]+)\.([^/]+)\//, (_m, p: string, sig: string) => `/slot/${p}.${sig.slice(0, -2)}AA/`);
  assert.equal((await http(tampered, { method: 'PUT', body: bytes, contentType: 'text/plain' })).status, 403);
  assert.equal((await http(`${server.matrixUrl}/_hearth/media/v1/slot/garbage/h.txt`, { method: 'PUT', body: bytes })).status, 403);
  const wrongLength = await http(s.put, { method: 'PUT', body: Buffer.from('hello upload!'), contentType: 'text/plain' });
  assert.equal(wrongLength.status, 400);
  const wrongType = await http(s.put, { method: 'PUT', body: bytes, contentType: 'image/png' });
  assert.equal(wrongType.status, 400);
  // Not uploaded yet: the GET URL answers 504 without waiting.
  assert.equal((await http(s.get)).status, 504);
  assert.equal((await http(s.put, { method: 'PUT', body: bytes, contentType: 'text/plain' })).status, 201);
  assert.equal((await http(s.get)).bytes.toString(), 'hello upload');
  const unsigned = s.get.replace(/\/file\/([^/]+)\/[^/]+\//, '/file/$1/AAAAAAAAAAAAAAAAAAAAAA/');
  const r = await http(unsigned);
  assert.equal(r.status, 403);
  assert.equal(r.json.errcode, 'M_FORBIDDEN');
});

// Files across the two protocols: an XEP-0363 upload sent with XEP-0066 OOB from XMPP becomes an
// m.image with an mxc:// URL on Matrix, and a Matrix m.image/m.file reaches XMPP as a download
// URL in the body plus OOB, fetchable without a Matrix token.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from './harness.js';
import { startMixedPair, stopMixedPair } from './clients/mixed-pair.js';
import { until, type Session } from './clients/matrix-sdk.js';
import { xml, type ImClient } from './xmpp-im-support/im-client.js';
import { http, png } from './media-support.js';

const NS = 'urn:xmpp:http:upload:0';
let server: TestServer;
let alice: Session;
let bob: ImClient;

before(async () => {
  ({ server, alice, bob } = await startMixedPair());
});

after(() => stopMixedPair({ server, alice, bob }));

interface MediaEvent { roomId: string; content: Record<string, any> }

function mediaEvents(): MediaEvent[] {
  return alice.client.getRooms().flatMap((r) => r.getLiveTimeline().getEvents()
    .filter((e) => e.getType() === 'm.room.message' && e.getContent().url)
    .map((e) => ({ roomId: r.roomId, content: e.getContent() })));
}

test('an image uploaded and sent from XMPP is an m.image whose mxc URL downloads on Matrix', async () => {
  const bytes = await png(300, 200);
  const res = await bob.iqRaw('get', xml('request', { xmlns: NS, filename: 'sunset.png', size: String(bytes.length), 'content-type': 'image/png' }), 'upload.localhost');
  const slot = res.getChild('slot', NS)!;
  const put = await http(slot.getChild('put')!.attrs.url as string, { method: 'PUT', body: bytes, contentType: 'image/png' });
  assert.equal(put.status, 201);
  const url = slot.getChild('get')!.attrs.url as string;
  await bob.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'f1' },
    xml('body', {}, url), xml('x', { xmlns: 'jabber:x:oob' }, xml('url', {}, url))));
  await until('alice sees a file message', () => mediaEvents().length > 0, 8000);
  const [ev] = mediaEvents();
  assert.equal(ev.content.msgtype, 'm.image');
  assert.equal(ev.content.body, 'sunset.png');
  assert.match(ev.content.url, /^mxc:\/\/localhost\//);
  assert.deepEqual(ev.content.info, { mimetype: 'image/png', size: bytes.length });
  const id = (ev.content.url as string).slice('mxc://localhost/'.length);
  const dl = await http(`${server.matrixUrl}/_matrix/client/v1/media/download/localhost/${id}`, { token: alice.accessToken });
  assert.deepEqual(dl.bytes, bytes);
});

test('a foreign OOB URL stays a text message with the link', async () => {
  const foreign = 'https://files.example.net/x.png';
  await bob.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'f2' },
    xml('body', {}, foreign), xml('x', { xmlns: 'jabber:x:oob' }, xml('url', {}, foreign))));
  await until('alice sees the link', () => alice.client.getRooms().some((r) => r.getLiveTimeline().getEvents()
    .some((e) => e.getContent().body === foreign && e.getContent().msgtype === 'm.text')), 8000);
});

test('a Matrix m.file reaches XMPP as a token-free download URL with OOB', async () => {
  const roomId = mediaEvents()[0]!.roomId;
  const bytes = Buffer.from('%PDF-1.4 not really a pdf');
  const { content_uri } = await alice.client.uploadContent(new Uint8Array(bytes), { name: 'report.pdf', type: 'application/pdf' });
  await alice.client.sendMessage(roomId, { msgtype: 'm.file', body: 'report.pdf', url: content_uri, info: { mimetype: 'application/pdf', size: bytes.length } } as never);
  const msg = await bob.next((el) => el.name === 'message' && el.getChild('x', 'jabber:x:oob') !== undefined
    && (el.getChildText('body') ?? '').endsWith('/report.pdf'), 'the file message', 8000);
  const url = msg.getChild('x', 'jabber:x:oob')!.getChildText('url')!;
  assert.equal(msg.getChildText('body'), url);
  const got = await http(url);
  assert.equal(got.status, 200);
  assert.deepEqual(got.bytes, bytes);
  assert.equal(got.headers.get('content-disposition'), 'attachment; filename="report.pdf"');
});

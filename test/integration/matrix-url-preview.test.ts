// URL previews (spec preview_url): OpenGraph from a page this test serves on loopback (allowed
// by config: loopback is refused by default), its image stored as mxc://, the cache, and the
// refusals: other content, too big, redirect loops, forbidden addresses, timeouts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestServer, type TestServer } from './harness.js';
import { assertError, matrixFetch, enc } from './matrix-fetch.js';
import { sdk, quiet } from './clients/matrix-sdk.js';

// A 1x1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const MAX = 4096;

describe('URL previews', () => {
  let server: TestServer;
  let off: TestServer;
  let site: Server;
  let base: string;
  let token: string;
  const hits: Record<string, number> = {};
  const { call } = matrixFetch(() => server.matrixUrl);
  const preview = (url: string, prefix = '/_matrix/client/v1/media', t = token, extra = '') =>
    call('GET', `${prefix}/preview_url?url=${enc(url)}${extra}`, { token: t });

  before(async () => {
    site = createServer((req, res) => {
      const path = req.url ?? '/';
      hits[path] = (hits[path] ?? 0) + 1;
      const html = (body: string) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
      if (path === '/page') {
        html(`<!doctype html><html><head><meta property="og:title" content="Tulip &amp; Co">
          <meta property="og:description" content="Bulbs for everyone"><meta property="og:image" content="/img.png">
          <title>ignored</title></head><body>hello</body></html>`);
      } else if (path === '/img.png') res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
      else if (path === '/plain') html('<html><head><title>Plain page</title><meta name="description" content="No OpenGraph here."></head></html>');
      else if (path === '/latin1') res.writeHead(200, { 'content-type': 'text/html; charset=iso-8859-1' }).end(Buffer.from('<title>Caf\xe9</title>', 'latin1'));
      else if (path === '/text') res.writeHead(200, { 'content-type': 'text/plain' }).end('just text');
      else if (path === '/big') { res.writeHead(200, { 'content-type': 'text/html' }); res.end(`<title>big</title>${'x'.repeat(MAX * 2)}`); }
      else if (path === '/big-declared') res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(MAX * 2) }).end('x'.repeat(MAX * 2));
      else if (path === '/hop') res.writeHead(302, { location: '/plain' }).end();
      else if (path === '/loop-a') res.writeHead(302, { location: '/loop-b' }).end();
      else if (path === '/loop-b') res.writeHead(301, { location: '/loop-a' }).end();
      else if (path === '/to-private') res.writeHead(302, { location: 'http://10.1.2.3/secret' }).end();
      else if (path === '/slow') { /* never answers */ }
      else if (path === '/gone') res.writeHead(404).end();
      else if (path === '/counted') html('<title>counted</title>');
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    server = await startTestServer({ extra: { media: {
      url_previews: true, url_preview_allow_ips: ['127.0.0.1'], url_preview_max_bytes: MAX, url_preview_timeout_ms: 700, url_preview_max_redirects: 3,
    } } });
    off = await startTestServer();
    await server.addUser('alice');
    await off.addUser('alice');
    token = (await matrixFetch(() => server.matrixUrl).login('alice')).json.access_token;
  });
  after(async () => {
    site.closeAllConnections();
    site.close();
    await server.destroy();
    await off.destroy();
  });

  test('a page gives its OpenGraph data, its image as mxc:// that downloads', async () => {
    const r = await preview(`${base}/page#section`);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json['og:title'], 'Tulip & Co');
    assert.equal(r.json['og:description'], 'Bulbs for everyone');
    assert.equal(r.json['og:image:type'], 'image/png');
    assert.equal(r.json['matrix:image:size'], PNG.length);
    const mxc = /^mxc:\/\/localhost\/(\S+)$/.exec(r.json['og:image']);
    assert.ok(mxc, r.json['og:image']);
    const img = await fetch(`${server.matrixUrl}/_matrix/client/v1/media/download/localhost/${mxc[1]}`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(img.status, 200);
    assert.deepEqual(Buffer.from(await img.arrayBuffer()), PNG);
  });

  test('<title> and the description meta stand in; charsets; an image URL; other content is empty; redirects are followed', async () => {
    assert.deepEqual((await preview(`${base}/plain`)).json, { 'og:title': 'Plain page', 'og:description': 'No OpenGraph here.' });
    assert.deepEqual((await preview(`${base}/latin1`)).json, { 'og:title': 'Café' });
    const img = await preview(`${base}/img.png`);
    assert.equal(img.json['og:image:type'], 'image/png');
    assert.deepEqual((await preview(`${base}/text`)).json, {});
    assert.deepEqual((await preview(`${base}/hop`)).json['og:title'], 'Plain page');
  });

  test('answers are cached per URL; the legacy path and matrix-js-sdk get the same', async () => {
    const first = await preview(`${base}/counted`);
    const again = await preview(`${base}/counted`, '/_matrix/media/v3', token, '&ts=1510610716656');
    assert.deepEqual(again.json, first.json);
    assert.equal(hits['/counted'], 1);
    const client = sdk.createClient({ baseUrl: server.matrixUrl, accessToken: token, userId: '@alice:localhost', logger: quiet });
    const viaSdk = await client.getUrlPreview(`${base}/plain`, Date.now());
    assert.equal(viaSdk['og:title'], 'Plain page');
  });

  test('refusals: too big, redirect loops, forbidden addresses, timeouts, errors, bad parameters, off', async () => {
    assertError(await preview(`${base}/big`), 502, 'M_TOO_LARGE');
    assertError(await preview(`${base}/big-declared`), 502, 'M_TOO_LARGE');
    const loop = await preview(`${base}/loop-a`);
    assertError(loop, 502, 'M_UNKNOWN');
    assert.match(loop.json.error, /redirects/);
    assertError(await preview(`${base}/to-private`), 403, 'M_FORBIDDEN');
    const port = (site.address() as AddressInfo).port;
    assertError(await preview(`http://127.0.0.2:${port}/page`), 403, 'M_FORBIDDEN');
    assertError(await preview(`http://[::1]:${port}/page`), 403, 'M_FORBIDDEN');
    const slow = await preview(`${base}/slow`);
    assertError(slow, 502, 'M_UNKNOWN');
    assert.match(slow.json.error, /700 ms/);
    assertError(await preview(`${base}/gone`), 502, 'M_UNKNOWN');
    assertError(await preview('ftp://example.org/file'), 400, 'M_INVALID_PARAM');
    assertError(await preview('not a url'), 400, 'M_INVALID_PARAM');
    assertError(await call('GET', '/_matrix/client/v1/media/preview_url', { token }), 400, 'M_MISSING_PARAM');
    assertError(await preview(`${base}/page`, undefined, token, '&ts=yesterday'), 400, 'M_INVALID_PARAM');
    assertError(await call('GET', `/_matrix/client/v1/media/preview_url?url=${enc(`${base}/page`)}`, {}), 401, 'M_MISSING_TOKEN');
    // A failure is not cached: the page is asked again.
    await preview(`${base}/gone`);
    assert.equal(hits['/gone'], 2);
    // Off by default: 403.
    const offToken = (await matrixFetch(() => off.matrixUrl).login('alice')).json.access_token;
    assertError(await matrixFetch(() => off.matrixUrl).call('GET', `/_matrix/client/v1/media/preview_url?url=${enc(`${base}/page`)}`, { token: offToken }), 403, 'M_FORBIDDEN');
  });
});

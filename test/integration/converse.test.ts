// A real web client: Converse.js 14 in Debian's headless chromium (driven by playwright-core)
// logs in over XMPP-over-WebSocket (RFC 7395) and exchanges messages with a user on a TCP
// connection. It is given the ws:// URL: Converse's XEP-0156 discovery takes only wss:// links
// from https://DOMAIN/.well-known/host-meta, which a plain loopback test server cannot offer
// (xmpp-websocket.test.ts checks host-meta itself).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from './harness.js';
import { ImClient, isMessage, isPresence, xml } from './xmpp-im-support/im-client.js';

const CHROMIUM = '/usr/bin/chromium';
const DIST = join(process.cwd(), 'node_modules', 'converse.js', 'dist');

let server: TestServer;
let web: Server;
let webUrl: string;
let browser: Browser;
const clients: ImClient[] = [];
const consoleLines: string[] = [];

// Converse's page, served from loopback: its ESM bundle, and a plugin that hands the test the API.
const page = (websocketUrl: string) => `<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/dist/converse.min.css"></head><body>
<script type="module">
import converse from '/dist/converse.min.js';
converse.plugins.add('hearth-test', { initialize() { window.hearthApi = this._converse.api; } });
converse.initialize({
  assets_path: '/dist/', view_mode: 'fullscreen', auto_login: true, loglevel: 'info',
  jid: 'alice@localhost', password: 'alice-pw', discover_connection_methods: false, websocket_url: '${websocketUrl}',
  whitelisted_plugins: ['hearth-test'], play_sounds: false, show_desktop_notifications: false,
  persistent_store: 'sessionStorage', allow_non_roster_messaging: true,
});
</script></body></html>`;

function startWeb(): Promise<string> {
  web = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(page(`${server.matrixUrl.replace(/^http/, 'ws')}/xmpp-websocket`));
      return;
    }
    const file = normalize(join(DIST, path.replace(/^\/dist\//, '')));
    if (!path.startsWith('/dist/') || !file.startsWith(DIST)) return void res.writeHead(404).end();
    try {
      const body = await readFile(file);
      const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : file.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
      res.writeHead(200, { 'Content-Type': type }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => web.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(web.address() as AddressInfo).port}`)));
}

before(async () => {
  server = await startTestServer();
  for (const u of ['alice', 'bob']) await server.addUser(u, `${u}-pw`);
  webUrl = await startWeb();
  // playwright gives the browser a new empty profile of its own.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  for (const c of clients) await c.stop();
  await browser?.close();
  web?.close();
  await server.destroy();
});

async function openConverse(): Promise<Page> {
  const page = await browser.newPage();
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
  await page.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    // Nothing leaves loopback (its login page asks for remote images).
    if (url.hostname === '127.0.0.1') await route.continue();
    else await route.abort();
  });
  await page.goto(webUrl);
  return page;
}

const logs = () => `\nbrowser console:\n${consoleLines.slice(-40).join('\n')}`;

test('Converse.js logs in over WebSocket and chats with a TCP user', async () => {
  const bob = await ImClient.login(server.xmppPorts.starttls!, 'bob', 'bob-pw', 'desk');
  clients.push(bob);
  // Available, so that messages to the bare JID reach this session (RFC 6121 §8.5.2).
  await bob.send(xml('presence'));
  await bob.next(isPresence(bob.jid), 'own presence', 10_000);
  const page = await openConverse();
  await page.waitForFunction(() => {
    const api = (window as unknown as { hearthApi?: { connection: { connected(): boolean } } }).hearthApi;
    return !!api && api.connection.connected();
  }, null, { timeout: 20_000 }).catch((err: Error) => { throw new Error(`Converse did not connect: ${err.message}${logs()}`); });

  // Converse → TCP user.
  await page.evaluate(async () => {
    const api = (window as unknown as { hearthApi: { chats: { open(jid: string): Promise<{ sendMessage(a: object): Promise<unknown> }> } } }).hearthApi;
    const chat = await api.chats.open('bob@localhost');
    await chat.sendMessage({ body: 'hello from converse' });
  });
  const got = await bob.next(isMessage('hello from converse'), 'message from Converse', 15_000);
  assert.match(String(got.attrs.from), /^alice@localhost\//);

  // TCP user → Converse: the message shows in its chat view.
  await bob.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'c1' }, xml('body', {}, 'hello back from tcp')));
  await page.waitForFunction(() => document.body.innerText.includes('hello back from tcp'), null, { timeout: 15_000 })
    .catch((err: Error) => { throw new Error(`the reply never showed in Converse: ${err.message}${logs()}`); });
  await page.close();
});

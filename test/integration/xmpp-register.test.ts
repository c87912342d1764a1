// XEP-0077 in-band registration with a real client library: a logged-in account sees its
// registration and changes its password (the new one works at the next login, the old one no
// longer does); bad requests get the errors §3.3 names.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { client } from '@xmpp/client';
import { ImClient, xml, type XmlNode } from './xmpp-im-support/im-client.js';

const NS = 'jabber:iq:register';
let server: TestServer;

before(async () => {
  server = await startTestServer();
  await server.addUser('dora', 'old-pw');
});
after(async () => { await server.destroy(); });

const condition = (el: XmlNode) => el.getChild('error')?.children.find((c: XmlNode | string) => typeof c !== 'string')?.name;
const login = (pw: string) => ImClient.login(server.xmppPorts.starttls!, 'dora', pw, 'r');

test('password change in-band; registered info; errors', async () => {
  const c = await login('old-pw');
  const info = (await c.iqRaw('get', xml('query', { xmlns: NS }), 'localhost')).getChild('query', NS);
  assert.ok(info.getChild('registered'));
  assert.equal(info.getChildText('username'), 'dora');

  assert.equal(condition(await c.iqRaw('set', xml('query', { xmlns: NS }, xml('username', {}, 'dora'), xml('password')), 'localhost')), 'bad-request');
  assert.equal(condition(await c.iqRaw('set', xml('query', { xmlns: NS }, xml('username', {}, 'someone'), xml('password', {}, 'x')), 'localhost')), 'not-allowed');
  assert.equal(condition(await c.iqRaw('set', xml('query', { xmlns: NS }, xml('remove')), 'localhost')), 'not-allowed');
  const ok = await c.iqRaw('set', xml('query', { xmlns: NS }, xml('username', {}, 'dora'), xml('password', {}, 'new-pw')), 'localhost');
  assert.equal(ok.attrs.type, 'result');
  // With no 'to' too (the account's own registration).
  assert.equal((await c.iqRaw('set', xml('query', { xmlns: NS }, xml('password', {}, 'newer-pw')))).attrs.type, 'result');
  await c.stop();

  // A refused login: the library would retry for ever, so it is stopped after the failure.
  const refused = client({ service: `xmpp://127.0.0.1:${server.xmppPorts.starttls}`, domain: 'localhost', username: 'dora', password: 'old-pw' });
  refused.on('error', () => undefined);
  await assert.rejects(refused.start());
  await refused.stop().catch(() => undefined);
  const again = await login('newer-pw');
  await again.stop();
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig, ConfigError } from './load.js';

test('no config gives the documented defaults', () => {
  const c = resolveConfig(undefined);
  assert.equal(c.server_name, 'localhost');
  assert.equal(c.data_dir, './data');
  assert.equal(c.matrix.client_listen, '127.0.0.1:8008');
  assert.equal(c.xmpp.c2s_listen, '0.0.0.0:5222');
  assert.equal(c.xmpp.c2s_tls_listen, '0.0.0.0:5223');
  assert.equal(c.mucDomain, 'conference.localhost');
  assert.equal(c.publicBaseUrl, 'http://127.0.0.1:8008');
  assert.equal(c.xmpp.allow_insecure_auth, false);
});

test('muc_domain defaults from server_name and can be set', () => {
  assert.equal(resolveConfig({ server_name: 'example.org' }).mucDomain, 'conference.example.org');
  assert.equal(resolveConfig({ xmpp: { muc_domain: 'rooms.example.org' } }).mucDomain, 'rooms.example.org');
});

test('a wrong option names the option and what was expected', () => {
  assert.throws(() => resolveConfig({ xmpp: { c2s_listen: 'nonsense' } }), (e: Error) =>
    e instanceof ConfigError && /xmpp\.c2s_listen/.test(e.message) && /host:port/.test(e.message));
  assert.throws(() => resolveConfig({ matrix: { client_listen: 42 } }), /matrix\.client_listen/);
  assert.throws(() => resolveConfig({ server_name: 'not a domain' }), /server_name/);
  assert.throws(() => resolveConfig({ xmpp: { c2s_listen: '127.0.0.1:70000' } }), /port/);
});

test('an unknown option is refused by name', () => {
  assert.throws(() => resolveConfig({ xmpp: { c2s_port: 5222 } }), /unknown option 'xmpp\.c2s_port'/);
  assert.throws(() => resolveConfig({ sever_name: 'x' }), /unknown option 'sever_name'/);
});

test('a listener can be switched off with null', () => {
  assert.equal(resolveConfig({ xmpp: { c2s_tls_listen: null } }).xmpp.c2s_tls_listen, null);
});

test('components: off by default; each needs its own domain and a long enough secret', () => {
  const c = resolveConfig({});
  assert.equal(c.xmpp.component_listen, null);
  assert.deepEqual(c.xmpp.components, []);
  const secret = 'sixteen-chars-ok';
  const ok = resolveConfig({ xmpp: { component_listen: '127.0.0.1:5347', components: [{ domain: 'gw.localhost', secret }] } });
  assert.deepEqual(ok.xmpp.components, [{ domain: 'gw.localhost', secret }]);
  for (const domain of ['localhost', 'conference.localhost', 'upload.localhost']) {
    assert.throws(() => resolveConfig({ xmpp: { components: [{ domain, secret }] } }), (e: Error) =>
      e instanceof ConfigError && /xmpp\.components/.test(e.message) && e.message.includes(domain));
  }
  assert.throws(() => resolveConfig({ xmpp: { components: [{ domain: 'gw.localhost', secret }, { domain: 'GW.localhost', secret }] } }), /already served/);
  assert.throws(() => resolveConfig({ xmpp: { components: [{ domain: 'gw.localhost', secret: 'short' }] } }), /16 characters/);
  assert.throws(() => resolveConfig({ xmpp: { components: [{ domain: 'not a domain', secret }] } }), /xmpp\.components/);
});

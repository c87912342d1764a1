import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFileIsolated } from './load-isolated.js';
import { ConfigError } from './plain.js';

const file = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'hearth-config-')), 'hearth.yaml');
  writeFileSync(path, text);
  return path;
};

test('a config file read in the child process comes back resolved, with defaults and derived names', async () => {
  const c = await loadConfigFileIsolated(file('server_name: example.org\nxmpp: { c2s_tls_listen: null }\n'));
  assert.equal(c.server_name, 'example.org');
  assert.equal(c.mucDomain, 'conference.example.org');
  assert.equal(c.xmpp.c2s_tls_listen, null);
  assert.equal(c.xmpp.c2s_listen, '0.0.0.0:5222');
});

test('no config file gives the defaults', async () => {
  assert.equal((await loadConfigFileIsolated(null)).server_name, 'localhost');
});

test('an invalid option, bad YAML or a missing file is a ConfigError naming the problem', async () => {
  await assert.rejects(loadConfigFileIsolated(file('xmpp: { c2s_port: 5222 }\n')),
    (e: Error) => e instanceof ConfigError && /unknown option 'xmpp\.c2s_port'/.test(e.message));
  await assert.rejects(loadConfigFileIsolated(file('server_name: [\n')),
    (e: Error) => e instanceof ConfigError && /not valid YAML/.test(e.message));
  await assert.rejects(loadConfigFileIsolated('/nonexistent/hearth.yaml'),
    (e: Error) => e instanceof ConfigError && /cannot read config file/.test(e.message));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStorage } from '../../storage/sqlite/index.js';
import { closeCore, createCore } from '../services.js';
import { resolveConfig } from '../config/load.js';
import { silentLogger } from '../logger.js';
import { generateSigningKey } from '../events/index.js';
import type { TypingChange } from './typing.js';

function makeCore() {
  const storage = openSqliteStorage({ path: ':memory:', onFatal: () => {} });
  return createCore(resolveConfig({ server_name: 'h.test' }), storage, silentLogger, generateSigningKey());
}

test('typing: listeners hear starts and stops with their origin, not renewals', async () => {
  const core = makeCore();
  const heard: TypingChange[] = [];
  core.typing.onChange((c) => heard.push(c));
  await core.typing.set('!r:h.test', '@a:h.test', true, 30_000, 'xmpp');
  await core.typing.set('!r:h.test', '@a:h.test', true, 30_000, 'xmpp'); // renewal
  await core.typing.set('!r:h.test', '@a:h.test', false, 0); // stopped from Matrix
  assert.deepEqual(heard, [
    { roomId: '!r:h.test', userId: '@a:h.test', typing: true, origin: 'xmpp' },
    { roomId: '!r:h.test', userId: '@a:h.test', typing: false, origin: 'matrix' },
  ]);
  assert.deepEqual(core.typing.usersIn('!r:h.test'), []);
  closeCore(core);
  core.storage.close();
});

test('typing: a timeout stops it in the name of the front end that started it', async () => {
  const core = makeCore();
  const heard: TypingChange[] = [];
  core.typing.onChange((c) => heard.push(c));
  await core.typing.set('!r:h.test', '@a:h.test', true, 20, 'xmpp');
  await new Promise((r) => setTimeout(r, 80));
  assert.deepEqual(heard.map((c) => [c.typing, c.origin]), [[true, 'xmpp'], [false, 'xmpp']]);
  closeCore(core);
  core.storage.close();
});

test('typing: its stream position is not handed out again by a core started on the same storage (a restart)', async () => {
  const storage = openSqliteStorage({ path: ':memory:', onFatal: () => {} });
  const core = createCore(resolveConfig({ server_name: 'h.test' }), storage, silentLogger, generateSigningKey());
  await core.typing.set('!r:h.test', '@a:h.test', true, 30_000);
  const pos = core.stream.committed;
  assert.ok(pos > 0);
  closeCore(core);
  const again = createCore(resolveConfig({ server_name: 'h.test' }), storage, silentLogger, generateSigningKey());
  assert.ok(again.stream.next() > pos, 'a position after the one a client may hold');
  closeCore(again);
  storage.close();
});

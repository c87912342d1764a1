// SCRAM -PLUS (RFC 5802 §6) over a fake channel: the gs2 flag rules and the binding check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCredential } from '../../core/accounts/scram.js';
import { ScramClient } from '../../../test/integration/xmpp-support/scram-client.js';
import type { ChannelBindings } from './channel-binding.js';
import { createMechanism, offeredMechanisms } from './mechanisms.js';
import { ScramServer } from './scram.js';
import type { SaslContext, SaslStep } from './types.js';

const EXPORTER = Buffer.alloc(32, 7);
const cb: ChannelBindings = { types: ['tls-exporter'], data: (t) => (t === 'tls-exporter' ? EXPORTER : null) };
const cred = await makeCredential('sha256', 'pw', 4096);
const ctx: SaslContext = { domain: 'example.org', credential: (u, h) => (u === 'alice' && h === 'sha256' ? cred : null) };

function run(mech: string, client: ScramClient, bindings: ChannelBindings = cb): SaslStep {
  const server = new ScramServer(mech, ctx, { channelBindings: bindings });
  const first = server.step(Buffer.from(client.first()));
  if (first.type !== 'challenge') return first;
  return server.step(Buffer.from(client.final(first.data.toString())));
}

const cond = (s: SaslStep) => (s.type === 'failure' ? s.condition : s.type);

test('SCRAM-SHA-256-PLUS succeeds with the right tls-exporter data', () => {
  const client = new ScramClient('sha256', 'alice', 'pw', undefined, 'p=tls-exporter,,', EXPORTER);
  const outcome = run('SCRAM-SHA-256-PLUS', client);
  assert.equal(cond(outcome), 'success');
  assert.ok(outcome.type === 'success' && client.verify(outcome.data!.toString()));
});

test('a wrong channel binding is refused', () => {
  const client = new ScramClient('sha256', 'alice', 'pw', undefined, 'p=tls-exporter,,', Buffer.alloc(32, 8));
  const outcome = run('SCRAM-SHA-256-PLUS', client);
  assert.equal(cond(outcome), 'not-authorized');
  assert.equal(outcome.type === 'failure' && outcome.text, 'channel binding mismatch');
  // Binding data for the right type, but the gs2 header claims another one.
  const lying = new ScramClient('sha256', 'alice', 'pw', undefined, 'p=tls-exporter,,', Buffer.alloc(0));
  assert.equal(cond(run('SCRAM-SHA-256-PLUS', lying)), 'not-authorized');
});

test('gs2 flag rules', () => {
  const withFlag = (gs2: string) => new ScramClient('sha256', 'alice', 'pw', undefined, gs2);
  // -PLUS without binding, or with a type this connection does not have.
  assert.equal(cond(run('SCRAM-SHA-256-PLUS', withFlag('n,,'))), 'malformed-request');
  assert.equal(cond(run('SCRAM-SHA-256-PLUS', withFlag('y,,'))), 'malformed-request');
  assert.equal(cond(run('SCRAM-SHA-256-PLUS', withFlag('p=tls-unique,,'))), 'not-authorized');
  assert.equal(cond(run('SCRAM-SHA-256-PLUS', withFlag('p=bad type,,'))), 'malformed-request');
  // Plain SCRAM: 'p' is refused; 'y' is a downgrade when -PLUS was on offer, fine when it was not.
  assert.equal(cond(run('SCRAM-SHA-256', withFlag('p=tls-exporter,,'))), 'not-authorized');
  assert.equal(cond(run('SCRAM-SHA-256', withFlag('y,,'))), 'not-authorized');
  assert.equal(cond(run('SCRAM-SHA-256', withFlag('y,,'), { types: [], data: () => null })), 'success');
  assert.equal(cond(run('SCRAM-SHA-256', withFlag('n,,'))), 'success');
});

test('-PLUS is offered, first, only when the connection has bindings', () => {
  assert.deepEqual(offeredMechanisms({ tls: true, allowPlaintext: false, channelBindings: cb }),
    ['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-1-PLUS', 'SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN']);
  assert.deepEqual(offeredMechanisms({ tls: true, allowPlaintext: false, channelBindings: { types: [], data: () => null } }),
    ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN']);
  assert.equal(createMechanism('SCRAM-SHA-1-PLUS', ctx, cb)?.name, 'SCRAM-SHA-1-PLUS');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preAuthRegistration, tokenUsable } from './pre-auth.js';
import type { CoreServices } from '../../../core/services.js';
import { readRequest } from './request.js';
import { parseFragment } from '../../im/payload.js';

test('a token is usable while it has uses left and has not expired', () => {
  assert.equal(tokenUsable(null, 0), false);
  assert.equal(tokenUsable({ usesAllowed: null, completed: 99, expiryTs: null }, 0), true);
  assert.equal(tokenUsable({ usesAllowed: 2, completed: 1, expiryTs: null }, 0), true);
  assert.equal(tokenUsable({ usesAllowed: 2, completed: 2, expiryTs: null }, 0), false);
  assert.equal(tokenUsable({ usesAllowed: null, completed: 0, expiryTs: 10 }, 9), true);
  assert.equal(tokenUsable({ usesAllowed: null, completed: 0, expiryTs: 10 }, 10), false);
});

test('register requests: remove, set, and an empty password is incomplete', () => {
  const q = (inner: string) => readRequest(parseFragment(`<query xmlns='jabber:iq:register'>${inner}</query>`)!);
  assert.deepEqual(q('<remove/>'), { kind: 'remove' });
  assert.deepEqual(q('<username> Bob </username><password>pw</password>'), { kind: 'set', username: 'bob', password: 'pw' });
  assert.deepEqual(q('<password>pw</password>'), { kind: 'set', username: null, password: 'pw' });
  assert.equal(q('<username>bob</username><password/>').kind, 'incomplete');
  assert.equal(q('<username>bob</username>').kind, 'incomplete');
});

test('before authentication: an iq of no valid type gets bad-request; answers (result, error) are dropped', () => {
  const handler = preAuthRegistration({} as CoreServices, { enabled: true, requireToken: false });
  const sent: string[] = [];
  const stream = { secure: true, data: new Map<string, unknown>(), send: (el: { toString(): string }) => { sent.push(el.toString()); } };
  const iq = (type: string | null) => parseFragment(`<iq ${type === null ? '' : `type='${type}'`} id='r1' xmlns='jabber:client'><query xmlns='jabber:iq:register'/></iq>`)!;
  for (const type of [null, ' ', 'GET']) {
    sent.length = 0;
    assert.equal(handler.iq(iq(type), stream as never), true);
    assert.equal(sent.length, 1, `type ${type}`);
    assert.match(sent[0]!, /type="error".*id="r1".*<bad-request/);
  }
  for (const type of ['result', 'error']) {
    sent.length = 0;
    assert.equal(handler.iq(iq(type), stream as never), true);
    assert.deepEqual(sent, []);
  }
});

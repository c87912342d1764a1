import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Uia, UIA_SESSION_TTL_MS } from './uia.js';
import { MatrixError } from '../errors.js';

const alice = { requester: { userId: '@alice:x', deviceId: 'D', accessToken: 't' } };
const flows = { flows: [['m.login.password'], ['m.login.dummy', 'm.login.extra']] };

function makeUia(now = () => 1000): Uia {
  const uia = new Uia(now);
  uia.registerStage('m.login.dummy', () => true);
  uia.registerStage('m.login.extra', () => true);
  uia.registerStage('m.login.password', ({ auth }) => {
    if (auth.password !== 'right') throw new MatrixError(401, 'M_FORBIDDEN', 'bad password');
    return true;
  });
  return uia;
}

async function challenge(p: Promise<unknown>): Promise<Record<string, unknown> & { status: number }> {
  try { await p; } catch (err) {
    assert.ok(err instanceof MatrixError);
    return { ...err.toJSON(), status: err.status };
  }
  assert.fail('expected a UIA challenge');
}

test('no auth: 401 with flows, params, session, completed and no errcode', async () => {
  const body = await challenge(makeUia().require(alice, {}, flows));
  assert.equal(body.status, 401);
  assert.deepEqual(body.flows, [{ stages: ['m.login.password'] }, { stages: ['m.login.dummy', 'm.login.extra'] }]);
  assert.deepEqual(body.params, {});
  assert.deepEqual(body.completed, []);
  assert.equal(typeof body.session, 'string');
  assert.equal(body.errcode, undefined);
});

test('a wrong password keeps the session and says M_FORBIDDEN inside the 401', async () => {
  const uia = makeUia();
  const first = await challenge(uia.require(alice, {}, flows));
  const bad = await challenge(uia.require(alice, { auth: { type: 'm.login.password', password: 'no', session: first.session } }, flows));
  assert.equal(bad.status, 401);
  assert.equal(bad.errcode, 'M_FORBIDDEN');
  assert.equal(bad.session, first.session);
  const ok = await uia.require(alice, { auth: { type: 'm.login.password', password: 'right', session: first.session } }, flows);
  assert.deepEqual(ok.completed, ['m.login.password']);
});

test('a single-stage flow can complete without a prior session', async () => {
  const s = await makeUia().require(alice, { auth: { type: 'm.login.password', password: 'right' } }, flows);
  assert.deepEqual(s.completed, ['m.login.password']);
});

test('multi-stage flows run in order and report completed stages', async () => {
  const uia = makeUia();
  const outOfOrder = await challenge(uia.require(alice, { auth: { type: 'm.login.extra' } }, flows));
  assert.equal(outOfOrder.errcode, 'M_FORBIDDEN');
  const step = await challenge(uia.require(alice, { auth: { type: 'm.login.dummy', session: outOfOrder.session } }, flows));
  assert.deepEqual(step.completed, ['m.login.dummy']);
  const done = await uia.require(alice, { auth: { type: 'm.login.extra', session: step.session } }, flows);
  assert.deepEqual(done.completed, ['m.login.dummy', 'm.login.extra']);
  // A completed session is spent.
  const again = await challenge(uia.require(alice, { auth: { type: 'm.login.extra', session: step.session } }, flows));
  assert.equal(again.status, 400);
});

test('a stage not offered, a bad auth shape, a foreign or expired session are refused', async () => {
  let t = 1000;
  const uia = makeUia(() => t);
  const notOffered = await challenge(uia.require(alice, { auth: { type: 'm.login.sso' } }, flows));
  assert.equal(notOffered.status, 401);
  assert.equal(notOffered.errcode, 'M_UNRECOGNIZED');
  assert.equal((await challenge(uia.require(alice, { auth: 'x' }, flows))).errcode, 'M_BAD_JSON');
  assert.equal((await challenge(uia.require(alice, { auth: { session: 5 } }, flows))).errcode, 'M_BAD_JSON');
  const first = await challenge(uia.require(alice, {}, flows));
  const bob = { requester: { userId: '@bob:x', deviceId: 'D', accessToken: 'u' } };
  assert.equal((await challenge(uia.require(bob, { auth: { type: 'm.login.dummy', session: first.session } }, flows))).status, 400);
  t += UIA_SESSION_TTL_MS + 1;
  assert.equal((await challenge(uia.require(alice, { auth: { type: 'm.login.dummy', session: first.session } }, flows))).status, 400);
});

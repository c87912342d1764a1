// Push: notification and highlight counts in /sync (reset by a read receipt), push rule CRUD,
// GET /notifications, and an HTTP pusher posting to a push gateway this test runs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestServer, type TestServer } from './harness.js';
import { until } from './clients/matrix-sdk.js';
import { assertError, enc, matrixFetch, v3 } from './matrix-fetch.js';

let server: TestServer;
let alice: string;
let bob: string;
let roomId: string;
const { call, ok, login } = matrixFetch(() => server.matrixUrl);
const BOB = '@bob:localhost';

/** A push gateway: records every notify body; answers 500 to the first `failFirst` requests. */
function gateway(failFirst: number, rejected: string[] = []): Promise<{ server: Server; url: string; bodies: any[] }> {
  const bodies: any[] = [];
  let failures = failFirst;
  const srv = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => { text += c; });
    req.on('end', () => {
      if (failures-- > 0) { res.writeHead(500).end(); return; }
      bodies.push({ path: req.url, body: JSON.parse(text) });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ rejected }));
    });
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => {
    resolve({ server: srv, url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/_matrix/push/v1/notify`, bodies });
  }));
}

async function send(body: string, extra: Record<string, unknown> = {}): Promise<string> {
  const txn = `t${Math.random().toString(36).slice(2)}`;
  return (await ok('PUT', `${v3}/rooms/${enc(roomId)}/send/m.room.message/${txn}`, { token: alice, body: { msgtype: 'm.text', body, ...extra } })).event_id;
}

async function countsFor(token: string): Promise<{ notification_count: number; highlight_count: number }> {
  return (await ok('GET', `${v3}/sync?timeout=0`, { token })).rooms.join[roomId].unread_notifications;
}

describe('Matrix push', () => {
  before(async () => {
    server = await startTestServer();
    for (const u of ['alice', 'bob', 'carol']) await server.addUser(u);
    alice = (await login('alice')).json.access_token;
    bob = (await login('bob')).json.access_token;
    roomId = (await ok('POST', `${v3}/createRoom`, { token: alice, body: { invite: [BOB, '@carol:localhost'] } })).room_id;
    await ok('POST', `${v3}/rooms/${enc(roomId)}/join`, { token: bob, body: {} });
  });
  after(async () => { await server?.destroy(); });

  it('counts go up on messages and a mention, and to zero after a read receipt', async () => {
    assert.deepEqual(await countsFor(bob), { notification_count: 0, highlight_count: 0 });
    await send('one');
    await send('two');
    assert.deepEqual(await countsFor(bob), { notification_count: 2, highlight_count: 0 });
    const mention = await send('hey bob', { 'm.mentions': { user_ids: [BOB] } });
    assert.deepEqual(await countsFor(bob), { notification_count: 3, highlight_count: 1 });
    await send('a notice', { msgtype: 'm.notice' });
    assert.deepEqual(await countsFor(bob), { notification_count: 3, highlight_count: 1 });
    const since = (await ok('GET', `${v3}/sync?timeout=0`, { token: bob })).next_batch;
    await ok('POST', `${v3}/rooms/${enc(roomId)}/receipt/m.read/${enc(mention)}`, { token: bob, body: {} });
    // The room comes back in an incremental sync with its receipt and the reset counts.
    const inc = await ok('GET', `${v3}/sync?since=${since}&timeout=10000`, { token: bob });
    assert.deepEqual(inc.rooms.join[roomId].unread_notifications, { notification_count: 0, highlight_count: 0 });
    assert.equal((await countsFor(alice)).notification_count, 0, 'own messages never count');
  });

  it('GET /notifications lists notifying events newest first, with highlight filtering and paging', async () => {
    const all = await ok('GET', `${v3}/notifications?limit=2`, { token: bob });
    assert.equal(all.notifications.length, 2);
    assert.equal(all.notifications[0].event.content.body, 'hey bob');
    assert.equal(all.notifications[0].read, true);
    assert.equal(all.notifications[0].room_id, roomId);
    assert.ok(all.next_token);
    const rest = await ok('GET', `${v3}/notifications?from=${all.next_token}`, { token: bob });
    // Bob's invite to the room notified him too (.m.rule.invite_for_me).
    assert.deepEqual(rest.notifications.map((n: any) => n.event.content.body ?? n.event.content.membership), ['one', 'invite']);
    const hl = await ok('GET', `${v3}/notifications?only=highlight`, { token: bob });
    assert.deepEqual(hl.notifications.map((n: any) => n.event.content.body), ['hey bob']);
    assertError(await call('GET', `${v3}/notifications?from=abc`, { token: bob }), 400, 'M_INVALID_PARAM');
  });

  it('with unread_thread_notifications, threaded events count per thread and a thread receipt resets only its thread', async () => {
    const last = await send('catch up');
    await ok('POST', `${v3}/rooms/${enc(roomId)}/receipt/m.read/${enc(last)}`, { token: bob, body: {} });
    const root = await send('thread root');
    const reply = await send('in the thread', { 'm.relates_to': { rel_type: 'm.thread', event_id: root } });
    const filter = enc(JSON.stringify({ room: { timeline: { unread_thread_notifications: true } } }));
    const counts = async () => (await ok('GET', `${v3}/sync?timeout=0&filter=${filter}`, { token: bob })).rooms.join[roomId];
    let r = await counts();
    assert.deepEqual(r.unread_notifications, { notification_count: 1, highlight_count: 0 });
    assert.deepEqual(r.unread_thread_notifications, { [root]: { notification_count: 1, highlight_count: 0 } });
    await ok('POST', `${v3}/rooms/${enc(roomId)}/receipt/m.read/${enc(reply)}`, { token: bob, body: { thread_id: root } });
    r = await counts();
    assert.deepEqual(r.unread_notifications, { notification_count: 1, highlight_count: 0 });
    assert.deepEqual(r.unread_thread_notifications, {});
    // Without the filter flag the thread's events count for the room; an unthreaded receipt reads all.
    assert.deepEqual(await countsFor(bob), { notification_count: 2, highlight_count: 0 });
    await ok('POST', `${v3}/rooms/${enc(roomId)}/receipt/m.read/${enc(reply)}`, { token: bob, body: {} });
    assert.deepEqual((await counts()).unread_notifications, { notification_count: 0, highlight_count: 0 });
    assertError(await call('GET', `${v3}/sync?timeout=0&filter=${enc(JSON.stringify({ room: { timeline: { unread_thread_notifications: 1 } } }))}`, { token: bob }), 400, 'M_BAD_JSON');
  });

  it('sending an event reads the room up to it, like a receipt', async () => {
    await send('say something');
    assert.equal((await countsFor(bob)).notification_count, 1);
    await ok('PUT', `${v3}/rooms/${enc(roomId)}/send/m.room.message/bob-reply`, { token: bob, body: { msgtype: 'm.text', body: 'ok' } });
    assert.deepEqual(await countsFor(bob), { notification_count: 0, highlight_count: 0 });
    await send('and again');
    assert.equal((await countsFor(bob)).notification_count, 1);
  });

  it('push rules: the default ruleset, and a CRUD round trip', async () => {
    const rules = await ok('GET', `${v3}/pushrules/`, { token: bob });
    assert.equal(rules.global.override[0].rule_id, '.m.rule.master');
    assert.ok(rules.global.underride.some((r: any) => r.rule_id === '.m.rule.message'));
    const path = `${v3}/pushrules/global/override/cake`;
    const rule = { conditions: [{ kind: 'event_match', key: 'content.body', pattern: 'cake' }], actions: ['notify', { set_tweak: 'highlight' }] };
    await ok('PUT', path, { token: bob, body: rule });
    await ok('PUT', `${v3}/pushrules/global/override/first?before=cake`, { token: bob, body: { conditions: [{ kind: 'event_match', key: 'content.body', pattern: 'pie' }], actions: [] } });
    const got = await ok('GET', path, { token: bob });
    assert.deepEqual([got.rule_id, got.default, got.enabled, got.actions], ['cake', false, true, rule.actions]);
    const order = (await ok('GET', `${v3}/pushrules/`, { token: bob })).global.override.map((r: any) => r.rule_id);
    assert.deepEqual(order.slice(0, 4), ['.m.rule.master', 'first', 'cake', '.m.rule.suppress_notices']);
    // Spec: with neither before nor after, a new rule is the most important of its kind.
    const plain = { conditions: [], actions: [] };
    await ok('PUT', `${v3}/pushrules/global/override/newest`, { token: bob, body: plain });
    await ok('PUT', `${v3}/pushrules/global/override/tail?after=cake`, { token: bob, body: plain });
    const order2 = (await ok('GET', `${v3}/pushrules/`, { token: bob })).global.override.map((r: any) => r.rule_id);
    assert.deepEqual(order2.slice(0, 6), ['.m.rule.master', 'newest', 'first', 'cake', 'tail', '.m.rule.suppress_notices']);
    await ok('DELETE', `${v3}/pushrules/global/override/newest`, { token: bob });
    await ok('DELETE', `${v3}/pushrules/global/override/tail`, { token: bob });
    await ok('PUT', `${path}/enabled`, { token: bob, body: { enabled: false } });
    assert.deepEqual(await ok('GET', `${path}/enabled`, { token: bob }), { enabled: false });
    await ok('PUT', `${path}/actions`, { token: bob, body: { actions: ['notify'] } });
    assert.deepEqual(await ok('GET', `${path}/actions`, { token: bob }), { actions: ['notify'] });
    await ok('PUT', `${v3}/pushrules/global/underride/.m.rule.message/actions`, { token: bob, body: { actions: [] } });
    assert.deepEqual((await ok('GET', `${v3}/pushrules/global/underride/.m.rule.message`, { token: bob })).actions, []);
    await ok('PUT', `${v3}/pushrules/global/underride/.m.rule.message/actions`, { token: bob, body: { actions: ['notify'] } });
    await ok('DELETE', path, { token: bob });
    await ok('DELETE', `${v3}/pushrules/global/override/first`, { token: bob });
    assertError(await call('GET', path, { token: bob }), 404, 'M_NOT_FOUND');
    // The client hears of its rules through account data.
    const data = (await ok('GET', `${v3}/sync?timeout=0`, { token: bob })).account_data.events.find((e: any) => e.type === 'm.push_rules');
    assert.ok(data.content.global.override.every((r: any) => r.rule_id !== 'cake'));
  });

  it('push rules decide the counts: a sender rule silences, master silences all', async () => {
    // Counts are computed from the rules in force when asked (docs/decisions.md), so start with
    // everything read.
    await ok('PUT', `${v3}/rooms/${enc(roomId)}/send/m.room.message/bob-reads`, { token: bob, body: { msgtype: 'm.text', body: 'read' } });
    const before = (await countsFor(bob)).notification_count;
    assert.equal(before, 0);
    await ok('PUT', `${v3}/pushrules/global/sender/${enc('@alice:localhost')}`, { token: bob, body: { actions: [] } });
    await send('muted');
    assert.equal((await countsFor(bob)).notification_count, before);
    await ok('DELETE', `${v3}/pushrules/global/sender/${enc('@alice:localhost')}`, { token: bob });
    assert.equal((await countsFor(bob)).notification_count, before + 1);
    await ok('PUT', `${v3}/pushrules/global/override/.m.rule.master/enabled`, { token: bob, body: { enabled: true } });
    assert.equal((await countsFor(bob)).notification_count, 0);
    await ok('PUT', `${v3}/pushrules/global/override/.m.rule.master/enabled`, { token: bob, body: { enabled: false } });
  });

  it('push rule bad input gets the spec\'s errors', async () => {
    assertError(await call('GET', `${v3}/pushrules/global/bogus/x`, { token: bob }), 400, 'M_INVALID_PARAM');
    assertError(await call('PUT', `${v3}/pushrules/device/override/x`, { token: bob, body: { actions: [] } }), 400, 'M_INVALID_PARAM');
    assertError(await call('GET', `${v3}/pushrules/global/override/nope`, { token: bob }), 404, 'M_NOT_FOUND');
    assertError(await call('PUT', `${v3}/pushrules/global/override/x?after=nope`, { token: bob, body: { actions: [] } }), 400, 'M_UNKNOWN');
    assertError(await call('PUT', `${v3}/pushrules/global/override/a%2Fb`, { token: bob, body: { actions: [] } }), 400, 'M_INVALID_PARAM');
    assertError(await call('PUT', `${v3}/pushrules/global/override/x?before=.m.rule.master`, { token: bob, body: { actions: [] } }), 400, 'M_INVALID_PARAM');
    assertError(await call('PUT', `${v3}/pushrules/global/override/x`, { token: bob, body: { conditions: [] } }), 400, 'M_MISSING_PARAM');
    assertError(await call('PUT', `${v3}/pushrules/global/override/x`, { token: bob, body: { actions: [5] } }), 400, 'M_BAD_JSON');
    assertError(await call('PUT', `${v3}/pushrules/global/override/x`, { token: bob, body: { actions: [], conditions: [{}] } }), 400, 'M_BAD_JSON');
    assertError(await call('PUT', `${v3}/pushrules/global/content/x`, { token: bob, body: { actions: [] } }), 400, 'M_MISSING_PARAM');
    assertError(await call('PUT', `${v3}/pushrules/global/override/.m.rule.mine`, { token: bob, body: { actions: [] } }), 400, 'M_INVALID_PARAM');
    assertError(await call('DELETE', `${v3}/pushrules/global/override/.m.rule.master`, { token: bob }), 400, 'M_INVALID_PARAM');
    assertError(await call('PUT', `${v3}/pushrules/global/override/.m.rule.master/enabled`, { token: bob, body: { enabled: 'no' } }), 400, 'M_BAD_JSON');
    assertError(await call('PUT', `${v3}/pushrules/global/override/nope/actions`, { token: bob, body: { actions: [] } }), 404, 'M_NOT_FOUND');
    assertError(await call('PUT', `${v3}/user/${enc(BOB)}/account_data/m.push_rules`, { token: bob, body: { global: {} } }), 405, 'M_BAD_JSON');
  });

  it('an http pusher gets POST /_matrix/push/v1/notify with the counts, after a failed attempt', async () => {
    const gw = await gateway(1);
    try {
      const pusher = {
        kind: 'http', app_id: 'org.hearth.test', pushkey: 'bob-key', app_display_name: 'Test', device_display_name: 'Phone',
        lang: 'en', data: { url: gw.url, extra: 'x' },
      };
      await ok('POST', `${v3}/pushers/set`, { token: bob, body: pusher });
      const listed = (await ok('GET', `${v3}/pushers`, { token: bob })).pushers;
      assert.deepEqual(listed, [{ ...pusher }]);
      // Read everything so far, then one new message makes one unread.
      const last = await send('before the pusher counts');
      await ok('POST', `${v3}/rooms/${enc(roomId)}/receipt/m.read/${enc(last)}`, { token: bob, body: {} });
      const eventId = await send('ping for your phone');
      await until('the gateway gets the notification', () => gw.bodies.some((b) => b.body.notification.event_id === eventId), 15000);
      const { path, body } = gw.bodies.find((b) => b.body.notification.event_id === eventId)!;
      const n = body.notification;
      assert.equal(path, '/_matrix/push/v1/notify');
      assert.equal(n.room_id, roomId);
      assert.equal(n.sender, '@alice:localhost');
      assert.equal(n.type, 'm.room.message');
      assert.equal(n.content.body, 'ping for your phone');
      assert.deepEqual(n.counts, { unread: 1 });
      assert.equal(n.devices.length, 1);
      assert.equal(n.devices[0].pushkey, 'bob-key');
      assert.equal(n.devices[0].app_id, 'org.hearth.test');
      assert.deepEqual(n.devices[0].data, { extra: 'x' });
      // Removing the pusher stops deliveries.
      await ok('POST', `${v3}/pushers/set`, { token: bob, body: { ...pusher, kind: null } });
      assert.deepEqual((await ok('GET', `${v3}/pushers`, { token: bob })).pushers, []);
    } finally {
      gw.server.close();
    }
  });

  it('a pusher goes with the session that set it: logout and device deletion remove it', async () => {
    const gw = await gateway(0);
    try {
      const phone = (await login('bob')).json;
      const tablet = (await login('bob')).json;
      const pusher = (pushkey: string) => ({ kind: 'http', app_id: 'org.hearth.test', pushkey, app_display_name: 'T', device_display_name: pushkey, lang: 'en', data: { url: gw.url } });
      await ok('POST', `${v3}/pushers/set`, { token: phone.access_token, body: pusher('phone-key') });
      await ok('POST', `${v3}/pushers/set`, { token: tablet.access_token, body: pusher('tablet-key') });
      const keys = async () => (await ok('GET', `${v3}/pushers`, { token: bob })).pushers.map((p: { pushkey: string }) => p.pushkey).sort();
      assert.deepEqual(await keys(), ['phone-key', 'tablet-key'], 'pushers are the account\'s, listed to every session');

      await ok('POST', `${v3}/logout`, { token: phone.access_token, body: {} });
      assert.deepEqual(await keys(), ['tablet-key']);
      const eventId = await send('only the tablet rings');
      await until('the tablet is notified', () => gw.bodies.some((b) => b.body.notification.event_id === eventId), 15000);
      const pushed = gw.bodies.filter((b) => b.body.notification.event_id === eventId).flatMap((b) => b.body.notification.devices.map((d: { pushkey: string }) => d.pushkey));
      assert.deepEqual(pushed, ['tablet-key']);

      // Deleting the tablet's device from another session (behind the password) removes its pusher too.
      const path = `${v3}/devices/${enc(tablet.device_id)}`;
      const challenge = await call('DELETE', path, { token: bob, body: {} });
      assert.equal(challenge.status, 401);
      await ok('DELETE', path, { token: bob, body: { auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'bob' }, password: 'secret-pw', session: challenge.json.session } } });
      assert.deepEqual(await keys(), []);
    } finally {
      gw.server.close();
    }
  });

  it('a gateway that rejects the pushkey makes the server drop the pusher', async () => {
    const gw = await gateway(0, ['stale-key']);
    try {
      const pusher = { kind: 'http', app_id: 'org.hearth.test', pushkey: 'stale-key', app_display_name: 'T', device_display_name: 'P', lang: 'en', data: { url: gw.url } };
      await ok('POST', `${v3}/pushers/set`, { token: bob, body: pusher });
      await send('to a stale phone');
      await until('the gateway is asked', () => gw.bodies.length > 0, 15000);
      // The removal is written after the gateway's answer arrives: poll for it.
      let left: unknown[] = [];
      for (let i = 0; i < 300; i++) {
        left = (await ok('GET', `${v3}/pushers`, { token: bob })).pushers;
        if (left.length === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.deepEqual(left, []);
    } finally {
      gw.server.close();
    }
  });

  it('an initial sync carries m.push_rules', async () => {
    const carol = (await login('carol')).json.access_token;
    const s = await ok('GET', `${v3}/sync?timeout=0`, { token: carol });
    const rules = s.account_data.events.find((e: any) => e.type === 'm.push_rules');
    assert.equal(rules.content.global.content[0].pattern, 'carol');
  });

  it('receipts and counts survive a restart, and positions after it do not repeat', async () => {
    const last = await send('before restart');
    await send('unread across the restart');
    await ok('POST', `${v3}/rooms/${enc(roomId)}/receipt/m.read/${enc(last)}`, { token: bob, body: {} });
    // The receipt is the newest write: a token taken now is only safe if the stream restarts above it.
    const since = (await ok('GET', `${v3}/sync?timeout=0`, { token: bob })).next_batch;
    server = await server.restart();
    assert.deepEqual(await countsFor(bob), { notification_count: 1, highlight_count: 0 });
    const after = await send('after restart');
    const inc = await ok('GET', `${v3}/sync?since=${since}&timeout=5000`, { token: bob });
    assert.ok(inc.rooms.join[roomId].timeline.events.some((e: any) => e.event_id === after));
    assert.deepEqual(inc.rooms.join[roomId].unread_notifications, { notification_count: 2, highlight_count: 0 });
  });

  it('pusher bad input gets the spec\'s errors', async () => {
    const base = { kind: 'http', app_id: 'a', pushkey: 'k', app_display_name: 'A', device_display_name: 'D', lang: 'en', data: { url: 'http://127.0.0.1:9/_matrix/push/v1/notify' } };
    assertError(await call('POST', `${v3}/pushers/set`, { token: bob, body: { ...base, kind: 'carrier-pigeon' } }), 400, 'M_INVALID_PARAM');
    assertError(await call('POST', `${v3}/pushers/set`, { token: bob, body: { ...base, data: {} } }), 400, 'M_INVALID_PARAM');
    assertError(await call('POST', `${v3}/pushers/set`, { token: bob, body: { ...base, data: { url: 'http://gw/elsewhere' } } }), 400, 'M_INVALID_PARAM');
    assertError(await call('POST', `${v3}/pushers/set`, { token: bob, body: { ...base, app_id: 'x'.repeat(65) } }), 400, 'M_INVALID_PARAM');
    const { pushkey: _p, ...noKey } = base;
    assertError(await call('POST', `${v3}/pushers/set`, { token: bob, body: noKey }), 400, 'M_MISSING_PARAM');
    assertError(await call('POST', `${v3}/pushers/set`, { token: bob, raw: '[1]' }), 400, 'M_BAD_JSON');
  });
});

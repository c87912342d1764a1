// The contract every storage backend must pass. A backend's test file calls runStorageContract
// with a factory for a fresh, empty store (Dendrite's "with all databases" in spirit).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Storage } from '../core/ports.js';
import { runMediaStoreContract } from './media-contract.js';
import { makeCredential } from '../core/accounts/scram.js';
import type { Pdu } from '../core/events/types.js';

function pdu(roomId: string, type: string, sender: string, depth: number, stateKey?: string, content: Record<string, string> = {}): Pdu {
  return {
    auth_events: [], content, depth, hashes: { sha256: 'x' }, origin_server_ts: 1, prev_events: [],
    room_id: roomId, sender, type, signatures: {}, ...(stateKey === undefined ? {} : { state_key: stateKey }),
  };
}

export function runStorageContract(name: string, open: () => Storage): void {
  runMediaStoreContract(name, open);
  test(`${name}: sliding sync connections are kept per user, device and conn_id, bounded per user and expired`, () => {
    const s = open();
    const c = s.slidingConnections;
    for (const [u, d] of [['@a:h', 'D'], ['@a:h', 'E'], ['@a:h', 'F'], ['@b:h', 'D']]) s.devices.createSession(u!, d!, null, `t${u}${d}`, 1);
    assert.equal(c.get('@a:h', 'D', 'x'), null);
    c.put('@a:h', 'D', 'x', 10, 'one', 3);
    c.put('@a:h', 'D', 'x', 11, 'two', 3);
    assert.deepEqual(c.get('@a:h', 'D', 'x'), { lastUsed: 11, data: 'two' });
    assert.equal(c.get('@a:h', 'E', 'x'), null);
    assert.equal(c.get('@b:h', 'D', 'x'), null);
    c.put('@a:h', 'E', 'x', 12, 'e', 3);
    c.put('@a:h', 'D', 'y', 13, 'y', 3);
    c.put('@b:h', 'D', 'x', 5, 'b', 3);
    // A fourth connection of @a: the least recently used one goes.
    c.put('@a:h', 'F', 'x', 14, 'f', 3);
    assert.equal(c.get('@a:h', 'D', 'x'), null);
    assert.equal(c.get('@a:h', 'F', 'x')?.data, 'f');
    assert.equal(c.get('@b:h', 'D', 'x')?.data, 'b');
    c.remove('@a:h', 'F', 'x');
    assert.equal(c.get('@a:h', 'F', 'x'), null);
    assert.equal(c.expire(13), 2);
    assert.equal(c.get('@a:h', 'D', 'y')?.data, 'y');
    assert.equal(c.get('@b:h', 'D', 'x'), null);
    // They go with their device, all of a user's with all devices or the account; a save
    // pending when the device went brings nothing back.
    c.put('@a:h', 'E', 'x', 20, 'e', 3);
    c.put('@a:h', 'F', 'x', 20, 'f', 3);
    s.devices.deleteDevice('@a:h', 'E');
    assert.equal(c.get('@a:h', 'E', 'x'), null);
    assert.equal(c.get('@a:h', 'F', 'x')?.data, 'f');
    c.put('@a:h', 'E', 'x', 21, 'e', 3);
    assert.equal(c.get('@a:h', 'E', 'x'), null);
    s.devices.deleteAllDevices('@a:h');
    assert.equal(c.get('@a:h', 'F', 'x'), null);
    c.put('@b:h', 'D', 'x', 22, 'b', 3);
    s.accounts.deactivate('b', '@b:h');
    assert.equal(c.get('@b:h', 'D', 'x'), null);
    s.close();
  });
  test(`${name}: thread subscriptions keep the latest change per user and thread, paged by stream`, () => {
    const s = open();
    const t = s.threadSubscriptions;
    assert.equal(t.get('@a:h', '!r:h', '$t'), null);
    t.put('@a:h', { roomId: '!r:h', threadId: '$t', subscribed: true, automatic: true, stream: 5 });
    t.put('@a:h', { roomId: '!r:h', threadId: '$u', subscribed: true, automatic: false, stream: 7 });
    t.put('@b:h', { roomId: '!r:h', threadId: '$t', subscribed: true, automatic: false, stream: 8 });
    t.put('@a:h', { roomId: '!r:h', threadId: '$t', subscribed: false, automatic: false, stream: 9 });
    assert.deepEqual(t.get('@a:h', '!r:h', '$t'), { roomId: '!r:h', threadId: '$t', subscribed: false, automatic: false, stream: 9 });
    assert.deepEqual(t.changes('@a:h', 0, 100, 10).map((c) => c.stream), [9, 7]);
    assert.deepEqual(t.changes('@a:h', 7, 100, 10).map((c) => c.stream), [9]);
    assert.deepEqual(t.changes('@a:h', 0, 9, 10).map((c) => c.stream), [7]);
    assert.deepEqual(t.changes('@a:h', 0, 100, 1).map((c) => c.stream), [9]);
    s.close();
  });
  test(`${name}: accounts keep credentials and refuse a taken name`, async () => {
    const s = open();
    const cred = await makeCredential('sha256', 'pw', 4096);
    assert.equal(s.accounts.createAccount('alice', 1, false, [cred]), true);
    assert.equal(s.accounts.createAccount('alice', 2, true, []), false);
    const back = s.accounts.credential('alice', 'sha256')!;
    assert.deepEqual(back.storedKey, cred.storedKey);
    assert.equal(back.iterations, 4096);
    s.accounts.setProfile('alice', 'displayname', 'Alice');
    assert.equal(s.accounts.getAccount('alice')!.displayname, 'Alice');
    s.devices.createSession('@alice:h', 'DEV', null, 'tok', 1);
    assert.deepEqual(s.accounts.deactivatedLocalparts(), []);
    s.accounts.deactivate('alice', '@alice:h');
    assert.deepEqual(s.accounts.deactivatedLocalparts(), ['alice']);
    assert.equal(s.accounts.credential('alice', 'sha256'), null);
    assert.equal(s.devices.lookupToken('tok'), null);
    assert.equal(s.accounts.getAccount('alice')!.deactivated, true);
    s.close();
  });

  test(`${name}: tokens map to devices, a re-login on the same device replaces its token`, () => {
    const s = open();
    s.devices.createSession('@a:h', 'D1', 'phone', 't1', 1);
    assert.deepEqual(s.devices.lookupToken('t1'), { userId: '@a:h', deviceId: 'D1' });
    s.devices.createSession('@a:h', 'D1', null, 't2', 2);
    assert.equal(s.devices.lookupToken('t1'), null);
    assert.equal(s.devices.listDevices('@a:h')[0].displayName, 'phone');
    s.devices.touchDevice('@a:h', 'D1', 5, '198.51.100.7', 'Element/1.11');
    s.devices.touchDevice('@a:h', 'NOPE', 6, '198.51.100.8', 'x'); // no such device: nothing is made
    assert.deepEqual(s.devices.listDevices('@a:h').map((d) => [d.deviceId, d.lastSeenTs, d.lastSeenIp, d.lastSeenUserAgent]),
      [['D1', 5, '198.51.100.7', 'Element/1.11']]);
    s.devices.deleteDevice('@a:h', 'D1');
    assert.equal(s.devices.lookupToken('t2'), null);
    s.close();
  });

  test(`${name}: FAST tokens: two slots per client, a used new token retires the current one, password change and deactivation clear them`, async () => {
    const s = open();
    const cred = await makeCredential('sha256', 'pw', 4096);
    s.accounts.createAccount('bob', 1, false, [cred]);
    const tok = (n: number) => ({ mechanism: n === 3 ? 'HT-SHA-256-EXPR' : 'HT-SHA-256-NONE', proofHash: Buffer.alloc(32, n), serverProof: Buffer.alloc(32, n + 100),
      secret: n === 3 ? Buffer.from('token-3') : null, expiresTs: 1000 + n });
    s.fastTokens.putNew('bob', 'c1', tok(1));
    s.fastTokens.used('bob', 'c1', 'new', -1);
    s.fastTokens.putNew('bob', 'c1', tok(2));
    s.fastTokens.putNew('bob', 'c2', tok(3));
    const slots = (c: string) => s.fastTokens.tokens('bob', c).map((t) => `${t.slot}:${t.proofHash[0]}:${t.lastCount}`).sort();
    assert.deepEqual(slots('c1'), ['current:1:-1', 'new:2:-1']);
    assert.deepEqual(s.fastTokens.tokens('bob', 'c1').map((t) => t.secret), [null, null]);
    assert.deepEqual(s.fastTokens.tokens('bob', 'c2').map((t) => [t.mechanism, t.secret?.toString()]), [['HT-SHA-256-EXPR', 'token-3']], 'a channel-binding token keeps its secret');
    s.fastTokens.used('bob', 'c1', 'current', 5);
    s.fastTokens.used('bob', 'c1', 'current', 3);
    assert.deepEqual(slots('c1'), ['current:1:5', 'new:2:-1'], 'the counter only grows');
    s.fastTokens.used('bob', 'c1', 'new', 1);
    assert.deepEqual(slots('c1'), ['current:2:1']);
    assert.deepEqual(s.fastTokens.tokens('bob', 'c1')[0]!.serverProof, Buffer.alloc(32, 102));
    s.fastTokens.remove('bob', 'c1', 'current');
    assert.deepEqual(slots('c1'), []);
    s.fastTokens.putNew('bob', 'c1', tok(4));
    s.accounts.setCredentials('bob', [cred]);
    assert.deepEqual([...slots('c1'), ...slots('c2')], [], 'a new password ends every token');
    s.fastTokens.putNew('bob', 'c1', tok(5));
    s.accounts.deactivate('bob', '@bob:h');
    assert.deepEqual(slots('c1'), []);
    s.close();
  });

  test(`${name}: events, state groups and memberships commit together and read back in order`, async () => {
    const s = open();
    const r = '!r:h';
    s.events.writeEvent({
      stream: 1, eventId: '$c', pdu: pdu(r, 'm.room.create', '@a:h', 1, ''), stateGroup: 1,
      newStateGroup: { id: 1, prevId: null, full: true, delta: { 'm.room.create\u0000': '$c' } },
      newRoom: { version: '11', creator: '@a:h', createdTs: 1 },
    });
    await s.writes.enqueue(() => s.events.writeEvent({
      stream: 2, eventId: '$m', pdu: pdu(r, 'm.room.member', '@a:h', 2, '@a:h', { membership: 'join' }), stateGroup: 2,
      newStateGroup: { id: 2, prevId: 1, full: false, delta: { 'm.room.member\u0000@a:h': '$m' } },
      membership: { userId: '@a:h', membership: 'join' },
    }));
    const written = pdu(r, 'm.room.message', '@a:h', 3);
    await s.writes.enqueue(() => s.events.writeEvent({ stream: 3, eventId: '$t', pdu: written, stateGroup: 2 }));
    // What reads give back is the event as stored, not the writer's object.
    written.type = 'changed.after.write';
    assert.equal(s.events.maxStream(), 3);
    assert.deepEqual([...s.events.stateGroup(2)].sort(), [['m.room.create\u0000', '$c'], ['m.room.member\u0000@a:h', '$m']]);
    assert.equal(s.rooms.getRoom(r)!.headEventId, '$t');
    assert.deepEqual(s.rooms.roomsForUser('@a:h', ['join']).map((x) => x.roomId), [r]);
    assert.equal(s.rooms.latestMembershipStream(r), 2);
    assert.equal(s.rooms.latestMembershipStream('!other:h'), 0);
    assert.deepEqual(s.events.roomEventsBefore(r, 3, 10).map((e) => e.eventId), ['$m', '$c']);
    assert.deepEqual(s.events.roomEventsAfter(r, 1, 10).map((e) => e.eventId), ['$m', '$t']);
    assert.deepEqual(s.events.stateHistory(r, 'm.room.member', '@a:h').map((e) => e.eventId), ['$m']);
    assert.deepEqual(s.events.stateHistory(r, 'm.room.member', '@b:h'), []);
    assert.deepEqual(s.events.eventsSince([r, '!other:h'], 1, 10).map((e) => e.stream), [2, 3]);
    assert.equal(s.events.getEvent('$t')!.pdu.type, 'm.room.message');
    // Reads after a membership change see it (memberships are cached in memory).
    assert.deepEqual(s.rooms.members(r), [{ userId: '@a:h', membership: 'join' }]);
    await s.writes.enqueue(() => s.events.writeEvent({
      stream: 4, eventId: '$b', pdu: pdu(r, 'm.room.member', '@b:h', 4, '@b:h', { membership: 'join' }), stateGroup: 3,
      newStateGroup: { id: 3, prevId: 2, full: false, delta: { 'm.room.member\u0000@b:h': '$b' } },
      membership: { userId: '@b:h', membership: 'join' },
    }));
    await s.writes.enqueue(() => s.events.writeEvent({
      stream: 5, eventId: '$al', pdu: pdu(r, 'm.room.member', '@a:h', 5, '@a:h', { membership: 'leave' }), stateGroup: 4,
      newStateGroup: { id: 4, prevId: 3, full: false, delta: { 'm.room.member\u0000@a:h': '$al' } },
      membership: { userId: '@a:h', membership: 'leave' },
    }));
    assert.deepEqual(s.rooms.members(r), [{ userId: '@a:h', membership: 'leave' }, { userId: '@b:h', membership: 'join' }]);
    // Group 4 builds on group 2 read before (and cached by some backends); both read back whole.
    assert.deepEqual([...s.events.stateGroup(4)].sort(), [['m.room.create\u0000', '$c'], ['m.room.member\u0000@a:h', '$al'], ['m.room.member\u0000@b:h', '$b']]);
    assert.deepEqual([...s.events.stateGroup(3)].sort(), [['m.room.create\u0000', '$c'], ['m.room.member\u0000@a:h', '$m'], ['m.room.member\u0000@b:h', '$b']]);
    assert.deepEqual([...s.events.stateGroup(2)].sort(), [['m.room.create\u0000', '$c'], ['m.room.member\u0000@a:h', '$m']]);
    assert.deepEqual(s.rooms.roomsForUser('@a:h', ['join']), []);
    assert.deepEqual(s.rooms.roomsForUser('@a:h', ['join', 'leave']).map((x) => [x.roomId, x.membership, x.stream, x.eventId]), [[r, 'leave', 5, '$al']]);
    assert.deepEqual(s.rooms.roomsForUser('@b:h', ['join']).map((x) => x.roomId), [r]);
    assert.equal(s.rooms.latestMembershipStream(r), 5);
    s.close();
  });

  test(`${name}: aliases, account data, transactions, roster versions`, () => {
    const s = open();
    assert.equal(s.rooms.putAlias('#a:h', '!r:h', '@a:h'), true);
    assert.equal(s.rooms.putAlias('#a:h', '!x:h', '@a:h'), false);
    assert.equal(s.rooms.getAlias('#a:h'), '!r:h');
    s.accountData.put('@a:h', '', 'm.direct', { '@b:h': ['!r:h'] }, 5);
    assert.deepEqual(s.accountData.get('@a:h', '', 'm.direct'), { '@b:h': ['!r:h'] });
    assert.equal(s.accountData.since('@a:h', 4).length, 1);
    assert.equal(s.accountData.since('@a:h', 5).length, 0);
    s.accountData.put('@a:h', '!r:h', 'm.tag', { tags: {} }, 7);
    assert.deepEqual(s.accountData.since('@a:h', 5).map((e) => [e.roomId, e.type, e.stream]), [['!r:h', 'm.tag', 7]]);
    assert.equal(s.accountData.since('@b:h', 0).length, 0);
    s.accountData.put('@b:h', '', 'm.direct', {}, 8);
    assert.equal(s.accountData.since('@b:h', 0).length, 1);
    s.txns.put('@a:h', 'D', 'txn1', '$e', 1);
    assert.equal(s.txns.get('@a:h', 'D', 'txn1'), '$e');
    const v1 = s.roster.put('a', { jid: 'b@h', name: null, subscription: 'none', ask: true, pendingIn: false, groups: ['Friends'] });
    const v2 = s.roster.remove('a', 'b@h');
    assert.ok(v2 > v1);
    assert.equal(s.roster.items('a').length, 0);
    s.close();
  });

  test(`${name}: a deferred write joins the next group commit, in queue order, or commits on its own`, async () => {
    const s = open();
    const order: string[] = [];
    const deferred = s.writes.enqueueDeferred(() => { s.kv.put('n', 'k', 'deferred'); order.push('deferred'); });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(order.length, 0, 'a deferred write alone waits');
    const next = s.writes.enqueue(() => { s.kv.put('n', 'k2', 'v'); order.push('next'); });
    await Promise.all([deferred, next]);
    assert.deepEqual(order, ['deferred', 'next']);
    assert.equal(s.kv.get('n', 'k'), 'deferred');
    const t0 = Date.now();
    await s.writes.enqueueDeferred(() => s.kv.put('n', 'k', 'alone'));
    assert.ok(Date.now() - t0 >= 500, 'committed by its timer');
    assert.equal(s.kv.get('n', 'k'), 'alone');
    const third = s.writes.enqueueDeferred(() => s.kv.put('n', 'k', 'flushed'));
    await s.writes.flush();
    await third;
    assert.equal(s.kv.get('n', 'k'), 'flushed');
    s.close();
  });

  test(`${name}: a write after close is refused, and is not reported as a disk failure`, async () => {
    const s = open();
    s.close();
    await assert.rejects(s.writes.enqueue(() => s.kv.put('n', 'k', 'v')), /storage is closed/);
  });

  test(`${name}: a failed write rejects its batch and reports it, earlier commits stay`, async () => {
    const s = open();
    await s.writes.enqueue(() => s.kv.put('n', 'k', 'v'));
    await assert.rejects(s.writes.enqueue(() => { throw new Error('disk full'); }));
    assert.equal(s.kv.get('n', 'k'), 'v');
    s.close();
  });

  test(`${name}: registration tokens count uses, expire, and refuse duplicates`, () => {
    const s = open();
    assert.equal(s.registrationTokens.create('tok', 2, null, 1), true);
    assert.equal(s.registrationTokens.create('tok', 5, null, 1), false);
    assert.equal(s.registrationTokens.create('old', null, 100, 1), true);
    assert.equal(s.registrationTokens.consume('tok', 10), true);
    assert.equal(s.registrationTokens.consume('tok', 10), true);
    assert.equal(s.registrationTokens.consume('tok', 10), false);
    assert.equal(s.registrationTokens.get('tok')!.completed, 2);
    assert.equal(s.registrationTokens.consume('old', 99), true);
    assert.equal(s.registrationTokens.consume('old', 100), false);
    assert.equal(s.registrationTokens.consume('none', 1), false);
    assert.deepEqual(s.registrationTokens.list().map((t) => t.token), ['old', 'tok']);
    assert.equal(s.registrationTokens.delete('tok'), true);
    assert.equal(s.registrationTokens.get('tok'), null);
    s.close();
  });

  test(`${name}: a refresh token is spent once; a new one retires the device's old one`, () => {
    const s = open();
    s.refreshTokens.issue('@a:h', 'D', 'r1', 'a1', 500);
    assert.equal(s.refreshTokens.accessExpiry('a1'), 500);
    assert.equal(s.refreshTokens.accessExpiry('other'), null);
    s.refreshTokens.issue('@a:h', 'D', 'r2', 'a2', 900);
    assert.equal(s.refreshTokens.take('r1'), null);
    assert.deepEqual(s.refreshTokens.take('r2'), { userId: '@a:h', deviceId: 'D' });
    assert.equal(s.refreshTokens.take('r2'), null);
    s.refreshTokens.issue('@a:h', 'D', 'r3', 'a3', 900);
    s.refreshTokens.forgetDevice('@a:h', 'D');
    assert.equal(s.refreshTokens.take('r3'), null);
    s.close();
  });

  test(`${name}: PEP nodes keep config and items newest first, trimmed to max; private XML by key`, () => {
    const s = open();
    assert.equal(s.pep.getNode('a', 'n'), null);
    s.pep.putNode('a', 'n', { 'pubsub#max_items': '2' });
    assert.deepEqual(s.pep.getNode('a', 'n'), { 'pubsub#max_items': '2' });
    const item = (id: string) => ({ id, payload: `<p>${id}</p>`, publisher: 'a@h', ts: 1 });
    s.pep.putItem('a', 'n', item('1'), 2);
    s.pep.putItem('a', 'n', item('2'), 2);
    s.pep.putItem('a', 'n', item('1'), 2);
    assert.deepEqual(s.pep.items('a', 'n').map((i) => i.id), ['1', '2']);
    s.pep.putItem('a', 'n', item('3'), 2);
    assert.deepEqual(s.pep.items('a', 'n').map((i) => i.id), ['3', '1']);
    assert.deepEqual(s.pep.items('a', 'n', 1).map((i) => i.id), ['3']);
    assert.equal(s.pep.item('a', 'n', '3')!.payload, '<p>3</p>');
    assert.equal(s.pep.retract('a', 'n', '3'), true);
    assert.equal(s.pep.retract('a', 'n', '3'), false);
    assert.deepEqual(s.pep.nodes('a'), ['n']);
    s.pep.purge('a', 'n');
    assert.deepEqual(s.pep.items('a', 'n'), []);
    s.pep.putItem('a', 'n', item('4'), null);
    s.pep.deleteNode('a', 'n');
    assert.equal(s.pep.getNode('a', 'n'), null);
    assert.equal(s.pep.item('a', 'n', '4'), null);
    s.privateXml.put('a', 'x:y', '<q/>');
    assert.equal(s.privateXml.get('a', 'x:y'), '<q/>');
    assert.equal(s.privateXml.get('b', 'x:y'), null);
    s.privateXml.put('a', 'x:y', null);
    assert.equal(s.privateXml.get('a', 'x:y'), null);
    s.close();
  });

  test(`${name}: receipts keep the newest per user, type and thread; pushers by app id and pushkey`, () => {
    const s = open();
    const r = (userId: string, type: string, threadId: string | null, eventId: string, stream: number) =>
      ({ roomId: '!r:h', userId, type, threadId, eventId, ts: stream, stream });
    s.receipts.put(r('@a:h', 'm.read', null, '$1', 5));
    s.receipts.put(r('@a:h', 'm.read', 'main', '$1', 6));
    s.receipts.put(r('@a:h', 'm.read', null, '$2', 8));
    s.receipts.put(r('@b:h', 'm.read.private', null, '$2', 9));
    assert.equal(s.receipts.maxStream(), 9);
    assert.deepEqual(s.receipts.between('!r:h', 5, 8).map((x) => [x.eventId, x.threadId, x.stream]), [['$1', 'main', 6], ['$2', null, 8]]);
    assert.deepEqual(s.receipts.ofUser('!r:h', '@a:h').length, 2);
    assert.deepEqual(s.receipts.between('!other:h', 0, 100), []);
    assert.equal(s.receipts.latestIn('!r:h'), 9);
    assert.equal(s.receipts.latestIn('!other:h'), 0);
    s.pushers.put('@a:h', 'app', 'k1', { pushkey: 'k1' }, 'D0');
    s.pushers.put('@a:h', 'app', 'k1', { pushkey: 'k1', lang: 'en' }, 'D1');
    s.pushers.put('@b:h', 'app', 'k1', { pushkey: 'k1' }, 'D1');
    assert.deepEqual(s.pushers.forUser('@a:h'), [{ pushkey: 'k1', lang: 'en' }]);
    s.pushers.removeOthers('app', 'k1', '@a:h');
    assert.deepEqual(s.pushers.forUser('@b:h'), []);
    s.pushers.remove('@a:h', 'app', 'k1');
    assert.deepEqual(s.pushers.forUser('@a:h'), []);
    // A pusher goes with the device that set it (the last set wins), and with all devices.
    s.pushers.put('@a:h', 'app', 'k2', { pushkey: 'k2' }, 'D1');
    s.pushers.put('@a:h', 'app', 'k3', { pushkey: 'k3' }, 'D2');
    s.devices.deleteDevice('@a:h', 'D1');
    assert.deepEqual(s.pushers.forUser('@a:h'), [{ pushkey: 'k3' }]);
    s.devices.deleteAllDevices('@a:h');
    assert.deepEqual(s.pushers.forUser('@a:h'), []);
    s.close();
  });

  test(`${name}: admin counts, and a purged room is gone with its events and memberships`, async () => {
    const s = open();
    const r = '!p:h';
    s.events.writeEvent({
      stream: 1, eventId: '$pc', pdu: pdu(r, 'm.room.create', '@a:h', 1, ''), stateGroup: 1,
      newStateGroup: { id: 1, prevId: null, full: true, delta: { 'm.room.create\u0000': '$pc' } },
      newRoom: { version: '11', creator: '@a:h', createdTs: 1 },
    });
    s.events.writeEvent({
      stream: 2, eventId: '$pm', pdu: pdu(r, 'm.room.member', '@a:h', 2, '@a:h', { membership: 'join' }), stateGroup: 2,
      newStateGroup: { id: 2, prevId: 1, full: false, delta: { 'm.room.member\u0000@a:h': '$pm' } },
      membership: { userId: '@a:h', membership: 'join' },
    });
    s.rooms.putAlias('#p:h', r, '@a:h');
    assert.deepEqual(s.rooms.roomsForUser('@a:h', ['join']).map((x) => x.roomId), [r]);
    assert.equal(s.rooms.members(r).length, 1);
    assert.equal(s.admin.roomEventCount(r), 2);
    assert.equal(s.admin.counts().rooms, 1);
    assert.equal(s.admin.counts().events, 2);
    s.admin.purgeRoom(r);
    assert.equal(s.rooms.getRoom(r), null);
    assert.equal(s.events.getEvent('$pm'), null);
    assert.deepEqual(s.rooms.roomsForUser('@a:h', ['join']), []);
    assert.deepEqual(s.rooms.members(r), []);
    assert.equal(s.rooms.getAlias('#p:h'), null);
    assert.equal(s.admin.counts().events, 0);
    s.close();
  });

  test(`${name}: relations and full-text search are indexed with the event and dropped on redaction`, () => {
    const s = open();
    const r = '!f:h';
    s.events.writeEvent({
      stream: 1, eventId: '$fc', pdu: pdu(r, 'm.room.create', '@a:h', 1, ''), stateGroup: 1,
      newStateGroup: { id: 1, prevId: null, full: true, delta: { 'm.room.create\u0000': '$fc' } },
      newRoom: { version: '11', creator: '@a:h', createdTs: 1 },
    });
    s.events.writeEvent({ stream: 2, eventId: '$root', pdu: pdu(r, 'm.room.message', '@a:h', 2, undefined, { body: 'hello quick brown fox' }), stateGroup: 1 });
    // Asked before anything relates to it or redacts it (answers some backends remember).
    assert.equal(s.relations.hasChildren('$root'), false);
    assert.equal(s.events.redactedBy('$root'), null);
    const react = pdu(r, 'm.reaction', '@b:h', 3);
    react.content = { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$root', key: '👍' } };
    s.events.writeEvent({ stream: 3, eventId: '$react', pdu: react, stateGroup: 1 });
    const reply = pdu(r, 'm.room.message', '@b:h', 4);
    reply.content = { body: 'a thread reply', 'm.relates_to': { rel_type: 'm.thread', event_id: '$root' } };
    s.events.writeEvent({ stream: 4, eventId: '$reply', pdu: reply, stateGroup: 1 });
    assert.deepEqual(s.relations.children('$root', 0, 10, 10, true).map((c) => [c.eventId, c.relType, c.key]),
      [['$reply', 'm.thread', null], ['$react', 'm.annotation', '👍']]);
    assert.equal(s.relations.hasChildren('$root'), true);
    assert.deepEqual(s.relations.threadRoots(r, 10), [{ rootId: '$root', latestStream: 4 }]);
    assert.deepEqual(s.search.search('brown FOX', 10).map((h) => h.eventId), ['$root']);
    assert.deepEqual(s.search.search('"; DROP', 10), []);
    assert.deepEqual(s.search.search('   ', 10), []);
    assert.deepEqual(s.search.search('\u0000\ud800', 10), [], 'NUL and a lone surrogate are no error');
    assert.deepEqual(s.search.search('brown\u0000fox\udc00', 10).map((h) => h.eventId), ['$root']);
    s.events.writeEvent({ stream: 5, eventId: '$red', pdu: pdu(r, 'm.room.redaction', '@a:h', 5), stateGroup: 1, redacts: '$root' });
    assert.deepEqual(s.search.search('fox', 10), []);
    assert.equal(s.events.redactedBy('$root'), '$red');
    // A second redaction of the same event does not replace the first.
    s.events.writeEvent({ stream: 6, eventId: '$red2', pdu: pdu(r, 'm.room.redaction', '@a:h', 6), stateGroup: 1, redacts: '$root' });
    assert.equal(s.events.redactedBy('$root'), '$red');
    // Redacted relations stop counting: with both gone, nothing relates to the root any more.
    s.events.writeEvent({ stream: 7, eventId: '$red3', pdu: pdu(r, 'm.room.redaction', '@a:h', 7), stateGroup: 1, redacts: '$react' });
    assert.equal(s.relations.hasChildren('$root'), true);
    s.events.writeEvent({ stream: 8, eventId: '$red4', pdu: pdu(r, 'm.room.redaction', '@a:h', 8), stateGroup: 1, redacts: '$reply' });
    assert.equal(s.relations.hasChildren('$root'), false);
    s.publicRooms.set(r, true);
    assert.deepEqual(s.publicRooms.list(), [r]);
    s.publicRooms.set(r, false);
    assert.equal(s.publicRooms.isPublic(r), false);
    assert.ok(s.reports.add({ roomId: r, eventId: '$root', userId: '@b:h', reason: 'spam', score: -100, ts: 1 }) > 0);
    assert.equal(s.reports.list()[0].reason, 'spam');
    s.forgottenRooms.forget('@a:h', r, '$leave1');
    assert.equal(s.forgottenRooms.isForgotten('@a:h', r), true);
    assert.equal(s.forgottenRooms.isForgotten('@a:h', r, '$leave1'), true);
    assert.equal(s.forgottenRooms.isForgotten('@a:h', r, '$leave2'), false);
    s.forgottenRooms.unforget('@a:h', r);
    assert.equal(s.forgottenRooms.isForgotten('@a:h', r), false);
    s.close();
  });

  test(`${name}: e2ee keys: one-time keys are taken once, fallback keys stay, cross-signing and change log`, () => {
    const s = open();
    s.e2ee.putDeviceKeys('@a:h', 'D', { user_id: '@a:h', device_id: 'D' });
    assert.deepEqual([...s.e2ee.deviceKeys('@a:h').keys()], ['D']);
    // Counts read before each change (remembered by some backends) follow every change.
    assert.deepEqual(s.e2ee.oneTimeKeyCounts('@a:h', 'D'), {});
    assert.deepEqual(s.e2ee.unusedFallbackAlgorithms('@a:h', 'D'), []);
    assert.deepEqual(s.e2ee.changedBetween(0, 10), []);
    s.e2ee.addOneTimeKeys('@a:h', 'D', [{ keyId: 'signed_curve25519:1', key: { key: 'k1' } }, { keyId: 'signed_curve25519:2', key: { key: 'k2' } }]);
    s.e2ee.addOneTimeKeys('@a:h', 'D', [{ keyId: 'signed_curve25519:1', key: { key: 'changed' } }]);
    assert.deepEqual(s.e2ee.oneTimeKeyCounts('@a:h', 'D'), { signed_curve25519: 2 });
    const taken = [s.e2ee.takeOneTimeKey('@a:h', 'D', 'signed_curve25519'), s.e2ee.takeOneTimeKey('@a:h', 'D', 'signed_curve25519')];
    assert.deepEqual(taken.map((k) => k?.keyId).sort(), ['signed_curve25519:1', 'signed_curve25519:2']);
    assert.equal(s.e2ee.takeOneTimeKey('@a:h', 'D', 'signed_curve25519'), null);
    assert.deepEqual(s.e2ee.oneTimeKeyCounts('@a:h', 'D'), {});
    s.e2ee.putFallbackKey('@a:h', 'D', { keyId: 'signed_curve25519:F', key: { key: 'f' } });
    assert.deepEqual(s.e2ee.unusedFallbackAlgorithms('@a:h', 'D'), ['signed_curve25519']);
    assert.equal(s.e2ee.useFallbackKey('@a:h', 'D', 'signed_curve25519')?.keyId, 'signed_curve25519:F');
    assert.equal(s.e2ee.useFallbackKey('@a:h', 'D', 'signed_curve25519')?.keyId, 'signed_curve25519:F');
    assert.deepEqual(s.e2ee.unusedFallbackAlgorithms('@a:h', 'D'), []);
    s.e2ee.putCrossSigningKey('@a:h', 'master', { usage: ['master'] });
    assert.deepEqual(s.e2ee.crossSigningKeys('@a:h').get('master'), { usage: ['master'] });
    s.e2ee.markChanged('@a:h', 5);
    s.e2ee.markChanged('@b:h', 7);
    assert.deepEqual(s.e2ee.changedBetween(4, 6), ['@a:h']);
    assert.deepEqual(s.e2ee.changedBetween(0, 10), ['@a:h', '@b:h']);
    assert.deepEqual(s.e2ee.changedBetween(7, 10), []);
    s.e2ee.markChanged('@a:h', 9);
    assert.deepEqual(s.e2ee.changedBetween(7, 10), ['@a:h']);
    s.e2ee.addOneTimeKeys('@a:h', 'D', [{ keyId: 'signed_curve25519:3', key: { key: 'k3' } }]);
    s.e2ee.putFallbackKey('@a:h', 'D', { keyId: 'signed_curve25519:G', key: { key: 'g' } });
    assert.deepEqual(s.e2ee.oneTimeKeyCounts('@a:h', 'D'), { signed_curve25519: 1 });
    s.e2ee.deleteDevice('@a:h', 'D');
    assert.deepEqual(s.e2ee.oneTimeKeyCounts('@a:h', 'D'), {});
    assert.equal(s.e2ee.deviceKeys('@a:h').size, 0);
    assert.deepEqual(s.e2ee.unusedFallbackAlgorithms('@a:h', 'D'), []);
    s.close();
  });

  test(`${name}: to-device messages are read by position and dropped when acknowledged`, () => {
    const s = open();
    // Asked while empty (some backends remember the answer), then written to.
    assert.deepEqual(s.e2ee.toDeviceBetween('@a:h', 'D', 0, 9), []);
    assert.equal(s.e2ee.hasToDeviceUpTo('@a:h', 'D', 9), false);
    s.e2ee.addToDevice('@a:h', 'D', 3, { type: 't', n: 1 });
    s.e2ee.addToDevice('@a:h', 'D', 5, { type: 't', n: 2 });
    s.e2ee.addToDevice('@a:h', 'E', 5, { type: 't', n: 3 });
    assert.deepEqual(s.e2ee.toDeviceBetween('@a:h', 'D', 0, 4).map((m) => m.message.n), [1]);
    assert.deepEqual(s.e2ee.toDeviceBetween('@a:h', 'D', 0, 9).map((m) => m.stream), [3, 5]);
    assert.deepEqual(s.e2ee.toDeviceBetween('@a:h', 'D', 0, 9, 1).map((m) => m.stream), [3]);
    assert.equal(s.e2ee.maxStream(), 5);
    assert.equal(s.e2ee.hasToDeviceUpTo('@a:h', 'D', 2), false);
    assert.equal(s.e2ee.hasToDeviceUpTo('@a:h', 'D', 3), true);
    s.e2ee.deleteToDeviceUpTo('@a:h', 'D', 3);
    assert.equal(s.e2ee.hasToDeviceUpTo('@a:h', 'D', 4), false);
    assert.deepEqual(s.e2ee.toDeviceBetween('@a:h', 'D', 0, 9).map((m) => m.message.n), [2]);
    assert.equal(s.e2ee.toDeviceBetween('@a:h', 'E', 0, 9).length, 1);
    assert.deepEqual(s.e2ee.toDeviceBetween('@a:h', 'D', 5, 9), []);
    s.e2ee.deleteToDeviceUpTo('@a:h', 'D', 5);
    assert.equal(s.e2ee.hasToDeviceUpTo('@a:h', 'D', 9), false);
    assert.deepEqual(s.e2ee.toDeviceBetween('@a:h', 'D', 0, 9), []);
    s.e2ee.addToDevice('@a:h', 'D', 8, { type: 't', n: 4 });
    assert.deepEqual(s.e2ee.toDeviceBetween('@a:h', 'D', 5, 9).map((m) => m.message.n), [4]);
    assert.equal(s.e2ee.hasToDeviceUpTo('@a:h', 'D', 7), false);
    assert.equal(s.e2ee.hasToDeviceUpTo('@a:h', 'D', 8), true);
    s.e2ee.deleteDevice('@a:h', 'E');
    assert.deepEqual(s.e2ee.toDeviceBetween('@a:h', 'E', 0, 9), []);
    s.close();
  });

  test(`${name}: key backup versions count up, deleted ones stay gone, sessions at three levels`, () => {
    const s = open();
    const kb = s.keyBackup;
    assert.equal(kb.getVersion('@a:h', null), null);
    const v1 = kb.createVersion('@a:h', 'alg', { k: 1 });
    const v2 = kb.createVersion('@a:h', 'alg', { k: 2 });
    assert.equal(kb.getVersion('@a:h', null)?.version, v2);
    kb.putSession('@a:h', v1, '!r:h', 'S1', { i: 1 });
    kb.putSession('@a:h', v1, '!r:h', 'S2', { i: 2 });
    kb.putSession('@a:h', v1, '!q:h', 'S3', { i: 3 });
    assert.equal(kb.count('@a:h', v1), 3);
    assert.equal(kb.sessions('@a:h', v1, '!r:h').length, 2);
    assert.deepEqual(kb.getSession('@a:h', v1, '!r:h', 'S2'), { i: 2 });
    kb.deleteSessions('@a:h', v1, '!r:h', 'S1');
    assert.equal(kb.count('@a:h', v1), 2);
    kb.bumpEtag('@a:h', v1);
    assert.equal(kb.getVersion('@a:h', v1)?.etag, 1);
    kb.updateVersion('@a:h', v2, { k: 'new' });
    assert.deepEqual(kb.getVersion('@a:h', v2)?.authData, { k: 'new' });
    kb.deleteVersion('@a:h', v2);
    assert.equal(kb.getVersion('@a:h', v2), null);
    assert.equal(kb.getVersion('@a:h', null)?.version, v1);
    assert.notEqual(kb.createVersion('@a:h', 'alg', {}), v2, 'a deleted version number is not reused');
    assert.equal(kb.getVersion('@a:h', 'junk'), null);
    s.close();
  });
}

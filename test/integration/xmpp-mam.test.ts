// XEP-0313 MAM over the room timelines with a real client library: the archive of one account is
// the messages of its DM rooms, whoever sent them and from which protocol; result ids are the
// stanza-ids of live delivery; RSM paging forwards and backwards, flipped pages, filters, form
// discovery, metadata, preferences, and the errors for bad queries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useXmppServer } from './xmpp-im-support/fixture.js';
import { ImClient, isMessage, xml, type XmlNode } from './xmpp-im-support/im-client.js';

const NS_MAM = 'urn:xmpp:mam:2';
const NS_RSM = 'http://jabber.org/protocol/rsm';
const NS_FWD = 'urn:xmpp:forward:0';
const NS_SID = 'urn:xmpp:sid:0';

let alice: ImClient;
let bob: ImClient;
/** stanza-id of each live message bob received, by body. */
const liveIds = new Map<string, string>();

const online = (user: string, resource: string) => fx.online(user, resource);

const fx = useXmppServer(['alice', 'bob', 'carol'], {
  ready: async () => {
    alice = await online('alice', 'phone');
    bob = await online('bob', 'desk');
    // Six messages alice → bob, one bob → alice, one alice → carol (another conversation).
    for (let i = 1; i <= 6; i++) {
      await alice.send(xml('message', { to: 'bob@localhost', type: 'chat', id: `m${i}` }, xml('body', {}, `msg ${i}`)));
      const m = await bob.next(isMessage(`msg ${i}`), `msg ${i}`, 8000);
      liveIds.set(`msg ${i}`, m.getChild('stanza-id', NS_SID).attrs.id);
    }
    await bob.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'r1' }, xml('body', {}, 'reply')));
    await alice.next(isMessage('reply'), 'reply', 8000);
    await alice.send(xml('message', { to: 'carol@localhost', type: 'chat' }, xml('body', {}, 'hi carol')));
    const roomId = await waitFor(() => fx.server.core.directs.find('@alice:localhost', '@carol:localhost') ?? undefined);
    await waitFor(() => fx.server.core.storage.events.roomEventsBefore(roomId, Number.MAX_SAFE_INTEGER, 50)
      .find((e) => e.pdu.content.body === 'hi carol'));
  },
});

async function waitFor<T>(fn: () => T | undefined, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Answer { iq: XmlNode; results: XmlNode[] }
let qn = 0;

/** Sends a query and collects the result messages that came before the iq answer. */
async function mam(c: ImClient, fields: Record<string, string | string[]>, rsm: XmlNode[] = [], extra: XmlNode[] = [], to?: string): Promise<Answer> {
  const queryid = `q${++qn}`;
  const form = xml('x', { xmlns: 'jabber:x:data', type: 'submit' },
    xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, NS_MAM)),
    ...Object.entries(fields).map(([k, v]) => xml('field', { var: k }, ...[v].flat().map((s) => xml('value', {}, s)))));
  const iq = await c.iqRaw('set', xml('query', { xmlns: NS_MAM, queryid }, form, ...(rsm.length ? [xml('set', { xmlns: NS_RSM }, ...rsm)] : []), ...extra), to);
  const results: XmlNode[] = [];
  for (let i = c.box.length - 1; i >= 0; i--) {
    const el = c.box[i]!;
    if (el.name === 'message' && el.getChild('result', NS_MAM)?.attrs.queryid === queryid) results.unshift(...c.box.splice(i, 1));
  }
  return { iq, results };
}

const bodies = (a: Answer) => a.results.map((m) => m.getChild('result', NS_MAM).getChild('forwarded', NS_FWD).getChild('message').getChildText('body'));
const fin = (a: Answer) => a.iq.getChild('fin', NS_MAM);
const rsmText = (a: Answer, name: string): string => String(fin(a).getChild('set', NS_RSM).getChildText(name));
const condition = (a: Answer) => a.iq.getChild('error')?.children.find((c: XmlNode | string) => typeof c !== 'string')?.name;

test('the whole archive: both directions, oldest first, ids are the live stanza-ids', async () => {
  const a = await mam(bob, {});
  assert.equal(a.iq.attrs.type, 'result');
  assert.deepEqual(bodies(a), ['msg 1', 'msg 2', 'msg 3', 'msg 4', 'msg 5', 'msg 6', 'reply']);
  assert.equal(fin(a).attrs.complete, 'true');
  assert.equal(rsmText(a, 'count'), '7');
  const first = a.results[0]!;
  const result = first.getChild('result', NS_MAM);
  assert.equal(result.attrs.id, liveIds.get('msg 1'));
  assert.equal(first.attrs.from, 'bob@localhost');
  const fwd = result.getChild('forwarded', NS_FWD);
  assert.match(fwd.getChild('delay', 'urn:xmpp:delay').attrs.stamp, /^\d{4}-\d\d-\d\dT.*Z$/);
  const inner = fwd.getChild('message');
  assert.equal(inner.attrs.from, 'alice@localhost/phone');
  assert.equal(inner.attrs.to, 'bob@localhost');
  assert.equal(inner.attrs.id, 'm1');
  assert.equal(inner.getChild('stanza-id', NS_SID).attrs.id, liveIds.get('msg 1'));
  const mine = a.results[6]!.getChild('result', NS_MAM).getChild('forwarded', NS_FWD).getChild('message');
  assert.equal(mine.attrs.from, 'bob@localhost/desk');
  assert.equal(mine.attrs.to, 'alice@localhost');
  assert.equal(rsmText(a, 'first'), liveIds.get('msg 1'));
});

test('RSM paging forwards with after, backwards from the end with before', async () => {
  const p1 = await mam(bob, {}, [xml('max', {}, '3')]);
  assert.deepEqual(bodies(p1), ['msg 1', 'msg 2', 'msg 3']);
  assert.notEqual(fin(p1).attrs.complete, 'true');
  const p2 = await mam(bob, {}, [xml('max', {}, '3'), xml('after', {}, rsmText(p1, 'last'))]);
  assert.deepEqual(bodies(p2), ['msg 4', 'msg 5', 'msg 6']);
  const p3 = await mam(bob, {}, [xml('max', {}, '3'), xml('after', {}, rsmText(p2, 'last'))]);
  assert.deepEqual(bodies(p3), ['reply']);
  assert.equal(fin(p3).attrs.complete, 'true');

  const last = await mam(bob, {}, [xml('max', {}, '2'), xml('before')]);
  assert.deepEqual(bodies(last), ['msg 6', 'reply']);
  const earlier = await mam(bob, {}, [xml('max', {}, '4'), xml('before', {}, rsmText(last, 'first'))]);
  assert.deepEqual(bodies(earlier), ['msg 2', 'msg 3', 'msg 4', 'msg 5']);
  const flipped = await mam(bob, {}, [xml('max', {}, '2'), xml('before')], [xml('flip-page', { xmlns: NS_MAM })]);
  assert.deepEqual(bodies(flipped), ['reply', 'msg 6']);
});

test('filters: with, after-id/before-id, ids, start/end', async () => {
  assert.deepEqual(bodies(await mam(alice, { with: 'carol@localhost' })), ['hi carol']);
  assert.equal(bodies(await mam(alice, {})).length, 8);
  const between = await mam(bob, { 'after-id': liveIds.get('msg 2')!, 'before-id': liveIds.get('msg 5')! });
  assert.deepEqual(bodies(between), ['msg 3', 'msg 4']);
  const one = await mam(bob, { ids: [liveIds.get('msg 4')!, liveIds.get('msg 1')!] });
  assert.deepEqual(bodies(one), ['msg 1', 'msg 4']);
  assert.deepEqual(bodies(await mam(bob, { start: '2999-01-01T00:00:00Z' })), []);
  assert.equal(bodies(await mam(bob, { end: '2999-01-01T00:00:00Z', start: '2000-01-01T00:00:00Z' })).length, 7);
});

test('errors: unknown ids, unknown fields, bad values, another account', async () => {
  assert.equal(condition(await mam(bob, {}, [xml('after', {}, '$nope')])), 'item-not-found');
  assert.equal(condition(await mam(bob, { 'after-id': '$nope' })), 'item-not-found');
  // carol's message is in alice's archive, not in bob's.
  const carolId = (await mam(alice, { with: 'carol@localhost' })).results[0]!.getChild('result', NS_MAM).attrs.id;
  assert.equal(condition(await mam(bob, { ids: [carolId] })), 'item-not-found');
  assert.equal(condition(await mam(bob, { '{urn:example}search': 'x' })), 'feature-not-implemented');
  assert.equal(condition(await mam(bob, { start: 'tuesday' })), 'bad-request');
  assert.equal(condition(await mam(bob, { with: 'a@b@c' })), 'jid-malformed');
  assert.equal(condition(await mam(bob, {}, [xml('max', {}, 'many')])), 'bad-request');
  assert.equal(condition(await mam(bob, {}, [], [], 'alice@localhost')), 'forbidden');
});

test('form discovery, metadata, disco feature', async () => {
  const form = await bob.iqRaw('get', xml('query', { xmlns: NS_MAM }));
  const vars = form.getChild('query', NS_MAM).getChild('x', 'jabber:x:data').getChildren('field').map((f: XmlNode) => f.attrs.var);
  assert.deepEqual(vars, ['FORM_TYPE', 'with', 'start', 'end', 'before-id', 'after-id', 'ids']);
  const meta = (await bob.iqRaw('get', xml('metadata', { xmlns: NS_MAM }))).getChild('metadata', NS_MAM);
  assert.equal(meta.getChild('start').attrs.id, liveIds.get('msg 1'));
  assert.ok(meta.getChild('end').attrs.timestamp);
  const info = await bob.iqRaw('get', xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }), 'bob@localhost');
  const features = info.getChild('query').getChildren('feature').map((f: XmlNode) => f.attrs.var);
  assert.ok(features.includes(NS_MAM) && features.includes(`${NS_MAM}#extended`));
});

test('preferences: default always, set and read back, bad ones refused', async () => {
  const get = async () => (await bob.iqRaw('get', xml('prefs', { xmlns: NS_MAM }))).getChild('prefs', NS_MAM);
  assert.equal((await get()).attrs.default, 'always');
  const set = await bob.iqRaw('set', xml('prefs', { xmlns: NS_MAM, default: 'roster' },
    xml('always', {}, xml('jid', {}, 'alice@localhost')), xml('never', {}, xml('jid', {}, 'spam@example.org'))));
  assert.equal(set.attrs.type, 'result');
  const now = await get();
  assert.equal(now.attrs.default, 'roster');
  assert.equal(now.getChild('always').getChildText('jid'), 'alice@localhost');
  assert.equal(now.getChild('never').getChildText('jid'), 'spam@example.org');
  const bad = await bob.iqRaw('set', xml('prefs', { xmlns: NS_MAM, default: 'sometimes' }));
  assert.equal(bad.attrs.type, 'error');
});

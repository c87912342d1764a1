// XEP-0198 stream management, scripted over raw sockets against a whole server: enabling, acks
// both ways, durable acks (the event is committed when <a/> says so), resumption after a dropped
// connection with the unacknowledged stanzas resent, the failure cases, and a session that times
// out leaving its unacknowledged messages for the next login. Also the post-auth features.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { RawClient } from './xmpp-support/raw-client.js';
import { ImClient, isMessage, isPresence, xml } from './xmpp-im-support/im-client.js';
import { x, type XmlElement } from '../../src/xmpp/xml/element.js';
import { capsVer } from '../../src/xmpp/modules/xep-0115-caps.js';
import { smSettings } from '../../src/xmpp/modules/xep-0198-sm/stream-sm.js';

const SM = 'urn:xmpp:sm:3';
const STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';
const DISCO = 'http://jabber.org/protocol/disco#info';
let server: TestServer;
let port: number;
const raws: RawClient[] = [];
const ims: ImClient[] = [];

before(async () => {
  server = await startTestServer();
  port = server.xmppPorts.starttls!;
  for (const u of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina', 'hank', 'ivy', 'jack']) await server.addUser(u, `${u}-pw`);
});

after(async () => {
  for (const c of raws) c.destroy();
  for (const c of ims) await c.stop();
  await server.destroy();
});

/** Authenticated, not bound; returns the post-auth features. */
async function authed(user: string): Promise<{ c: RawClient; features: XmlElement }> {
  const c = await RawClient.connect(port);
  raws.push(c);
  await c.open();
  await c.startTls();
  await c.open();
  const outcome = await c.scram(user, `${user}-pw`);
  assert.equal(outcome.name, 'success');
  return { c, features: await c.open() };
}

async function bound(user: string, resource: string): Promise<RawClient> {
  const { c } = await authed(user);
  await c.bind(resource);
  return c;
}

async function enable(c: RawClient, attrs: Record<string, string> = { resume: 'true' }): Promise<XmlElement> {
  c.send(x('enable', { xmlns: SM, ...attrs }).toString());
  return c.until((el) => el.name === 'enabled' || el.name === 'failed');
}

async function im(user: string): Promise<ImClient> {
  const c = await ImClient.login(port, user, `${user}-pw`, 'im');
  ims.push(c);
  await c.send(xml('presence'));
  await c.next(isPresence(c.jid), 'own presence');
  return c;
}

const isSm = (name: string) => (el: XmlElement) => el.name === name && el.xmlns === SM;
const chat = (to: string, body: string) => xml('message', { to, type: 'chat' }, xml('body', {}, body));
const bodyOf = (body: string) => (el: XmlElement) => el.name === 'message' && el.getChildText('body') === body;

test('post-auth features offer sm, roster versioning and the caps of the server', async () => {
  const { c, features } = await authed('alice');
  assert.ok(features.getChild('sm', SM), 'sm offered');
  assert.ok(features.getChild('ver', 'urn:xmpp:features:rosterver'), 'roster versioning offered');
  const caps = features.getChild('c', 'http://jabber.org/protocol/caps');
  assert.ok(caps);
  assert.equal(caps.attr('hash'), 'sha-1');
  assert.ok(caps.attr('node'));
  await c.bind('caps');
  c.send(x('iq', { type: 'get', id: 'd1', to: 'localhost' }, x('query', { xmlns: DISCO })).toString());
  const info = (await c.until((el) => el.attr('id') === 'd1')).getChild('query', DISCO)!;
  const ids = info.getChildren('identity').map((i) => ({ category: i.attr('category')!, type: i.attr('type')!, name: i.attr('name') }));
  const features2 = info.getChildren('feature').map((f) => f.attr('var')!);
  assert.ok(features2.includes('http://jabber.org/protocol/caps'));
  const forms = info.getChildren('x', 'jabber:x:data').map((form) => Object.fromEntries(form.getChildren('field')
    .map((f) => [f.attr('var')!, f.getChildren('value').map((v) => v.text())])));
  assert.equal(caps.attr('ver'), capsVer(ids, features2, forms), 'ver is the hash of what disco#info answers');
  // XEP-0115 §6.2: node#ver is answered too; a ver the server does not have is not.
  const nodeVer = `${caps.attr('node')}#${caps.attr('ver')}`;
  c.send(x('iq', { type: 'get', id: 'd2', to: 'localhost' }, x('query', { xmlns: DISCO, node: nodeVer })).toString());
  const byNode = (await c.until((el) => el.attr('id') === 'd2')).getChild('query', DISCO);
  assert.equal(byNode?.attr('node'), nodeVer);
  assert.equal(byNode?.getChildren('feature').length, features2.length);
  c.send(x('iq', { type: 'get', id: 'd3', to: 'localhost' }, x('query', { xmlns: DISCO, node: `${caps.attr('node')}#stale=` })).toString());
  const stale = await c.until((el) => el.attr('id') === 'd3');
  assert.ok(stale.getChild('error')?.getChild('item-not-found', STANZAS));
});

test('enable before bind fails, enable twice fails; acks count handled stanzas', async () => {
  const { c } = await authed('bob');
  const early = await enable(c);
  assert.equal(early.name, 'failed');
  assert.ok(early.getChild('unexpected-request', STANZAS));
  await c.bind('acks');
  const enabled = await enable(c, {});
  assert.equal(enabled.name, 'enabled');
  assert.equal(enabled.attr('resume'), undefined, 'no resumption unless asked');
  assert.equal((await enable(c)).name, 'failed', 'only once per stream');
  c.send(x('iq', { type: 'get', id: 'p1', to: 'localhost' }, x('ping', { xmlns: 'urn:xmpp:ping' })).toString());
  c.send(x('iq', { type: 'get', id: 'p2', to: 'localhost' }, x('ping', { xmlns: 'urn:xmpp:ping' })).toString());
  c.send(x('r', { xmlns: SM }).toString());
  const a = await c.until(isSm('a'));
  assert.equal(a.attr('h'), '2');
  // The server asks for acks of what it sent (two results); acking them is accepted.
  await c.until(isSm('r'));
  c.send(x('a', { xmlns: SM, h: '2' }).toString());
  // Acking more than was sent ends the stream (XEP-0198 §6).
  c.send(x('a', { xmlns: SM, h: '7' }).toString());
  const err = await c.until((el) => el.name === 'error');
  assert.ok(err.getChild('undefined-condition', 'urn:ietf:params:xml:ns:xmpp-streams'));
  const detail = err.getChild('handled-count-too-high', SM);
  assert.equal(detail?.attr('h'), '7');
  assert.equal(detail?.attr('send-count'), '2');
  assert.equal((await c.streamEnd()).closedTag, true);
});

test('an ack for a message means its event is committed', async () => {
  const c = await bound('carol', 'durable');
  await enable(c);
  c.send(chat('dave@localhost', 'kept for sure').toString());
  c.send(x('r', { xmlns: SM }).toString());
  const a = await c.until(isSm('a'));
  assert.equal(a.attr('h'), '1');
  // Checked synchronously on receipt of the ack: no waiting allowed.
  const roomId = server.core.directs.find('@carol:localhost', '@dave:localhost');
  assert.ok(roomId, 'the DM room exists');
  const bodies = server.core.storage.events.roomEventsBefore(roomId, Number.MAX_SAFE_INTEGER, 50)
    .filter((e) => e.pdu.type === 'm.room.message').map((e) => (e.pdu.content as { body?: string }).body);
  assert.ok(bodies.includes('kept for sure'));
});

test('resumption: the session survives a dropped connection and gets what it missed', async () => {
  const alice = await bound('alice', 'phone');
  alice.send(x('presence').toString());
  await alice.until((el) => el.name === 'presence');
  const enabled = await enable(alice, { resume: 'true', max: '60' });
  assert.equal(enabled.attr('resume'), 'true');
  const id = enabled.attr('id')!;
  assert.ok(id);
  assert.equal(enabled.attr('max'), '60');
  const bob = await im('bob');
  await bob.send(chat('alice@localhost', 'one'));
  await alice.until(bodyOf('one'));
  alice.destroy();
  await bob.send(chat('alice@localhost', 'two'));

  // Unknown id, and an 'h' beyond what was sent: <failed/>, the stream stays usable.
  const { c: wrong } = await authed('alice');
  wrong.send(x('resume', { xmlns: SM, previd: 'nope', h: '0' }).toString());
  const f1 = await wrong.until(isSm('failed'));
  assert.ok(f1.getChild('item-not-found', STANZAS));
  wrong.send(x('resume', { xmlns: SM, previd: id, h: '99' }).toString());
  const f2 = await wrong.until(isSm('failed'));
  assert.ok(f2.getChild('undefined-condition', STANZAS));
  assert.ok(f2.getChild('handled-count-too-high', SM));
  // Another account cannot take alice's session either.
  const { c: thief } = await authed('bob');
  thief.send(x('resume', { xmlns: SM, previd: id, h: '1' }).toString());
  assert.ok((await thief.until(isSm('failed'))).getChild('item-not-found', STANZAS));

  const { c: back } = await authed('alice');
  back.send(x('resume', { xmlns: SM, previd: id, h: '1' }).toString());
  const resumed = await back.next();
  assert.equal(resumed.name, 'resumed');
  assert.equal(resumed.attr('previd'), id);
  assert.equal(resumed.attr('h'), '0', 'alice sent nothing since enabling');
  // h=1 acknowledged "one": only "two" comes again, right after <resumed/>.
  assert.equal((await back.next()).getChildText('body'), 'two');
  // The resumed stream works both ways.
  back.send(chat('bob@localhost', 'I am back').toString());
  await bob.next(isMessage('I am back'), 'message after resumption', 8000);
});

test('resuming while the old connection is still open: the old one gets <conflict/>; bad SM input', async () => {
  const old = await bound('frank', 'tab');
  const enabled = await enable(old);
  // An unreadable 'h' is ignored, not fatal; <resume/> on a bound stream is refused.
  old.send(x('a', { xmlns: SM, h: 'lots' }).toString());
  old.send(x('resume', { xmlns: SM, previd: enabled.attr('id')!, h: '0' }).toString());
  assert.ok((await old.until(isSm('failed'))).getChild('unexpected-request', STANZAS));
  const { c: fresh } = await authed('frank');
  fresh.send(x('resume', { xmlns: SM, previd: enabled.attr('id')!, h: 'x' }).toString());
  assert.ok((await fresh.until(isSm('failed'))).getChild('bad-request', STANZAS), 'unreadable h');
  fresh.send(x('resume', { xmlns: SM, previd: enabled.attr('id')!, h: '0' }).toString());
  assert.equal((await fresh.until(isSm('resumed'))).attr('previd'), enabled.attr('id'));
  const end = await old.streamEnd();
  assert.equal(end.condition, 'conflict');
  // The session goes on over the new connection, and the old one's end did not end it.
  await new Promise((r) => setTimeout(r, 300));
  fresh.send(x('iq', { type: 'get', id: 'p9', to: 'localhost' }, x('ping', { xmlns: 'urn:xmpp:ping' })).toString());
  assert.equal((await fresh.until((el) => el.attr('id') === 'p9')).attr('type'), 'result');
  fresh.send(x('r', { xmlns: SM }).toString());
  assert.equal((await fresh.until(isSm('a'))).attr('h'), '1');
});

test('a session that times out leaves its unacknowledged messages for the next login', async () => {
  const erin = await bound('erin', 'phone');
  erin.send(x('presence').toString());
  await erin.until((el) => el.name === 'presence');
  const enabled = await enable(erin, { resume: 'true', max: '1' });
  assert.equal(enabled.attr('max'), '1', 'the client may ask for a shorter timeout');
  const frank = await im('frank');
  await frank.send(chat('erin@localhost', 'never acked'));
  await erin.until(bodyOf('never acked'));
  erin.destroy();
  // After the timeout the session is gone: an iq to it is refused.
  let gone = false;
  for (let i = 0; i < 10 && !gone; i++) {
    await new Promise((r) => setTimeout(r, 500));
    // A hibernating session queues the ping and never answers; a gone one is an error at once.
    const res = await frank.iqRaw('get', xml('ping', { xmlns: 'urn:xmpp:ping' }), 'erin@localhost/phone').catch(() => null);
    gone = res?.attrs.type === 'error';
  }
  assert.ok(gone, 'the session ended after its resumption timeout');
  const next = await im('erin');
  const offline = await next.next(isMessage('never acked'), 'the unacknowledged message, offline', 8000);
  assert.ok(offline.getChild('delay', 'urn:xmpp:delay'));
});

test('@xmpp/client: its stream management enables, gets acks, and resumes after a drop', async () => {
  const phone = await ImClient.login(port, 'dave', 'dave-pw', 'lib', { sm: true });
  ims.push(phone);
  type Sm = { enabled: boolean; id: string; outbound_q: unknown[]; on(ev: string, fn: () => void): void };
  const sm = (phone.xmpp as unknown as { streamManagement: Sm }).streamManagement;
  await until(() => sm.enabled, 'SM enabled');
  assert.ok(sm.id, 'resumable');
  await phone.send(xml('presence'));
  await phone.send(chat('carol@localhost', 'acked by the server'));
  // The library asks for an ack after a short debounce; the queue empties when it comes.
  await until(() => sm.outbound_q.length === 0, 'outbound queue acknowledged');
  const carol = await im('carol');
  phone.vanish();
  await until(() => (phone.xmpp as unknown as { status: string }).status === 'disconnect', 'the library sees the drop');
  await carol.send(chat('dave@localhost/lib', 'sent while dropped'));
  const resumed = new Promise<void>((r) => sm.on('resumed', r));
  // What the library's reconnect plugin does: a new connection, then the stream (it resumes).
  const entity = phone.xmpp as unknown as { connect(s: string): Promise<void>; open(o: object): Promise<void> };
  await entity.connect(`xmpp://127.0.0.1:${port}`);
  await entity.open({ domain: 'localhost' });
  await resumed;
  await phone.next(isMessage('sent while dropped'), 'the message sent while the connection was down', 8000);
});

async function until(cond: () => boolean, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a dropped SM session stays available to its contacts until the resumption timeout', async () => {
  const saved = smSettings.resumeTimeoutSeconds;
  smSettings.resumeTimeoutSeconds = 2; // the server's maximum, for this test only
  try {
    const gina = await ImClient.login(port, 'gina', 'gina-pw', 'phone', { sm: true });
    ims.push(gina);
    const sm = (gina.xmpp as unknown as { streamManagement: { enabled: boolean } }).streamManagement;
    await until(() => sm.enabled, 'SM enabled');
    await gina.send(xml('presence'));
    await gina.next(isPresence(gina.jid), 'own presence');
    const hank = await im('hank');
    await hank.send(xml('presence', { to: 'gina@localhost', type: 'subscribe' }));
    await gina.next(isPresence('hank@localhost', 'subscribe'), 'the request');
    await gina.send(xml('presence', { to: 'hank@localhost', type: 'subscribed' }));
    await hank.next(isPresence(gina.jid), "gina's presence");
    gina.vanish();
    await hank.nothing(isPresence(gina.jid, 'unavailable'), 'unavailable while the session may be resumed', 1000);
    await hank.next(isPresence(gina.jid, 'unavailable'), 'unavailable once the timeout passed', 8000);
  } finally {
    smSettings.resumeTimeoutSeconds = saved;
  }
});

test('a server shutdown ends sessions waiting for resumption; what they missed comes at the next login', async () => {
  const ivy = await bound('ivy', 'phone');
  ivy.send(x('presence').toString());
  await ivy.until((el) => el.name === 'presence');
  await enable(ivy);
  const jack = await im('jack');
  await jack.send(chat('ivy@localhost', 'before the restart'));
  await ivy.until(bodyOf('before the restart'));
  ivy.destroy();
  await new Promise((r) => setTimeout(r, 300));
  for (const c of ims.splice(0)) await c.stop();
  server = await server.restart();
  port = server.xmppPorts.starttls!;
  const back = await im('ivy');
  await back.next(isMessage('before the restart'), 'the unacknowledged message after the restart', 8000);
});

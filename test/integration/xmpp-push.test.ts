// XEP-0357 push: a client registers an app server's push service (here a test XMPP client acting
// as the app server, at a local full JID), and messages that arrive while the account has no
// connected session, or only a stream-management session whose connection dropped, are
// published to it with the urn:xmpp:push:summary form; so are calls (XEP-0353 proposals). Errors disable; bad input is refused.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { useXmppServer } from './xmpp-im-support/fixture.js';
import { RawClient } from './xmpp-support/raw-client.js';
import { ImClient, isMessage, xml, type XmlNode } from './xmpp-im-support/im-client.js';
import { x } from '../../src/xmpp/xml/element.js';

const PUSH = 'urn:xmpp:push:0';
const PUBSUB = 'http://jabber.org/protocol/pubsub';
const APP = 'pushsvc@localhost/app';
const raws: RawClient[] = [];
let app: ImClient;
let bob: ImClient;

const fx = useXmppServer(['alice', 'bob', 'carol', 'erin', 'pushsvc'], {
  ready: async () => {
    app = await online('pushsvc', 'app');
    bob = await online('bob', 'desk');
  },
});

after(async () => {
  for (const c of raws) c.destroy();
});

const online = (user: string, resource: string) => fx.online(user, resource);

const enable = (node: string, ...children: XmlNode[]) => xml('enable', { xmlns: PUSH, jid: APP, node }, ...children);
const isPublish = (node: string) => (el: XmlNode) => el.name === 'iq' && el.attrs.type === 'set'
  && el.getChild('pubsub', PUBSUB)?.getChild('publish')?.attrs.node === node;

function summary(iq: XmlNode): Record<string, string | undefined> {
  const form = iq.getChild('pubsub', PUBSUB)!.getChild('publish')!.getChild('item')!.getChild('notification', PUSH)!.getChild('x', 'jabber:x:data')!;
  return Object.fromEntries(form.getChildren('field').map((f) => [f.attrs.var as string, f.getChildText('value') ?? undefined]));
}

async function answer(iq: XmlNode, type: 'result' | 'error'): Promise<void> {
  const children = type === 'error' ? [xml('error', { type: 'cancel' }, xml('item-not-found', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' }))] : [];
  await app.send(xml('iq', { type, id: iq.attrs.id, to: iq.attrs.from }, ...children));
}

test('enable is advertised, validated and only for the own account', async () => {
  const alice = await online('alice', 'phone');
  const info = await alice.iqRaw('get', xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }), 'alice@localhost');
  assert.ok(info.getChild('query')?.getChildren('feature').some((f) => f.attrs.var === PUSH));
  const noNode = await alice.iqRaw('set', xml('enable', { xmlns: PUSH, jid: APP }));
  assert.equal(noNode.getChild('error')?.getChild('bad-request')?.name, 'bad-request');
  const badJid = await alice.iqRaw('set', xml('enable', { xmlns: PUSH, jid: 'a@@b', node: 'n' }));
  assert.ok(badJid.getChild('error')?.getChild('bad-request'));
  const other = await alice.iqRaw('set', enable('n'), 'carol@localhost');
  assert.ok(other.getChild('error')?.getChild('forbidden'));
  await alice.stop();
});

test('a message for an account with no session is pushed, with the summary and the publish options', async () => {
  const alice = await online('alice', 'phone');
  const options = xml('x', { xmlns: 'jabber:x:data', type: 'submit' },
    xml('field', { var: 'FORM_TYPE' }, xml('value', {}, 'http://jabber.org/protocol/pubsub#publish-options')),
    xml('field', { var: 'secret' }, xml('value', {}, 's3cret')));
  assert.equal((await alice.iqRaw('set', enable('node-1', options))).attrs.type, 'result');
  // Online: no push.
  await bob.send(xml('message', { to: 'alice@localhost', type: 'chat' }, xml('body', {}, 'while online')));
  await alice.next(isMessage('while online'), 'the message');
  await app.nothing(isPublish('node-1'), 'a push while online', 500);
  await alice.stop();

  await bob.send(xml('message', { to: 'alice@localhost', type: 'chat' }, xml('body', {}, 'wake up')));
  const first = await app.next(isPublish('node-1'), 'the publish', 8000);
  assert.equal(first.attrs.from, 'alice@localhost');
  assert.deepEqual(summary(first), {
    FORM_TYPE: 'urn:xmpp:push:summary', 'message-count': '1', 'last-message-sender': bob.jid, 'last-message-body': 'wake up',
  });
  assert.match(first.getChild('pubsub', PUBSUB)!.getChild('publish-options')!.toString(), /s3cret/);
  await answer(first, 'result');
  await bob.send(xml('message', { to: 'alice@localhost', type: 'chat' }, xml('body', {}, 'again')));
  assert.equal(summary(await app.next(isPublish('node-1'), 'the second publish', 8000))['message-count'], '2');
});

/** A phone: online, push enabled on `node`, stream management on; then its connection drops. Its resumption id. */
async function droppedPhone(user: string, node: string): Promise<string> {
  const phone = await RawClient.connect(fx.port);
  raws.push(phone);
  await phone.login(user, `${user}-pw`, 'phone');
  phone.send(x('presence').toString());
  await phone.until((el) => el.name === 'presence');
  phone.send(x('iq', { type: 'set', id: 'e1' }, x('enable', { xmlns: PUSH, jid: APP, node })).toString());
  assert.equal((await phone.until((el) => el.attr('id') === 'e1')).attr('type'), 'result');
  phone.send(x('enable', { xmlns: 'urn:xmpp:sm:3', resume: 'true' }).toString());
  const previd = (await phone.until((el) => el.name === 'enabled')).attr('id')!;
  phone.destroy();
  await new Promise((r) => setTimeout(r, 300));
  return previd;
}

test('a stream-management session whose connection dropped gets pushes too', async () => {
  await droppedPhone('carol', 'node-c');
  await bob.send(xml('message', { to: 'carol@localhost', type: 'chat' }, xml('body', {}, 'are you there')));
  const pushed = await app.next(isPublish('node-c'), 'a publish for the hibernating session', 8000);
  assert.equal(summary(pushed)['last-message-body'], 'are you there');
  // An error from the app server disables that registration (§5.1).
  await answer(pushed, 'error');
  await new Promise((r) => setTimeout(r, 300));
  await bob.send(xml('message', { to: 'carol@localhost', type: 'chat' }, xml('body', {}, 'still?')));
  await app.nothing(isPublish('node-c'), 'a publish after the service refused', 800);
});

test('a call (XEP-0353 <propose/>) to a phone whose connection dropped wakes it, and rings when it resumes', async () => {
  const previd = await droppedPhone('erin', 'node-e');
  await bob.send(xml('message', { to: 'erin@localhost', type: 'chat', id: 'call-1' },
    xml('propose', { xmlns: 'urn:xmpp:jingle-message:0', id: 'session-1' }, xml('description', { xmlns: 'urn:xmpp:jingle:apps:rtp:1', media: 'audio' })),
    xml('store', { xmlns: 'urn:xmpp:hints' })));
  const pushed = await app.next(isPublish('node-e'), 'a publish for the call', 8000);
  assert.equal(summary(pushed)['last-message-sender'], 'bob@localhost');
  assert.equal(summary(pushed)['last-message-body'], undefined, 'a call has no body to show');
  await answer(pushed, 'result');
  // The phone wakes and resumes: the proposal is there, so it rings.
  const back = await RawClient.connect(fx.port);
  raws.push(back);
  await back.open();
  await back.startTls();
  await back.open();
  assert.equal((await back.scram('erin', 'erin-pw')).name, 'success');
  await back.open();
  back.send(x('resume', { xmlns: 'urn:xmpp:sm:3', previd, h: '0' }).toString());
  assert.equal((await back.until((el) => el.name === 'resumed' || el.name === 'failed')).name, 'resumed');
  const call = await back.until((el) => el.name === 'message' && el.attr('id') === 'call-1');
  assert.equal(call.getChild('propose', 'urn:xmpp:jingle-message:0')?.attr('id'), 'session-1');
  // Chat states and other bodyless messages wake nobody.
  back.destroy();
  await new Promise((r) => setTimeout(r, 300));
  await bob.send(xml('message', { to: 'erin@localhost', type: 'chat' }, xml('composing', { xmlns: 'http://jabber.org/protocol/chatstates' })));
  await app.nothing(isPublish('node-e'), 'a publish for a chat state', 800);
});

test('disable stops the pushes', async () => {
  const alice = await online('alice', 'phone');
  assert.equal((await alice.iqRaw('set', enable('node-2'))).attrs.type, 'result');
  assert.equal((await alice.iqRaw('set', xml('disable', { xmlns: PUSH, jid: APP }))).attrs.type, 'result');
  assert.ok((await alice.iqRaw('set', xml('disable', { xmlns: PUSH }))).getChild('error'), 'disable needs a jid');
  await alice.stop();
  await bob.send(xml('message', { to: 'alice@localhost', type: 'chat' }, xml('body', {}, 'nobody listens')));
  await app.nothing((el) => isPublish('node-1')(el) || isPublish('node-2')(el), 'a publish after disable', 800);
});

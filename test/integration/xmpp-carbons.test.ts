// XEP-0280 Message Carbons with a real client library (@xmpp/client): enabling and disabling,
// 'received' copies of messages delivered to another resource, 'sent' copies of messages sent
// from another resource and from a Matrix client in the DM room (one history), the <private/>
// and <no-copy/> hints, body-less chat messages, and refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useXmppServer } from './xmpp-im-support/fixture.js';
import { ImClient, isMessage, isPresence, xml, type XmlNode } from './xmpp-im-support/im-client.js';
import { matrixFetch, v3, enc } from './matrix-fetch.js';

const CARBONS = 'urn:xmpp:carbons:2';
const FORWARD = 'urn:xmpp:forward:0';

const fx = useXmppServer(['alice', 'bob']);

async function online(user: string, resource: string, carbons = true): Promise<ImClient> {
  const c = await fx.login(user, resource);
  if (carbons) {
    const res = await c.iqRaw('set', xml('enable', { xmlns: CARBONS }));
    assert.equal(res.attrs.type, 'result', `carbons enabled: ${res}`);
  }
  await c.send(xml('presence'));
  await c.next(isPresence(c.jid), 'own presence');
  return c;
}

/** The forwarded message inside a carbon of that kind whose inner body (or any child) matches. */
function carbon(kind: 'sent' | 'received', pred: (inner: XmlNode) => boolean) {
  return (el: XmlNode) => {
    const inner = el.name === 'message' ? el.getChild(kind, CARBONS)?.getChild('forwarded', FORWARD)?.getChild('message') : undefined;
    return !!inner && pred(inner);
  };
}
const body = (text: string) => (inner: XmlNode) => inner.getChildText('body') === text;
const chat = (to: string, text: string, ...extra: XmlNode[]) => xml('message', { to, type: 'chat' }, xml('body', {}, text), ...extra);

let phone: ImClient; let desktop: ImClient; let tablet: ImClient; let bob: ImClient;

test('carbons are advertised and enabled per resource; others cannot be switched', async () => {
  phone = await online('alice', 'phone');
  desktop = await online('alice', 'desktop');
  tablet = await online('alice', 'tablet', false);
  bob = await online('bob', 'laptop');
  const info = await bob.iqRaw('get', xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }), 'localhost');
  assert.ok(info.getChild('query')?.getChildren('feature').some((f) => f.attrs.var === CARBONS));
  const refused = await bob.iqRaw('set', xml('enable', { xmlns: CARBONS }), 'alice@localhost');
  assert.equal(refused.attrs.type, 'error');
  assert.ok(refused.getChild('error')?.getChild('forbidden'));
});

test('a message to one resource is copied to the other carbon-enabled ones as received', async () => {
  await bob.send(chat('alice@localhost/desktop', 'for the desktop'));
  await desktop.next(isMessage('for the desktop'), 'the message');
  const copy = await phone.next(carbon('received', body('for the desktop')), 'received carbon');
  assert.equal(copy.attrs.from, 'alice@localhost');
  assert.equal(copy.attrs.to, phone.jid);
  const inner = copy.getChild('received', CARBONS)!.getChild('forwarded', FORWARD)!.getChild('message')!;
  assert.equal(inner.attrs.from, bob.jid);
  assert.equal(inner.attrs.to, 'alice@localhost/desktop');
  await tablet.nothing(carbon('received', body('for the desktop')), 'a carbon without enabling');
});

test('a message sent from one resource is copied to the others as sent', async () => {
  await desktop.send(chat('bob@localhost', 'from the desktop'));
  await bob.next(isMessage('from the desktop'), 'the message');
  const copy = await phone.next(carbon('sent', body('from the desktop')), 'sent carbon');
  const inner = copy.getChild('sent', CARBONS)!.getChild('forwarded', FORWARD)!.getChild('message')!;
  assert.equal(inner.attrs.from, desktop.jid);
  assert.equal(inner.attrs.to, 'bob@localhost');
  await desktop.nothing(carbon('sent', body('from the desktop')), 'a carbon to the sending resource');
});

test('a message sent from a Matrix client in the DM room reaches the XMPP resources as sent', async () => {
  const m = matrixFetch(() => fx.server.matrixUrl);
  const token = (await m.login('alice', 'alice-pw')).json.access_token as string;
  const roomId = fx.server.core.directs.find('@alice:localhost', '@bob:localhost');
  assert.ok(roomId);
  await m.ok('PUT', `${v3}/rooms/${enc(roomId)}/send/m.room.message/t1`, { token, body: { msgtype: 'm.text', body: 'from element' } });
  await bob.next(isMessage('from element'), 'the message at bob');
  for (const c of [phone, desktop]) {
    const copy = await c.next(carbon('sent', body('from element')), 'sent carbon of a Matrix message');
    const inner = copy.getChild('sent', CARBONS)!.getChild('forwarded', FORWARD)!.getChild('message')!;
    assert.equal(inner.attrs.to, 'bob@localhost');
  }
});

test('<private/> and <no-copy/> messages are not copied; chat states are', async () => {
  await desktop.send(chat('bob@localhost', 'secret', xml('private', { xmlns: CARBONS })));
  await desktop.send(chat('bob@localhost', 'no copy', xml('no-copy', { xmlns: 'urn:xmpp:hints' })));
  await bob.next(isMessage('secret'), 'private message');
  await bob.next(isMessage('no copy'), 'no-copy message');
  await bob.send(xml('message', { to: 'alice@localhost/desktop', type: 'chat' }, xml('composing', { xmlns: 'http://jabber.org/protocol/chatstates' })));
  await phone.next(carbon('received', (inner) => !!inner.getChild('composing')), 'carbon of a chat state');
  await phone.nothing(carbon('sent', (inner) => ['secret', 'no copy'].includes(inner.getChildText('body') ?? '')), 'a carbon of a private message');
});

test('after disable, no more copies', async () => {
  const res = await phone.iqRaw('set', xml('disable', { xmlns: CARBONS }));
  assert.equal(res.attrs.type, 'result');
  await bob.send(chat('alice@localhost/desktop', 'after disable'));
  await desktop.next(isMessage('after disable'), 'the message');
  await phone.nothing(carbon('received', body('after disable')), 'a carbon after disabling', 500);
});

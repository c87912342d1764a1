// Presence across the two protocols: alice is on Element only (matrix-js-sdk), bob on XMPP only
// (@xmpp/client); they are contacts (a mutual roster subscription) and share their DM room.
// Bob's XMPP client sees alice's Element as the resource alice@localhost/matrix (online, away
// with her status, gone); alice's Element sees bob's XMPP state as his Matrix presence. Carol,
// who is not alice's contact, sees nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { until, type Session } from './clients/matrix-sdk.js';
import { useXmppServer } from './xmpp-im-support/fixture.js';
import { isMessage, isPresence, xml, type ImClient, type XmlNode } from './xmpp-im-support/im-client.js';
import { befriend } from './xmpp-pep-support.js';

const ALICE_MATRIX = 'alice@localhost/matrix';
let alice: Session;
let bob: ImClient;

const fx = useXmppServer(['alice', 'bob', 'carol'], {
  password: 'secret-pw',
  ready: (server) => befriend(server, 'alice', 'bob'),
});

const fromMatrix = (el: XmlNode) => el.name === 'presence' && el.attrs.from === ALICE_MATRIX;
const v3 = () => `${fx.server.matrixUrl}/_matrix/client/v3`;
async function putPresence(presence: string, status_msg?: string): Promise<void> {
  const res = await fetch(`${v3()}/presence/${encodeURIComponent('@alice:localhost')}/status`, {
    method: 'PUT', headers: { Authorization: `Bearer ${alice.accessToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(status_msg === undefined ? { presence } : { presence, status_msg }),
  });
  assert.equal(res.status, 200);
}

test('alice on Element is the resource alice@localhost/matrix for her XMPP contacts: online, away with her status, gone', async () => {
  alice = await fx.element('alice');
  bob = await fx.online('bob', 'phone', { roster: true });
  // bob's login probes his contacts: alice's Element answers as her Matrix resource.
  const first = await bob.next(fromMatrix, 'alice\'s Matrix presence at login', 8000);
  assert.equal(first.attrs.type, undefined);
  assert.equal(first.getChild('show'), undefined);

  await putPresence('unavailable', 'lunch');
  const away = await bob.next(fromMatrix, 'alice away', 8000);
  assert.equal(away.getChildText('show'), 'away');
  assert.equal(away.getChildText('status'), 'lunch');
  await bob.nothing((el) => fromMatrix(el) && el.getChild('show') === undefined, 'a flap back to online at alice\'s next sync', 1000);

  await putPresence('offline');
  assert.equal((await bob.next(fromMatrix, 'alice gone', 8000)).attrs.type, 'unavailable');
  await putPresence('online');
  assert.equal((await bob.next(fromMatrix, 'alice back', 8000)).attrs.type, undefined);
});

test('bob on XMPP is online, idle with his status, then offline in alice\'s Element', async () => {
  // A DM room makes them room-mates, which is who sees whose presence on Matrix.
  await bob.send(xml('message', { to: 'alice@localhost', type: 'chat', id: 'hi' }, xml('body', {}, 'hi alice')));
  await until('alice has the DM', () => alice.seen.includes('hi alice'), 8000);
  const bobOnMatrix = () => alice.client.getUser('@bob:localhost');
  await until('Element shows bob online', () => bobOnMatrix()?.presence === 'online', 8000);
  await bob.send(xml('presence', {}, xml('show', {}, 'dnd'), xml('status', {}, 'in a meeting')));
  await until('Element shows bob unavailable with his status', () => bobOnMatrix()?.presence === 'unavailable' && bobOnMatrix()?.presenceStatusMsg === 'in a meeting', 8000);
  await bob.stop();
  await until('Element shows bob offline', () => bobOnMatrix()?.presence === 'offline', 8000);
});

test('a contact that does not see alice gets nothing of her Matrix resource; a probe of her is answered by it', async () => {
  const carol = await fx.online('carol', 'desk', { roster: true });
  await putPresence('unavailable', 'do not disturb');
  await carol.nothing(fromMatrix, 'alice\'s presence without a subscription', 500);
  // bob again, fresh: his initial presence probes alice, and the answer is her current Matrix state.
  const again = await fx.online('bob', 'laptop', { roster: true });
  const probed = await again.next(fromMatrix, 'the answer to the probe', 8000);
  assert.equal(probed.getChildText('show'), 'away');
  assert.equal(probed.getChildText('status'), 'do not disturb');
  await again.send(xml('message', { to: ALICE_MATRIX, type: 'chat', id: 'to-matrix' }, xml('body', {}, 'to her Matrix resource')));
  await until('a message to the Matrix resource reaches Element', () => alice.seen.includes('to her Matrix resource'), 8000);
  await again.nothing(isMessage('to her Matrix resource'), 'an echo', 200);
  assert.ok(isPresence, 'helper in use');
});

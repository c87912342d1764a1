// XEP-0077 §3.1 account creation before authentication, scripted on a raw stream: an open
// server offers <register/>, gives the fields, creates the account (which can then log in) and
// refuses a taken or incomplete one; a closed server (the default) offers nothing and answers
// <service-unavailable/>.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from './harness.js';
import { RawClient } from './xmpp-support/raw-client.js';
import type { XmlElement } from '../../src/xmpp/xml/element.js';

const NS = 'jabber:iq:register';
let open: TestServer;
let closed: TestServer;
let invite: TestServer;

before(async () => {
  const xmpp = { c2s_listen: '127.0.0.1:0', c2s_tls_listen: '127.0.0.1:0', allow_insecure_auth: true };
  open = await startTestServer({ extra: { xmpp: { ...xmpp, registration: { enabled: true } } } });
  closed = await startTestServer();
  invite = await startTestServer({ extra: { xmpp: { ...xmpp, registration: { enabled: true, require_token: true } } } });
  invite.core.storage.registrationTokens.create('invite-1', 1, null, Date.now());
  await open.addUser('taken', 'taken-pw');
});
after(async () => {
  await open.destroy();
  await closed.destroy();
  await invite.destroy();
});

async function stream(server: TestServer): Promise<{ c: RawClient; features: XmlElement }> {
  const c = await RawClient.connect(server.xmppPorts.tls!, true);
  return { c, features: await c.open() };
}
const condition = (el: XmlElement) => el.getChild('error')?.elements()[0]?.name;
async function iq(c: RawClient, id: string, type: string, inner: string): Promise<XmlElement> {
  c.send(`<iq type='${type}' id='${id}'><query xmlns='${NS}'>${inner}</query></iq>`);
  return c.until((el) => el.name === 'iq' && el.attr('id') === id);
}

test('open server: feature, fields, registration, then login with the new account', async () => {
  const { c, features } = await stream(open);
  assert.ok(features.getChild('register', 'http://jabber.org/features/iq-register'));
  const fields = (await iq(c, 'g', 'get', '')).getChild('query', NS)!;
  assert.ok(fields.getChild('username', NS) && fields.getChild('password', NS));
  assert.equal(condition(await iq(c, 's0', 'set', '<username>taken</username><password>x</password>')), 'conflict');
  assert.equal(condition(await iq(c, 's1', 'set', '<username>newbie</username><password></password>')), 'not-acceptable');
  assert.equal(condition(await iq(c, 's2', 'set', '<password>pw</password>')), 'not-acceptable');
  assert.equal(condition(await iq(c, 's3', 'set', '<username>bad name!</username><password>pw</password>')), 'not-acceptable');
  const ok = await iq(c, 's4', 'set', '<username>Newbie</username><password>newbie-pw</password>');
  assert.equal(ok.attr('type'), 'result');
  c.destroy();
  assert.ok(open.core.accounts.active('newbie'));

  const again = await RawClient.connect(open.xmppPorts.starttls!);
  const jid = await again.login('newbie', 'newbie-pw', 'r');
  assert.equal(jid, 'newbie@localhost/r');
  again.destroy();
});

test('closed server: no feature, service-unavailable; other iqs before auth still end the stream', async () => {
  const { c, features } = await stream(closed);
  assert.equal(features.getChild('register', 'http://jabber.org/features/iq-register'), undefined);
  assert.equal(condition(await iq(c, 'g', 'get', '')), 'service-unavailable');
  assert.equal(condition(await iq(c, 's', 'set', '<username>x</username><password>y</password>')), 'service-unavailable');
  assert.equal(closed.core.accounts.active('x'), null);
  c.send(`<iq type='get' id='v'><query xmlns='jabber:iq:version'/></iq>`);
  const end = await c.streamEnd();
  assert.equal(end.condition, 'not-authorized');
  c.destroy();
});

test('invitation only: XEP-0445 preauth token first, counted once the account exists', async () => {
  const { c, features } = await stream(invite);
  assert.ok(features.getChild('register', 'urn:xmpp:ibr-token:0'));
  const preauth = (id: string, token: string) => {
    c.send(`<iq type='set' id='${id}'><preauth xmlns='urn:xmpp:pars:0' token='${token}'/></iq>`);
    return c.until((el) => el.name === 'iq' && el.attr('id') === id);
  };
  assert.equal(condition(await iq(c, 'n', 'set', '<username>guest</username><password>pw</password>')), 'not-allowed');
  assert.equal(condition(await preauth('p0', 'wrong')), 'item-not-found');
  assert.equal((await preauth('p1', 'invite-1')).attr('type'), 'result');
  assert.equal((await iq(c, 'r', 'set', '<username>guest</username><password>guest-pw</password>')).attr('type'), 'result');
  assert.ok(invite.core.accounts.active('guest'));
  assert.equal(invite.core.storage.registrationTokens.get('invite-1')!.completed, 1);
  c.destroy();

  const second = await stream(invite);
  second.c.send(`<iq type='set' id='p2'><preauth xmlns='urn:xmpp:pars:0' token='invite-1'/></iq>`);
  assert.equal(condition(await second.c.until((el) => el.name === 'iq' && el.attr('id') === 'p2')), 'item-not-found');
  second.c.destroy();
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  escapeJidToLocalpart, unescapeLocalpartToJid, puppetUserId, jidOfPuppet, gatewayJid, mxidOfGatewayJid,
  escapeMxidToJidLocal, localAddresses,
} from './addresses.js';
import { isValidLocalpart } from './ids.js';

test('local account has one localpart on both networks', () => {
  assert.deepEqual(localAddresses('alice', 'example.org'), { mxid: '@alice:example.org', jid: 'alice@example.org' });
});

const jidCases: [string, string, string][] = [
  ['J1 kept characters', 'bob@jabber.example', 'bob=40jabber.example'],
  ['J1 slash, plus, dash, dot', 'a.b-c/d+e@x.y', 'a.b-c/d+e=40x.y'],
  ['J2 underscore doubled', 'a_b@x.y', 'a__b=40x.y'],
  ['J3 upper case', 'Bob@x.y', '_bob=40x.y'],
  ['J4 other ASCII as hex', 'a=b!c@x.y', 'a=3db=21c=40x.y'],
  ['J4 non-ASCII as UTF-8 bytes', 'zoë@x.y', 'zo=c3=ab=40x.y'],
];

for (const [name, jid, escaped] of jidCases) {
  test(`JID escaping ${name}: round trip`, () => {
    assert.equal(escapeJidToLocalpart(jid), escaped);
    assert.ok(isValidLocalpart(escaped));
    assert.equal(unescapeLocalpartToJid(escaped), jid);
  });
}

test('puppet user id round trip and refusal of foreign ids', () => {
  const id = puppetUserId('bob@jabber.example', 'hearth.example')!;
  assert.equal(id, '@_xmpp_bob=40jabber.example:hearth.example');
  assert.equal(jidOfPuppet(id, 'hearth.example'), 'bob@jabber.example');
  assert.equal(jidOfPuppet('@bob:hearth.example', 'hearth.example'), null);
  assert.equal(jidOfPuppet('@_xmpp_bob=4:hearth.example', 'hearth.example'), null, 'truncated hex');
  assert.equal(jidOfPuppet('@_xmpp_a_:hearth.example', 'hearth.example'), null, 'dangling underscore');
});

const mxidCases: [string, string, string][] = [
  ['M1 colon and server', '@carol:matrix.example', 'carol\\3amatrix.example'],
  ['M1 slash', '@a/b:x.y', 'a\\2fb\\3ax.y'],
  ['M1 port', '@c:x.y:8448', 'c\\3ax.y\\3a8448'],
  ['M1 backslash-looking text stays reversible', '@a\\3a:x.y', 'a\\5c3a\\3ax.y'],
];

for (const [name, mxid, local] of mxidCases) {
  test(`Matrix id escaping ${name}: round trip`, () => {
    assert.equal(escapeMxidToJidLocal(mxid), local);
    const jid = gatewayJid(mxid, 'hearth.example')!;
    assert.equal(jid, `${local}@matrix.hearth.example`);
    assert.equal(mxidOfGatewayJid(jid, 'hearth.example'), mxid);
  });
}

test('M2 upper-case historical ids are refused', () => {
  assert.equal(gatewayJid('@Carol:x.y', 'h.example'), null);
});

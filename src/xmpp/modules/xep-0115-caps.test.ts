import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capsInput, capsModule, capsVer, serverCapsVer } from './xep-0115-caps.js';
import { XmppServer } from '../router.js';

const FEATURES = ['http://jabber.org/protocol/caps', 'http://jabber.org/protocol/disco#info',
  'http://jabber.org/protocol/disco#items', 'http://jabber.org/protocol/muc'];

test('XEP-0115 §5.2 simple example', () => {
  const ids = [{ category: 'client', type: 'pc', name: 'Exodus 0.9.1' }];
  assert.equal(capsInput(ids, FEATURES),
    'client/pc//Exodus 0.9.1<http://jabber.org/protocol/caps<http://jabber.org/protocol/disco#info<'
    + 'http://jabber.org/protocol/disco#items<http://jabber.org/protocol/muc<');
  assert.equal(capsVer(ids, [...FEATURES].reverse()), 'QgayPKawpkPSDYmwT/WM94uAlu0=');
});

test('XEP-0115 §5.3 complex example: languages, extended forms, unsorted input', () => {
  const ids = [
    { category: 'client', type: 'pc', lang: 'en', name: 'Psi 0.11' },
    { category: 'client', type: 'pc', lang: 'el', name: 'Ψ 0.11' },
  ];
  const form = {
    FORM_TYPE: ['urn:xmpp:dataforms:softwareinfo'],
    ip_version: ['ipv6', 'ipv4'],
    os: ['Mac'],
    os_version: ['10.5.1'],
    software: ['Psi'],
    software_version: ['0.11'],
  };
  assert.equal(capsVer(ids, FEATURES, [form]), 'q07IKJEyjvHSyhy//CH0CxmKi8w=');
});

test('a changed feature set changes the string', () => {
  const ids = [{ category: 'server', type: 'im' }];
  assert.notEqual(capsVer(ids, ['a']), capsVer(ids, ['a', 'b']));
  assert.equal(capsVer(ids, ['b', 'a', 'a']), capsVer(ids, ['a', 'b']));
});

test('the server\'s <c/> follows what disco#info says, also after a feature is added', () => {
  const server = new XmppServer({ domain: 'example.org', logger: { debug() {}, info() {}, warn() {} } });
  server.load(capsModule);
  const ver = () => server.streamFeatures()[0]!.attr('ver');
  const first = ver();
  assert.equal(first, serverCapsVer(server));
  assert.equal(ver(), first);
  server.features.add('urn:example:later');
  assert.notEqual(ver(), first);
  assert.equal(ver(), serverCapsVer(server));
  server.infoForms.set('urn:example:form', { field: ['a'] });
  assert.equal(ver(), serverCapsVer(server));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { x } from '../xml/element.js';
import { decodeData, failure, parseUserAgent, success } from './elements.js';

test('SASL2 data: absent is none, empty is empty, whitespace is tolerated, anything else must be base64', () => {
  assert.equal(decodeData(undefined), null);
  assert.deepEqual(decodeData(x('initial-response')), Buffer.alloc(0));
  assert.equal(decodeData(x('initial-response', null, ' AGFs\n aWNl ')) instanceof Buffer, true);
  assert.equal(decodeData(x('r', null, 'AGFsaWNl'))!.toString(), '\0alice');
  assert.equal(decodeData(x('r', null, 'not base64!')), 'invalid');
  assert.equal(decodeData(x('r', null, 'AGF')), 'invalid');
  assert.equal(decodeData(x('r', null, '=')), 'invalid', 'the classic "=" convention does not apply');
});

test('user-agent: id required (1 to 128 characters), software and device optional', () => {
  const ns = 'urn:xmpp:sasl:2';
  assert.equal(parseUserAgent(x('authenticate', { xmlns: ns })), null);
  assert.deepEqual(parseUserAgent(x('authenticate', { xmlns: ns }, x('user-agent', { xmlns: ns, id: 'u' }, x('software', null, 'Dino'), x('device', null, ' laptop ')))),
    { id: 'u', software: 'Dino', device: 'laptop' });
  assert.equal(parseUserAgent(x('authenticate', { xmlns: ns }, x('user-agent'))), 'invalid');
  assert.equal(parseUserAgent(x('authenticate', { xmlns: ns }, x('user-agent', { id: 'a'.repeat(129) }))), 'invalid');
});

test('success and failure as the XEP writes them', () => {
  assert.equal(success('a@b/c', Buffer.from('v=1'), []).toString(),
    '<success xmlns="urn:xmpp:sasl:2"><additional-data>dj0x</additional-data><authorization-identifier>a@b/c</authorization-identifier></success>');
  assert.equal(failure('not-authorized', 'no').toString(),
    '<failure xmlns="urn:xmpp:sasl:2"><not-authorized xmlns="urn:ietf:params:xml:ns:xmpp-sasl"/><text>no</text></failure>');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { x } from '../../xml/element.js';
import { fileTooLarge, NS_UPLOAD, parseRequest, serviceInfo, slot } from './protocol.js';

const req = (attrs: Record<string, string>) => x('request', { xmlns: NS_UPLOAD, ...attrs });

test('a slot request needs a plain file name and an integer size; content-type is optional', () => {
  assert.deepEqual(parseRequest(req({ filename: 'très cool.jpg', size: '23456', 'content-type': 'image/jpeg' })),
    { filename: 'très cool.jpg', size: 23456, contentType: 'image/jpeg' });
  assert.deepEqual(parseRequest(req({ filename: 'a', size: '0' })), { filename: 'a', size: 0, contentType: null });
  const bads: Record<string, string>[] = [
    { size: '1' }, { filename: '', size: '1' }, { filename: '../x', size: '1' }, { filename: 'a', size: '-1' },
    { filename: 'a', size: '1.5' }, { filename: 'a' }, { filename: 'a', size: '1', 'content-type': 'nonsense' },
    { filename: 'a\nb', size: '1' },
  ];
  for (const bad of bads) assert.ok('bad' in parseRequest(req(bad)), JSON.stringify(bad));
});

test('disco#info has the store/file identity and the max-file-size form', () => {
  const info = serviceInfo(5242880).toString();
  assert.match(info, /<identity category="store" type="file"|<identity category='store' type='file'/);
  assert.match(info, /urn:xmpp:http:upload:0/);
  assert.match(info, /max-file-size/);
  assert.match(info, /5242880/);
});

test('slot and file-too-large elements carry what the XEP shows', () => {
  const s = slot('https://h/put', 'https://h/get');
  assert.equal(s.getChild('put')!.attr('url'), 'https://h/put');
  assert.equal(s.getChild('get')!.attr('url'), 'https://h/get');
  const e = fileTooLarge(20000);
  assert.equal(e.attr('type'), 'modify');
  assert.ok(e.getChild('not-acceptable'));
  assert.equal(e.getChild('file-too-large', NS_UPLOAD)!.getChildText('max-file-size'), '20000');
});

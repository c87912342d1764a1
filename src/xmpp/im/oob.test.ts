import { test } from 'node:test';
import assert from 'node:assert/strict';
import { x } from '../xml/element.js';
import { mediaToOob, msgtypeFor, NS_OOB, oobToMedia, type MediaLinks } from './oob.js';

const URL_OK = 'https://h/_hearth/media/v1/file/ABC/sig/cat.png';
const links: MediaLinks = {
  fileOf: (url) => (url === URL_OK ? { mxc: 'mxc://h/ABC', contentType: 'image/png', size: 42, filename: 'cat.png' } : null),
  urlOf: (mxc, name) => (mxc === 'mxc://h/ABC' ? `https://h/_hearth/media/v1/file/ABC/sig/${name ?? ''}` : null),
};
const oobMsg = (body: string, url: string) => x('message', null, x('body', null, body), x('x', { xmlns: NS_OOB }, x('url', null, url)));

test('an OOB URL of a file stored here becomes m.image with its mxc URL', () => {
  assert.deepEqual(oobToMedia(oobMsg(URL_OK, URL_OK), URL_OK, links), {
    msgtype: 'm.image', body: 'cat.png', url: 'mxc://h/ABC', info: { mimetype: 'image/png', size: 42 },
  });
  // A description in the body stays the body; the file name goes to `filename`.
  const withText = oobToMedia(oobMsg('look', URL_OK), 'look', links)!;
  assert.equal(withText.body, 'look');
  assert.equal(withText.filename, 'cat.png');
});

test('foreign URLs, missing OOB or no links leave the message as text', () => {
  assert.equal(oobToMedia(oobMsg('https://elsewhere/x.png', 'https://elsewhere/x.png'), 'https://elsewhere/x.png', links), null);
  assert.equal(oobToMedia(x('message', null, x('body', null, URL_OK)), URL_OK, links), null);
  assert.equal(oobToMedia(oobMsg(URL_OK, URL_OK), URL_OK, undefined), null);
});

test('msgtype follows the top-level mime type', () => {
  assert.equal(msgtypeFor('image/gif'), 'm.image');
  assert.equal(msgtypeFor('video/mp4'), 'm.video');
  assert.equal(msgtypeFor('audio/ogg'), 'm.audio');
  assert.equal(msgtypeFor('application/pdf'), 'm.file');
});

test('a Matrix file goes to XMPP as its URL in the body plus OOB, with any caption first', () => {
  const out = mediaToOob({ msgtype: 'm.image', body: 'cat.png', url: 'mxc://h/ABC' }, [], links)!;
  assert.equal(out.body, 'https://h/_hearth/media/v1/file/ABC/sig/cat.png');
  assert.equal(out.oob!.getChildText('url'), out.body);
  const captioned = mediaToOob({ msgtype: 'm.file', body: 'the report', filename: 'r.pdf', url: 'mxc://h/ABC' }, [], links)!;
  assert.equal(captioned.body, 'the report\nhttps://h/_hearth/media/v1/file/ABC/sig/r.pdf');
  // Content that came from XMPP keeps its own OOB element (no second one).
  const kept = [x('x', { xmlns: NS_OOB }, x('url', null, URL_OK))];
  assert.deepEqual(mediaToOob({ msgtype: 'm.image', body: 'cat.png', url: 'mxc://h/ABC' }, kept, links), { body: URL_OK, oob: null });
  assert.equal(mediaToOob({ msgtype: 'm.image', body: 'x', url: 'mxc://remote/XYZ' }, [], links), null);
});

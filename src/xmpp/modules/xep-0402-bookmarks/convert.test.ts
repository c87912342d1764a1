import { test } from 'node:test';
import assert from 'node:assert/strict';
import { x } from '../../xml/element.js';
import { fromConference2, fromStorage, NS_BOOKMARKS2, sameBookmark, toConference2, toStorage } from './convert.js';

test('a XEP-0048 list and XEP-0402 items carry the same bookmarks', () => {
  const storage = x('storage', { xmlns: 'storage:bookmarks' },
    x('conference', { jid: 'Room@Conference.Example', name: 'Room', autojoin: '1' }, x('nick', {}, 'me'), x('password', {}, 'pw')),
    x('conference', { jid: 'not a jid@' }),
    x('url', { url: 'https://example.org', name: 'site' }));
  const [b, ...rest] = fromStorage(storage);
  assert.equal(rest.length, 0, 'bad JIDs and url bookmarks do not cross');
  assert.deepEqual(b, { jid: 'room@conference.example', name: 'Room', autojoin: true, nick: 'me', password: 'pw' });
  const item = toConference2(b!);
  assert.equal(item.attrs.xmlns, NS_BOOKMARKS2);
  assert.ok(sameBookmark(fromConference2(b!.jid, item)!, b!));
  const back = fromStorage(toStorage([b!]));
  assert.deepEqual(back, [b]);
  assert.equal(fromConference2('@bad', item), null);
});

test('extensions ride along on a XEP-0402 item', () => {
  const ext = x('extensions', {}, x('state', { xmlns: 'urn:example' }));
  const item = toConference2({ jid: 'a@b', autojoin: false }, ext);
  assert.ok(item.getChild('extensions')!.getChild('state', 'urn:example'));
  assert.equal(item.attrs.autojoin, 'false');
});

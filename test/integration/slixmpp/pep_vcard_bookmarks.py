"""slixmpp's own XEP-0054, XEP-0084 and XEP-0048 (over XEP-0049) plugins against Hearth; prints JSON.

Usage: pep_vcard_bookmarks.py HOST PORT JID PASSWORD NICK
Sets a vCard nickname, publishes an XEP-0084 avatar, reads the bookmarks (XEP-0048 through
private storage) and adds one. The test checks the results on the other side (Matrix profile,
XEP-0402 node). Run with Debian's /usr/bin/python3; the certificate is self-signed.
"""
import sys

from slixmpp.plugins.xep_0048 import Bookmarks
from common import SingleClient, run_single


class Probe(SingleClient):
    def __init__(self, jid, password, nick):
        super().__init__(jid, password, ('xep_0030', 'xep_0054', 'xep_0060', 'xep_0163', 'xep_0084', 'xep_0049', 'xep_0048'))
        self.nick = nick

    async def scenario(self):
        vcard = self['xep_0054'].make_vcard()
        vcard['FN'] = 'Full ' + self.nick
        vcard['NICKNAME'] = self.nick
        await self['xep_0054'].publish_vcard(vcard, timeout=5)
        back = await self['xep_0054'].get_vcard(self.boundjid.bare, timeout=5)
        self.result['vcard_nick'] = back['vcard_temp']['NICKNAME']

        image = b'slixmpp avatar bytes'
        avatar_id = self['xep_0084'].generate_id(image)
        await self['xep_0084'].publish_avatar(image, timeout=5)
        await self['xep_0084'].publish_avatar_metadata(
            [{'id': avatar_id, 'type': 'image/png', 'bytes': len(image)}], timeout=5)
        self.result['avatar_id'] = avatar_id

        stored = await self['xep_0048'].get_bookmarks(timeout=5)
        marks = stored['private']['bookmarks']
        self.result['bookmarks'] = sorted(str(c['jid']) for c in marks['conferences'])
        updated = Bookmarks()
        for c in marks['conferences']:
            updated.add_conference(c['jid'], c['nick'], name=c['name'], autojoin=c['autojoin'])
        updated.add_conference('slix@conference.localhost', 'slixnick', name='Slix room', autojoin=True)
        await self['xep_0048'].set_bookmarks(updated, timeout=5)


def main():
    host, port, jid, password, nick = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    run_single(Probe(jid, password, nick), host, port, 20)


if __name__ == '__main__':
    main()

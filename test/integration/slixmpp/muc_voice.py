"""A visitor asks for voice with slixmpp's XEP-0045 plugin (request_voice, §7.13) and waits for
its own presence as a participant once a moderator approved; prints JSON.

Usage: muc_voice.py HOST PORT JID PASSWORD ROOM NICK
Run with Debian's /usr/bin/python3 (python3-slixmpp). The last line of output is the result.
"""
import asyncio
import sys

from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath
from common import SingleClient, run_single


class Visitor(SingleClient):
    def __init__(self, jid, password, room, nick):
        super().__init__(jid, password, ('xep_0030', 'xep_0004', 'xep_0045'))
        self.room, self.nick = room, nick

    async def scenario(self):
        self.send_presence()
        muc = self['xep_0045']
        self.result['step'] = 'join'
        pres, _subject, _occupants, _history = await muc.join_muc_wait(self.room, self.nick, maxstanzas=0, timeout=5)
        self.result['role_before'] = pres['muc']['role']
        voiced = asyncio.get_running_loop().create_future()
        me = '%s/%s' % (self.room, self.nick)
        self.register_handler(Callback('voiced', MatchXPath('{jabber:client}presence'),
                                       lambda p: str(p['from']) == me and p['muc']['role'] == 'participant'
                                       and not voiced.done() and voiced.set_result(p)))
        self.result['step'] = 'request'
        muc.request_voice(self.room, 'participant')
        p = await asyncio.wait_for(voiced, 10)
        self.result['role_after'] = p['muc']['role']
        del self.result['step']


def main():
    host, port, jid, password, room, nick = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
    run_single(Visitor(jid, password, room, nick), host, port, 20)


if __name__ == '__main__':
    main()

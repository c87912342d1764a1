"""Enters a MUC room on Hearth with slixmpp's XEP-0045 plugin, talks, leaves; prints JSON.

Usage: muc_join_talk.py HOST PORT JID PASSWORD ROOM NICK
Run with Debian's /usr/bin/python3 (python3-slixmpp). The last line of output is the result
(slixmpp itself may print other lines before it).
"""
import asyncio
import sys

from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath
from common import SingleClient, run_single


class Occupant(SingleClient):
    def __init__(self, jid, password, room, nick):
        super().__init__(jid, password, ('xep_0030', 'xep_0045', 'xep_0203', 'xep_0359'))
        self.room, self.nick = room, nick

    async def scenario(self):
        self.send_presence()
        muc = self['xep_0045']
        self.result['step'] = 'disco'
        info = await self['xep_0030'].get_info(jid=self.room, timeout=5)
        self.result['room_features'] = sorted(info['disco_info']['features'])
        self.result['step'] = 'join'
        pres, subject, occupants, history = await muc.join_muc_wait(self.room, self.nick, maxstanzas=2, timeout=5)
        self.result['self_codes'] = sorted(pres['muc']['status_codes'])
        self.result['occupants'] = sorted(p['from'].resource for p in occupants)
        self.result['history'] = [m['body'] for m in history]
        self.result['subject'] = subject['subject']
        reflected = asyncio.get_running_loop().create_future()

        def on_message(msg):
            if msg['body'] == 'hello from slixmpp' and not reflected.done():
                reflected.set_result(msg)
        self.add_event_handler('muc::%s::message' % self.room, on_message)
        msg = self.make_message(mto=self.room, mbody='hello from slixmpp', mtype='groupchat')
        msg['id'] = 'slix-1'
        msg.send()
        self.result['step'] = 'echo'
        echo = await asyncio.wait_for(reflected, 5)
        self.result['echo'] = {'from': str(echo['from']), 'id': echo['id'], 'stanza_id_by': str(echo['stanza_id']['by'])}
        gone = asyncio.get_running_loop().create_future()
        me = '%s/%s' % (self.room, self.nick)
        # The plugin drops presence from rooms it has left and the roster keeps MUC presence
        # out of its events, so the self-presence of the exit is caught raw.
        self.register_handler(Callback('muc-exit', MatchXPath('{jabber:client}presence'),
                                       lambda p: p['type'] == 'unavailable' and str(p['from']) == me
                                       and not gone.done() and gone.set_result(p)))
        muc.leave_muc(self.room, self.nick)
        self.result['step'] = 'leave'
        left = await asyncio.wait_for(gone, 5)
        self.result['leave_codes'] = sorted(left['muc']['status_codes'])
        del self.result['step']


def main():
    host, port, jid, password, room, nick = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
    run_single(Occupant(jid, password, room, nick), host, port, 15)


if __name__ == '__main__':
    main()

"""Moderation with slixmpp's XEP-0045 plugin: an owner kicks one occupant and bans another
(muc#admin), reads the ban list, and each victim's client sees its removal; then invites the
kicked one back (mediated invitation), which it receives from the room; prints JSON.

Usage: muc_moderate.py HOST PORT ROOM PASSWORD OWNER_JID VICTIM1_JID VICTIM2_JID
Run with Debian's /usr/bin/python3 (python3-slixmpp). The last line of output is the result.
"""
import asyncio
import ssl
import sys

import slixmpp
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath
from common import run_scenario


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid, password):
        super().__init__(jid, password)
        self.register_plugin('xep_0030')
        self.register_plugin('xep_0045')
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.ready = asyncio.get_event_loop().create_future()
        self.add_event_handler('session_start', lambda _e: self.ready.done() or self.ready.set_result(True))

    def removal(self, room, nick):
        """A future for the unavailable self-presence of nick (the plugin drops it once out)."""
        fut = asyncio.get_event_loop().create_future()
        me = '%s/%s' % (room, nick)
        self.register_handler(Callback('removal-%s' % nick, MatchXPath('{jabber:client}presence'),
                                       lambda p: p['type'] == 'unavailable' and str(p['from']) == me
                                       and not fut.done() and fut.set_result(p)))
        return fut


def main():
    host, port, room, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    owner, v1, v2 = (Client(j, password) for j in sys.argv[5:8])

    async def scenario(result):
        await asyncio.gather(owner.ready, v1.ready, v2.ready)
        for c in (owner, v1, v2):
            c.send_presence()
        result['step'] = 'join'
        await owner['xep_0045'].join_muc_wait(room, 'Boss', maxstanzas=0, timeout=5)
        await v1['xep_0045'].join_muc_wait(room, 'Pistol', maxstanzas=0, timeout=5)
        await v2['xep_0045'].join_muc_wait(room, 'Cambridge', maxstanzas=0, timeout=5)
        muc = owner['xep_0045']
        result['step'] = 'kick'
        kicked = v1.removal(room, 'Pistol')
        await muc.set_role(room, 'Pistol', 'none', reason='Avaunt', timeout=5)
        p = await asyncio.wait_for(kicked, 5)
        result['kick'] = {'codes': sorted(p['muc']['status_codes']), 'reason': p['muc']['item']['reason'],
                          'actor': p['muc']['item']['actor']['nick'], 'role': p['muc']['role']}
        result['step'] = 'ban'
        banned = v2.removal(room, 'Cambridge')
        await muc.set_affiliation(room, 'outcast', jid=v2.boundjid.bare, reason='Treason', timeout=5)
        p = await asyncio.wait_for(banned, 5)
        result['ban'] = {'codes': sorted(p['muc']['status_codes']), 'reason': p['muc']['item']['reason'],
                         'affiliation': p['muc']['affiliation']}
        result['outcasts'] = [str(j) for j in await muc.get_affiliation_list(room, 'outcast', timeout=5)]
        result['step'] = 'forbidden'
        try:
            await v1['xep_0045'].set_affiliation(room, 'outcast', jid=owner.boundjid.bare, timeout=5)
            result['forbidden'] = 'accepted'
        except slixmpp.exceptions.IqError as err:
            result['forbidden'] = err.iq['error']['condition']
        result['step'] = 'invite'
        got = asyncio.get_event_loop().create_future()
        v1.register_handler(Callback('invitation', MatchXPath('{jabber:client}message/{http://jabber.org/protocol/muc#user}x/{http://jabber.org/protocol/muc#user}invite'),
                                     lambda m: got.done() or got.set_result(m)))
        muc.invite(room, v1.boundjid.bare, 'come back')
        m = await asyncio.wait_for(got, 5)
        result['invite'] = {'from': str(m['from']), 'inviter': str(m['muc']['invite']['from']), 'reason': m['muc']['invite']['reason']}
        del result['step']
        result['ok'] = True

    run_scenario([owner, v1, v2], host, port, scenario, 25)


if __name__ == '__main__':
    main()

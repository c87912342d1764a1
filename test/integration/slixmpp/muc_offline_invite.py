"""Invitations kept while offline, read with slixmpp's XEP-0045 plugin: the client comes online
(initial presence) and collects the 'groupchat_invite' events it gets within a short wait;
prints them as JSON, sorted by room.

Usage: muc_offline_invite.py HOST PORT JID PASSWORD EXPECTED WAIT_SECONDS
Waits until EXPECTED invitations came, then WAIT_SECONDS more (so extra ones would show).
Run with Debian's /usr/bin/python3 (python3-slixmpp). The last line of output is the result.
"""
import asyncio
import sys

from common import SingleClient, run_single

NS_USER = 'http://jabber.org/protocol/muc#user'


class Client(SingleClient):
    def __init__(self, jid, password, expected, wait):
        super().__init__(jid, password, ['xep_0030', 'xep_0045'])
        self.expected, self.wait = expected, wait
        self.invites = []
        self.add_event_handler('groupchat_invite', self._invite)

    def _invite(self, msg):
        inv = msg['muc']['invite']
        password = msg.xml.find('{%s}x/{%s}password' % (NS_USER, NS_USER))
        self.invites.append({'room': str(msg['from']), 'from': str(inv['from']), 'reason': inv['reason'],
                             'password': password.text if password is not None else None})

    async def scenario(self):
        self.send_presence()  # online for messages: what was kept is due now
        for _ in range(100):
            if len(self.invites) >= self.expected:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(self.wait)
        self.result['invites'] = sorted(self.invites, key=lambda i: (i['room'], i['from']))


def main():
    host, port, jid, password, expected, wait = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]), float(sys.argv[6])
    run_single(Client(jid, password, expected, wait), host, port, 20)


if __name__ == '__main__':
    main()

"""Two slixmpp clients on Hearth: STARTTLS + SCRAM, a roster add and get, a message each way.

Usage: im_roster_chat.py HOST PORT ALICE_JID ALICE_PW BOB_JID BOB_PW
Prints one JSON object. Run with Debian's /usr/bin/python3 (python3-slixmpp). The certificate
is self-signed, so verification is off: this checks the protocol, not the PKI.
"""
import asyncio
import ssl
import sys

import slixmpp
from common import run_scenario


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid, password):
        super().__init__(jid, password)
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.tls = False
        self.ready = asyncio.Event()
        self.inbox = asyncio.Queue()
        self.failed = None
        self.add_event_handler('tls_success', self.on_tls)
        self.add_event_handler('session_start', self.on_session)
        self.add_event_handler('failed_auth', self.on_failed_auth)
        self.add_event_handler('message', self.on_message)

    def on_tls(self, _event):
        self.tls = True

    def on_failed_auth(self, _event):
        self.failed = 'authentication failed'
        self.ready.set()

    async def on_session(self, _event):
        await self.get_roster(timeout=5)
        self.send_presence()
        self.ready.set()

    def on_message(self, msg):
        if msg['type'] in ('chat', 'normal') and msg['body']:
            self.inbox.put_nowait({'from': str(msg['from']), 'body': msg['body'], 'type': msg['type'],
                                   'stanza_id': msg.xml.find('{urn:xmpp:sid:0}stanza-id') is not None})

    def mechanism(self):
        mech = self['feature_mechanisms'].mech
        return mech.name if mech else None


async def scenario(alice, bob, result):
    await asyncio.wait_for(asyncio.gather(alice.ready.wait(), bob.ready.wait()), 10)
    if alice.failed or bob.failed:
        raise RuntimeError(alice.failed or bob.failed)
    result['tls'] = [alice.tls, bob.tls]
    result['mechanisms'] = [alice.mechanism(), bob.mechanism()]

    bob_bare = bob.boundjid.bare
    await alice.update_roster(bob_bare, name='Bob', groups=['Friends'], timeout=5)
    await alice.get_roster(timeout=5)
    item = alice.client_roster[bob_bare]
    result['roster_item'] = {'jid': bob_bare, 'name': item['name'], 'groups': list(item['groups']),
                             'subscription': item['subscription']}

    alice.send_message(mto=bob_bare, mbody='hello from slixmpp alice', mtype='chat')
    got = await asyncio.wait_for(bob.inbox.get(), 5)
    bob.send_message(mto=got['from'], mbody='hello back from slixmpp bob', mtype='chat')
    back = await asyncio.wait_for(alice.inbox.get(), 5)
    result['bob_received'] = got
    result['alice_received'] = back
    result['ok'] = True


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    alice = Client(sys.argv[3], sys.argv[4])
    bob = Client(sys.argv[5], sys.argv[6])
    run_scenario([alice, bob], host, port, lambda result: scenario(alice, bob, result), 15)


if __name__ == '__main__':
    main()

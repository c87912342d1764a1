"""slixmpp with XEP-0198 and XEP-0280 on Hearth: carbons between two resources, then a dropped
connection resumed with the message sent meanwhile.

Usage: sm_resume_carbons.py HOST PORT ALICE_BARE ALICE_PW BOB_JID BOB_PW
Prints one JSON object. Run with Debian's /usr/bin/python3 (python3-slixmpp). Verification of the
self-signed certificate is off: this checks the protocol, not the PKI.
"""
import asyncio
import ssl
import sys

import slixmpp
from common import run_scenario


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid, password, carbons=False, sm=False):
        super().__init__(jid, password)
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.want_carbons = carbons
        self.ready = asyncio.Event()
        self.enabled = asyncio.Event()
        self.resumed = asyncio.Event()
        self.gone = asyncio.Event()
        self.inbox = asyncio.Queue()
        self.carbons = asyncio.Queue()
        self.failed = None
        self.register_plugin('xep_0280')
        if sm:
            self.register_plugin('xep_0198')
            self.add_event_handler('sm_enabled', lambda _e: self.enabled.set())
            self.add_event_handler('session_resumed', lambda _e: self.resumed.set())
        self.add_event_handler('session_start', self.on_session)
        self.add_event_handler('failed_auth', self.on_failed_auth)
        self.add_event_handler('disconnected', lambda _e: self.gone.set())
        self.add_event_handler('message', self.on_message)
        self.add_event_handler('carbon_received', lambda m: self.on_carbon('received', m))
        self.add_event_handler('carbon_sent', lambda m: self.on_carbon('sent', m))

    def on_failed_auth(self, _event):
        self.failed = 'authentication failed'
        self.ready.set()

    async def on_session(self, _event):
        if self.want_carbons:
            await self.plugin['xep_0280'].enable(timeout=5)
        self.send_presence()
        self.ready.set()

    def on_message(self, msg):
        if msg['type'] in ('chat', 'normal') and msg['body']:
            self.inbox.put_nowait({'from': str(msg['from']), 'body': msg['body']})

    def on_carbon(self, kind, msg):
        inner = msg['carbon_received'] if kind == 'received' else msg['carbon_sent']
        self.carbons.put_nowait({'kind': kind, 'from': str(msg['from']), 'inner_from': str(inner['from']),
                                 'inner_to': str(inner['to']), 'body': inner['body']})


async def scenario(host, port, phone, desktop, bob, result):
    await asyncio.wait_for(asyncio.gather(phone.ready.wait(), desktop.ready.wait(), bob.ready.wait()), 10)
    if phone.failed or desktop.failed or bob.failed:
        raise RuntimeError(phone.failed or desktop.failed or bob.failed)
    await asyncio.wait_for(phone.enabled.wait(), 5)
    result['sm_id'] = bool(phone.plugin['xep_0198'].sm_id)

    # Carbons: bob writes to the desktop; the phone gets a received copy. The desktop answers;
    # the phone gets a sent copy.
    bob.send_message(mto=desktop.boundjid.full, mbody='to the desktop', mtype='chat')
    await asyncio.wait_for(desktop.inbox.get(), 5)
    result['received_carbon'] = await asyncio.wait_for(phone.carbons.get(), 5)
    desktop.send_message(mto=bob.boundjid.bare, mbody='from the desktop', mtype='chat')
    await asyncio.wait_for(bob.inbox.get(), 5)
    result['sent_carbon'] = await asyncio.wait_for(phone.carbons.get(), 5)

    # Stream management: the phone's connection drops; bob writes to it; the phone resumes and
    # gets the message.
    phone.abort()
    await asyncio.wait_for(phone.gone.wait(), 5)
    bob.send_message(mto=phone.boundjid.full, mbody='while you were away', mtype='chat')
    await asyncio.sleep(0.5)
    phone.connect(address=(host, port), force_starttls=True)
    await asyncio.wait_for(phone.resumed.wait(), 10)
    result['resumed'] = True
    while True:
        got = await asyncio.wait_for(phone.inbox.get(), 5)
        if got['body'] == 'while you were away':
            result['after_resume'] = got
            break
    phone.send_message(mto=bob.boundjid.bare, mbody='back again', mtype='chat')
    result['bob_after_resume'] = (await asyncio.wait_for(bob.inbox.get(), 5))['body']
    result['ok'] = True


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    phone = Client(sys.argv[3] + '/phone', sys.argv[4], carbons=True, sm=True)
    desktop = Client(sys.argv[3] + '/desktop', sys.argv[4], carbons=True)
    bob = Client(sys.argv[5], sys.argv[6])
    run_scenario([phone, desktop, bob], host, port, lambda result: scenario(host, port, phone, desktop, bob, result), 20)


if __name__ == '__main__':
    main()

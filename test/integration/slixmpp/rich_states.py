"""slixmpp's own plugins for chat states (XEP-0085), chat markers (XEP-0333) and retraction
(XEP-0424, Debian's plugin speaks the older :0 form) against a Matrix client on Hearth. bob is
this script; alice is a Matrix client driven by the Node test, which answers each step.

Usage: rich_states.py HOST PORT BOB_JID BOB_PW ALICE_BARE
Prints one JSON object. Run with Debian's /usr/bin/python3 (python3-slixmpp).
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
        for p in ('xep_0085', 'xep_0333', 'xep_0359', 'xep_0424'):
            self.register_plugin(p)
        self.ready = asyncio.Event()
        self.composing = asyncio.Event()
        self.inbox = asyncio.Queue()
        self.displayed = asyncio.Queue()
        self.add_event_handler('session_start', self.on_session)
        self.add_event_handler('chatstate_composing', lambda _m: self.composing.set())
        self.add_event_handler('marker_displayed', lambda m: self.displayed.put_nowait(m['displayed']['id']))
        self.add_event_handler('message', self.on_message)

    def on_session(self, _event):
        self.send_presence()
        self.ready.set()

    def on_message(self, msg):
        if msg['type'] == 'chat' and msg['body']:
            self.inbox.put_nowait(msg)


def main():
    host, port, bob_jid, bob_pw, alice = sys.argv[1:6]
    bob = Client(bob_jid, bob_pw)

    async def scenario(result):
        await asyncio.wait_for(bob.ready.wait(), 10)
        hello = bob.make_message(mto=alice, mbody='hello from slixmpp', mtype='chat')
        hello['id'] = 'slix-hello'
        hello.enable('markable')
        hello.send()
        typing = bob.make_message(mto=alice, mtype='chat')
        typing['chat_state'] = 'composing'
        typing.send()
        # alice types on Matrix, then answers.
        await asyncio.wait_for(bob.composing.wait(), 15)
        result['got_composing'] = True
        reply = await asyncio.wait_for(bob.inbox.get(), 15)
        result['reply'] = {'body': reply['body'], 'markable': reply.xml.find('{urn:xmpp:chat-markers:0}markable') is not None}
        bob.plugin['xep_0333'].send_marker(mto=alice, id=reply['id'], marker='displayed')
        # alice reads bob's message on Matrix.
        result['displayed'] = await asyncio.wait_for(bob.displayed.get(), 15)
        bob.plugin['xep_0424'].send_retraction(mto=alice, id='slix-hello')
        # The Node side ends the run once alice's client shows the message redacted.
        await asyncio.sleep(0.5)
        result['ok'] = True

    run_scenario([bob], host, int(port), scenario, 40)


if __name__ == '__main__':
    main()

"""slixmpp's MAM (XEP-0313, with XEP-0059 paging) and blocking (XEP-0191) plugins on Hearth.

Usage: mam_blocking.py HOST PORT ALICE_JID ALICE_PW BOB_JID BOB_PW
Alice sends five messages to Bob; Bob pages through his archive two at a time, forwards and
backwards; then Bob blocks Alice, her next message does not reach him, and he unblocks her.
Prints one JSON object. Run with Debian's /usr/bin/python3 (python3-slixmpp); certificate checks
are off (self-signed test certificate).
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
        for plugin in ('xep_0030', 'xep_0059', 'xep_0313', 'xep_0191'):
            self.register_plugin(plugin)
        self.ready = asyncio.Event()
        self.inbox = asyncio.Queue()
        self.failed = None
        self.add_event_handler('session_start', self.on_session)
        self.add_event_handler('failed_auth', self.on_failed_auth)
        self.add_event_handler('message', self.on_message)

    def on_failed_auth(self, _event):
        self.failed = 'authentication failed'
        self.ready.set()

    async def on_session(self, _event):
        self.send_presence()
        self.ready.set()

    def on_message(self, msg):
        if msg['type'] in ('chat', 'normal') and msg['body']:
            self.inbox.put_nowait(msg['body'])


def body_of(result):
    return result['mam_result']['forwarded']['stanza']['body']


async def scenario(alice, bob, result):
    await asyncio.wait_for(asyncio.gather(alice.ready.wait(), bob.ready.wait()), 10)
    if alice.failed or bob.failed:
        raise RuntimeError(alice.failed or bob.failed)
    alice_bare = alice.boundjid.bare
    for i in range(1, 6):
        alice.send_message(mto=bob.boundjid.bare, mbody='archived %d' % i, mtype='chat')
        await asyncio.wait_for(bob.inbox.get(), 8)

    info = await bob['xep_0030'].get_info(jid=bob.boundjid.bare, timeout=5)
    result['mam_feature'] = 'urn:xmpp:mam:2' in info['disco_info']['features']
    result['forward'] = [body_of(m) async for m in bob['xep_0313'].iterate(with_jid=slixmpp.JID(alice_bare), rsm={'max': 2})]
    result['backward'] = [body_of(m) async for m in bob['xep_0313'].iterate(with_jid=slixmpp.JID(alice_bare), rsm={'max': 2}, reverse=True)]

    await bob['xep_0191'].block(slixmpp.JID(alice_bare), timeout=5)
    blocked = await bob['xep_0191'].get_blocked(timeout=5)
    result['blocked'] = sorted(str(j) for j in blocked['blocklist']['items'])
    alice.send_message(mto=bob.boundjid.bare, mbody='are you there?', mtype='chat')
    try:
        got = await asyncio.wait_for(bob.inbox.get(), 1.5)
        result['leaked'] = got
    except asyncio.TimeoutError:
        result['leaked'] = None
    await bob['xep_0191'].unblock(slixmpp.JID(alice_bare), timeout=5)
    after = await bob['xep_0191'].get_blocked(timeout=5)
    result['after_unblock'] = sorted(str(j) for j in after['blocklist']['items'])
    result['ok'] = True


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    alice = Client(sys.argv[3], sys.argv[4])
    bob = Client(sys.argv[5], sys.argv[6])
    run_scenario([alice, bob], host, port, lambda result: scenario(alice, bob, result), 20)


if __name__ == '__main__':
    main()

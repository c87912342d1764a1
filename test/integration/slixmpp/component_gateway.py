"""An external component (XEP-0114) made with slixmpp's ComponentXMPP: a small gateway at the
domain it is given. Once connected it greets the user, asks the server's disco#info, answers
'ping' with 'pong: ping' from bot@DOMAIN/bot, and ends at 'bye', printing what it saw as JSON.
usage: component_gateway.py HOST PORT DOMAIN SECRET USER_JID"""
import asyncio
import json
import sys

import slixmpp

host, port, domain, secret, user = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]


class Gateway(slixmpp.ComponentXMPP):
    def __init__(self):
        super().__init__(domain, secret, host, port)
        self.register_plugin('xep_0030')
        self.result = {'ok': False}
        self.add_event_handler('session_start', self.start)
        self.add_event_handler('message', self.on_message)

    async def start(self, _event):
        self['xep_0030'].add_identity(category='gateway', itype='xmpp', name='Test gateway', jid=domain)
        self.send_message(mto=user, mfrom=domain, mbody='gateway online', mtype='chat')
        info = await self['xep_0030'].get_info(jid=host_domain(user), ifrom=domain, timeout=10)
        self.result['server_features'] = sorted(info['disco_info']['features'])

    def on_message(self, msg):
        body = msg['body']
        if body == 'bye':
            self.result['ok'] = True
            self.disconnect()
        elif body:
            self.result.setdefault('got', []).append({'from': str(msg['from']), 'to': str(msg['to']), 'body': body})
            self.send_message(mto=msg['from'], mfrom=f'bot@{domain}/bot', mbody=f'pong: {body}', mtype='chat')


def host_domain(jid):
    return jid.split('@', 1)[-1].split('/', 1)[0]


gw = Gateway()
gw.connect()
try:
    gw.loop.run_until_complete(asyncio.wait_for(gw.disconnected, timeout=20))
except asyncio.TimeoutError:
    gw.result['error'] = 'timed out'
print(json.dumps(gw.result))

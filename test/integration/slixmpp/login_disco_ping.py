"""Logs in to Hearth with slixmpp over STARTTLS, asks disco#info and pings; prints JSON.

Usage: login_disco_ping.py HOST PORT JID PASSWORD
Run with Debian's /usr/bin/python3 (python3-slixmpp). The certificate is self-signed, so
verification is switched off: this checks the protocol, not the PKI.
"""
import sys

from common import SingleClient, run_single

NS_PING = 'urn:xmpp:ping'


class Probe(SingleClient):
    def __init__(self, jid, password):
        super().__init__(jid, password, ('xep_0030', 'xep_0199'))
        self.add_event_handler('tls_success', self.on_tls)

    def on_tls(self, _event):
        self.result['tls'] = True

    async def scenario(self):
        mech = self['feature_mechanisms'].mech
        self.result['mechanism'] = mech.name if mech else None
        self.result['jid'] = str(self.boundjid)
        self.send_presence()
        info = await self['xep_0030'].get_info(jid=self.boundjid.domain, timeout=5)
        self.result['identities'] = [[i[0], i[1]] for i in info['disco_info']['identities']]
        self.result['features'] = sorted(info['disco_info']['features'])
        account = await self['xep_0030'].get_info(jid=self.boundjid.bare, timeout=5)
        self.result['account_identities'] = [[i[0], i[1]] for i in account['disco_info']['identities']]
        rtt = await self['xep_0199'].ping(jid=self.boundjid.domain, timeout=5)
        self.result['ping'] = rtt is not None


def main():
    host, port, jid, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    run_single(Probe(jid, password), host, port, 15)


if __name__ == '__main__':
    main()

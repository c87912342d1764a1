"""Uploads a file to Hearth with slixmpp's XEP-0363 plugin (discovery, slot, HTTP PUT); prints JSON.

Usage: http_upload.py HOST PORT JID PASSWORD FILE
Then asks for a slot for a file larger than the service's limit and reports the error.
Run with Debian's /usr/bin/python3 (python3-slixmpp, python3-aiohttp). The certificate is
self-signed, so verification is switched off: this checks the protocol, not the PKI.
"""
import sys

from slixmpp.exceptions import IqError
from common import SingleClient, run_single


class Uploader(SingleClient):
    def __init__(self, jid, password, path):
        super().__init__(jid, password, ('xep_0030', 'xep_0363'))
        self.path = path

    async def discover(self, upload):
        # What the plugin's find_upload_service does; slixmpp 1.8.3's own version passes bare
        # coroutines to asyncio.wait, which Python 3.11+ refuses, so it is done here step by step.
        items = await self['xep_0030'].get_items(jid=self.boundjid.domain, timeout=5)
        for jid, _node, _name in items['disco_items']['items']:
            info = await self['xep_0030'].get_info(jid=jid, timeout=5)
            identities = [(i[0], i[1]) for i in info['disco_info']['identities']]
            if ('store', 'file') not in identities or 'urn:xmpp:http:upload:0' not in info['disco_info']['features']:
                continue
            upload.upload_service = info['from']
            for form in info['disco_info'].iterables:
                values = form['values']
                if values.get('FORM_TYPE') in (['urn:xmpp:http:upload:0'], 'urn:xmpp:http:upload:0'):
                    upload.max_file_size = int(values['max-file-size'])
            return

    async def scenario(self):
        upload = self['xep_0363']
        await self.discover(upload)
        self.result['url'] = await upload.upload_file(self.path, content_type='image/png', timeout=10)
        self.result['service'] = str(upload.upload_service)
        self.result['max_file_size'] = upload.max_file_size if upload.max_file_size != float('+inf') else None
        try:
            await upload.request_slot(upload.upload_service, 'huge.bin', 10 ** 12, timeout=10)
            self.result['too_big'] = 'accepted'
        except IqError as err:
            self.result['too_big'] = err.iq['error']['condition']
            self.result['too_big_max'] = err.iq.xml.find(
                '{jabber:client}error/{urn:xmpp:http:upload:0}file-too-large/{urn:xmpp:http:upload:0}max-file-size').text


def main():
    host, port, jid, password, path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    run_single(Uploader(jid, password, path), host, port, 20)


if __name__ == '__main__':
    main()

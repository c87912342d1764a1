"""What every slixmpp test script does around its scenario: connect over STARTTLS, run with a
deadline, disconnect, and print the result as one JSON line for the Node test to read."""
import asyncio
import json
import ssl

import slixmpp


class SingleClient(slixmpp.ClientXMPP):
    """A client that runs its `scenario()` once its session starts, for run_single: TLS without
    PKI checks (the certificate is self-signed; this checks the protocol), `result` with `ok` set
    when the scenario ends, any failure reported as data, and the disconnect run_single awaits."""

    def __init__(self, jid, password, plugins):
        super().__init__(jid, password)
        self.result = {'ok': False}
        for plugin in plugins:
            self.register_plugin(plugin)
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.add_event_handler('session_start', self._run)
        self.add_event_handler('failed_auth', self._failed_auth)

    async def scenario(self):
        raise NotImplementedError

    def _failed_auth(self, _event):
        self.result['error'] = 'authentication failed'
        self.disconnect()

    async def _run(self, _event):
        try:
            await self.scenario()
            self.result['ok'] = True
        except Exception as exc:  # reported to the test as data
            self.result['error'] = repr(exc)
        finally:
            self.disconnect()


def run_single(client, host, port, timeout):
    """For a client that runs its own scenario on session_start, keeps `result` and disconnects."""
    client.connect(address=(host, port), force_starttls=True)
    try:
        client.loop.run_until_complete(asyncio.wait_for(client.disconnected, timeout=timeout))
    except asyncio.TimeoutError:
        client.result['error'] = 'timed out'
    print(json.dumps(client.result))


def run_scenario(clients, host, port, scenario, timeout):
    """Connects every client, awaits scenario(result), then disconnects them all."""
    result = {'ok': False}
    for c in clients:
        c.connect(address=(host, port), force_starttls=True)
    loop = clients[0].loop
    try:
        loop.run_until_complete(asyncio.wait_for(scenario(result), timeout))
    except Exception as exc:  # reported to the test as data
        result['error'] = repr(exc)
    finally:
        for c in clients:
            c.disconnect()
        try:
            loop.run_until_complete(asyncio.wait_for(asyncio.gather(*(c.disconnected for c in clients)), 5))
        except Exception:
            pass
    print(json.dumps(result))

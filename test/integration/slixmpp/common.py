"""What every slixmpp test script does around its scenario: connect over STARTTLS, run with a
deadline, disconnect, and print the result as one JSON line for the Node test to read."""
import asyncio
import json


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

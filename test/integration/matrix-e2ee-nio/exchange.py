# matrix-nio (libolm) as an independent E2EE client for Hearth's tests.
# Usage: exchange.py HOMESERVER USER PASSWORD ROOM_ID SEND_TEXT EXPECT_TEXT
# Logs in, uploads its keys, joins the encrypted room, sends SEND_TEXT encrypted, then syncs until
# it has decrypted EXPECT_TEXT. Prints one line per step ("SENT", "GOT <text>") so the test can
# react; exits 0 on success, 1 with the reason on stderr otherwise.
import asyncio
import sys
import tempfile

from nio import AsyncClient, AsyncClientConfig, LoginResponse, JoinResponse, MegolmEvent, RoomMessageText, RoomSendResponse
from nio.api import Api

# nio 0.20 speaks the r0 paths, which Hearth does not serve (only v3, as current clients use).
# The request and response bodies of the endpoints used here are the same under both prefixes.
_build_path = Api._build_path
Api._build_path = staticmethod(lambda path, query_parameters=None, base_path='/_matrix/client/v3':
                               _build_path(path, query_parameters, base_path.replace('/_matrix/client/r0', '/_matrix/client/v3')))


async def main(hs, user, password, room_id, send_text, expect_text):
    store = tempfile.mkdtemp(prefix='nio-store-')
    client = AsyncClient(hs, user, store_path=store, config=AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False), ssl=False)
    got = asyncio.Event()

    async def on_text(room, event):
        if room.room_id == room_id and event.body == expect_text:
            print('GOT ' + event.body, flush=True)
            got.set()

    async def on_undecryptable(room, event):
        print('UNDECRYPTABLE ' + event.session_id, file=sys.stderr, flush=True)

    client.add_event_callback(on_text, RoomMessageText)
    client.add_event_callback(on_undecryptable, MegolmEvent)
    try:
        login = await client.login(password, device_name='nio test client')
        if not isinstance(login, LoginResponse):
            raise SystemExit(f'login failed: {login}')
        if client.should_upload_keys:
            await client.keys_upload()
        await client.sync(timeout=0, full_state=True)
        joined = await client.join(room_id)
        if not isinstance(joined, JoinResponse):
            raise SystemExit(f'join failed: {joined}')
        await client.sync(timeout=0)
        # nio encrypts only for a room whose member list it has fetched whole.
        members = await client.joined_members(room_id)
        if not hasattr(members, 'members'):
            raise SystemExit(f'joined_members failed: {members}')
        if client.should_query_keys:
            await client.keys_query()
        sent = await client.room_send(room_id, 'm.room.message', {'msgtype': 'm.text', 'body': send_text}, ignore_unverified_devices=True)
        if not isinstance(sent, RoomSendResponse):
            raise SystemExit(f'send failed: {sent}')
        print('SENT', flush=True)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 20
        while not got.is_set():
            if loop.time() > deadline:
                raise SystemExit(f'never decrypted {expect_text!r}')
            await client.sync(timeout=1000)
            if client.should_upload_keys:
                await client.keys_upload()
            if client.should_query_keys:
                await client.keys_query()
    finally:
        await client.close()


if __name__ == '__main__':
    asyncio.run(main(*sys.argv[1:7]))

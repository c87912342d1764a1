// Which events of a DM room an XMPP client is given (isDmItem), against a real in-memory core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../../core/config/load.js';
import { generateSigningKey } from '../../../core/events/index.js';
import { silentLogger } from '../../../core/logger.js';
import { createCore } from '../../../core/services.js';
import { createRoom } from '../../../core/rooms/create-room.js';
import { openSqliteStorage } from '../../../storage/sqlite/index.js';
import { isDmItem, redactedTarget } from './dm-stanza.js';

const A = '@alice:h.test';
const B = '@bob:h.test';

async function room() {
  const core = createCore(resolveConfig({ server_name: 'h.test' }), openSqliteStorage({ path: ':memory:', onFatal: () => {} }), silentLogger, generateSigningKey());
  const { roomId } = await createRoom(core.rooms, { creator: A, preset: 'private_chat', invite: [B] });
  await core.rooms.send(roomId, { type: 'm.room.member', sender: B, stateKey: B, content: { membership: 'join' } });
  const send = async (sender: string, type: string, content: Record<string, unknown>, redacts?: string) =>
    core.rooms.send(roomId, { type, sender, content: content as never, ...(redacts ? { redacts } : {}) });
  const item = (ev: { eventId: string; pdu: unknown }) => isDmItem(core, ev as never);
  return { core, send, item };
}

test('messages with a body, reactions and encrypted events are items; state and bodiless messages are not', async () => {
  const { core, send, item } = await room();
  const msg = await send(A, 'm.room.message', { msgtype: 'm.text', body: 'hi' });
  assert.equal(item(msg), true);
  assert.equal(item(await send(A, 'm.room.message', { msgtype: 'm.text' })), false);
  assert.equal(item(await send(B, 'm.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: msg.eventId, key: '👍' } })), true);
  assert.equal(item(await send(B, 'm.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: msg.eventId } })), false, 'no key');
  assert.equal(item(await send(A, 'm.room.encrypted', { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'x' })), true);
  const roomId = msg.pdu.room_id;
  assert.equal(item(await core.rooms.send(roomId, { type: 'm.room.topic', sender: A, stateKey: '', content: { topic: 't' } })), false);
  core.storage.close();
});

test('redactions: of one\'s own message (a retraction) and of a reaction are items; of someone else\'s message not', async () => {
  const { core, send, item } = await room();
  const mine = await send(B, 'm.room.message', { msgtype: 'm.text', body: 'oops' });
  const retraction = await send(B, 'm.room.redaction', { redacts: mine.eventId }, mine.eventId);
  assert.equal(redactedTarget(core, retraction)?.eventId, mine.eventId);
  assert.equal(item(retraction), true);
  assert.equal(item(mine), true, 'the retracted message stays an item (a tombstone in the archive)');

  const reaction = await send(A, 'm.reaction', { 'm.relates_to': { rel_type: 'm.annotation', event_id: mine.eventId, key: '😂' } });
  const withdrawn = await send(A, 'm.room.redaction', { redacts: reaction.eventId }, reaction.eventId);
  assert.equal(item(withdrawn), true);
  assert.equal(item(reaction), false, 'a withdrawn reaction is shown by its redaction, not itself');

  const bobs = await send(B, 'm.room.message', { msgtype: 'm.text', body: 'rude' });
  const moderated = await send(A, 'm.room.redaction', { redacts: bobs.eventId }, bobs.eventId); // alice is the room admin
  assert.equal(redactedTarget(core, moderated)?.eventId, bobs.eventId);
  assert.equal(item(moderated), false, 'XEP-0424: only the author retracts in a 1:1 chat');

  const noop = await send(B, 'm.room.redaction', { redacts: mine.eventId }, mine.eventId); // already redacted
  assert.equal(redactedTarget(core, noop), null);
  assert.equal(item(noop), false);
  core.storage.close();
});

#!/usr/bin/env node
// The shared send path alone, without a protocol in front: RoomService.send into DM rooms on a
// fresh SQLite file, `--batch` sends per event-loop turn (one group commit), each turn waiting
// for its commit and WAL sync. Prints process CPU per message (all threads), bytes and write
// calls per message (/proc/self/io: the WAL pages each commit writes) and the commit rate.
// usage: taskset -c 0 node --max-semi-space-size=4 bench/core-send.mjs [--batch 32] [--messages 10000] [--rooms 50]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: {
  batch: { type: 'string', default: '32' }, messages: { type: 'string', default: '10000' }, rooms: { type: 'string', default: '50' },
} });
const root = new URL('..', import.meta.url).pathname;
const { openSqliteStorage } = await import(join(root, 'dist/src/storage/sqlite/index.js'));
const { createCore, loadOrCreateSigningKey } = await import(join(root, 'dist/src/core/services.js'));
const { resolveConfig } = await import(join(root, 'dist/src/core/config/load.js'));
const { makeLogger } = await import(join(root, 'dist/src/main.js'));

const dir = mkdtempSync(join(tmpdir(), 'hearth-core-send-'));
const config = resolveConfig({ server_name: 'bench.localhost', data_dir: dir, log_level: 'warn' });
const storage = openSqliteStorage({ path: join(dir, 'hearth.db'), onFatal: (e) => { console.error(e); process.exit(1); } });
const core = createCore(config, storage, makeLogger(config), loadOrCreateSigningKey(dir));
const pairs = [];
for (let i = 0; i < Number(values.rooms); i++) {
  const [a, b] = [`u${2 * i}`, `u${2 * i + 1}`];
  await core.accounts.create(a, 'pw');
  await core.accounts.create(b, 'pw');
  pairs.push([`@${a}:bench.localhost`, await core.directs.ensure(`@${a}:bench.localhost`, `@${b}:bench.localhost`)]);
}
await storage.writes.flush();

const io = () => { const t = readFileSync('/proc/self/io', 'utf8'); return { bytes: +/wchar: (\d+)/.exec(t)[1], calls: +/syscw: (\d+)/.exec(t)[1] }; };
async function run(n, batch) {
  const io0 = io(); const c0 = process.cpuUsage(); const t0 = performance.now();
  for (let sent = 0; sent < n;) {
    const turn = [];
    for (let j = 0; j < batch && sent < n; j++, sent++) {
      const [sender, roomId] = pairs[sent % pairs.length];
      turn.push(core.rooms.send(roomId, { type: 'm.room.message', sender, content: { msgtype: 'm.text', body: `message ${sent} lorem ipsum dolor sit amet` } }));
    }
    await Promise.all(turn);
  }
  const c = process.cpuUsage(c0); const wall = performance.now() - t0; const io1 = io();
  return {
    batch, messages: n, cpu_us_per_msg: +((c.user + c.system) / n).toFixed(1), user_us: +(c.user / n).toFixed(1), sys_us: +(c.system / n).toFixed(1),
    bytes_written_per_msg: Math.round((io1.bytes - io0.bytes) / n), write_calls_per_msg: +((io1.calls - io0.calls) / n).toFixed(2), msg_per_s: Math.round(n / wall * 1000),
  };
}
await run(2000, Number(values.batch)); // warm-up
console.log(JSON.stringify(await run(Number(values.messages), Number(values.batch))));
await storage.writes.flush();
storage.close();
rmSync(dir, { recursive: true, force: true });

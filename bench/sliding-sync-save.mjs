// What saving a sliding sync connection costs (src/matrix/sliding-sync/persist.ts): serializing
// and reading back the state of an Element X room-list connection with N rooms, each sent with
// Element X's required_state and a few lazily loaded members. A connection is saved at most once
// per SAVE_DELAY_MS (5 s) while it changes, so this is a cost per syncing client per 5 s.
// usage: node bench/sliding-sync-save.mjs [rooms=1000] [reps=200]   (after `node scripts/ensure-built.mjs`)
import { performance } from 'node:perf_hooks';
import { parseStates, serializeStates } from '../dist/src/matrix/sliding-sync/persist.js';
import { fromPairs } from '../dist/src/matrix/sliding-sync/required-state.js';

const rooms = Number(process.argv[2] ?? 1000);
const reps = Number(process.argv[3] ?? 200);
const spec = fromPairs([
  ['m.room.name', ''], ['m.room.encryption', ''], ['m.room.member', '$LAZY'], ['m.room.member', '$ME'], ['m.room.topic', ''],
  ['m.room.avatar', ''], ['m.room.canonical_alias', ''], ['m.room.power_levels', ''], ['org.matrix.msc3401.call.member', '*'],
  ['m.room.join_rules', ''], ['m.room.tombstone', ''], ['m.room.create', ''], ['m.room.history_visibility', ''],
  ['io.element.functional_members', ''], ['m.space.parent', '*'], ['m.space.child', '*'], ['org.matrix.msc3672.beacon_info', '*'],
]);
const sent = new Map();
for (let i = 0; i < rooms; i++) {
  sent.set(`!room${i}abcdefghijkl:example.org`, {
    at: 100000 + i, from: 99000 + i, membership: 'join', timelineLimit: 1, stateSpec: spec, isDm: i % 5 === 0,
    lazySent: new Set([`@user${i}:example.org`, `@user${i + 1}:example.org`, '@me:example.org']), counts: [i % 3, 0],
  });
}
const state = {
  upto: 200000, rooms: sent, subscriptions: new Map(),
  extensions: { account_data: { enabled: true }, receipts: { enabled: true, rooms: ['*'] }, typing: { enabled: true } },
  listCounts: new Map([['all_rooms', rooms]]),
};
const states = new Map([['200000_abc1', state]]);
let text = '';
let t = performance.now();
for (let i = 0; i < reps; i++) text = serializeStates(states);
const save = (performance.now() - t) / reps;
t = performance.now();
for (let i = 0; i < reps; i++) parseStates(text);
const load = (performance.now() - t) / reps;
console.log(`rooms=${rooms} bytes=${text.length} serialize_ms=${save.toFixed(3)} parse_ms=${load.toFixed(3)}`);

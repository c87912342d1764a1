// matrix-js-sdk as the tests use it: silent, with timers that do not hold the process open, and a
// session that has finished its first sync.
import * as sdk from 'matrix-js-sdk';
import { logger as sdkLogger } from 'matrix-js-sdk/lib/logger.js';

export { sdk };

// Silence the SDK (its child loggers copy the root's method factory).
const root = sdkLogger as unknown as { methodFactory: unknown; rebuild(): void };
root.methodFactory = () => () => {};
root.rebuild();
export const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, getChild() { return quiet; } };

// matrix-js-sdk 37 never clears its long per-request timers (matrix-org/matrix-js-sdk#2472),
// which would hold a finished test process open for minutes.
const armTimer = globalThis.setTimeout;
globalThis.setTimeout = ((fn: () => void, ms?: number, ...args: unknown[]) => {
  const t = armTimer(fn, ms, ...args);
  if ((ms ?? 0) >= 60000) (t as unknown as NodeJS.Timeout).unref();
  return t;
}) as typeof setTimeout;

export interface Session { client: sdk.MatrixClient; userId: string; accessToken: string; deviceId: string; seen: string[] }

/** Resolves once `check` holds; fails with `what` after the deadline. */
export async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `beforeStart` runs on the client before its first sync (e2ee tests start the Rust crypto there). */
export interface SessionOptions { beforeStart?: (client: sdk.MatrixClient) => Promise<void> }

export async function loginAndSync(baseUrl: string, name: string, password = 'secret-pw', opts: SessionOptions = {}): Promise<Session> {
  const bare = sdk.createClient({ baseUrl, logger: quiet });
  const res = await bare.loginRequest({
    type: 'm.login.password', identifier: { type: 'm.id.user', user: name }, password,
    initial_device_display_name: `${name}'s test client`,
  });
  return startSession(baseUrl, res.user_id, res.access_token, res.device_id, opts);
}

export async function startSession(baseUrl: string, userId: string, accessToken: string, deviceId: string, opts: SessionOptions = {}): Promise<Session> {
  const client = sdk.createClient({ baseUrl, accessToken, userId, deviceId, logger: quiet });
  const seen: string[] = [];
  // Messages as the client's Room.timeline delivers them, live ones only.
  client.on(sdk.RoomEvent.Timeline, (ev, _room, toStart) => {
    if (!toStart && ev.getType() === 'm.room.message') seen.push(ev.getContent().body);
  });
  const prepared = new Promise<void>((resolve, reject) => {
    client.on(sdk.ClientEvent.Sync, (state) => {
      if (state === sdk.SyncState.Prepared) resolve();
      if (state === sdk.SyncState.Error) reject(new Error('sync failed'));
    });
  });
  await opts.beforeStart?.(client);
  await client.startClient({ initialSyncLimit: 10 });
  await prepared;
  return { client, userId, accessToken, deviceId, seen };
}

// POST /_matrix/client/unstable/org.matrix.simplified_msc3575/sync (MSC4186 Simplified Sliding
// Sync, the sync of Element X and of Element Web's sliding sync mode). Computed at once; with a
// `pos` and a `timeout`, held open until the bus reports something for the user, as /sync is.
import type { MatrixContext } from '../context.js';
import { ErrCode, MatrixError } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { Connections, UnknownPosError, type ConnState } from '../sliding-sync/connection.js';
import { computeSliding, type SlidingDeps } from '../sliding-sync/compute.js';
import { parseSlidingRequest } from '../sliding-sync/request.js';
import { presenceFromSync } from './presence.js';

export const SLIDING_SYNC_PATH = '/_matrix/client/unstable/org.matrix.simplified_msc3575/sync';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function slidingSync(m: MatrixContext, deps: SlidingDeps, conns: Connections, ctx: AuthedCtx): Promise<unknown> {
  const req = parseSlidingRequest(ctx.body, ctx.query, m.core.config.matrix.max_sync_timeout_ms);
  const { userId, deviceId } = ctx.requester;
  let held: ConnState;
  try {
    held = conns.start(userId, deviceId, req.connId, req.pos);
  } catch (err) {
    if (err instanceof UnknownPosError) throw new MatrixError(400, ErrCode.UNKNOWN_POS, 'Unknown or expired pos: start a new connection');
    throw err;
  }
  await presenceFromSync(m, userId, req.setPresence);
  const deadline = Date.now() + req.timeout;
  let res = computeSliding(deps, ctx.requester, req, held);
  // As in /sync: computing is synchronous, so no notice can slip in between computing and waiting.
  while (res.empty && req.pos !== null && !ctx.client.gone) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    await m.notifier.wait(userId, left, ctx.client);
    await nextTurn();
    if (ctx.client.gone || m.notifier.closed) break;
    // to_device messages up to `since` were acknowledged by the first pass; a second pass would only repeat that.
    res = computeSliding(deps, ctx.requester, req, held);
  }
  // A request the client gave up on hands out no pos: its state would only wait to be dropped.
  if (ctx.client.gone) return {};
  const pos = conns.issue(userId, deviceId, req.connId, res.next);
  return { pos, ...res.body };
}

const connections = new WeakMap<MatrixContext, Connections>();

/** The API's sliding sync connections (one set per MatrixContext); ending devices forget theirs. */
export function slidingConnectionsOf(m: MatrixContext): Connections {
  let conns = connections.get(m);
  if (conns) return conns;
  const storage = m.core.storage;
  conns = new Connections(Date.now, {
    store: storage.slidingConnections,
    write: (fn) => { storage.writes.enqueueDeferred(fn).catch((err) => m.core.logger.warn({ err }, 'saving a sliding sync connection failed')); },
  });
  connections.set(m, conns);
  // Saved before storage's last commit, so that clients resume after a restart.
  m.onClose(() => conns.flush());
  return conns;
}

export function slidingSyncRoutes(m: MatrixContext): Route[] {
  const deps: SlidingDeps = { core: m.core, formatter: m.formatter, history: m.history, notifier: m.notifier, ephemeral: m.ephemeral };
  const conns = slidingConnectionsOf(m);
  return [{ method: 'POST', path: SLIDING_SYNC_PATH, auth: 'required', handler: (ctx) => slidingSync(m, deps, conns, ctx) }];
}

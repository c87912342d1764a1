// GET /sync (spec sync.yaml): computed at once, and when an incremental sync has nothing new,
// held open until the bus reports something for the user or the timeout passes.
import type { MatrixContext } from '../context.js';
import { ErrCode, MatrixError, invalidParam } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { intQuery } from '../http/validate.js';
import { syncSinceParam } from '../tokens.js';
import { computeSync, isEmptySync, type SyncDeps, type SyncResponse } from '../sync/compute.js';
import { QuietDevices } from '../sync/quiet.js';
import { EMPTY_SYNC_FILTER, parseSyncFilter, type SyncFilter } from '../sync/filter.js';
import { LazyMemberCache } from '../sync/lazy-members.js';
import { storedFilter } from './account-data.js';
import { presenceFromSync } from './presence.js';

// A client sends the same inline filter with every long-poll: parse each text once.
const inlineFilters = new Map<string, SyncFilter>();
const MAX_INLINE_FILTERS = 1000;

/** Spec: the `filter` parameter is inline JSON when it starts with '{', else a filter id. */
function resolveFilter(m: MatrixContext, userId: string, raw: string | null): SyncFilter {
  if (raw === null || raw === '') return EMPTY_SYNC_FILTER;
  if (raw.startsWith('{')) {
    const known = inlineFilters.get(raw);
    if (known) return known;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new MatrixError(400, ErrCode.NOT_JSON, "'filter' is not JSON");
    }
    const filter = parseSyncFilter(json);
    if (inlineFilters.size >= MAX_INLINE_FILTERS) inlineFilters.clear();
    inlineFilters.set(raw, filter);
    return filter;
  }
  const stored = storedFilter(m, userId, raw);
  if (!stored) throw invalidParam(`Unknown filter id '${raw}'`);
  return parseSyncFilter(stored);
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Longest a woken long-poll waits for a batch being synced to disk to join its response. */
const JOIN_BATCH_MS = 3;

/**
 * Under load another batch of events is nearly always being synced to disk when a long-poll
 * wakes. Waiting for it (one disk sync at most, capped) lets one response carry both batches:
 * half the responses to compute and send for the same events. At low load nothing is in flight
 * and the response goes at once, so the latency of a lone message does not change.
 */
async function joinBatchInFlight(m: MatrixContext): Promise<void> {
  const batch = m.core.storage.writes.inFlight();
  if (!batch) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([batch, new Promise<void>((resolve) => { timer = setTimeout(resolve, JOIN_BATCH_MS); })]);
  clearTimeout(timer);
  // The batch's senders publish their events in the turn that told them.
  await nextTurn();
}

async function sync(m: MatrixContext, deps: SyncDeps, quiet: QuietDevices, ctx: AuthedCtx): Promise<unknown> {
  const sinceParam = ctx.query.get('since');
  const sinceToken = syncSinceParam(sinceParam);
  const since = sinceToken?.pos ?? null;
  const fullState = ctx.query.get('full_state') === 'true';
  const timeout = intQuery(ctx.query, 'timeout', 0, 0, m.core.config.matrix.max_sync_timeout_ms);
  // v1.16 `use_state_after`, or the MSC4222 name matrix-js-sdk 37 sends; the answer uses the same naming.
  const stateAfter = ctx.query.get('use_state_after') === 'true' ? 'state_after' as const
    : ctx.query.get('org.matrix.msc4222.use_state_after') === 'true' ? 'org.matrix.msc4222.state_after' as const : undefined;
  const userId = ctx.requester.userId;
  const filterParam = ctx.query.get('filter');
  const req = { viewer: ctx.requester, since, toDeviceSince: sinceToken?.toDevice, fullState, stateAfter, filter: resolveFilter(m, userId, filterParam) };
  await presenceFromSync(m, userId, ctx.query.get('set_presence'));
  const deadline = Date.now() + timeout;
  let notices = 0;
  const compute = () => {
    const r = computeSync(deps, req);
    notices = m.notifier.noticeCount(userId);
    return r;
  };
  const nothingNew = since !== null && !fullState && timeout > 0 && quiet.quiet(ctx.requester, filterParam, sinceParam!, m.notifier.noticeCount(userId));
  let res: SyncResponse | null = nothingNew ? null : compute();
  // Computing is synchronous and notices are published in the same tick as the position they
  // carry commits, so nothing can slip in between computing and starting to wait.
  while ((res === null || isEmptySync(res)) && since !== null && !fullState && !ctx.client.gone) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    await m.notifier.wait(ctx.requester.userId, left, ctx.client);
    // One turn later: the sender's own continuation (which records the txn id echo) has run,
    // and events committed together arrive together.
    await nextTurn();
    if (!ctx.client.gone && !m.notifier.closed) await joinBatchInFlight(m);
    if (ctx.client.gone || m.notifier.closed) break;
    res = compute();
  }
  // Nothing was computed: the client left or the server is closing (no database reads then).
  if (res === null && (ctx.client.gone || m.notifier.closed)) return { next_batch: sinceParam };
  res ??= compute();
  quiet.record(ctx.requester, filterParam, res.next_batch, notices);
  return res;
}

export function syncRoutes(m: MatrixContext): Route[] {
  const deps: SyncDeps = { core: m.core, formatter: m.formatter, notifier: m.notifier, history: m.history, ephemeral: m.ephemeral, lazyMembers: new LazyMemberCache() };
  const quiet = new QuietDevices();
  return [{ method: 'GET', path: '/_matrix/client/v3/sync', auth: 'required', handler: (ctx) => sync(m, deps, quiet, ctx) }];
}

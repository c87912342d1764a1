// Server-side key backup (spec key_backup.yaml). The server keeps opaque, client-encrypted session
// data; it only compares the fields the spec says decide which copy of a session is better.
import type { JsonObject } from '../../core/events/types.js';
import type { BackupVersion } from '../../core/ports.js';
import type { MatrixContext } from '../context.js';
import { ErrCode, MatrixError, badJson, notFound } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { bodyObject, isObject, requiredString, roomIdParam } from '../http/validate.js';
import { betterSession } from '../e2ee/backup.js';

function formatVersion(m: MatrixContext, userId: string, v: BackupVersion): JsonObject {
  const count = m.core.storage.keyBackup.count(userId, v.version);
  return { version: v.version, algorithm: v.algorithm, auth_data: v.authData, etag: String(v.etag), count };
}

function parseVersionBody(body: unknown): { algorithm: string; authData: JsonObject } {
  const b = bodyObject(body);
  const algorithm = requiredString(b, 'algorithm');
  if (!isObject(b.auth_data)) throw badJson("'auth_data' must be an object");
  return { algorithm, authData: b.auth_data };
}

/** The named version, or 404 M_NOT_FOUND as the spec asks for an unknown or deleted one. */
function requireVersion(m: MatrixContext, userId: string, version: string | null): BackupVersion {
  const v = m.core.storage.keyBackup.getVersion(userId, version);
  if (!v) throw notFound(version === null ? 'No current backup version' : 'Unknown backup version');
  return v;
}

/** Writes to any but the current version are refused with the current one named (spec: M_WRONG_ROOM_KEYS_VERSION). */
function requireCurrent(m: MatrixContext, userId: string, version: string | null): BackupVersion {
  if (version === null) throw new MatrixError(400, ErrCode.MISSING_PARAM, "'version' is required");
  const current = m.core.storage.keyBackup.getVersion(userId, null);
  if (!current || current.version !== version) {
    if (!current && !m.core.storage.keyBackup.getVersion(userId, version)) throw notFound('Unknown backup version');
    throw new MatrixError(403, ErrCode.WRONG_ROOM_KEYS_VERSION, 'Wrong backup version', { current_version: current?.version ?? null });
  }
  return current;
}

type Scope = { roomId?: string; sessionId?: string };

function scopeOf(ctx: AuthedCtx): Scope {
  return { roomId: ctx.params.roomId === undefined ? undefined : roomIdParam(ctx.params.roomId), sessionId: ctx.params.sessionId };
}

/** The sessions a PUT carries, whatever the level: all rooms, one room, or one session. */
function uploadedSessions(body: JsonObject, s: Scope): { roomId: string; sessionId: string; data: JsonObject }[] {
  const out: { roomId: string; sessionId: string; data: JsonObject }[] = [];
  const room = (roomId: string, v: unknown) => {
    if (!isObject(v) || !isObject(v.sessions)) throw badJson(`rooms.${roomId}.sessions must be an object`);
    for (const [sessionId, data] of Object.entries(v.sessions)) out.push(session(roomId, sessionId, data));
  };
  const session = (roomId: string, sessionId: string, data: unknown) => {
    if (!isObject(data) || typeof data.first_message_index !== 'number' || typeof data.forwarded_count !== 'number'
      || typeof data.is_verified !== 'boolean' || !isObject(data.session_data)) {
      throw badJson(`Session ${sessionId} needs first_message_index, forwarded_count, is_verified and session_data`);
    }
    return { roomId, sessionId, data };
  };
  if (s.sessionId !== undefined) out.push(session(s.roomId!, s.sessionId, body));
  else if (s.roomId !== undefined) room(s.roomId, body);
  else {
    if (!isObject(body.rooms)) throw badJson("'rooms' must be an object");
    for (const [roomId, v] of Object.entries(body.rooms)) room(roomIdParam(roomId), v);
  }
  return out;
}

async function putKeys(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  const userId = ctx.requester.userId;
  const v = requireCurrent(m, userId, ctx.query.get('version'));
  const list = uploadedSessions(bodyObject(ctx.body), scopeOf(ctx));
  const kb = m.core.storage.keyBackup;
  await m.core.storage.writes.enqueue(() => {
    let changed = false;
    for (const s of list) {
      const old = kb.getSession(userId, v.version, s.roomId, s.sessionId);
      if (old && !betterSession(s.data, old)) continue;
      kb.putSession(userId, v.version, s.roomId, s.sessionId, s.data);
      changed = true;
    }
    if (changed) kb.bumpEtag(userId, v.version);
  });
  const after = requireVersion(m, userId, v.version);
  return { etag: String(after.etag), count: kb.count(userId, v.version) };
}

function getKeys(m: MatrixContext, ctx: AuthedCtx): JsonObject {
  const userId = ctx.requester.userId;
  const version = ctx.query.get('version');
  if (version === null) throw new MatrixError(400, ErrCode.MISSING_PARAM, "'version' is required");
  requireVersion(m, userId, version);
  const s = scopeOf(ctx);
  const list = m.core.storage.keyBackup.sessions(userId, version, s.roomId, s.sessionId);
  if (s.sessionId !== undefined) {
    if (!list[0]) throw notFound('No such session in the backup');
    return list[0].data;
  }
  const sessionsOf = (roomId: string) => Object.fromEntries(list.filter((x) => x.roomId === roomId).map((x) => [x.sessionId, x.data]));
  if (s.roomId !== undefined) return { sessions: sessionsOf(s.roomId) };
  const rooms: Record<string, JsonObject> = {};
  for (const x of list) rooms[x.roomId] ??= { sessions: sessionsOf(x.roomId) };
  return { rooms };
}

async function deleteKeys(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  const userId = ctx.requester.userId;
  const version = ctx.query.get('version');
  if (version === null) throw new MatrixError(400, ErrCode.MISSING_PARAM, "'version' is required");
  requireVersion(m, userId, version);
  const s = scopeOf(ctx);
  const kb = m.core.storage.keyBackup;
  await m.core.storage.writes.enqueue(() => { kb.deleteSessions(userId, version, s.roomId, s.sessionId); kb.bumpEtag(userId, version); });
  return { etag: String(requireVersion(m, userId, version).etag), count: kb.count(userId, version) };
}

async function versionOps(m: MatrixContext, ctx: AuthedCtx, op: 'create' | 'update' | 'delete'): Promise<JsonObject> {
  const userId = ctx.requester.userId;
  const kb = m.core.storage.keyBackup;
  if (op === 'create') {
    const { algorithm, authData } = parseVersionBody(ctx.body);
    let version = '';
    await m.core.storage.writes.enqueue(() => { version = kb.createVersion(userId, algorithm, authData); });
    return { version };
  }
  const v = requireVersion(m, userId, ctx.params.version);
  if (op === 'delete') {
    await m.core.storage.writes.enqueue(() => kb.deleteVersion(userId, v.version));
    return {};
  }
  const { algorithm, authData } = parseVersionBody(ctx.body);
  const b = bodyObject(ctx.body);
  if (algorithm !== v.algorithm) throw new MatrixError(400, ErrCode.INVALID_PARAM, 'The algorithm of a backup version cannot change');
  if (b.version !== undefined && b.version !== v.version) throw new MatrixError(400, ErrCode.INVALID_PARAM, 'version does not match');
  await m.core.storage.writes.enqueue(() => kb.updateVersion(userId, v.version, authData));
  return {};
}

export function keyBackupRoutes(m: MatrixContext): Route[] {
  const base = '/_matrix/client/v3/room_keys';
  const keys = [`${base}/keys`, `${base}/keys/:roomId`, `${base}/keys/:roomId/:sessionId`];
  return [
    { method: 'POST', path: `${base}/version`, auth: 'required', handler: (ctx) => versionOps(m, ctx, 'create') },
    { method: 'GET', path: `${base}/version`, auth: 'required', handler: (ctx) => formatVersion(m, ctx.requester.userId, requireVersion(m, ctx.requester.userId, null)) },
    { method: 'GET', path: `${base}/version/:version`, auth: 'required', handler: (ctx) => formatVersion(m, ctx.requester.userId, requireVersion(m, ctx.requester.userId, ctx.params.version)) },
    { method: 'PUT', path: `${base}/version/:version`, auth: 'required', handler: (ctx) => versionOps(m, ctx, 'update') },
    { method: 'DELETE', path: `${base}/version/:version`, auth: 'required', handler: (ctx) => versionOps(m, ctx, 'delete') },
    ...keys.flatMap((path): Route[] => [
      { method: 'PUT', path, auth: 'required', handler: (ctx) => putKeys(m, ctx) },
      { method: 'GET', path, auth: 'required', handler: (ctx) => getKeys(m, ctx) },
      { method: 'DELETE', path, auth: 'required', handler: (ctx) => deleteKeys(m, ctx) },
    ]),
  ];
}

// Small checks for request bodies and parameters. Each names the field it refuses, so the client
// learns what was wrong (M_NOT_JSON is the body parser's; shapes are M_BAD_JSON / M_MISSING_PARAM).
import type { JsonObject } from '../../core/events/types.js';
import { parseRoomAlias, parseRoomId, parseUserId } from '../../core/ids.js';
import { badJson, invalidParam, missingParam } from '../errors.js';

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The body as an object; a missing body counts as {} (e.g. POST /logout has none). */
export function bodyObject(body: unknown): JsonObject {
  if (body === undefined) return {};
  if (!isObject(body)) throw badJson('Request body must be a JSON object');
  return body;
}

/** The body of an endpoint whose body is event content: it must be present and an object. */
export function contentBody(body: unknown): JsonObject {
  if (!isObject(body)) throw badJson('Event content must be a JSON object');
  return body;
}

export function requiredString(obj: JsonObject, key: string): string {
  const v = obj[key];
  if (v === undefined || v === null) throw missingParam(`Missing '${key}'`);
  if (typeof v !== 'string') throw badJson(`'${key}' must be a string`);
  return v;
}

export function optionalString(obj: JsonObject, key: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badJson(`'${key}' must be a string`);
  return v;
}

export function optionalBoolean(obj: JsonObject, key: string): boolean | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badJson(`'${key}' must be a boolean`);
  return v;
}

export function optionalObject(obj: JsonObject, key: string): JsonObject | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw badJson(`'${key}' must be an object`);
  return v;
}

export function optionalArray(obj: JsonObject, key: string): unknown[] | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw badJson(`'${key}' must be an array`);
  return v;
}

export function userIdParam(s: string, what = 'user ID'): string {
  if (!parseUserId(s)) throw invalidParam(`'${s}' is not a valid ${what}`);
  return s;
}

export function roomIdParam(s: string): string {
  if (!parseRoomId(s)) throw invalidParam(`'${s}' is not a valid room ID`);
  return s;
}

export function roomAliasParam(s: string): string {
  if (!parseRoomAlias(s)) throw invalidParam(`'${s}' is not a valid room alias`);
  return s;
}

/** An integer query parameter within bounds; absent means the default. */
export function intQuery(query: URLSearchParams, name: string, dflt: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return dflt;
  if (!/^-?\d+$/.test(raw)) throw invalidParam(`'${name}' must be an integer`);
  return Math.min(max, Math.max(min, Number(raw)));
}

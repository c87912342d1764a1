// Raw HTTP calls to the Client-Server API for tests that send exactly what they mean to.
import assert from 'node:assert/strict';

export interface Reply { status: number; json: Record<string, any>; headers: Headers }

export const v3 = '/_matrix/client/v3';

export function matrixFetch(baseUrl: () => string) {
  async function call(method: string, path: string, opts: { token?: string; body?: unknown; raw?: string } = {}): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    const body = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${baseUrl()}${path}`, { method, headers, body });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : {}, headers: res.headers };
  }

  async function login(user: string, password = 'secret-pw'): Promise<Reply> {
    return call('POST', `${v3}/login`, { body: { type: 'm.login.password', identifier: { type: 'm.id.user', user }, password } });
  }

  /** A successful call's body; fails the test with the error body otherwise. */
  async function ok(method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<Record<string, any>> {
    const r = await call(method, path, opts);
    assert.equal(r.status, 200, `${method} ${path}: ${JSON.stringify(r.json)}`);
    return r.json;
  }

  return { call, login, ok };
}

export function assertError(r: Reply, status: number, errcode: string): void {
  assert.equal(r.status, status, JSON.stringify(r.json));
  assert.equal(r.json.errcode, errcode);
  assert.equal(typeof r.json.error, 'string');
}

export const enc = encodeURIComponent;

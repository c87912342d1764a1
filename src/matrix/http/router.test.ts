import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from './router.js';
import type { Route } from './types.js';

const noop = () => ({});
const routes: Route[] = [
  { method: 'GET', path: '/_matrix/client/v3/rooms/:roomId/state', auth: 'required', handler: noop },
  { method: 'GET', path: '/_matrix/client/v3/rooms/:roomId/state/:eventType/:stateKey?', auth: 'required', handler: noop },
  { method: 'PUT', path: '/_matrix/client/v3/rooms/:roomId/state/:eventType/:stateKey?', auth: 'required', handler: noop },
  { method: 'PUT', path: '/_matrix/client/v3/rooms/:roomId/send/:eventType/:txnId', auth: 'required', handler: noop },
  { method: 'GET', path: '/_matrix/client/v3/pushrules/', auth: 'required', handler: noop },
  { method: 'GET', path: '/_matrix/client/versions', auth: 'none', handler: noop },
];
const router = new Router(routes);

function params(method: string, path: string): Record<string, string> {
  const m = router.match(method, path);
  assert.equal(m.kind, 'found', `${method} ${path}`);
  return m.kind === 'found' ? m.params : {};
}

describe('router', () => {
  it('matches literals and decodes parameters', () => {
    assert.deepEqual(params('PUT', '/_matrix/client/v3/rooms/!a%3Ab/send/m.room.message/t%2F1'), {
      roomId: '!a:b', eventType: 'm.room.message', txnId: 't/1',
    });
    assert.deepEqual(params('GET', '/_matrix/client/versions'), {});
  });

  it('treats a trailing optional parameter as absent, empty or given', () => {
    const base = '/_matrix/client/v3/rooms/!r:x/state/m.room.name';
    assert.equal(params('GET', base).stateKey, '');
    assert.equal(params('GET', `${base}/`).stateKey, '');
    assert.equal(params('GET', `${base}/%40u%3Ax`).stateKey, '@u:x');
    assert.deepEqual(params('GET', '/_matrix/client/v3/rooms/!r:x/state'), { roomId: '!r:x' });
  });

  it('keeps an encoded slash inside its parameter', () => {
    assert.equal(params('GET', '/_matrix/client/v3/rooms/!r:x/state/a%2Fb/c').eventType, 'a/b');
  });

  it('tells a wrong method from an unknown path', () => {
    assert.deepEqual(router.match('DELETE', '/_matrix/client/v3/rooms/!r:x/state/t/k'), { kind: 'bad_method', allowed: ['GET', 'PUT'] });
    assert.equal(router.match('GET', '/_matrix/client/v3/nothing').kind, 'none');
    assert.equal(router.match('GET', '/_matrix/client/v3/rooms/!r:x/send/t').kind, 'none');
    assert.equal(router.match('GET', '/_matrix/client/v3/pushrules').kind, 'none');
    assert.equal(router.match('GET', '/_matrix/client/v3/pushrules/').kind, 'found');
  });

  it('keeps the table order among templates of one length', () => {
    const first = () => ({ first: true });
    const r = new Router([
      { method: 'GET', path: '/a/:x?', auth: 'none', handler: first },
      { method: 'GET', path: '/a/b', auth: 'none', handler: noop },
      { method: 'POST', path: '/a/b/c', auth: 'none', handler: noop },
    ]);
    const m = r.match('GET', '/a/b');
    assert.ok(m.kind === 'found' && m.route.handler === first && m.params.x === 'b');
    const bare = r.match('GET', '/a');
    assert.ok(bare.kind === 'found' && bare.route.handler === first && bare.params.x === '');
    assert.deepEqual(r.match('GET', '/a/b/c'), { kind: 'bad_method', allowed: ['POST'] });
  });

  it('reports malformed percent-encoding', () => {
    assert.equal(router.match('GET', '/_matrix/client/v3/rooms/%E0%A4%A/state').kind, 'bad_encoding');
  });

  it('refuses an optional parameter that is not last', () => {
    assert.throws(() => new Router([{ method: 'GET', path: '/a/:b?/c', auth: 'none', handler: noop }]));
  });
});

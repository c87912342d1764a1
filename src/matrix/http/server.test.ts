import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import { Router } from './router.js';
import { accessTokenOf, requestListener, requestTarget } from './server.js';

const req = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;

describe('access token', () => {
  it('reads the Bearer header first, then the query parameter', () => {
    assert.equal(accessTokenOf(req('Bearer abc'), new URLSearchParams('access_token=q')), 'abc');
    assert.equal(accessTokenOf(req('bearer  abc '), new URLSearchParams()), 'abc');
    assert.equal(accessTokenOf(req(), new URLSearchParams('access_token=q')), 'q');
    assert.equal(accessTokenOf(req(), new URLSearchParams()), null);
  });

  it('treats a malformed Authorization header as no token', () => {
    assert.equal(accessTokenOf(req('Basic abc'), new URLSearchParams('access_token=q')), null);
    assert.equal(accessTokenOf(req('Bearer'), new URLSearchParams()), null);
  });
});

describe('request signal', () => {
  it('aborts when the client goes away mid-request, and not after a response was sent', async () => {
    let seen: AbortSignal | null = null;
    let aborted!: () => void;
    const gone = new Promise<void>((r) => { aborted = r; });
    const noop = () => undefined;
    const logger = { info: noop, warn: noop, error: noop, debug: noop, child: () => logger };
    const router = new Router([
      { method: 'GET', path: '/wait', auth: 'none', handler: (ctx) => new Promise((resolve) => {
        ctx.signal.addEventListener('abort', () => { aborted(); resolve({}); });
      }) },
      { method: 'GET', path: '/quick', auth: 'none', handler: (ctx) => { seen = ctx.signal; return { ok: true }; } },
    ]);
    const server = createServer(requestListener({ router, maxBodyBytes: 1000, authenticate: () => null, logger }));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    try {
      const quick = await fetch(`http://127.0.0.1:${port}/quick`);
      assert.deepEqual(await quick.json(), { ok: true });
      assert.equal(seen!.aborted, false);
      const r = request({ host: '127.0.0.1', port, path: '/wait' });
      r.on('error', () => undefined);
      r.end();
      await new Promise((res) => setTimeout(res, 100));
      r.destroy();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<string>((res) => { timer = setTimeout(() => res('not aborted'), 3000); });
      assert.equal(await Promise.race([gone.then(() => 'aborted'), late]), 'aborted');
      clearTimeout(timer);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('client watch', () => {
  it('tells a long-poll that its client went away, and says nothing once the response was sent', async () => {
    const seen: { gone: boolean; calls: number }[] = [];
    let cancelled = 0;
    let goneEarly = false;
    const noop = () => undefined;
    const logger = { info: noop, warn: noop, error: noop, debug: noop, child: () => logger };
    const router = new Router([
      { method: 'GET', path: '/wait', auth: 'none', handler: (ctx) => new Promise((resolve) => {
        const state = { gone: ctx.client.gone, calls: 0 };
        seen.push(state);
        ctx.client.onGone(() => { state.calls++; state.gone = ctx.client.gone; resolve({}); });
        // A second watcher that stops watching must not be called.
        const stop = ctx.client.onGone(() => { cancelled++; });
        stop();
      }) },
      { method: 'GET', path: '/quick', auth: 'none', handler: (ctx) => {
        const state = { gone: ctx.client.gone, calls: 0 };
        seen.push(state);
        ctx.client.onGone(() => { state.calls++; });
        return { ok: true };
      } },
      { method: 'GET', path: '/late', auth: 'none', handler: async (ctx) => {
        await new Promise((res) => setTimeout(res, 150));
        goneEarly = ctx.client.gone;
        return {};
      } },
    ]);
    const server = createServer(requestListener({ router, maxBodyBytes: 1000, authenticate: () => null, logger }));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const dropAfter = async (path: string, ms: number) => {
      const r = request({ host: '127.0.0.1', port, path });
      r.on('error', () => undefined);
      r.end();
      await new Promise((res) => setTimeout(res, ms));
      r.destroy();
    };
    try {
      const quick = await fetch(`http://127.0.0.1:${port}/quick`);
      assert.deepEqual(await quick.json(), { ok: true });
      await dropAfter('/wait', 80);
      await dropAfter('/late', 50);
      await new Promise((res) => setTimeout(res, 250));
      assert.deepEqual(seen[0], { gone: false, calls: 0 }, 'a sent response is not a client gone');
      assert.deepEqual(seen[1], { gone: true, calls: 1 }, 'the waiting request heard of the close');
      assert.equal(cancelled, 0);
      assert.equal(goneEarly, true, 'a client gone before anyone watched reads as gone');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('request target', () => {
  // What the URL parser makes of a target, or that it refuses it (a '//' target names a host).
  const outcome = (parse: () => { pathname: string; query: URLSearchParams }) => {
    try {
      const t = parse();
      return { pathname: t.pathname, query: [...t.query] };
    } catch (err) {
      return { error: (err as Error).name };
    }
  };
  const viaUrl = (target: string) => outcome(() => {
    const u = new URL(target, 'http://localhost');
    return { pathname: u.pathname, query: u.searchParams };
  });
  const split = (target: string) => outcome(() => requestTarget(target));

  it('gives the path and query the URL parser gives', () => {
    for (const target of [
      '/_matrix/client/v3/sync?since=s12&timeout=30000&filter=%7B%22room%22%3A%7B%7D%7D',
      '/_matrix/client/v3/rooms/!a%3Ab/send/m.room.message/t%2F1', '/_matrix/client/versions?', '/?a=1&a=2&b',
      '/a/./b', '/a/../b', '/a/%2e%2E/b', '/a/.', '/.well-known/matrix/client', '//evil/x?y=1', '/a\\b', '/a b?c d',
      '/a?b=c#frag', '/a#frag?x=1', '/a?x=%zz&y=+1&z=%E2%82%AC', '/a"<>`{}|^?q=\'x\'', '/caf\u00c3\u00a9?n=\u00c3\u00a9', '/a?b=c\td',
      '/_matrix/client/v3/rooms/%E0%A4%A/state', '*', '',
    ]) assert.deepEqual(split(target), viaUrl(target), target);
  });

  it('agrees with the URL parser on random targets', () => {
    const alphabet = '%zz%41%2F\u00c3\u00a9ab/.%2eE?#&=+ \\\'"<>`{}|^:@!$;,~-_\u00e9\t';
    let seed = 7;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    for (let i = 0; i < 20000; i++) {
      let t = '/';
      for (let k = rnd(12); k > 0; k--) t += alphabet[rnd(alphabet.length)];
      assert.deepEqual(split(t), viaUrl(t), JSON.stringify(t));
    }
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import { Router } from './router.js';
import { accessTokenOf, requestListener } from './server.js';

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

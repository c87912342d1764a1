import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { accessTokenOf } from './server.js';

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

// The channel bindings of real TLS connections: what each TLS version offers, and that the
// server's data equals what a client computes on its side.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type SecureVersion, type Server, type TLSSocket } from 'node:tls';
import { ensureCertificate } from '../tls/certificate.js';
import { tlsChannelBindings } from './channel-binding.js';

let dir: string;
let server: Server;
let accepted: ((s: TLSSocket) => void) | null = null;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-cb-'));
  const { key, cert } = await ensureCertificate(dir, ['localhost']);
  server = createServer({ key, cert }, (s) => accepted?.(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});

after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function pair(maxVersion: SecureVersion): Promise<{ server: TLSSocket; client: TLSSocket }> {
  const serverSide = new Promise<TLSSocket>((resolve) => { accepted = resolve; });
  const port = (server.address() as AddressInfo).port;
  const client = await new Promise<TLSSocket>((resolve, reject) => {
    const c = connect({ port, host: '127.0.0.1', rejectUnauthorized: false, maxVersion }, () => resolve(c));
    c.once('error', reject);
  });
  return { server: await serverSide, client };
}

test('TLS 1.3: tls-exporter and tls-server-end-point, equal on both ends', async () => {
  const { server: s, client } = await pair('TLSv1.3');
  const cb = tlsChannelBindings(s);
  assert.deepEqual(cb.types, ['tls-exporter', 'tls-server-end-point']);
  assert.deepEqual(cb.data('tls-exporter'), client.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0)));
  assert.deepEqual(cb.data('tls-server-end-point'), createHash('sha256').update(client.getPeerCertificate().raw).digest());
  assert.deepEqual(cb.data('tls-unique'), client.getFinished());
  assert.equal(cb.data('tls-foo'), null);
  client.destroy();
  s.destroy();
});

test('TLS 1.2: no tls-exporter (RFC 9266 defines it for TLS 1.3 here)', async () => {
  const { server: s, client } = await pair('TLSv1.2');
  const cb = tlsChannelBindings(s);
  assert.deepEqual(cb.types, ['tls-server-end-point']);
  assert.equal(cb.data('tls-exporter'), null);
  client.destroy();
  s.destroy();
});

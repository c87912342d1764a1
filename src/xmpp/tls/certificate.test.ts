import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { ensureCertificate } from './certificate.js';

test('makes a self-signed certificate once, then reuses it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-cert-'));
  try {
    const first = await ensureCertificate(join(dir, 'sub'), ['example.org', 'conference.example.org', '127.0.0.1']);
    const cert = new X509Certificate(first.cert);
    assert.equal(cert.subjectAltName, 'DNS:example.org, DNS:conference.example.org, IP Address:127.0.0.1');
    const years = (Date.parse(cert.validTo) - Date.now()) / (365.25 * 24 * 3600 * 1000);
    assert.ok(years > 9.9 && years < 10.1, `valid for ${years} years`);
    assert.equal(statSync(join(dir, 'sub', 'tls.key')).mode & 0o777, 0o600);
    createSecureContext(first); // key and certificate belong together
    const again = await ensureCertificate(join(dir, 'sub'), ['other.example']);
    assert.deepEqual(again, first);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('operator-provided files are used as they are', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-cert-'));
  try {
    writeFileSync(join(dir, 'tls.key'), 'KEY');
    writeFileSync(join(dir, 'tls.crt'), 'CERT');
    assert.deepEqual(await ensureCertificate(dir, ['x']), { key: 'KEY', cert: 'CERT' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

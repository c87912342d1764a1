import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { serverEndPoint, signatureAlgorithmOid } from './channel-binding.js';

/** A DER TLV with a short or long length. */
function tlv(tag: number, body: Buffer): Buffer {
  const len = body.length < 128 ? Buffer.from([body.length]) : Buffer.from([0x82, body.length >> 8, body.length & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

/** The skeleton of a certificate: a tbsCertificate of `tbsSize` bytes and a signature algorithm OID. */
function fakeCert(oidBytes: number[], tbsSize = 10): Buffer {
  const tbs = tlv(0x30, Buffer.alloc(tbsSize, 1));
  const alg = tlv(0x30, Buffer.concat([tlv(0x06, Buffer.from(oidBytes)), Buffer.from([0x05, 0x00])]));
  return tlv(0x30, Buffer.concat([tbs, alg, tlv(0x03, Buffer.from([0, 1, 2]))]));
}

const SHA256_RSA = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
const SHA1_RSA = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05];
const ECDSA_SHA384 = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03];
const ED25519 = [0x2b, 0x65, 0x70];

test('the signature algorithm OID is read past a long tbsCertificate', () => {
  assert.equal(signatureAlgorithmOid(fakeCert(SHA256_RSA, 300)), '1.2.840.113549.1.1.11');
  assert.equal(signatureAlgorithmOid(fakeCert(ED25519)), '1.3.101.112');
});

test('tls-server-end-point hashes the certificate with its signature hash, SHA-256 for SHA-1 (RFC 5929 §4.1)', () => {
  const a = fakeCert(SHA256_RSA);
  assert.deepEqual(serverEndPoint(a), createHash('sha256').update(a).digest());
  const b = fakeCert(SHA1_RSA);
  assert.deepEqual(serverEndPoint(b), createHash('sha256').update(b).digest());
  const c = fakeCert(ECDSA_SHA384);
  assert.deepEqual(serverEndPoint(c), createHash('sha384').update(c).digest());
  assert.equal(serverEndPoint(fakeCert(ED25519)), null);
});

test('truncated or foreign input gives no binding instead of throwing', () => {
  const cert = fakeCert(SHA256_RSA);
  for (let n = 0; n < cert.length - 3; n += 3) assert.equal(serverEndPoint(cert.subarray(0, n)), null);
  assert.equal(serverEndPoint(Buffer.from('not a certificate at all')), null);
  assert.equal(serverEndPoint(Buffer.alloc(0)), null);
});

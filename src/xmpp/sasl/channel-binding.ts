// TLS channel bindings for SCRAM -PLUS (RFC 5802 §6): the data that ties the SASL exchange to
// this one TLS connection, so a man in the middle who terminates TLS cannot relay the login.
//  - tls-exporter (RFC 9266): 32 bytes from the TLS exporter, label "EXPORTER-Channel-Binding",
//    empty context. Only offered on TLS 1.3, where the exporter is bound to the whole handshake.
//  - tls-server-end-point (RFC 5929 §4): a hash of the server's certificate, with the hash of the
//    certificate's signature algorithm (SHA-256 when that is MD5 or SHA-1).
//  - tls-unique (RFC 5929 §3) is accepted but never advertised: RFC 9266 leaves it undefined on
//    TLS 1.3, yet slixmpp 1.8 (Debian bookworm) asks for nothing else once -PLUS is offered and
//    would then fail to log in at all. Its value is the client's Finished message, which is what
//    OpenSSL-based clients send on TLS 1.3 too; it is still unique to the handshake (the Finished
//    MAC covers the whole transcript, and 1.3 has no renegotiation). Resumed sessions get none.
import { createHash } from 'node:crypto';
import type { TLSSocket } from 'node:tls';

export type ChannelBindingType = 'tls-exporter' | 'tls-server-end-point' | 'tls-unique';

export interface ChannelBindings {
  /** The types this connection can give, strongest first. */
  readonly types: readonly ChannelBindingType[];
  /** The binding data of a type; null when this connection cannot give it. */
  data(type: string): Buffer | null;
}

export const NO_CHANNEL_BINDINGS: ChannelBindings = { types: [], data: () => null };

export function tlsChannelBindings(socket: TLSSocket): ChannelBindings {
  const exporter = socket.getProtocol() === 'TLSv1.3';
  const cert = socket.getCertificate();
  const der = cert && 'raw' in cert ? cert.raw : undefined;
  const endPoint = der ? serverEndPoint(der) : null;
  const types: ChannelBindingType[] = [];
  if (exporter) types.push('tls-exporter');
  if (endPoint) types.push('tls-server-end-point');
  return {
    types,
    data(type) {
      if (type === 'tls-exporter' && exporter) return socket.exportKeyingMaterial(32, 'EXPORTER-Channel-Binding', Buffer.alloc(0));
      if (type === 'tls-server-end-point') return endPoint;
      if (type === 'tls-unique' && !socket.isSessionReused()) return socket.getPeerFinished() ?? null;
      return null;
    },
  };
}

// Signature algorithm OIDs (RFC 4055, RFC 5758) and the hash RFC 5929 asks for with each.
const HASH_OF_SIGNATURE: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'sha256', // md5WithRSAEncryption: MD5 is replaced by SHA-256
  '1.2.840.113549.1.1.5': 'sha256', // sha1WithRSAEncryption: SHA-1 too
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha256', // ecdsa-with-SHA1
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

/** The tls-server-end-point data of a DER certificate; null when its algorithm names no hash (e.g. Ed25519). */
export function serverEndPoint(der: Buffer): Buffer | null {
  const oid = signatureAlgorithmOid(der);
  const hash = oid ? HASH_OF_SIGNATURE[oid] : undefined;
  return hash ? createHash(hash).update(der).digest() : null;
}

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm SEQUENCE { OID, ... }, signature } */
export function signatureAlgorithmOid(der: Buffer): string | null {
  const cert = tlv(der, 0);
  if (!cert || cert.tag !== 0x30) return null;
  const tbs = tlv(der, cert.start);
  if (!tbs) return null;
  const alg = tlv(der, tbs.end);
  if (!alg || alg.tag !== 0x30) return null;
  const oid = tlv(der, alg.start);
  if (!oid || oid.tag !== 0x06) return null;
  return decodeOid(der.subarray(oid.start, oid.end));
}

/** One DER tag-length-value at `at`: where its contents start and end. */
function tlv(buf: Buffer, at: number): { tag: number; start: number; end: number } | null {
  if (at + 2 > buf.length) return null;
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > buf.length) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i]!;
    start += n;
  }
  const end = start + len;
  return end <= buf.length ? { tag, start, end } : null;
}

function decodeOid(bytes: Buffer): string | null {
  if (bytes.length === 0) return null;
  const parts = [Math.floor(bytes[0]! / 40), bytes[0]! % 40];
  let v = 0;
  for (let i = 1; i < bytes.length; i++) {
    v = v * 128 + (bytes[i]! & 0x7f);
    if (!(bytes[i]! & 0x80)) { parts.push(v); v = 0; }
  }
  return parts.join('.');
}

// The server's TLS certificate: the operator's own files when present, else a self-signed one
// made once on first start (DESIGN §4) and kept, so clients that pinned it keep trusting it.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';

export interface TlsMaterial {
  key: string;
  cert: string;
}

const TEN_YEARS_MS = 10 * 365.25 * 24 * 3600 * 1000;

/**
 * Reads `dir/tls.key` and `dir/tls.crt`, or makes and writes a self-signed pair with a subject
 * alternative name for every hostname. Async because selfsigned v5 generates keys with WebCrypto.
 */
export async function ensureCertificate(dir: string, hostnames: string[]): Promise<TlsMaterial> {
  const keyPath = join(dir, 'tls.key');
  const certPath = join(dir, 'tls.crt');
  if (existsSync(keyPath) && existsSync(certPath)) {
    return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') };
  }
  const material = await selfSigned(hostnames);
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyPath, material.key, { mode: 0o600 });
  chmodSync(keyPath, 0o600); // mode is ignored when the file already existed
  writeFileSync(certPath, material.cert, { mode: 0o644 });
  return material;
}

export async function selfSigned(hostnames: string[]): Promise<TlsMaterial> {
  if (hostnames.length === 0) throw new Error('ensureCertificate: at least one hostname is needed');
  const notBeforeDate = new Date(Date.now() - 60_000); // tolerate small clock skew at the client
  // Loaded only on first start: the library and its X.509 stack cost memory for the process's life.
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: hostnames[0] }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + TEN_YEARS_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: hostnames.map(altName) },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

function altName(host: string): { type: 2; value: string } | { type: 7; ip: string } {
  return isIP(host) ? { type: 7, ip: host } : { type: 2, value: host };
}

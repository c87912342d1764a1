import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { configSchema, type ResolvedConfig } from './schema.js';
import { ConfigError, splitHostPort } from './plain.js';

export { ConfigError, splitHostPort };

/** One message naming the option and what was expected (first problem of each option). */
function describe(error: z.ZodError): string {
  return error.issues.map((i) => {
    const path = i.path.join('.') || '(top level)';
    if (i.code === 'unrecognized_keys') {
      const where = i.path.length ? `${i.path.join('.')}.` : '';
      return `unknown option ${i.keys.map((k) => `'${where}${k}'`).join(', ')}`;
    }
    return `option '${path}': ${i.message}`;
  }).join('; ');
}

export function resolveConfig(raw: unknown): ResolvedConfig {
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new ConfigError(describe(parsed.error));
  const c = parsed.data;
  const [host, port] = splitHostPort(c.matrix.client_listen);
  const publicHost = host === '0.0.0.0' || host === '[::]' ? c.server_name : host;
  const mucDomain = c.xmpp.muc_domain ?? `conference.${c.server_name}`;
  const uploadDomain = c.xmpp.upload_domain ?? `upload.${c.server_name}`;
  const taken = new Set([c.server_name, mucDomain, uploadDomain].map((d) => d.toLowerCase()));
  for (const { domain } of c.xmpp.components) {
    if (taken.has(domain.toLowerCase())) throw new ConfigError(`option 'xmpp.components': the domain ${domain} is already served (the server, its group chat or upload service, or another component)`);
    taken.add(domain.toLowerCase());
  }
  return {
    ...c,
    mucDomain,
    uploadDomain,
    publicBaseUrl: c.matrix.public_baseurl ?? `http://${publicHost}:${port}`,
  };
}

export function loadConfigFile(path: string | null): ResolvedConfig {
  if (path === null) return resolveConfig({});
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config file ${path}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new ConfigError(`config file ${path} is not valid YAML: ${(e as Error).message}`);
  }
  return resolveConfig(raw);
}

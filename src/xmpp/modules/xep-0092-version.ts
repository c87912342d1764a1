// XEP-0092 Software Version of the server: its name and the version in package.json. The
// operating system is not told (§3: optional, and it tells attackers what to aim at).
import { readFileSync } from 'node:fs';
import type { XmppModule } from '../module.js';
import { x } from '../xml/element.js';

export const NS_VERSION = 'jabber:iq:version';

/** The version from package.json, read once; '0.0.0' when it cannot be read. */
export function hearthVersion(): string {
  // dist/src/xmpp/modules → the package root is four levels up; src/ runs (tsx) are three.
  for (const up of ['../../../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: unknown };
      if (pkg.name === 'hearth' && typeof pkg.version === 'string') return pkg.version;
    } catch { /* try the next place */ }
  }
  return '0.0.0';
}

export function versionModule(version = hearthVersion()): XmppModule {
  return {
    name: 'xep-0092-version',
    load(server) {
      server.features.add(NS_VERSION);
      server.iq(`query ${NS_VERSION}`, 'get', (ctx) =>
        ctx.result(x('query', { xmlns: NS_VERSION }, x('name', null, 'Hearth'), x('version', null, version))), 'host');
    },
  };
}

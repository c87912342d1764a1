// Who is online: full JID → session and bare JID → sessions, kept in step.
import type { C2sSession } from './stream/types.js';

export class SessionRegistry {
  private readonly byFull = new Map<string, C2sSession>();
  private readonly byBare = new Map<string, Map<string, C2sSession>>();
  private readonly fullOf = new Map<C2sSession, string>();

  add(session: C2sSession, bareJid: string, resource: string): void {
    const full = `${bareJid}/${resource}`;
    this.byFull.set(full, session);
    this.fullOf.set(session, full);
    let resources = this.byBare.get(bareJid);
    if (!resources) this.byBare.set(bareJid, (resources = new Map()));
    resources.set(resource, session);
  }

  /** Forgets a session; false when it was not (or no longer) registered. */
  remove(session: C2sSession): boolean {
    const full = this.fullOf.get(session);
    if (full === undefined) return false;
    this.fullOf.delete(session);
    if (this.byFull.get(full) === session) this.byFull.delete(full);
    const slash = full.indexOf('/');
    const bare = full.slice(0, slash);
    const resources = this.byBare.get(bare);
    if (resources?.get(full.slice(slash + 1)) === session) resources.delete(full.slice(slash + 1));
    if (resources?.size === 0) this.byBare.delete(bare);
    return true;
  }

  get(fullJid: string): C2sSession | undefined {
    return this.byFull.get(fullJid);
  }

  of(bareJid: string): C2sSession[] {
    return [...(this.byBare.get(bareJid)?.values() ?? [])];
  }

  get size(): number {
    return this.byFull.size;
  }
}

// Accounts: one per person, reachable as @name:DOMAIN and name@DOMAIN, with SCRAM credentials
// that both protocols verify against.
import { randomBytes } from 'node:crypto';
import type { AccountRecord, AccountRestriction, Storage } from '../ports.js';
import { checkPassword, makeCredential, SCRAM_HASHES, type ScramCredential, type ScramHash } from './scram.js';
import { isValidLocalpart, userId } from '../ids.js';

export class AccountError extends Error {
  constructor(public readonly code: 'invalid_username' | 'user_in_use' | 'not_found' | 'weak_password', message: string) {
    super(message);
  }
}

export class AccountService {
  private readonly lockListeners: ((localpart: string) => void)[] = [];
  /** Locked accounts whose listeners have run in this process. */
  private readonly lockSettled = new Set<string>();

  constructor(private readonly storage: Storage, private readonly serverName: string, private readonly iterations: number) {}

  userId(localpart: string): string { return userId(localpart, this.serverName); }

  /** The localpart of a local user id, or null for a remote or malformed one. */
  localpartOf(mxid: string): string | null {
    const suffix = `:${this.serverName}`;
    if (!mxid.startsWith('@') || !mxid.endsWith(suffix)) return null;
    const lp = mxid.slice(1, -suffix.length);
    return isValidLocalpart(lp) ? lp : null;
  }

  async create(localpart: string, password: string, admin = false): Promise<AccountRecord> {
    const lp = localpart.toLowerCase();
    if (!isValidLocalpart(lp) || lp !== localpart) {
      throw new AccountError('invalid_username', 'user names may hold only a-z, 0-9 and . _ = - / +');
    }
    if (password.length === 0) throw new AccountError('weak_password', 'the password must not be empty');
    const creds = await this.credentialsFor(password);
    if (!this.storage.accounts.createAccount(lp, Date.now(), admin, creds)) {
      throw new AccountError('user_in_use', `user ${lp} already exists`);
    }
    return this.storage.accounts.getAccount(lp)!;
  }

  get(localpart: string): AccountRecord | null {
    return this.storage.accounts.getAccount(localpart);
  }

  active(localpart: string): AccountRecord | null {
    const a = this.storage.accounts.getAccount(localpart);
    return a && !a.deactivated ? a : null;
  }

  list(): AccountRecord[] { return this.storage.accounts.listAccounts(); }

  credential(localpart: string, hash: ScramHash): ScramCredential | null {
    return this.storage.accounts.credential(localpart, hash);
  }

  /** Checks a password against the stored SHA-256 credential (the SHA-1 one is equivalent). */
  async verifyPassword(localpart: string, password: string): Promise<boolean> {
    const cred = this.storage.accounts.credential(localpart, 'sha256');
    return cred !== null && checkPassword(cred, password);
  }

  async setPassword(localpart: string, password: string): Promise<void> {
    if (!this.get(localpart)) throw new AccountError('not_found', `no user ${localpart}`);
    if (password.length === 0) throw new AccountError('weak_password', 'the password must not be empty');
    this.storage.accounts.setCredentials(localpart, await this.credentialsFor(password));
  }

  /** 'locked', 'suspended' or null (spec "Account moderation"); read from memory. */
  restriction(localpart: string): AccountRestriction | null {
    return this.storage.accounts.restriction(localpart);
  }

  /** Locks or suspends an account (or lifts it): reversible, its sessions stay. */
  setRestriction(localpart: string, what: AccountRestriction, on: boolean): void {
    if (!this.active(localpart)) throw new AccountError('not_found', `no user ${localpart}`);
    this.storage.accounts.setRestriction(localpart, what, on);
    if (what === 'locked') this.sweepLocks();
  }

  /**
   * Runs the lock listeners for accounts locked since the last sweep: at once for a lock made in
   * this process, and from main.ts's periodic sweep for one the CLI made from another.
   */
  sweepLocks(): number {
    const locked = new Set<string>();
    for (const [lp, r] of this.storage.accounts.restricted()) if (r === 'locked') locked.add(lp);
    for (const lp of this.lockSettled) if (!locked.has(lp)) this.lockSettled.delete(lp);
    let n = 0;
    for (const lp of locked) {
      if (this.lockSettled.has(lp)) continue;
      this.lockSettled.add(lp);
      for (const l of this.lockListeners) l(lp);
      n++;
    }
    return n;
  }

  /** Called when an account is locked in this process (the XMPP side ends its streams). */
  onLocked(listener: (localpart: string) => void): void { this.lockListeners.push(listener); }

  deactivate(localpart: string): void {
    if (!this.get(localpart)) throw new AccountError('not_found', `no user ${localpart}`);
    this.storage.accounts.deactivate(localpart, this.userId(localpart));
  }

  private credentialsFor(password: string): Promise<ScramCredential[]> {
    return Promise.all(SCRAM_HASHES.map((hash) => makeCredential(hash, password, this.iterations)));
  }
}

export function randomPassword(): string {
  return randomBytes(12).toString('base64url');
}

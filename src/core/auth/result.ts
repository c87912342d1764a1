// The verdict of the authorization rules: allowed, or rejected with a reason a person can read
// (it ends up in logs and in M_FORBIDDEN errors).

export type AuthResult = { allowed: true } | { allowed: false; reason: string };

const ALLOWED: AuthResult = Object.freeze({ allowed: true });

export function allow(): AuthResult {
  return ALLOWED;
}

export function deny(reason: string): AuthResult {
  return { allowed: false, reason };
}

/** Options for checks the pure rules cannot do alone. */
export interface AuthOptions {
  /**
   * Whether the event bears a valid signature of `serverName` (auth rule 4.2, for
   * `join_authorised_via_users_server`). The pipeline's signature step normally verifies
   * only the sender's server, so it should pass a real verifier here. Without one, the rules
   * only check that such a signature is present.
   */
  isSignedBy?: (serverName: string) => boolean;
}

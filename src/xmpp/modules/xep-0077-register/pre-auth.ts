// XEP-0077 §3.1 registration with a server, before authentication: only when
// `xmpp.registration.enabled`, and only over an encrypted stream (the password travels in the
// clear inside it). Closed servers answer <service-unavailable/> (§3.1) and offer no
// <register/> stream feature. With `require_token`, a client first presents a registration
// token (XEP-0445 <preauth/>, the tokens Matrix registration uses too); the token is checked
// then and counted only when an account is made with it.
import { AccountError } from '../../../core/accounts/service.js';
import type { CoreServices } from '../../../core/services.js';
import { errorElement, STANZA_ERROR_DEFAULT_TYPES, type StanzaErrorCondition } from '../../errors.js';
import type { PreAuthHandler } from '../../module.js';
import type { PreAuthStream } from '../../stream/types.js';
import { x, type XmlElement } from '../../xml/element.js';
import { NS_REGISTER, NS_REGISTER_FEATURE, readRequest } from './request.js';

export const NS_PARS = 'urn:xmpp:pars:0';
export const NS_IBR_TOKEN = 'urn:xmpp:ibr-token:0';
const ACCEPTED = 'xep-0445-token';

export interface RegistrationPolicy { enabled: boolean; requireToken: boolean }

/** Whether a registration token can still make an account at `now`. */
export function tokenUsable(t: { usesAllowed: number | null; completed: number; expiryTs: number | null } | null, now: number): boolean {
  return t !== null && (t.usesAllowed === null || t.completed < t.usesAllowed) && (t.expiryTs === null || t.expiryTs > now);
}

export function preAuthRegistration(core: CoreServices, policy: RegistrationPolicy): PreAuthHandler {
  return {
    features: () => (policy.enabled
      ? [x('register', { xmlns: NS_IBR_TOKEN }), x('register', { xmlns: NS_REGISTER_FEATURE })]
      : []),
    iq: (el, stream) => {
      const payload = el.elements()[0];
      if (!payload || el.elements().length !== 1) return false;
      const ns = el.nsOf(payload);
      const isRegister = payload.name === 'query' && ns === NS_REGISTER;
      const isPreauth = payload.name === 'preauth' && ns === NS_PARS;
      if (!isRegister && !isPreauth) return false;
      const type = el.attr('type');
      if (type === 'result' || type === 'error') return true; // answers to nothing we asked: dropped
      // RFC 6120 §8.1.3: the type is required and one of four; anything else is the sender's error.
      if (type !== 'get' && type !== 'set') {
        failer(el, stream)('bad-request', 'an iq needs a type of get or set');
        return true;
      }
      if (isPreauth) {
        preauth(core, policy, el, payload, type, stream);
        return true;
      }
      void answer(core, policy, el, payload, type, stream);
      return true;
    },
  };
}

function failer(iq: XmlElement, stream: PreAuthStream) {
  return (condition: StanzaErrorCondition, text?: string) =>
    stream.send(x('iq', { type: 'error', id: iq.attr('id') }, errorElement(STANZA_ERROR_DEFAULT_TYPES[condition], condition, text)));
}

/** XEP-0445: the token is checked now (expiry included) and remembered for this stream. */
function preauth(core: CoreServices, policy: RegistrationPolicy, iq: XmlElement, payload: XmlElement, type: 'get' | 'set', stream: PreAuthStream): void {
  const fail = failer(iq, stream);
  if (!policy.enabled) return fail('service-unavailable', 'registration is closed');
  if (type !== 'set') return fail('bad-request');
  const token = payload.attr('token') ?? '';
  if (!tokenUsable(token ? core.storage.registrationTokens.get(token) : null, Date.now())) {
    return fail('item-not-found', 'The provided token is invalid or expired');
  }
  stream.data.set(ACCEPTED, token);
  stream.send(x('iq', { type: 'result', id: iq.attr('id') }));
}

async function answer(core: CoreServices, policy: RegistrationPolicy, iq: XmlElement, query: XmlElement, type: 'get' | 'set', stream: PreAuthStream): Promise<void> {
  const fail = failer(iq, stream);
  if (!policy.enabled) return fail('service-unavailable', 'registration is closed: ask the administrator for an account');
  if (!stream.secure) return fail('not-authorized', 'register over an encrypted stream');
  const token = stream.data.get(ACCEPTED) as string | undefined;
  if (policy.requireToken && token === undefined) return fail('not-allowed', 'registration needs an invitation token (XEP-0445 preauth)');
  if (type === 'get') {
    return stream.send(x('iq', { type: 'result', id: iq.attr('id') }, x('query', { xmlns: NS_REGISTER },
      x('instructions', null, 'Choose a username and password.'), x('username'), x('password'))));
  }
  const req = readRequest(query);
  if (req.kind === 'remove') return fail('bad-request', 'not registered');
  if (req.kind === 'incomplete' || req.username === null || req.username === '') return fail('not-acceptable', 'a username and a password are needed');
  try {
    await core.accounts.create(req.username, req.password);
  } catch (err) {
    if (err instanceof AccountError && err.code === 'user_in_use') return fail('conflict', 'that username is taken');
    if (err instanceof AccountError && (err.code === 'invalid_username' || err.code === 'weak_password')) return fail('not-acceptable', err.message);
    core.logger.warn({ err }, 'xmpp: in-band registration failed');
    return fail('internal-server-error');
  }
  // Counted once the account exists (XEP-0445: not before); a token used up meanwhile by a
  // concurrent registration is let pass rather than undoing this account.
  if (token !== undefined) {
    await core.storage.writes.enqueue(() => { core.storage.registrationTokens.consume(token, Date.now()); });
    stream.data.delete(ACCEPTED);
  }
  stream.send(x('iq', { type: 'result', id: iq.attr('id') }));
}

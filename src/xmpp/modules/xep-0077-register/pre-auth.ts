// XEP-0077 §3.1 registration with a server, before authentication: only when
// `xmpp.registration.enabled`, and only over an encrypted stream (the password travels in the
// clear inside it). Closed servers answer <service-unavailable/> (§3.1) and offer no
// <register/> stream feature. Registration tokens are not offered here: no token service exists
// in the core yet (the Matrix side's tokens live in its own module).
import { AccountError } from '../../../core/accounts/service.js';
import type { CoreServices } from '../../../core/services.js';
import { errorElement, STANZA_ERROR_DEFAULT_TYPES, type StanzaErrorCondition } from '../../errors.js';
import type { PreAuthHandler } from '../../module.js';
import type { PreAuthStream } from '../../stream/types.js';
import { x, type XmlElement } from '../../xml/element.js';
import { NS_REGISTER, NS_REGISTER_FEATURE, readRequest } from './request.js';

export function preAuthRegistration(core: CoreServices, enabled: boolean): PreAuthHandler {
  return {
    features: () => (enabled ? [x('register', { xmlns: NS_REGISTER_FEATURE })] : []),
    iq: (el, stream) => {
      const query = el.elements()[0];
      if (!query || el.elements().length !== 1 || query.name !== 'query' || el.nsOf(query) !== NS_REGISTER) return false;
      const type = el.attr('type');
      if (type !== 'get' && type !== 'set') return true; // answers to nothing we asked: dropped
      void answer(core, enabled, el, query, type, stream);
      return true;
    },
  };
}

async function answer(core: CoreServices, enabled: boolean, iq: XmlElement, query: XmlElement, type: 'get' | 'set', stream: PreAuthStream): Promise<void> {
  const fail = (condition: StanzaErrorCondition, text?: string) => stream.send(x('iq', { type: 'error', id: iq.attr('id') }, errorElement(STANZA_ERROR_DEFAULT_TYPES[condition], condition, text)));
  if (!enabled) return fail('service-unavailable', 'registration is closed: ask the administrator for an account');
  if (!stream.secure) return fail('not-authorized', 'register over an encrypted stream');
  if (type === 'get') {
    return stream.send(x('iq', { type: 'result', id: iq.attr('id') }, x('query', { xmlns: NS_REGISTER },
      x('instructions', null, 'Choose a username and password.'), x('username'), x('password'))));
  }
  const req = readRequest(query);
  if (req.kind === 'remove') return fail('bad-request', 'not registered');
  if (req.kind === 'incomplete' || req.username === null || req.username === '') return fail('not-acceptable', 'a username and a password are needed');
  try {
    await core.accounts.create(req.username, req.password);
    stream.send(x('iq', { type: 'result', id: iq.attr('id') }));
  } catch (err) {
    if (err instanceof AccountError && err.code === 'user_in_use') return fail('conflict', 'that username is taken');
    if (err instanceof AccountError && (err.code === 'invalid_username' || err.code === 'weak_password')) return fail('not-acceptable', err.message);
    core.logger.warn({ err }, 'xmpp: in-band registration failed');
    fail('internal-server-error');
  }
}

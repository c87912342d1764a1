// XEP-0077 In-Band Registration, for an account that is logged in: the registration it has
// (§3.1 <registered/>) and the password change of §3.3, always allowed because the stream is
// authenticated (and, outside tests, encrypted). Creating accounts before authentication is in
// pre-auth.ts and only when `xmpp.registration.enabled`. Cancelling an account in-band (<remove/>)
// is refused: deleting an account and its Matrix side is an admin action for now.
import type { CoreServices } from '../../../core/services.js';
import { AccountError } from '../../../core/accounts/service.js';
import type { IqContext, XmppModule } from '../../module.js';
import { x } from '../../xml/element.js';
import { NS_REGISTER, readRequest } from './request.js';
import { preAuthRegistration } from './pre-auth.js';

export function registerModule(core: CoreServices): XmppModule {
  return {
    name: 'xep-0077-register',
    load(server) {
      server.features.add(NS_REGISTER);
      const { enabled, require_token: requireToken } = core.config.xmpp.registration;
      server.preAuth(preAuthRegistration(core, { enabled, requireToken }));
      // Clients send these to the server (§3.3) or with no 'to' at all: both are the account's.
      server.iq(`query ${NS_REGISTER}`, 'get', (ctx) => {
        if (!ownAccount(ctx)) return;
        ctx.result(x('query', { xmlns: NS_REGISTER },
          x('instructions', null, 'You are registered. Send a new <password/> to change it.'),
          x('registered'), x('username', null, ctx.from.local), x('password')));
      }, 'both');
      server.iq(`query ${NS_REGISTER}`, 'set', (ctx) => {
        if (!ownAccount(ctx)) return;
        const req = readRequest(ctx.payload);
        if (req.kind === 'remove') return ctx.error('not-allowed', 'accounts are removed by the administrator');
        if (req.kind === 'incomplete') return ctx.error('bad-request', req.text);
        if (req.username !== null && req.username !== ctx.from.local) return ctx.error('not-allowed', 'only your own password');
        core.accounts.setPassword(ctx.from.local, req.password).then(() => ctx.result(), (err: unknown) => {
          if (err instanceof AccountError && err.code === 'weak_password') return ctx.error('not-acceptable', err.message);
          server.logger.warn({ err }, 'register: password change failed');
          ctx.error('internal-server-error');
        });
      }, 'both');
    },
  };
}

/** Only the logged-in account's own registration, over its own session (to the server or to itself). */
function ownAccount(ctx: IqContext): boolean {
  const forServer = ctx.target.local === '';
  if (ctx.session && (forServer || ctx.target.bareString() === ctx.from.bareString())) return true;
  ctx.error('not-allowed');
  return false;
}

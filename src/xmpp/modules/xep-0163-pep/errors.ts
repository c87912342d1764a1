// Pubsub errors carry an application condition beside the stanza condition (XEP-0060 §7.1.3 and
// the like), which the generic IqContext.error cannot express; this builds such replies.
import { NS_STANZA_ERRORS, STANZA_ERROR_DEFAULT_TYPES } from '../../errors.js';
import type { IqContext, ModuleApi } from '../../module.js';
import { x } from '../../xml/element.js';
import { NS_PUBSUB_ERRORS, type PepError } from './service.js';

export function replyError(server: ModuleApi, ctx: IqContext, err: PepError): void {
  const el = ctx.stanza;
  const type = STANZA_ERROR_DEFAULT_TYPES[err.condition];
  const app = err.app === undefined ? null
    : err.app.startsWith('unsupported:') ? x('unsupported', { xmlns: NS_PUBSUB_ERRORS, feature: err.app.slice('unsupported:'.length) })
    : x(err.app, { xmlns: NS_PUBSUB_ERRORS });
  server.route(x('iq', { type: 'error', id: el.attr('id'), from: el.attr('to'), to: el.attr('from') },
    x('error', { type },
      x(err.condition, { xmlns: NS_STANZA_ERRORS }),
      app,
      err.text ? x('text', { xmlns: NS_STANZA_ERRORS, 'xml:lang': 'en' }, err.text) : null)));
}

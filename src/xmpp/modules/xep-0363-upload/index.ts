// XEP-0363 HTTP File Upload on the media store. The service is the component `xmpp.upload_domain`
// (listed in the server's disco#items, where clients look for it). A slot is a created media id:
// the PUT URL carries a token signed by the core, the GET URL a per-file signature, both served
// by the HTTP listener (matrix/endpoints/media-slots.ts). An upload is thus at once an mxc://
// URI Matrix clients can use.
import type { CoreServices } from '../../../core/services.js';
import { MediaError } from '../../../core/media/errors.js';
import { mxcUri, parseMxc } from '../../../core/media/ids.js';
import { registerMediaLinks, type MediaLinks } from '../../im/oob.js';
import { stanzaError, type StanzaErrorCondition } from '../../errors.js';
import type { ModuleApi, StanzaContext, XmppModule } from '../../module.js';
import { x, type XmlElement } from '../../xml/element.js';
import { fileTooLarge, NS_DISCO_INFO, NS_DISCO_ITEMS, NS_UPLOAD, parseRequest, serviceInfo, slot } from './protocol.js';

interface Reply {
  result(child?: XmlElement): void;
  error(condition: StanzaErrorCondition, text?: string): void;
  raw(errorEl: XmlElement): void;
}

function replier(server: ModuleApi, iq: XmlElement): Reply {
  const base = { id: iq.attr('id'), from: iq.attr('to'), to: iq.attr('from') };
  return {
    result: (child) => server.route(x('iq', { type: 'result', ...base }, child ?? null)),
    error: (condition, text) => server.route(stanzaError(iq, undefined, condition, text)),
    raw: (errorEl) => server.route(x('iq', { type: 'error', ...base }, errorEl)),
  };
}

async function requestSlot(core: CoreServices, ctx: StanzaContext, payload: XmlElement, reply: Reply): Promise<void> {
  // Only this server's own users may upload (a remote entity has no account to charge).
  if (!ctx.session || ctx.from.domain !== core.config.server_name) return reply.error('forbidden', 'Only local accounts may upload');
  const req = parseRequest(payload);
  if ('bad' in req) return reply.error('bad-request', req.bad);
  const max = core.media.maxUploadBytes;
  if (req.size > max) return reply.raw(fileTooLarge(max));
  try {
    const s = await core.media.requestSlot(core.accounts.userId(ctx.session.username), req.filename, req.size, req.contentType);
    reply.result(slot(s.putUrl, s.getUrl));
  } catch (err) {
    if (!(err instanceof MediaError)) throw err;
    if (err.code === 'too_large') return reply.raw(fileTooLarge(max));
    if (err.code === 'quota_exceeded' || err.code === 'too_many_pending') return reply.error('resource-constraint', err.message);
    return reply.error('not-acceptable', err.message);
  }
}

function handleIq(core: CoreServices, server: ModuleApi, ctx: StanzaContext): void {
  const iq = ctx.stanza;
  const type = iq.attr('type');
  if (type !== 'get' && type !== 'set') return;
  const reply = replier(server, iq);
  const children = iq.elements();
  if (iq.attr('id') === undefined || children.length !== 1) return reply.error('bad-request', 'iq get/set needs an id and exactly one child');
  const payload = children[0]!;
  const key = `${type} ${payload.name} ${iq.nsOf(payload)}`;
  switch (key) {
    case `get query ${NS_DISCO_INFO}`:
      if (payload.attr('node') !== undefined) return reply.error('item-not-found');
      return reply.result(serviceInfo(core.media.maxUploadBytes));
    case `get query ${NS_DISCO_ITEMS}`:
      return reply.result(x('query', { xmlns: NS_DISCO_ITEMS }));
    case `get request ${NS_UPLOAD}`:
      requestSlot(core, ctx, payload, reply).catch((err) => {
        server.logger.warn({ err }, 'upload: slot request failed');
        reply.error('internal-server-error');
      });
      return;
    default:
      return reply.error('service-unavailable');
  }
}

/** How message mapping turns download URLs into mxc:// URIs and back (im/oob.ts). */
function mediaLinks(core: CoreServices): MediaLinks {
  const serverName = core.config.server_name;
  return {
    fileOf(url) {
      const id = core.media.mediaIdOfFileUrl(url);
      const rec = id ? core.media.record(id) : null;
      if (!id || !rec || rec.sha256 === null) return null;
      return { mxc: mxcUri(serverName, id), contentType: rec.contentType ?? 'application/octet-stream', size: rec.size ?? 0, filename: rec.filename };
    },
    urlOf(mxc, filename) {
      const p = parseMxc(mxc);
      const rec = p && p.serverName === serverName ? core.media.record(p.mediaId) : null;
      return rec ? core.media.fileUrl(rec.mediaId, filename ?? rec.filename) : null;
    },
  };
}

export function uploadModule(core: CoreServices): XmppModule {
  return {
    name: 'http-upload',
    load(server) {
      const domain = core.config.uploadDomain.toLowerCase();
      server.items.add({ jid: domain, name: 'HTTP File Upload' });
      registerMediaLinks(server.domain, mediaLinks(core));
      server.component(domain, (ctx) => {
        if (ctx.stanza.name === 'iq') return handleIq(core, server, ctx);
        // Messages to the service have no meaning; say so (never answer an error with one).
        if (ctx.stanza.name === 'message' && ctx.stanza.attr('type') !== 'error') server.route(stanzaError(ctx.stanza, undefined, 'service-unavailable'));
      });
    },
  };
}

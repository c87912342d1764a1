// RFC 6121 §2: roster get (with versioning, §2.6), set and remove, with pushes to every
// interested resource. Only the account's own sessions may read or change a roster: a roster
// iq addressed to another account's bare JID gets <forbidden/> (§2.3.3, §2.1.3 error cases).
import { Jid } from '../jid.js';
import type { IqContext, XmppModule } from '../module.js';
import { NS_ROSTER, parseRosterSet, rosterQuery } from '../im/roster-items.js';
import type { ImContext } from './presence/context.js';
import { markInterested } from './presence/state.js';
import { cancelBoth } from './presence/subscriptions.js';

export function rosterModule(im: ImContext): XmppModule {
  return {
    name: 'rfc6121-roster',
    load(server) {
      server.features.add(NS_ROSTER);
      server.iq(`query ${NS_ROSTER}`, 'get', (ctx) => get(im, ctx), 'bare');
      server.iq(`query ${NS_ROSTER}`, 'set', (ctx) => set(im, ctx), 'bare');
    },
  };
}

function own(ctx: IqContext): boolean {
  if (ctx.session && ctx.target.equals(ctx.from.bare())) return true;
  ctx.error('forbidden', 'a roster belongs to its account alone');
  return false;
}

function get(im: ImContext, ctx: IqContext): void {
  if (!own(ctx)) return;
  const user = ctx.target.local;
  markInterested(ctx.session!);
  const ver = im.roster.version(user);
  const asked = ctx.payload.attr('ver');
  // §2.6.3: the client's cached roster is current, so the result is empty and pushes follow.
  if (asked !== undefined && asked === ver) return ctx.result();
  ctx.result(rosterQuery(im.roster.visibleItems(user), asked === undefined ? undefined : ver));
}

function set(im: ImContext, ctx: IqContext): void {
  if (!own(ctx)) return;
  const user = ctx.target.local;
  const parsed = parseRosterSet(ctx.payload, ctx.target.bareString());
  if ('error' in parsed) return ctx.error(parsed.error, parsed.text);
  const req = parsed.ok;
  if (req.kind === 'update') {
    im.roster.update(user, req.jid, req.name, req.groups);
    return ctx.result();
  }
  // §2.5.3: removing what is not there.
  if (!im.roster.visibleItem(user, req.jid)) return ctx.error('item-not-found');
  const contact = Jid.parse(req.jid)!;
  // §2.5.2: the subscriptions end both ways before the item goes.
  if (contact.isBare()) cancelBoth(im, ctx.target, contact);
  im.roster.remove(user, req.jid);
  ctx.result();
}

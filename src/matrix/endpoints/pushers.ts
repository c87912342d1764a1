// GET /pushers and POST /pushers/set (spec pusher.yaml). Only `http` pushers are delivered;
// `kind: null` deletes.
import type { JsonObject } from '../../core/events/types.js';
import type { MatrixContext } from '../context.js';
import { invalidParam } from '../errors.js';
import type { Route } from '../http/types.js';
import { bodyObject, optionalBoolean, optionalObject, optionalString, requiredString } from '../http/validate.js';

/** The pusher as stored and listed: the spec's Pusher fields, validated. */
export function parsePusher(body: JsonObject): { pusher: JsonObject; append: boolean } | { remove: { appId: string; pushkey: string } } {
  const pushkey = requiredString(body, 'pushkey');
  const appId = requiredString(body, 'app_id');
  if (Buffer.byteLength(pushkey) > 512) throw invalidParam("'pushkey' is longer than 512 bytes");
  if (appId.length > 64) throw invalidParam("'app_id' is longer than 64 characters");
  if (body.kind === null) return { remove: { appId, pushkey } };
  const kind = requiredString(body, 'kind');
  if (kind !== 'http') throw invalidParam(`Unsupported pusher kind '${kind}'`);
  const data = optionalObject(body, 'data') ?? {};
  const url = data.url;
  if (typeof url !== 'string') throw invalidParam("An http pusher needs 'data.url'");
  let parsed: URL;
  try { parsed = new URL(url); } catch { throw invalidParam("'data.url' is not a URL"); }
  if (!['http:', 'https:'].includes(parsed.protocol) || parsed.pathname !== '/_matrix/push/v1/notify') {
    throw invalidParam("'data.url' must be an http(s) URL with path /_matrix/push/v1/notify");
  }
  const pusher: JsonObject = {
    pushkey, kind, app_id: appId,
    app_display_name: requiredString(body, 'app_display_name'),
    device_display_name: requiredString(body, 'device_display_name'),
    lang: requiredString(body, 'lang'),
    data,
    pushkey_ts: Date.now(),
  };
  const tag = optionalString(body, 'profile_tag');
  if (tag !== undefined) pusher.profile_tag = tag;
  return { pusher, append: optionalBoolean(body, 'append') ?? false };
}

export function pusherRoutes(m: MatrixContext): Route[] {
  const store = m.core.storage.pushers;
  return [
    {
      method: 'GET', path: '/_matrix/client/v3/pushers', auth: 'required',
      handler: (ctx) => ({ pushers: store.forUser(ctx.requester.userId).map(({ pushkey_ts: _ts, ...p }) => p) }),
    },
    {
      method: 'POST', path: '/_matrix/client/v3/pushers/set', auth: 'required',
      handler: async (ctx) => {
        const userId = ctx.requester.userId;
        const parsed = parsePusher(bodyObject(ctx.body));
        await m.core.storage.writes.enqueue(() => {
          if ('remove' in parsed) return store.remove(userId, parsed.remove.appId, parsed.remove.pushkey);
          const { pusher, append } = parsed;
          // Spec: without append, this app_id/pushkey pair leaves every other user.
          if (!append) store.removeOthers(String(pusher.app_id), String(pusher.pushkey), userId);
          store.put(userId, String(pusher.app_id), String(pusher.pushkey), pusher, ctx.requester.deviceId);
        });
        m.ephemeral.pusher.forget();
        return {};
      },
    },
  ];
}

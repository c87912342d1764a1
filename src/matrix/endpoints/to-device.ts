// PUT /sendToDevice/{eventType}/{txnId} (spec to_device.yaml): messages to devices of local users,
// kept until the device's next /sync acknowledges them. Retrying a transaction sends nothing twice.
import type { JsonObject } from '../../core/events/types.js';
import type { MatrixContext } from '../context.js';
import { badJson } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { contentBody, isObject, userIdParam } from '../http/validate.js';

const TXN_PREFIX = 'm.to_device\u0000';

interface Delivery { userId: string; deviceId: string; message: JsonObject }

/** The deliveries a request asks for; `*` means every device of the user. Unknown devices are skipped. */
function deliveries(m: MatrixContext, sender: string, type: string, messages: JsonObject): Delivery[] {
  const out: Delivery[] = [];
  for (const [userId, perDevice] of Object.entries(messages)) {
    userIdParam(userId);
    if (!isObject(perDevice)) throw badJson(`messages.${userId} must be an object`);
    // No federation of to-device messages yet: remote recipients are dropped, as for unknown devices.
    if (!userId.endsWith(`:${m.core.config.server_name}`)) continue;
    const devices = new Set(m.core.storage.devices.listDevices(userId).map((d) => d.deviceId));
    for (const [deviceId, content] of Object.entries(perDevice)) {
      if (!isObject(content)) throw badJson(`messages.${userId}.${deviceId} must be an object`);
      const targets = deviceId === '*' ? [...devices] : devices.has(deviceId) ? [deviceId] : [];
      for (const d of targets) out.push({ userId, deviceId: d, message: { sender, type, content } });
    }
  }
  return out;
}

async function sendToDevice(m: MatrixContext, ctx: AuthedCtx): Promise<JsonObject> {
  const { userId, deviceId } = ctx.requester;
  const body = contentBody(ctx.body);
  if (!isObject(body.messages)) throw badJson("'messages' must be an object");
  const txnKey = `${TXN_PREFIX}${ctx.params.eventType}\u0000${ctx.params.txnId}`;
  if (m.core.storage.txns.get(userId, deviceId, txnKey) !== null) return {};
  const list = deliveries(m, userId, ctx.params.eventType, body.messages);
  const pos = m.core.stream.next();
  await m.core.storage.writes.enqueue(() => {
    for (const d of list) m.core.storage.e2ee.addToDevice(d.userId, d.deviceId, pos, d.message);
    m.core.storage.txns.put(userId, deviceId, txnKey, '', Date.now());
  });
  m.core.stream.markCommitted(pos);
  for (const u of new Set(list.map((d) => d.userId))) {
    m.core.bus.publishUser({ stream: pos, userId: u, kind: 'to_device', roomId: '', type: ctx.params.eventType });
  }
  return {};
}

export function toDeviceRoutes(m: MatrixContext): Route[] {
  return [{ method: 'PUT', path: '/_matrix/client/v3/sendToDevice/:eventType/:txnId', auth: 'required', handler: (ctx) => sendToDevice(m, ctx) }];
}

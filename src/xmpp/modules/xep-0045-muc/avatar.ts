// XEP-0486 MUC avatars on the room's m.room.avatar: the room's vCard-temp holds the avatar image
// (read from the media store), disco#info names its SHA-1 (muc#roominfo_avatarhash), and an
// occupant who may change the Matrix room avatar sets or removes it with a vCard of its own.
// Other vCard fields have no room meaning and are not kept. Occupants learn of a change by
// status 104 (matrix-events.ts), which Matrix avatar changes already send.
import { createHash } from 'node:crypto';
import type { JsonObject } from '../../../core/events/types.js';
import { MediaError } from '../../../core/media/errors.js';
import { RoomError } from '../../../core/rooms/errors.js';
import { BoundedMap } from '../../../core/bounded-map.js';
import type { StanzaErrorCondition } from '../../errors.js';
import type { XmlElement } from '../../xml/element.js';
import { emptyVcard, photoOf, withPhoto } from '../xep-0054-vcard-model.js';
import { localImage, storeImage } from '../xep-0398-matrix-avatar.js';
import { eventLevel } from './affiliation.js';
import type { MucService } from './service.js';

type Reply = { result(...c: XmlElement[]): void; error(condition: StanzaErrorCondition, text?: string): void };

/** SHA-1 of each avatar URL's image: the hash in disco#info without reading the file each time. */
const hashes = new BoundedMap<string, string | null>(1000);

const avatarUrl = (svc: MucService, roomId: string): string | null => {
  const url = svc.core.rooms.stateContent(roomId, 'm.room.avatar')?.url;
  return typeof url === 'string' && url !== '' ? url : null;
};

/** The XEP-0153 hash of the room's avatar, or null when it has none this server can serve. */
export async function roomAvatarHash(svc: MucService, roomId: string): Promise<string | null> {
  const url = avatarUrl(svc, roomId);
  if (!url) return null;
  let hash = hashes.get(url);
  if (hash === undefined) {
    const image = await localImage(svc.core, url);
    hash = image ? createHash('sha1').update(Buffer.from(image.base64, 'base64')).digest('hex') : null;
    hashes.set(url, hash);
  }
  return hash;
}

/** The room's vCard: just its photo (empty when the room has no avatar). */
export async function roomVcard(svc: MucService, roomId: string): Promise<XmlElement> {
  const url = avatarUrl(svc, roomId);
  const image = url ? await localImage(svc.core, url) : null;
  return withPhoto(emptyVcard(), image);
}

/** A vCard set on the room: its photo becomes the room avatar, no photo removes it. */
export async function setRoomVcard(svc: MucService, roomId: string, mxid: string, vcard: XmlElement, reply: Reply): Promise<void> {
  const hasPhoto = vcard.getChild('PHOTO') !== undefined;
  const photo = photoOf(vcard);
  if (hasPhoto && !photo) return reply.error('bad-request', 'PHOTO needs a BINVAL of base64 image data');
  if (photo && !photo.type.startsWith('image/')) return reply.error('not-acceptable', `${photo.type} is not an image`);
  // Checked before anything is stored, so a refused occupant leaves no upload behind.
  const pl = svc.core.rooms.stateContent(roomId, 'm.room.power_levels');
  if (svc.levelOf(roomId, mxid) < eventLevel(pl, 'm.room.avatar', true)) return reply.error('forbidden', 'Only those who may change the room avatar may set the room vCard');
  try {
    const content: JsonObject = photo
      ? { url: await storeImage(svc.core, mxid, photo), info: { mimetype: photo.type, size: photo.bytes } }
      : {};
    await svc.core.rooms.send(roomId, { type: 'm.room.avatar', sender: mxid, stateKey: '', content });
    reply.result();
  } catch (err) {
    if (err instanceof RoomError && err.code === 'forbidden') return reply.error('forbidden', err.message);
    if (err instanceof MediaError) return reply.error(err.code === 'too_large' || err.code === 'quota_exceeded' ? 'resource-constraint' : 'not-acceptable', err.message);
    throw err;
  }
}

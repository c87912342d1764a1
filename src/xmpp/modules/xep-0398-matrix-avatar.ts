// The vCard photo and the Matrix avatar (avatar_url) are one picture. A photo that arrives over
// XMPP (vCard or XEP-0084) is stored in the media store and the profile points at it; a Matrix
// avatar set on the Matrix side is copied into the vCard when the XMPP side next looks (a vCard
// read or write, or a login), which then also reaches the XEP-0084 nodes. A small link record
// (which mxc:// URI and which SHA-1 belong together) tells the two apart, so nothing is copied
// back where it came from.
import { readFile } from 'node:fs/promises';
import { setProfileField } from '../../core/accounts/profile.js';
import { mxcUri, parseMxc } from '../../core/media/ids.js';
import type { CoreServices } from '../../core/services.js';
import type { XmppModule } from '../module.js';
import { photoOf, withPhoto } from './xep-0054-vcard-model.js';
import type { VcardBook } from './xep-0054-vcard.js';

const LINK_KEY = 'vcard-avatar-link';
/** Larger Matrix avatars are not copied into vCards (XEP-0153 §5 asks for small images). */
const MAX_COPY_BYTES = 1024 * 1024;

interface Link { mxc: string; sha1: string }

export class MatrixAvatar {
  private readonly running = new Map<string, Promise<boolean>>();

  constructor(private readonly core: CoreServices, private readonly book: VcardBook) {}

  private link(owner: string): Link | null {
    const s = this.core.storage.privateXml.get(owner, LINK_KEY);
    return s ? (JSON.parse(s) as Link) : null;
  }

  private setLink(owner: string, link: Link | null): void {
    this.core.storage.privateXml.put(owner, LINK_KEY, link ? JSON.stringify(link) : null);
  }

  /** After the vCard photo changed over XMPP: the Matrix avatar follows. */
  async photoChanged(owner: string): Promise<void> {
    const photo = this.book.photo(owner);
    const link = this.link(owner);
    if ((photo?.sha1 ?? null) === (link?.sha1 ?? null)) return;
    if (!photo) {
      this.setLink(owner, null);
      return setProfileField(this.core, owner, 'avatar_url', null);
    }
    const mxc = await storeImage(this.core, this.core.accounts.userId(owner), photo);
    this.setLink(owner, { mxc, sha1: photo.sha1 });
    await setProfileField(this.core, owner, 'avatar_url', mxc);
  }

  /**
   * Brings a Matrix-side avatar change into the vCard; true when the vCard changed. Calls for one
   * account run one after the other (a profile change rewrites many member events at once), so
   * the later ones find the picture already linked.
   */
  reconcile(owner: string): Promise<boolean> {
    const next = (this.running.get(owner) ?? Promise.resolve(false)).catch(() => false).then(() => this.reconcileNow(owner));
    this.running.set(owner, next);
    const forget = () => { if (this.running.get(owner) === next) this.running.delete(owner); };
    next.then(forget, forget);
    return next;
  }

  private async reconcileNow(owner: string): Promise<boolean> {
    const url = this.core.accounts.get(owner)?.avatarUrl ?? null;
    const link = this.link(owner);
    if (url === (link?.mxc ?? null)) return false;
    const vcard = this.book.stored(owner);
    if (url === null) {
      this.setLink(owner, null);
      if (!photoOf(vcard)) return false;
      this.book.save(owner, withPhoto(vcard, null), 'matrix');
      return true;
    }
    const image = await localImage(this.core, url);
    if (!image) return false;
    const updated = withPhoto(vcard, image);
    this.setLink(owner, { mxc: url, sha1: photoOf(updated)!.sha1 });
    this.book.save(owner, updated, 'matrix');
    return true;
  }
}

/** The bytes of an image in our own media store, small enough to carry in a vCard; null otherwise. */
export async function localImage(core: CoreServices, url: string): Promise<{ type: string; base64: string } | null> {
  const mxc = parseMxc(url);
  if (!mxc || mxc.serverName !== core.config.server_name) return null;
  const rec = core.media.record(mxc.mediaId);
  if (!rec || rec.size === null || rec.size > MAX_COPY_BYTES) return null;
  try {
    const file = await core.media.open(mxc.mediaId, 0);
    return { type: file.contentType, base64: (await readFile(file.path)).toString('base64') };
  } catch {
    return null;
  }
}

/** Stores a vCard photo in the media store as `uploader`'s upload; its mxc:// URI. */
export async function storeImage(core: CoreServices, uploader: string, photo: { type: string; base64: string }): Promise<string> {
  const bytes = Buffer.from(photo.base64, 'base64');
  const mediaId = await core.media.upload(uploader, (async function* () { yield bytes; })(),
    { contentType: photo.type, filename: null, declaredLength: bytes.length });
  return mxcUri(core.config.server_name, mediaId);
}

export function matrixAvatarModule(core: CoreServices, avatars: MatrixAvatar, book: VcardBook, onClose: (fn: () => void) => void): XmppModule {
  return {
    name: 'xep-0398-matrix-avatar',
    load(server) {
      const warn = (err: unknown) => server.logger.warn({ err }, 'vcard: avatar sync with Matrix failed');
      // A vCard set by the client is handled in its iq (answered after the avatar is set).
      book.onSaved((owner, _v, source) => { if (source === 'pep') avatars.photoChanged(owner).catch(warn); });
      // A login is the usual moment an XMPP client looks at its own avatar.
      server.onSessionBound((session) => { avatars.reconcile(session.username).catch(warn); });
      // A Matrix avatar change rewrites the user's member events: the XEP-0084 nodes follow at
      // once, so contacts' clients subscribed to them (+notify) show the new picture without
      // asking (reconcile does nothing when the picture is already the one linked).
      onClose(core.bus.onRoomEvent((n) => {
        const { pdu } = n;
        if (pdu.type !== 'm.room.member' || pdu.state_key !== pdu.sender || pdu.content.membership !== 'join') return;
        const owner = core.accounts.localpartOf(pdu.sender);
        if (owner) avatars.reconcile(owner).catch(warn);
      }));
    },
  };
}

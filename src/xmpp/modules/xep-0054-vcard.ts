// XEP-0054 vcard-temp, kept in step with the account's profile: a vCard's NICKNAME (else FN)
// becomes the Matrix displayname (member events included, through core's setProfileField), and
// the current displayname is what a vCard read shows. The vCard itself, PHOTO included, is kept
// in the private XML store; the photo is mirrored to the XEP-0084 nodes (xep-0398-...).
// PHOTO <-> Matrix avatar_url goes through the media store (xep-0398-matrix-avatar.ts).
import type { CoreServices } from '../../core/services.js';
import { setProfileField } from '../../core/accounts/profile.js';
import type { IqContext, XmppModule } from '../module.js';
import type { XmlElement } from '../xml/element.js';
import type { MatrixAvatar } from './xep-0398-matrix-avatar.js';
import { emptyVcard, nameOf, NS_VCARD, photoOf, withName, type VcardPhoto } from './xep-0054-vcard-model.js';
import { loadXml, storeXml } from './xep-0163-pep/stored-xml.js';

const KEY = 'vcard';
/** Synapse's displayname limit, which Matrix clients respect. */
const MAX_NAME = 256;

/** Who changed a vCard: the client (vcard-temp set), the XEP-0084 nodes, or the Matrix avatar. */
export type VcardSource = 'client' | 'pep' | 'matrix';

/** Stored vCards, with each one's photo hash remembered for presence (XEP-0153). */
export class VcardBook {
  private readonly hashes = new Map<string, string | null>();
  private readonly listeners: ((owner: string, vcard: XmlElement, source: VcardSource) => void)[] = [];

  constructor(private readonly core: CoreServices) {}

  /** The stored vCard as written, or an empty one. */
  stored(owner: string): XmlElement {
    const s = this.core.storage.privateXml.get(owner, KEY);
    return s ? loadXml(s) : emptyVcard();
  }

  /** What others read: the stored vCard with the profile's current display name. */
  view(owner: string): XmlElement {
    const v = this.stored(owner);
    const name = this.core.accounts.get(owner)?.displayname ?? null;
    return name === null || name === nameOf(v) ? v : withName(v, name);
  }

  /** `source` tells listeners where the change came from, so none copies it back there. */
  save(owner: string, vcard: XmlElement, source: VcardSource): void {
    this.core.storage.privateXml.put(owner, KEY, storeXml(vcard, NS_VCARD));
    this.hashes.set(owner, photoOf(vcard)?.sha1 ?? null);
    for (const fn of this.listeners) fn(owner, vcard, source);
  }

  onSaved(fn: (owner: string, vcard: XmlElement, source: VcardSource) => void): void { this.listeners.push(fn); }

  photo(owner: string): VcardPhoto | null { return photoOf(this.stored(owner)); }

  photoHash(owner: string): string | null {
    if (!this.hashes.has(owner)) this.hashes.set(owner, this.photo(owner)?.sha1 ?? null);
    return this.hashes.get(owner)!;
  }
}

export function vcardModule(core: CoreServices, book: VcardBook, avatars: MatrixAvatar): XmppModule {
  return {
    name: 'xep-0054-vcard',
    load(server) {
      server.accountFeatures.add(NS_VCARD);
      server.features.add(NS_VCARD);
      // A Matrix-side avatar change is taken into the vCard before it is read or replaced.
      server.iq(`vCard ${NS_VCARD}`, 'get', (ctx) => {
        avatars.reconcile(ctx.target.local).catch(() => false).then(() => ctx.result(book.view(ctx.target.local)));
      }, 'bare');
      server.iq(`vCard ${NS_VCARD}`, 'set', (ctx) => {
        setVcard(core, book, avatars, ctx).catch((err: unknown) => {
          server.logger.warn({ err }, 'vcard: saving failed');
          ctx.error('internal-server-error');
        });
      }, 'bare');
    },
  };
}

async function setVcard(core: CoreServices, book: VcardBook, avatars: MatrixAvatar, ctx: IqContext): Promise<void> {
  if (!ctx.from.bare().equals(ctx.target)) return ctx.error('forbidden', "only the owner may change an account's vCard");
  const owner = ctx.target.local;
  // A suspended account's profile stays as it is (spec "Account suspension"; docs/bridge-mapping.md).
  if (core.accounts.restriction(owner) !== null) return ctx.error('forbidden', 'this account is suspended');
  const vcard = ctx.payload.withAttrs({ xmlns: NS_VCARD });
  await avatars.reconcile(owner);
  book.save(owner, vcard, 'client');
  await avatars.photoChanged(owner);
  const name = nameOf(vcard)?.slice(0, MAX_NAME) ?? null;
  if (name !== null && name !== core.accounts.get(owner)?.displayname) await setProfileField(core, owner, 'displayname', name);
  ctx.result();
}

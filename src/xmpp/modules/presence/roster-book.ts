// The roster as the IM modules use it: the account store's roster items (RosterStore, one per
// localpart) plus roster pushes to interested resources (RFC 6121 §2.1.6).
//
// An inbound subscription request from someone not on the roster must be remembered (it is
// delivered again at each login until answered, §3.1.3) without putting them on the roster the
// client sees. Such an entry is stored as an item in state None + Pending In and marked hidden
// in the key-value store; it becomes visible as soon as the user does anything with it (a roster
// set, a subscription stanza), and disappears when the request is withdrawn or denied.
import { randomBytes } from 'node:crypto';
import type { KeyValueStore, RosterItem, RosterStore } from '../../../core/ports.js';
import type { ModuleApi } from '../../module.js';
import { itemElement, removedItemElement, rosterPush } from '../../im/roster-items.js';
import { NO_SUBSCRIPTION, normalize, type SubState } from '../../im/subscription.js';
import type { XmlElement } from '../../xml/element.js';
import type { PresenceTracker } from './state.js';

const NS_HIDDEN = 'xmpp_roster_hidden';

export class RosterBook {
  constructor(
    private readonly store: RosterStore,
    private readonly kv: KeyValueStore,
    private readonly server: ModuleApi,
    private readonly tracker: PresenceTracker,
  ) {}

  version(user: string): string {
    return String(this.store.version(user));
  }

  /** The roster the client sees. */
  visibleItems(user: string): RosterItem[] {
    return this.store.items(user).filter((i) => !this.isHidden(user, i.jid));
  }

  /** Every stored entry, hidden pending requests included. */
  allItems(user: string): RosterItem[] {
    return this.store.items(user);
  }

  visibleItem(user: string, jid: string): RosterItem | null {
    const item = this.store.item(user, jid);
    return item && !this.isHidden(user, jid) ? item : null;
  }

  stateOf(user: string, jid: string): SubState {
    const item = this.store.item(user, jid);
    return item ? normalize({ subscription: item.subscription, pendingOut: item.ask, pendingIn: item.pendingIn, preApproved: item.approved }) : NO_SUBSCRIPTION;
  }

  /** A roster set by the user: name and groups; the subscription stays as it is. */
  update(user: string, jid: string, name: string | null, groups: string[]): void {
    const current = this.store.item(user, jid);
    const item: RosterItem = {
      jid, name, groups,
      subscription: current?.subscription ?? 'none', ask: current?.ask ?? false, pendingIn: current?.pendingIn ?? false,
      ...(current?.approved ? { approved: true } : {}),
    };
    const ver = this.store.put(user, item);
    this.setHidden(user, jid, false);
    this.push(user, itemElement(item), ver);
  }

  /**
   * Stores a new subscription state. `visible` says the user acted on the item (it then joins
   * the roster); an inbound request alone keeps a new entry hidden.
   */
  setState(user: string, jid: string, state: SubState, visible: boolean): void {
    const current = this.store.item(user, jid);
    const hidden = visible ? false : current === null || this.isHidden(user, jid);
    if (hidden && state.subscription === 'none' && !state.pendingOut && !state.pendingIn) {
      // A hidden request that was withdrawn or denied leaves nothing behind.
      if (current) this.store.remove(user, jid);
      this.setHidden(user, jid, false);
      return;
    }
    const item: RosterItem = {
      jid, name: current?.name ?? null, groups: current?.groups ?? [],
      subscription: state.subscription, ask: state.pendingOut, pendingIn: state.pendingIn,
      ...(state.preApproved ? { approved: true } : {}),
    };
    const wasShown = current !== null && !this.isHidden(user, jid);
    const ver = this.store.put(user, item);
    this.setHidden(user, jid, hidden);
    // Pending-in is not part of what the client sees: a change in it alone is not pushed.
    const shown = itemElement(item);
    if (!hidden && (!wasShown || itemElement(current!).toString() !== shown.toString())) this.push(user, shown, ver);
  }

  /** Removes the item (§2.5) and pushes the removal; false when it was not on the roster. */
  remove(user: string, jid: string): boolean {
    if (!this.visibleItem(user, jid)) return false;
    const ver = this.store.remove(user, jid);
    this.push(user, removedItemElement(jid), ver);
    return true;
  }

  private push(user: string, item: XmlElement, ver: number): void {
    for (const s of this.tracker.interested(this.bare(user))) {
      s.send(rosterPush(s.jid, `push-${randomBytes(6).toString('hex')}`, item, String(ver)));
    }
  }

  private bare(user: string): string {
    return `${user}@${this.server.domain}`;
  }

  private isHidden(user: string, jid: string): boolean {
    return this.kv.get(NS_HIDDEN, `${user}\u0000${jid}`) === '1';
  }

  private setHidden(user: string, jid: string, hidden: boolean): void {
    if (hidden !== this.isHidden(user, jid)) this.kv.put(NS_HIDDEN, `${user}\u0000${jid}`, hidden ? '1' : '');
  }
}

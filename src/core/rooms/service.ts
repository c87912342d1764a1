// The room service: the one way any front end (Matrix, XMPP, the bridge) writes or reads rooms.
// Accepting a local event runs the pipeline build -> authorize -> persist -> fan out, one file
// per step; everything up to the queued write is synchronous, so events of one room chain in
// the order they were sent.
import { randomBytes } from 'node:crypto';
import { getRoomVersion, DEFAULT_ROOM_VERSION, buildEvent, redactsTarget, signEvent, wireEvent, type RoomVersionRules, type SigningKey } from '../events/index.js';
import type { JsonObject, Pdu } from '../events/types.js';
import type { Storage } from '../ports.js';
import type { Bus, StreamCounter } from '../bus.js';
import { loadHead, type RoomHead, joinedMembers, membershipOf, stateEvent } from './head.js';
import { prepareEvent, type NewEvent } from './build.js';
import { authorizeAgainstHead, authorizeCreate, checkSize } from './authorize.js';
import { applyAndQueue, type StateGroupCounter } from './persist.js';
import { RoomError } from './errors.js';
import { effectiveRedactionTarget } from './redaction.js';
import { allowedWhileSuspended } from './suspension.js';

export interface AcceptedEvent {
  eventId: string;
  stream: number;
  pdu: Pdu;
}

export interface RoomServiceDeps {
  storage: Storage;
  bus: Bus;
  stream: StreamCounter;
  serverName: string;
  signingKey: SigningKey;
  now?: () => number;
}

export class RoomService {
  private readonly heads = new Map<string, RoomHead>();
  private readonly groups: StateGroupCounter;
  private readonly now: () => number;

  constructor(private readonly deps: RoomServiceDeps) {
    let g = deps.storage.events.maxStateGroup();
    this.groups = { next: () => ++g };
    this.now = deps.now ?? Date.now;
  }

  get serverName(): string { return this.deps.serverName; }

  head(roomId: string): RoomHead | null {
    let head = this.heads.get(roomId);
    if (!head) {
      head = loadHead(roomId, this.deps.storage.rooms, this.deps.storage.events) ?? undefined;
      if (head) this.heads.set(roomId, head);
    }
    return head ?? null;
  }

  /** Drops the cached head of a room whose rows were purged (admin API), so it reads as unknown. */
  forget(roomId: string): void {
    this.heads.delete(roomId);
  }

  requireHead(roomId: string): RoomHead {
    const head = this.head(roomId);
    if (!head) throw new RoomError('not_found', `unknown room ${roomId}`);
    return head;
  }

  rules(head: RoomHead): RoomVersionRules {
    const rules = getRoomVersion(head.version);
    if (!rules) throw new RoomError('unsupported_version', `room version ${head.version} is not supported`);
    return rules;
  }

  membership(roomId: string, userId: string): string {
    const head = this.head(roomId);
    return head ? membershipOf(head, userId) : 'leave';
  }

  stateContent(roomId: string, type: string, stateKey = ''): JsonObject | null {
    const head = this.head(roomId);
    return (head && stateEvent(head, type, stateKey)?.content) ?? null;
  }

  joinedMembers(roomId: string): string[] {
    const head = this.head(roomId);
    return head ? joinedMembers(head) : [];
  }

  /** Starts a room with its create event. Further initial events go through send(). */
  async create(sender: string, version: string = DEFAULT_ROOM_VERSION, extraContent: JsonObject = {}): Promise<{ roomId: string; create: AcceptedEvent }> {
    const rules = getRoomVersion(version);
    if (!rules || rules.eventIdFormat === 'v1') throw new RoomError('unsupported_version', `room version ${version} is not supported`);
    if (this.restricted(sender)) throw suspended();
    // v12 room ids are the create event's hash (buildEvent derives it); earlier ones are minted here.
    const minted = rules.roomIdFromCreateEvent ? undefined : `!${randomBytes(12).toString('base64url')}:${this.deps.serverName}`;
    const ts = this.now();
    const { eventId, pdu } = buildEvent({
      // Before v11 the create event names its creator in the content (auth rule 1.4 of v1-10).
      type: 'm.room.create', roomId: minted, sender,
      content: { ...extraContent, ...(rules.implicitRoomCreator ? {} : { creator: sender }), room_version: version }, stateKey: '',
      prevEvents: [], authEvents: [], depth: 1, originServerTs: ts,
    }, rules);
    const roomId = pdu.room_id;
    checkSize(pdu);
    authorizeCreate(rules, pdu);
    const head: RoomHead = {
      roomId, version, latestEventId: eventId, depth: 0, stateGroup: 0, deltaChain: 0, state: new Map(), stateIds: new Map(),
    };
    this.heads.set(roomId, head);
    const accepted = await this.commit(head, eventId, pdu, { version, creator: sender, createdTs: ts });
    return { roomId, create: accepted };
  }

  /**
   * Builds, authorizes, persists and fans out one local event. Resolves once it is durable.
   * `alsoWrite` runs in the event's own transaction (a client's transaction id record), so the
   * caller does not wait for a second commit.
   */
  async send(roomId: string, ev: Omit<NewEvent, 'ts'> & { ts?: number }, alsoWrite?: (eventId: string) => void): Promise<AcceptedEvent> {
    const head = this.requireHead(roomId);
    const rules = this.rules(head);
    const { eventId, pdu } = prepareEvent(head, rules, { ...ev, ts: ev.ts ?? this.now() });
    if (this.restricted(pdu.sender)) {
      const target = redactsTarget(pdu, rules);
      const targetSender = target === undefined ? undefined : this.deps.storage.events.getEvent(target)?.pdu.sender;
      if (!allowedWhileSuspended(pdu, targetSender)) throw suspended();
    }
    checkSize(pdu);
    authorizeAgainstHead(head, rules, pdu);
    return this.commit(head, eventId, pdu, undefined, effectiveRedactionTarget(head, rules, pdu, this.deps.storage.events), alsoWrite);
  }

  /** The event as it leaves this server: with the server's signature (signing is deferred to here, DESIGN §5). */
  signed(pdu: Pdu, version: string): Pdu {
    const rules = getRoomVersion(version)!;
    return wireEvent(signEvent(structuredClone(pdu), this.deps.serverName, this.deps.signingKey, rules), rules);
  }

  private async commit(
    head: RoomHead, eventId: string, pdu: Pdu, newRoom?: { version: string; creator: string; createdTs: number }, redacts?: string,
    alsoWrite?: (eventId: string) => void,
  ): Promise<AcceptedEvent> {
    const { stream, committed } = applyAndQueue(head, eventId, pdu, this.deps.stream, this.groups, this.deps.storage, newRoom, redacts, alsoWrite);
    const recipients = this.recipients(head, pdu);
    await committed;
    this.deps.stream.markCommitted(stream);
    this.deps.bus.publishRoomEvent({ stream, roomId: head.roomId, eventId, pdu, recipients });
    return { eventId, stream, pdu };
  }

  /** A local account that is suspended (or locked): it may not write to rooms but to leave them. */
  private restricted(sender: string): boolean {
    const suffix = `:${this.deps.serverName}`;
    if (!sender.endsWith(suffix)) return false;
    return this.deps.storage.accounts.restriction(sender.slice(1, -suffix.length)) !== null;
  }

  /** Pipeline step 4's audience: local joined members, the sender, and whoever a membership event is about. */
  private recipients(head: RoomHead, pdu: Pdu): string[] {
    const out = new Set(joinedMembers(head));
    out.add(pdu.sender);
    if (pdu.type === 'm.room.member' && pdu.state_key) out.add(pdu.state_key);
    const suffix = `:${this.deps.serverName}`;
    return [...out].filter((u) => u.endsWith(suffix));
  }
}

function suspended(): RoomError {
  return new RoomError('suspended', 'You cannot perform this action while suspended');
}

// The protocol-neutral services every front end is given. Built once in main.ts.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedConfig } from './config/schema.js';
import type { Storage } from './ports.js';
import type { Logger } from './logger.js';
import { inProcessBus, StreamCounter, type Bus } from './bus.js';
import { RoomService } from './rooms/service.js';
import { DirectRooms } from './rooms/direct.js';
import { AccountService } from './accounts/service.js';
import { AccountData } from './accounts/account-data.js';
import { Deactivations } from './accounts/deactivation.js';
import { MediaService } from './media/service.js';
import { Typing } from './ephemeral/typing.js';
import { Receipts } from './ephemeral/receipts.js';
import { Presence } from './ephemeral/presence.js';
import { EPHEMERAL_POSITION_KEY } from './ephemeral/position.js';
import { formatSigningKeyFile, generateSigningKey, parseSigningKeyFile, type SigningKey } from './events/index.js';

export interface CoreServices {
  config: ResolvedConfig;
  storage: Storage;
  logger: Logger;
  bus: Bus;
  stream: StreamCounter;
  signingKey: SigningKey;
  accounts: AccountService;
  /** Ends deactivated accounts' rooms and sessions. */
  deactivations: Deactivations;
  accountData: AccountData;
  rooms: RoomService;
  directs: DirectRooms;
  /** The media store (Matrix media repository and XMPP HTTP upload). */
  media: MediaService;
  /** Who is typing where (Matrix m.typing, XMPP chat states): in memory, one service for both. */
  typing: Typing;
  /** Read receipts (Matrix m.read, XMPP displayed markers). */
  receipts: Receipts;
  /** Who is online, from Matrix clients and XMPP resources alike (Matrix m.presence, XMPP presence). */
  presence: Presence;
}

/** The server's Ed25519 signing key, made on first start (Synapse's key file format). */
export function loadOrCreateSigningKey(dataDir: string): SigningKey {
  const path = join(dataDir, 'signing.key');
  if (existsSync(path)) {
    const [key] = parseSigningKeyFile(readFileSync(path, 'utf8'));
    if (!key) throw new Error(`${path} holds no signing key`);
    return key;
  }
  const key = generateSigningKey();
  writeFileSync(path, formatSigningKeyFile(key), { mode: 0o600 });
  return key;
}

export function createCore(config: ResolvedConfig, storage: Storage, logger: Logger, signingKey: SigningKey): CoreServices {
  const bus = inProcessBus();
  const ephemeralPos = Number(storage.kv.get(...EPHEMERAL_POSITION_KEY) ?? 0);
  const stream = new StreamCounter(Math.max(storage.events.maxStream(), storage.accountData.maxStream(), storage.e2ee.maxStream(), storage.receipts.maxStream(), ephemeralPos));
  const accounts = new AccountService(storage, config.server_name, config.accounts.scram_iterations);
  const accountData = new AccountData(storage, stream, bus);
  const rooms = new RoomService({ storage, bus, stream, serverName: config.server_name, signingKey });
  const profileOf = (userId: string) => {
    const lp = accounts.localpartOf(userId);
    const a = lp ? accounts.get(lp) : null;
    return { displayname: a?.displayname ?? null, avatar_url: a?.avatarUrl ?? null };
  };
  const directs = new DirectRooms(storage, rooms, accountData, profileOf);
  const media = new MediaService(config, storage);
  const deactivations = new Deactivations(accounts, storage, rooms);
  const core = { config, storage, logger, bus, stream, signingKey, accounts, deactivations, accountData, rooms, directs, media } as CoreServices;
  core.typing = new Typing(core);
  core.receipts = new Receipts(core);
  core.presence = new Presence(core);
  return core;
}

/** Stops what the core runs by itself (typing timeouts); before the storage closes. */
export function closeCore(core: CoreServices): void {
  core.typing.close();
  core.presence.close();
}

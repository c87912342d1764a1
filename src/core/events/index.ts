// Public API of the event crypto: encoding, hashing, signing, redaction, ids, room versions.
export * from './types.js';
export * from './base64.js';
export * from './canonical-json.js';
export * from './room-versions.js';
export * from './redaction.js';
export * from './hashes.js';
export * from './signing.js';
export * from './build.js';
export * from './wire.js';

// Which SASL mechanisms a connection is offered, and the mechanism objects behind the names.
// Strongest first: clients that pick the first one they know then pick SCRAM-SHA-256.
import type { ChannelBindings } from './channel-binding.js';
import { PlainServer } from './plain.js';
import { SCRAM_MECHANISMS, SCRAM_PLUS_MECHANISMS, ScramServer } from './scram.js';
import type { SaslContext, SaslFailureCondition, SaslMechanism } from './types.js';

export interface OfferOptions {
  /** The connection is encrypted (STARTTLS done or direct TLS). */
  tls: boolean;
  /** PLAIN may be used without TLS (only ever allowed on loopback listeners). */
  allowPlaintext: boolean;
  /** What the TLS connection can bind SCRAM to; -PLUS is offered only when there is something. */
  channelBindings?: ChannelBindings;
}

export function offeredMechanisms(opts: OfferOptions): string[] {
  const plus = (opts.channelBindings?.types.length ?? 0) > 0 ? Object.keys(SCRAM_PLUS_MECHANISMS) : [];
  const names = [...plus, 'SCRAM-SHA-256', 'SCRAM-SHA-1'];
  // PLAIN sends the password itself, so only inside TLS unless the operator said otherwise.
  if (opts.tls || opts.allowPlaintext) names.push('PLAIN');
  return names;
}

/** Why a requested mechanism cannot be used here, or null when it can. */
export function refuseMechanism(name: string, opts: OfferOptions): SaslFailureCondition | null {
  if (offeredMechanisms(opts).includes(name)) return null;
  return name === 'PLAIN' ? 'encryption-required' : 'invalid-mechanism';
}

export function createMechanism(name: string, ctx: SaslContext, channelBindings?: ChannelBindings): SaslMechanism | null {
  if (name === 'PLAIN') return new PlainServer(ctx);
  if (Object.hasOwn(SCRAM_MECHANISMS, name) || Object.hasOwn(SCRAM_PLUS_MECHANISMS, name)) return new ScramServer(name, ctx, { channelBindings });
  return null;
}

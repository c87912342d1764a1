// Affiliation and role of a room member, read from the room's power levels (XEP-0045 §5 mapped
// onto Matrix): 100 or more is an owner (v12 creators, whose level is infinite, too), 50 or more
// an admin, both moderators; any other joined member is a member. A member below the level
// needed to send messages has no voice: a visitor.
import type { JsonObject } from '../../../core/events/types.js';

/** The power levels that make an owner and an admin (Element's "Admin" and "Moderator"). */
export const OWNER_LEVEL = 100;
export const ADMIN_LEVEL = 50;

export type Affiliation = 'owner' | 'admin' | 'member' | 'none' | 'outcast';
export type Role = 'moderator' | 'participant' | 'visitor' | 'none';

function num(v: unknown, fallback: number): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  // Room versions before 10 allow power levels written as strings of digits.
  if (typeof v === 'string' && /^[+-]?\d+$/.test(v.trim())) return Number(v);
  return fallback;
}

/** The level needed to send an event of a type (`events`, else events_default or state_default). */
export function eventLevel(pl: JsonObject | null, type: string, isState: boolean): number {
  if (!pl) return isState ? 50 : 0;
  const events = (pl.events && typeof pl.events === 'object' ? pl.events : {}) as Record<string, unknown>;
  return num(events[type], isState ? num(pl.state_default, 50) : num(pl.events_default, 0));
}

export function affiliationFor(level: number): Affiliation {
  if (level >= OWNER_LEVEL) return 'owner';
  if (level >= ADMIN_LEVEL) return 'admin';
  return 'member';
}

export function roleFor(level: number, messageLevel: number): Role {
  if (level >= ADMIN_LEVEL) return 'moderator';
  return level >= messageLevel ? 'participant' : 'visitor';
}

/** Affiliation and role for a power level (a user's level is the core's reading: MucService.levelOf). */
export function standing(level: number, messageLevel: number): { affiliation: Affiliation; role: Role } {
  return { affiliation: affiliationFor(level), role: roleFor(level, messageLevel) };
}

/** The level of a room action, with the Matrix defaults (invite 0, the others 50). */
export function actionLevel(pl: JsonObject | null, action: 'ban' | 'kick' | 'invite' | 'redact'): number {
  return num(pl?.[action], action === 'invite' ? 0 : 50);
}

export function usersDefault(pl: JsonObject | null): number {
  return num(pl?.users_default, 0);
}

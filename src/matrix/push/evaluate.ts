// Push rule evaluation (spec push.md "Push Rules"), a pure function of the event, the user's
// ruleset and a few facts about the room: the first enabled rule that matches decides.
import type { JsonObject, JsonValue } from '../../core/events/types.js';
import { RULE_KINDS, type PushAction, type PushCondition, type PushRule, type Ruleset } from './types.js';

export interface PushEvent {
  type: string;
  sender: string;
  room_id: string;
  content: JsonObject;
  state_key?: string;
  event_id?: string;
}

export interface PushContext {
  userId: string;
  /** The user's display name in the room (falls back to none). */
  displayName: string | null;
  /** Joined members of the room. */
  memberCount: number;
  senderPowerLevel: number;
  /** The power level `notifications.<key>` of m.room.power_levels (default 50). */
  notificationPowerLevel(key: string): number;
}

export interface PushOutcome {
  actions: PushAction[];
  notify: boolean;
  highlight: boolean;
  ruleId: string | null;
}

// Rules the spec deprecates in favour of m.mentions: only applied to events without it.
const LEGACY_MENTION_RULES = new Set(['.m.rule.contains_display_name', '.m.rule.roomnotif', '.m.rule.contains_user_name']);

/** Spec appendices "dot-separated property paths": '.' separates, '\.' and '\\' escape. */
export function splitPath(key: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < key.length; i++) {
    const c = key[i];
    if (c === '\\' && (key[i + 1] === '.' || key[i + 1] === '\\')) cur += key[++i];
    else if (c === '.') { parts.push(cur); cur = ''; }
    else cur += c;
  }
  parts.push(cur);
  return parts;
}

const splitPaths = new Map<string, string[]>();

export function propertyAt(ev: PushEvent, key: string): JsonValue | undefined {
  let path = splitPaths.get(key);
  if (!path) {
    path = splitPath(key);
    if (splitPaths.size >= 10000) splitPaths.clear();
    splitPaths.set(key, path);
  }
  let v: unknown = ev;
  for (const p of path) {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.hasOwn(v, p)) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v as JsonValue;
}

function globSource(pattern: string): string {
  return pattern.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === '*' ? '.*' : c === '?' ? '.' : `\\${c}`));
}

// Compiled patterns, one map per mode: every sync evaluates the same few rules over many
// events, and compiling the glob each time was the largest cost of a /sync under load.
const compiledWords = new Map<string, RegExp>();
const compiledWhole = new Map<string, RegExp>();
const MAX_COMPILED = 10000;

function globRegExp(pattern: string, wordBoundary: boolean): RegExp {
  const compiled = wordBoundary ? compiledWords : compiledWhole;
  let re = compiled.get(pattern);
  if (!re) {
    const src = globSource(pattern);
    re = wordBoundary ? new RegExp(`(?:^|[^A-Za-z0-9_])${src}(?:[^A-Za-z0-9_]|$)`, 'isu') : new RegExp(`^${src}$`, 'isu');
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}

/** Glob match of the whole value, case-insensitively; for content.body, of a word-bounded substring. */
export function globMatches(pattern: string, value: string, wordBoundary: boolean): boolean {
  return globRegExp(pattern, wordBoundary).test(value);
}

const isScalar = (v: unknown) => v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number';

// Parsed `is` values of room_member_count: the same few ('2', '>10') for every event and user.
const memberCounts = new Map<string, { op: string | undefined; n: number } | null>();

function memberCountMatches(is: string | undefined, count: number): boolean {
  const key = is ?? '';
  let parsed = memberCounts.get(key);
  if (parsed === undefined) {
    const m = /^(==|<=|>=|<|>)?(\d+)$/.exec(key);
    parsed = m ? { op: m[1], n: Number(m[2]) } : null;
    if (memberCounts.size >= MAX_COMPILED) memberCounts.clear();
    memberCounts.set(key, parsed);
  }
  if (!parsed) return false;
  const n = parsed.n;
  switch (parsed.op) {
    case '<': return count < n;
    case '>': return count > n;
    case '<=': return count <= n;
    case '>=': return count >= n;
    default: return count === n;
  }
}

export function conditionMatches(c: PushCondition, ev: PushEvent, ctx: PushContext): boolean {
  switch (c.kind) {
    case 'event_match': {
      if (typeof c.key !== 'string' || typeof c.pattern !== 'string') return false;
      const v = propertyAt(ev, c.key);
      return typeof v === 'string' && globMatches(c.pattern, v, c.key === 'content.body');
    }
    case 'event_property_is': {
      if (typeof c.key !== 'string' || !isScalar(c.value)) return false;
      const v = propertyAt(ev, c.key);
      return v !== undefined && isScalar(v) && v === c.value;
    }
    case 'event_property_contains': {
      if (typeof c.key !== 'string' || !isScalar(c.value)) return false;
      const v = propertyAt(ev, c.key);
      return Array.isArray(v) && v.some((x) => isScalar(x) && x === c.value);
    }
    case 'contains_display_name': {
      const body = ev.content.body;
      // A user never gets a mention from their own name.
      if (!ctx.displayName || typeof body !== 'string' || ev.sender === ctx.userId) return false;
      // The name is literal text, not a glob.
      return wordBounded(body, ctx.displayName);
    }
    case 'room_member_count': return memberCountMatches(c.is, ctx.memberCount);
    case 'sender_notification_permission':
      return typeof c.key === 'string' && ctx.senderPowerLevel >= ctx.notificationPowerLevel(c.key);
    default: return false; // Spec: unrecognised conditions never match.
  }
}

/** True when `needle` occurs in `hay` with a word boundary on each side (case-insensitive, literal). */
function wordBounded(hay: string, needle: string): boolean {
  const h = hay.toLowerCase();
  const n = needle.toLowerCase();
  const word = /[A-Za-z0-9_]/;
  for (let i = h.indexOf(n); i >= 0; i = h.indexOf(n, i + 1)) {
    const before = i === 0 || !word.test(h[i - 1]);
    const after = i + n.length === h.length || !word.test(h[i + n.length]);
    if (before && after) return true;
  }
  return false;
}

function ruleMatches(kind: string, r: PushRule, ev: PushEvent, ctx: PushContext): boolean {
  if (LEGACY_MENTION_RULES.has(r.rule_id) && Object.hasOwn(ev.content, 'm.mentions')) return false;
  switch (kind) {
    case 'override':
    case 'underride':
      if (r.conditions) for (const c of r.conditions) if (!conditionMatches(c, ev, ctx)) return false;
      return true;
    case 'content': {
      const body = ev.content.body;
      return typeof r.pattern === 'string' && typeof body === 'string' && globMatches(r.pattern, body, true);
    }
    case 'room': return r.rule_id === ev.room_id;
    case 'sender': return r.rule_id === ev.sender;
    default: return false;
  }
}

export function outcomeOf(actions: PushAction[], ruleId: string | null): PushOutcome {
  let highlight = false;
  for (const a of actions) {
    if (typeof a === 'object' && a.set_tweak === 'highlight') highlight = a.value === undefined ? true : a.value === true;
  }
  return { actions, notify: actions.includes('notify'), highlight, ruleId };
}

const NO_OUTCOME: PushOutcome = Object.freeze(outcomeOf(Object.freeze([]) as unknown as PushAction[], null));
// The outcome of a matching rule depends on its actions alone: made once per rule (and again
// when its actions are replaced), not once per event and user. Shared: never mutate.
const ruleOutcomes = new WeakMap<PushRule, PushOutcome>();

function outcomeOfRule(r: PushRule): PushOutcome {
  let o = ruleOutcomes.get(r);
  if (!o || o.actions !== r.actions || o.ruleId !== r.rule_id) ruleOutcomes.set(r, (o = outcomeOf(r.actions, r.rule_id)));
  return o;
}

/** The actions for the event by the user's ruleset; no match means no notification. Read-only. */
export function evaluate(rules: Ruleset, ev: PushEvent, ctx: PushContext): PushOutcome {
  // Nobody is notified of their own events.
  if (ev.sender === ctx.userId) return NO_OUTCOME;
  for (const kind of RULE_KINDS) {
    for (const r of rules[kind]) {
      if (r.enabled && ruleMatches(kind, r, ev, ctx)) return outcomeOfRule(r);
    }
  }
  return NO_OUTCOME;
}

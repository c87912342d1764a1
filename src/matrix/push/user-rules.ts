// A user's push rules: their own rules and their changes to server-default ones (enabled,
// actions), kept in the key-value store; the merged ruleset is cached and mirrored into the
// `m.push_rules` account data so clients learn of changes through /sync (spec push.md
// "Push Rules: Events").
import type { CoreServices } from '../../core/services.js';
import { defaultRuleset } from './default-rules.js';
import { RULE_KINDS, type PushAction, type PushRule, type RuleKind, type Ruleset } from './types.js';

const NS = 'push_rules';

interface Stored {
  own: Record<RuleKind, PushRule[]>;
  defaults: Record<string, { enabled?: boolean; actions?: PushAction[] }>;
}

export class RuleError extends Error {
  constructor(readonly code: 'not_found' | 'invalid' | 'bad_anchor', message: string) { super(message); }
}

const emptyStored = (): Stored => ({ own: { override: [], content: [], room: [], sender: [], underride: [] }, defaults: {} });

/** The ruleset in evaluation order: master, the user's rules of each kind, then the defaults. */
export function mergeRules(userId: string, s: Stored): Ruleset {
  const d = defaultRuleset(userId);
  const apply = (r: PushRule): PushRule => ({ ...r, ...s.defaults[r.rule_id] });
  const out = {} as Ruleset;
  for (const kind of RULE_KINDS) {
    const defaults = d[kind].map(apply);
    out[kind] = kind === 'override'
      ? [...defaults.filter((r) => r.rule_id === '.m.rule.master'), ...s.own[kind], ...defaults.filter((r) => r.rule_id !== '.m.rule.master')]
      : [...s.own[kind], ...defaults];
  }
  return out;
}

export class UserPushRules {
  private readonly cache = new Map<string, Ruleset>();
  // Changes read, edit and write the stored rules; running them one at a time keeps two
  // requests in the same turn from overwriting each other.
  private queue: Promise<unknown> = Promise.resolve();
  constructor(private readonly core: CoreServices) {}

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private load(userId: string): Stored {
    const text = this.core.storage.kv.get(NS, userId);
    return text === null ? emptyStored() : (JSON.parse(text) as Stored);
  }

  ruleset(userId: string): Ruleset {
    let r = this.cache.get(userId);
    if (!r) this.cache.set(userId, (r = mergeRules(userId, this.load(userId))));
    return r;
  }

  find(userId: string, kind: RuleKind, ruleId: string): PushRule {
    const r = this.ruleset(userId)[kind].find((x) => x.rule_id === ruleId);
    if (!r) throw new RuleError('not_found', 'Unknown push rule');
    return r;
  }

  /** Adds or replaces a user rule, placed before/after another user rule when asked. */
  put(userId: string, kind: RuleKind, rule: PushRule, pos: { before?: string; after?: string }): Promise<void> {
    return this.serial(() => this.putNow(userId, kind, rule, pos));
  }

  private async putNow(userId: string, kind: RuleKind, rule: PushRule, pos: { before?: string; after?: string }): Promise<void> {
    if (rule.rule_id.startsWith('.')) throw new RuleError('invalid', 'Cannot create or change server-default rules this way');
    if (/[/\\]/.test(rule.rule_id)) throw new RuleError('invalid', 'Rule ids cannot contain slashes or backslashes');
    const s = this.load(userId);
    const list = s.own[kind].filter((r) => r.rule_id !== rule.rule_id);
    const anchor = pos.before ?? pos.after;
    let at = list.length;
    // Spec: before/after name a user rule; server-default rules keep their fixed places.
    if (anchor?.startsWith('.')) throw new RuleError('invalid', 'before/after cannot name a server-default rule');
    if (anchor !== undefined) {
      const i = list.findIndex((r) => r.rule_id === anchor);
      if (i < 0) throw new RuleError('bad_anchor', `before/after rule not found: ${anchor}`);
      at = pos.before !== undefined ? i : i + 1;
    } else {
      // Spec: an update keeps its place; a new rule becomes the most important of its kind.
      const old = s.own[kind].findIndex((r) => r.rule_id === rule.rule_id);
      at = old >= 0 ? old : 0;
    }
    list.splice(at, 0, rule);
    s.own[kind] = list;
    await this.save(userId, s);
  }

  remove(userId: string, kind: RuleKind, ruleId: string): Promise<void> {
    return this.serial(() => this.removeNow(userId, kind, ruleId));
  }

  private async removeNow(userId: string, kind: RuleKind, ruleId: string): Promise<void> {
    const s = this.load(userId);
    if (ruleId.startsWith('.')) throw new RuleError('invalid', 'Server-default rules cannot be deleted');
    if (!s.own[kind].some((r) => r.rule_id === ruleId)) throw new RuleError('not_found', 'Unknown push rule');
    s.own[kind] = s.own[kind].filter((r) => r.rule_id !== ruleId);
    await this.save(userId, s);
  }

  async setEnabled(userId: string, kind: RuleKind, ruleId: string, enabled: boolean): Promise<void> {
    await this.change(userId, kind, ruleId, (r) => { r.enabled = enabled; }, { enabled });
  }

  async setActions(userId: string, kind: RuleKind, ruleId: string, actions: PushAction[]): Promise<void> {
    await this.change(userId, kind, ruleId, (r) => { r.actions = actions; }, { actions });
  }

  private change(userId: string, kind: RuleKind, ruleId: string, edit: (r: PushRule) => void, delta: Stored['defaults'][string]): Promise<void> {
    return this.serial(() => this.changeNow(userId, kind, ruleId, edit, delta));
  }

  private async changeNow(userId: string, kind: RuleKind, ruleId: string, edit: (r: PushRule) => void, delta: Stored['defaults'][string]): Promise<void> {
    this.find(userId, kind, ruleId);
    const s = this.load(userId);
    const own = s.own[kind].find((r) => r.rule_id === ruleId);
    if (own) edit(own);
    else s.defaults[ruleId] = { ...s.defaults[ruleId], ...delta };
    await this.save(userId, s);
  }

  private async save(userId: string, s: Stored): Promise<void> {
    await this.core.storage.writes.enqueue(() => this.core.storage.kv.put(NS, userId, JSON.stringify(s)));
    this.cache.delete(userId);
    const global = this.ruleset(userId);
    await this.core.accountData.put(userId, 'm.push_rules', JSON.parse(JSON.stringify({ global })));
  }
}

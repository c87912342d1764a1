// Push rule shapes (spec push.md "Push Rules", pushrules.yaml PushRule / PushCondition).
import type { JsonValue } from '../../core/events/types.js';

export const RULE_KINDS = ['override', 'content', 'room', 'sender', 'underride'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export type PushAction = string | { set_tweak: string; value?: JsonValue };

export interface PushCondition {
  kind: string;
  key?: string;
  pattern?: string;
  value?: JsonValue;
  is?: string;
}

export interface PushRule {
  rule_id: string;
  default: boolean;
  enabled: boolean;
  actions: PushAction[];
  conditions?: PushCondition[];
  pattern?: string;
}

export type Ruleset = Record<RuleKind, PushRule[]>;

export function isRuleKind(s: string): s is RuleKind {
  return (RULE_KINDS as readonly string[]).includes(s);
}

// Push rules API (spec pushrules.yaml): the whole ruleset, and one rule with its `enabled` and
// `actions`. Only the `global` scope exists.
import type { JsonObject } from '../../core/events/types.js';
import type { MatrixContext } from '../context.js';
import { ErrCode, MatrixError, badJson, invalidParam, missingParam, notFound } from '../errors.js';
import type { AuthedCtx, Route } from '../http/types.js';
import { bodyObject, isObject } from '../http/validate.js';
import { RuleError, type UserPushRules } from '../push/user-rules.js';
import { isRuleKind, type PushAction, type PushCondition, type PushRule, type RuleKind } from '../push/types.js';

function kindParam(ctx: AuthedCtx): RuleKind {
  if (ctx.params.scope !== 'global') throw invalidParam(`Unknown push rule scope '${ctx.params.scope}'`);
  const kind = ctx.params.kind;
  if (!isRuleKind(kind)) throw invalidParam(`Unknown push rule kind '${kind}'`);
  return kind;
}

export function parseActions(v: unknown): PushAction[] {
  if (!Array.isArray(v)) throw v === undefined ? missingParam("Missing 'actions'") : badJson("'actions' must be an array");
  return v.map((a): PushAction => {
    if (typeof a === 'string') return a;
    if (isObject(a) && typeof a.set_tweak === 'string') return a.value === undefined ? { set_tweak: a.set_tweak } : { set_tweak: a.set_tweak, value: a.value };
    throw badJson('Each action must be a string or an object with set_tweak');
  });
}

function parseConditions(v: unknown): PushCondition[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw badJson("'conditions' must be an array");
  return v.map((c) => {
    if (!isObject(c) || typeof c.kind !== 'string') throw badJson("Each condition must be an object with a string 'kind'");
    return c as unknown as PushCondition;
  });
}

function ruleFromBody(kind: RuleKind, ruleId: string, body: JsonObject): PushRule {
  const rule: PushRule = { rule_id: ruleId, default: false, enabled: true, actions: parseActions(body.actions) };
  if (kind === 'override' || kind === 'underride') rule.conditions = parseConditions(body.conditions);
  if (kind === 'content') {
    if (typeof body.pattern !== 'string') throw missingParam("Content rules need a string 'pattern'");
    rule.pattern = body.pattern;
  }
  return rule;
}

/** Maps the rule store's refusals to the spec's codes. */
async function guarded<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RuleError) {
      if (err.code === 'not_found') throw notFound(err.message);
      // The spec's example error for a missing before/after rule is 400 M_UNKNOWN (Synapse's too).
      if (err.code === 'bad_anchor') throw new MatrixError(400, ErrCode.UNKNOWN, err.message);
      throw invalidParam(err.message);
    }
    throw err;
  }
}

function optionalQuery(ctx: AuthedCtx, name: string): string | undefined {
  const v = ctx.query.get(name);
  return v === null || v === '' ? undefined : v;
}

function routes(rules: UserPushRules): Route[] {
  const one = '/_matrix/client/v3/pushrules/:scope/:kind/:ruleId';
  const all = (ctx: AuthedCtx) => ({ global: rules.ruleset(ctx.requester.userId) });
  const me = (ctx: AuthedCtx) => ctx.requester.userId;
  return [
    { method: 'GET', path: '/_matrix/client/v3/pushrules/', auth: 'required', handler: all },
    { method: 'GET', path: '/_matrix/client/v3/pushrules', auth: 'required', handler: all },
    { method: 'GET', path: '/_matrix/client/v3/pushrules/global/', auth: 'required', handler: (ctx) => all(ctx).global },
    { method: 'GET', path: one, auth: 'required', handler: (ctx) => guarded(() => rules.find(me(ctx), kindParam(ctx), ctx.params.ruleId)) },
    {
      method: 'PUT', path: one, auth: 'required',
      handler: (ctx) => guarded(async () => {
        const kind = kindParam(ctx);
        const rule = ruleFromBody(kind, ctx.params.ruleId, bodyObject(ctx.body));
        await rules.put(me(ctx), kind, rule, { before: optionalQuery(ctx, 'before'), after: optionalQuery(ctx, 'after') });
        return {};
      }),
    },
    {
      method: 'DELETE', path: one, auth: 'required',
      handler: (ctx) => guarded(async () => { await rules.remove(me(ctx), kindParam(ctx), ctx.params.ruleId); return {}; }),
    },
    { method: 'GET', path: `${one}/enabled`, auth: 'required', handler: (ctx) => guarded(() => ({ enabled: rules.find(me(ctx), kindParam(ctx), ctx.params.ruleId).enabled })) },
    {
      method: 'PUT', path: `${one}/enabled`, auth: 'required',
      handler: (ctx) => guarded(async () => {
        const kind = kindParam(ctx);
        const enabled = bodyObject(ctx.body).enabled;
        if (typeof enabled !== 'boolean') throw new MatrixError(400, ErrCode.BAD_JSON, "'enabled' must be a boolean");
        await rules.setEnabled(me(ctx), kind, ctx.params.ruleId, enabled);
        return {};
      }),
    },
    { method: 'GET', path: `${one}/actions`, auth: 'required', handler: (ctx) => guarded(() => ({ actions: rules.find(me(ctx), kindParam(ctx), ctx.params.ruleId).actions })) },
    {
      method: 'PUT', path: `${one}/actions`, auth: 'required',
      handler: (ctx) => guarded(async () => {
        const kind = kindParam(ctx);
        await rules.setActions(me(ctx), kind, ctx.params.ruleId, parseActions(bodyObject(ctx.body).actions));
        return {};
      }),
    },
  ];
}

export function pushRuleRoutes(m: MatrixContext): Route[] {
  return routes(m.ephemeral.pushRules);
}

// Auth rule 4 (v6+ numbering; rule 5 in v1-v5): m.room.member events. Each function is one
// membership of the spec's list, in the spec's order, so the two can be read side by side.

import { actionLevel, roomCreator } from './power-levels.js';
import { allow, deny, type AuthResult } from './result.js';
import { createEventIdOf, createEventOf, joinRuleOf, levelOf, membershipOf, userServer, type AuthContext } from './state.js';
import { authorizeThirdPartyInvite } from './third-party-invite.js';

export function authorizeMember(ctx: AuthContext): AuthResult {
  const { pdu, rules } = ctx;
  const membership = pdu.content.membership;
  if (typeof pdu.state_key !== 'string' || typeof membership !== 'string') {
    return deny('member event without state_key or membership');
  }
  if (rules.restrictedJoin && pdu.content.join_authorised_via_users_server !== undefined) {
    const signed = checkAuthoriserSignature(ctx);
    if (!signed.allowed) return signed;
  }
  switch (membership) {
    case 'join':
      return authorizeJoin(ctx, pdu.state_key);
    case 'invite':
      return authorizeInvite(ctx, pdu.state_key);
    case 'leave':
      return authorizeLeave(ctx, pdu.state_key);
    case 'ban':
      return authorizeBan(ctx, pdu.state_key);
    case 'knock':
      if (rules.knockAllowed) return authorizeKnock(ctx, pdu.state_key);
      return deny(`room version ${rules.id} does not support knocking`);
    default:
      return deny(`unknown membership ${membership}`);
  }
}

// 4.2: the event must be signed by the server of the user said to authorise the join.
function checkAuthoriserSignature(ctx: AuthContext): AuthResult {
  const authoriser = ctx.pdu.content.join_authorised_via_users_server;
  const server = typeof authoriser === 'string' ? userServer(authoriser) : undefined;
  if (server === undefined) return deny('join_authorised_via_users_server is not a user id');
  const signed = ctx.options.isSignedBy
    ? ctx.options.isSignedBy(server)
    : Object.keys(ctx.pdu.signatures?.[server] ?? {}).length > 0;
  return signed ? allow() : deny(`event is not signed by ${server}, the authorising server`);
}

// 4.3
function authorizeJoin(ctx: AuthContext, target: string): AuthResult {
  const { pdu, state, rules } = ctx;
  if (isCreatorFirstJoin(ctx, target)) return allow();
  if (pdu.sender !== target) return deny('cannot join on behalf of another user');
  const current = membershipOf(state, target);
  if (current === 'ban') return deny('user is banned from the room');
  const joinRule = joinRuleOf(state);
  const admitted = current === 'invite' || current === 'join';
  if (joinRule === 'invite' || (joinRule === 'knock' && rules.knockAllowed)) {
    return admitted ? allow() : deny(`join rule is ${joinRule} and the user is not invited`);
  }
  if ((joinRule === 'restricted' && rules.restrictedJoin) || (joinRule === 'knock_restricted' && rules.knockRestricted)) {
    return admitted ? allow() : authorizeRestrictedJoin(ctx);
  }
  if (joinRule === 'public') return allow();
  return deny(`join rule ${joinRule} does not allow joining`);
}

// 4.3.1: the creator's own join right after the create event.
function isCreatorFirstJoin(ctx: AuthContext, target: string): boolean {
  const { pdu, state, rules } = ctx;
  const create = createEventOf(state);
  if (!create || pdu.prev_events.length !== 1) return false;
  if (target !== roomCreator(create, rules)) return false;
  // v1/v2 cite prev events as [event_id, hashes] pairs.
  const first: unknown = pdu.prev_events[0];
  const prevId = Array.isArray(first) ? first[0] : first;
  // A v1/v2 create event without event_id has no id, and so cannot be a prev event.
  return prevId === createEventIdOf(create, rules);
}

// 4.3.5.2: the authorising user must be joined and able to invite.
function authorizeRestrictedJoin(ctx: AuthContext): AuthResult {
  const authoriser = ctx.pdu.content.join_authorised_via_users_server;
  if (typeof authoriser !== 'string') return deny('restricted room: no join_authorised_via_users_server');
  if (membershipOf(ctx.state, authoriser) !== 'join') return deny(`restricted room: ${authoriser} is not joined`);
  if (levelOf(ctx, authoriser) < actionLevel(ctx.state, 'invite', ctx.rules)) {
    return deny(`restricted room: ${authoriser} may not invite`);
  }
  return allow();
}

// 4.4
function authorizeInvite(ctx: AuthContext, target: string): AuthResult {
  const { pdu, state, rules } = ctx;
  if (pdu.content.third_party_invite !== undefined) return authorizeThirdPartyInvite(ctx, target);
  if (membershipOf(state, pdu.sender) !== 'join') return deny('inviter is not joined to the room');
  const targetMembership = membershipOf(state, target);
  if (targetMembership === 'join' || targetMembership === 'ban') {
    return deny(`cannot invite a user whose membership is ${targetMembership}`);
  }
  if (levelOf(ctx, pdu.sender) >= actionLevel(state, 'invite', rules)) return allow();
  return deny('inviter power level is below the invite level');
}

// 4.5: leaving, rejecting an invite, withdrawing a knock, kicking and unbanning.
function authorizeLeave(ctx: AuthContext, target: string): AuthResult {
  const { pdu, state, rules } = ctx;
  if (pdu.sender === target) {
    const current = membershipOf(state, target);
    const canLeave = current === 'invite' || current === 'join' || (current === 'knock' && rules.knockAllowed);
    return canLeave ? allow() : deny(`cannot leave with membership ${current}`);
  }
  if (membershipOf(state, pdu.sender) !== 'join') return deny('sender is not joined to the room');
  const senderLevel = levelOf(ctx, pdu.sender);
  if (membershipOf(state, target) === 'ban' && senderLevel < actionLevel(state, 'ban', rules)) {
    return deny('sender power level is below the ban level needed to unban');
  }
  if (senderLevel >= actionLevel(state, 'kick', rules) && levelOf(ctx, target) < senderLevel) return allow();
  return deny('sender may not kick this user');
}

// 4.6
function authorizeBan(ctx: AuthContext, target: string): AuthResult {
  const { pdu, state, rules } = ctx;
  if (membershipOf(state, pdu.sender) !== 'join') return deny('sender is not joined to the room');
  const senderLevel = levelOf(ctx, pdu.sender);
  if (senderLevel >= actionLevel(state, 'ban', rules) && levelOf(ctx, target) < senderLevel) return allow();
  return deny('sender may not ban this user');
}

// 4.7
function authorizeKnock(ctx: AuthContext, target: string): AuthResult {
  const { pdu, state, rules } = ctx;
  const joinRule = joinRuleOf(state);
  if (joinRule !== 'knock' && !(joinRule === 'knock_restricted' && rules.knockRestricted)) {
    return deny(`join rule ${joinRule} does not allow knocking`);
  }
  if (pdu.sender !== target) return deny('cannot knock on behalf of another user');
  const current = membershipOf(state, target);
  if (current === 'ban' || current === 'invite' || current === 'join') return deny(`cannot knock with membership ${current}`);
  return allow();
}

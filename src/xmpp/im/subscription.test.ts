// The subscription state machine against RFC 6121 Appendix A, table by table. Each row is
// written as the RFC prints it ("None + Pending Out" -> "no state change"); the machine is
// written as logic, so this is an independent check of every one of the 72 transitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autoApproves, inbound, isPreApproval, normalize, outbound, type SubState, type SubscriptionType } from './subscription.js';

const STATES: Record<string, SubState> = {
  'None': { subscription: 'none', pendingOut: false, pendingIn: false },
  'None + Pending Out': { subscription: 'none', pendingOut: true, pendingIn: false },
  'None + Pending In': { subscription: 'none', pendingOut: false, pendingIn: true },
  'None + Pending Out + In': { subscription: 'none', pendingOut: true, pendingIn: true },
  'To': { subscription: 'to', pendingOut: false, pendingIn: false },
  'To + Pending In': { subscription: 'to', pendingOut: false, pendingIn: true },
  'From': { subscription: 'from', pendingOut: false, pendingIn: false },
  'From + Pending Out': { subscription: 'from', pendingOut: true, pendingIn: false },
  'Both': { subscription: 'both', pendingOut: false, pendingIn: false },
};
// §3.4 pre-approval marks (approved='true'); not rows of Appendix A, only results.
const PRE: Record<string, SubState> = {
  'None + Pre-approved': { subscription: 'none', pendingOut: false, pendingIn: false, preApproved: true },
  'None + Pending Out + Pre-approved': { subscription: 'none', pendingOut: true, pendingIn: false, preApproved: true },
  'To + Pre-approved': { subscription: 'to', pendingOut: false, pendingIn: false, preApproved: true },
};

const NC = 'no state change';
type Table = Record<string, string>;

// Appendix A.2: processing of outbound presence subscription stanzas (the user's client sent them).
const OUTBOUND: Record<SubscriptionType, Table> = {
  subscribe: { // A.2.1
    'None': 'None + Pending Out', 'None + Pending Out': NC, 'None + Pending In': 'None + Pending Out + In',
    'None + Pending Out + In': NC, 'To': NC, 'To + Pending In': NC, 'From': 'From + Pending Out',
    'From + Pending Out': NC, 'Both': NC,
  },
  subscribed: { // A.2.2 ("no state change" rows None, None + Pending Out and To pre-approve, §3.4)
    'None': 'None + Pre-approved', 'None + Pending Out': 'None + Pending Out + Pre-approved', 'None + Pending In': 'From',
    'None + Pending Out + In': 'From + Pending Out', 'To': 'To + Pre-approved', 'To + Pending In': 'Both', 'From': NC,
    'From + Pending Out': NC, 'Both': NC,
  },
  unsubscribe: { // A.2.3
    'None': NC, 'None + Pending Out': 'None', 'None + Pending In': NC, 'None + Pending Out + In': 'None + Pending In',
    'To': 'None', 'To + Pending In': 'None + Pending In', 'From': NC, 'From + Pending Out': 'From', 'Both': 'From',
  },
  unsubscribed: { // A.2.4
    'None': NC, 'None + Pending Out': NC, 'None + Pending In': 'None', 'None + Pending Out + In': 'None + Pending Out',
    'To': NC, 'To + Pending In': 'To', 'From': 'None', 'From + Pending Out': 'None + Pending Out', 'Both': 'To',
  },
};

// Appendix A.3: processing of inbound presence subscription stanzas (they came from the contact).
const INBOUND: Record<SubscriptionType, Table> = {
  subscribe: { // A.3.1 (the "From", "From + Pending Out" and "Both" rows are auto-replied)
    'None': 'None + Pending In', 'None + Pending Out': 'None + Pending Out + In', 'None + Pending In': NC,
    'None + Pending Out + In': NC, 'To': 'To + Pending In', 'To + Pending In': NC, 'From': NC,
    'From + Pending Out': NC, 'Both': NC,
  },
  subscribed: { // A.3.2
    'None': NC, 'None + Pending Out': 'To', 'None + Pending In': NC, 'None + Pending Out + In': 'To + Pending In',
    'To': NC, 'To + Pending In': NC, 'From': NC, 'From + Pending Out': 'Both', 'Both': NC,
  },
  unsubscribe: { // A.3.3
    'None': NC, 'None + Pending Out': NC, 'None + Pending In': 'None', 'None + Pending Out + In': 'None + Pending Out',
    'To': NC, 'To + Pending In': 'To', 'From': 'None', 'From + Pending Out': 'None + Pending Out', 'Both': 'To',
  },
  unsubscribed: { // A.3.4
    'None': NC, 'None + Pending Out': 'None', 'None + Pending In': NC, 'None + Pending Out + In': 'None + Pending In',
    'To': 'None', 'To + Pending In': 'None + Pending In', 'From': NC, 'From + Pending Out': 'From', 'Both': 'From',
  },
};

function nameOf(s: SubState | null): string {
  if (s === null) return NC;
  const found = Object.entries({ ...STATES, ...PRE }).find(([, v]) => v.subscription === s.subscription && v.pendingOut === s.pendingOut
    && v.pendingIn === s.pendingIn && !!v.preApproved === !!s.preApproved);
  return found ? found[0] : JSON.stringify(s);
}

for (const [direction, tables, fn] of [['outbound (A.2)', OUTBOUND, outbound], ['inbound (A.3)', INBOUND, inbound]] as const) {
  for (const [type, table] of Object.entries(tables) as [SubscriptionType, Table][]) {
    test(`subscription ${direction}: ${type}`, () => {
      assert.equal(Object.keys(table).length, 9);
      for (const [from, expected] of Object.entries(table)) {
        assert.equal(nameOf(fn(STATES[from]!, type)), expected, `${type} in state ${from}`);
      }
    });
  }
}

test('subscription: the server answers a subscribe from an already subscribed contact (§3.1.3)', () => {
  const auto = Object.keys(STATES).filter((s) => autoApproves(STATES[s]!, 'subscribe'));
  assert.deepEqual(auto, ['From', 'From + Pending Out', 'Both']);
  assert.equal(autoApproves(STATES['Both']!, 'subscribed'), false);
});

test('pre-approval (§3.4): a later subscribe is approved by the server; unsubscribed withdraws it; it ends once subscribed', () => {
  assert.equal(isPreApproval(STATES['None']!, 'subscribed'), true);
  assert.equal(isPreApproval(STATES['To']!, 'subscribed'), true);
  assert.equal(isPreApproval(STATES['None + Pending In']!, 'subscribed'), false, 'that is an ordinary approval');
  assert.equal(isPreApproval(STATES['From']!, 'subscribed'), false);
  assert.equal(autoApproves(PRE['None + Pre-approved']!, 'subscribe'), true);
  assert.equal(nameOf(inbound(PRE['None + Pre-approved']!, 'subscribe')), 'From');
  assert.equal(nameOf(inbound(PRE['None + Pending Out + Pre-approved']!, 'subscribe')), 'From + Pending Out');
  assert.equal(nameOf(inbound(PRE['To + Pre-approved']!, 'subscribe')), 'Both');
  assert.equal(nameOf(outbound(PRE['None + Pre-approved']!, 'unsubscribed')), 'None');
  assert.equal(nameOf(outbound(PRE['To + Pre-approved']!, 'unsubscribed')), 'To');
  assert.equal(nameOf(outbound(PRE['None + Pre-approved']!, 'subscribed')), NC, 'pre-approving twice changes nothing');
  assert.equal(nameOf(inbound(PRE['None + Pending Out + Pre-approved']!, 'subscribed')), 'To + Pre-approved', 'the other half keeps it');
  assert.equal(normalize({ subscription: 'from', pendingOut: false, pendingIn: false, preApproved: true }).preApproved, false);
});

test('subscription: impossible stored combinations are read as their RFC state', () => {
  assert.equal(nameOf(normalize({ subscription: 'both', pendingOut: true, pendingIn: true })), 'Both');
  assert.equal(nameOf(normalize({ subscription: 'to', pendingOut: true, pendingIn: true })), 'To + Pending In');
});

test('subscription: the full handshake of §3.1 ends in both on both sides', () => {
  // Alice asks Bob, Bob approves and asks back, Alice approves: each stanza is outbound for its
  // sender and inbound for its recipient.
  let alice = STATES['None']!; // Alice's item for Bob
  let bob = STATES['None']!; // Bob's item for Alice
  const send = (who: 'alice' | 'bob', type: SubscriptionType) => {
    if (who === 'alice') {
      alice = outbound(alice, type) ?? alice;
      bob = inbound(bob, type) ?? bob;
    } else {
      bob = outbound(bob, type) ?? bob;
      alice = inbound(alice, type) ?? alice;
    }
  };
  send('alice', 'subscribe');
  assert.equal(nameOf(alice), 'None + Pending Out');
  assert.equal(nameOf(bob), 'None + Pending In');
  send('bob', 'subscribed');
  assert.equal(nameOf(alice), 'To');
  assert.equal(nameOf(bob), 'From');
  send('bob', 'subscribe');
  send('alice', 'subscribed');
  assert.equal(nameOf(alice), 'Both');
  assert.equal(nameOf(bob), 'Both');
  send('alice', 'unsubscribe');
  assert.equal(nameOf(alice), 'From');
  assert.equal(nameOf(bob), 'To');
});

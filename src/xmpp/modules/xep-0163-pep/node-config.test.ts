import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SubmittedForm } from './forms.js';
import { applyConfigForm, checkPreconditions, defaultConfig, maxItemsOf, NS_NODE_CONFIG, NS_PUBLISH_OPTIONS } from './node-config.js';

const form = (formType: string | undefined, fields: Record<string, string>, type = 'submit'): SubmittedForm =>
  ({ type, formType, fields: new Map(Object.entries(fields).map(([k, v]) => [k, [v]])) });

test('publish-options create a node with those options, normalized', () => {
  const r = checkPreconditions(null, form(NS_PUBLISH_OPTIONS, { 'pubsub#access_model': 'open', 'pubsub#persist_items': '1', 'pubsub#max_items': 'max' }));
  assert.ok(r.ok);
  assert.equal(r.config['pubsub#access_model'], 'open');
  assert.equal(r.config['pubsub#persist_items'], 'true');
  assert.equal(maxItemsOf(r.config), 1000);
});

test('publish-options on an existing node must match it; unknown fields fail; wrong forms are bad requests', () => {
  const existing = { ...defaultConfig(), 'pubsub#access_model': 'open' };
  assert.ok(checkPreconditions(existing, form(NS_PUBLISH_OPTIONS, { 'pubsub#access_model': 'open', 'pubsub#persist_items': 'true' })).ok);
  const mismatch = checkPreconditions(existing, form(NS_PUBLISH_OPTIONS, { 'pubsub#access_model': 'whitelist' }));
  assert.deepEqual(mismatch.ok ? null : mismatch.error, 'precondition-not-met');
  assert.ok(checkPreconditions({ ...existing, 'pubsub#max_items': '1000' }, form(NS_PUBLISH_OPTIONS, { 'pubsub#max_items': 'max' })).ok);
  const unknown = checkPreconditions(existing, form(NS_PUBLISH_OPTIONS, { 'pubsub#made_up': 'x' }));
  assert.deepEqual(unknown.ok ? null : unknown.error, 'precondition-not-met');
  for (const bad of [form(undefined, {}), form(NS_NODE_CONFIG, {}), form(NS_PUBLISH_OPTIONS, {}, 'form'),
    form(NS_PUBLISH_OPTIONS, { 'pubsub#max_items': '-3' })]) {
    const r = checkPreconditions(null, bad);
    assert.equal(r.ok ? null : r.error, 'bad-request');
  }
});

test('configure forms: known options applied, unknown or bad values not acceptable, cancel keeps', () => {
  const base = defaultConfig();
  const r = applyConfigForm(base, form(NS_NODE_CONFIG, { 'pubsub#max_items': '10', 'pubsub#notify_retract': '0' }));
  assert.ok(r.ok);
  assert.equal(r.config['pubsub#max_items'], '10');
  assert.equal(r.config['pubsub#notify_retract'], 'false');
  const bad = applyConfigForm(base, form(NS_NODE_CONFIG, { 'pubsub#access_model': 'roster' }));
  assert.equal(bad.ok ? null : bad.error, 'not-acceptable');
  assert.equal(applyConfigForm(base, form(NS_NODE_CONFIG, {}, 'cancel')).ok, true);
  const wrong = applyConfigForm(base, form('urn:other', {}));
  assert.equal(wrong.ok ? null : wrong.error, 'bad-request');
  assert.equal(maxItemsOf({ ...base, 'pubsub#persist_items': 'false', 'pubsub#max_items': '5' }), 1);
});

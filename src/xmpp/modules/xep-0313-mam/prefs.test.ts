import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFragment } from '../../im/payload.js';
import { INITIAL_PREFS, loadPrefs, parsePrefs, prefsElement, storePrefs } from './prefs.js';

const el = (s: string) => parseFragment(s)!;

test('prefs: read, written back, refused when malformed', () => {
  const p = parsePrefs(el(`<prefs xmlns='urn:xmpp:mam:2' default='roster'><always><jid>a@b</jid></always><never><jid>c@d/r</jid></never></prefs>`));
  assert.deepEqual(p, { default: 'roster', always: ['a@b'], never: ['c@d/r'] });
  assert.equal(prefsElement(p!).toString(),
    '<prefs xmlns="urn:xmpp:mam:2" default="roster"><always><jid>a@b</jid></always><never><jid>c@d/r</jid></never></prefs>');
  assert.deepEqual(parsePrefs(el(`<prefs xmlns='urn:xmpp:mam:2' default='always'/>`)), { default: 'always', always: [], never: [] });
  assert.equal(parsePrefs(el(`<prefs xmlns='urn:xmpp:mam:2'/>`)), null);
  assert.equal(parsePrefs(el(`<prefs xmlns='urn:xmpp:mam:2' default='sometimes'/>`)), null);
  assert.equal(parsePrefs(el(`<prefs xmlns='urn:xmpp:mam:2' default='never'><always><jid>@@</jid></always></prefs>`)), null);
});

test('prefs storage: default always; garbage in the store falls back to it', () => {
  const m = new Map<string, string>();
  const kv = { get: (ns: string, k: string) => m.get(`${ns}/${k}`) ?? null, put: (ns: string, k: string, v: string) => { m.set(`${ns}/${k}`, v); } };
  assert.deepEqual(loadPrefs(kv, 'u'), INITIAL_PREFS);
  storePrefs(kv, 'u', { default: 'never', always: ['x@y'], never: [] });
  assert.deepEqual(loadPrefs(kv, 'u'), { default: 'never', always: ['x@y'], never: [] });
  m.set('mam_prefs/u', '{not json');
  assert.deepEqual(loadPrefs(kv, 'u'), INITIAL_PREFS);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { x, type XmlElement } from '../../xml/element.js';
import { onSmNonza, smSettings, type SmStream, type StreamManagement } from './stream-sm.js';

const SM = 'urn:xmpp:sm:3';

/** A stream double that records what the SM logic does to it. */
class FakeStream implements SmStream {
  sm: StreamManagement | null = null;
  out: XmlElement[] = [];
  ended: XmlElement | null = null;
  handedTo: SmStream | null = null;
  woke: XmlElement | null = null;
  constructor(readonly username: string, public resource: string, readonly owner: unknown = 'server') {}
  writeNonza(el: XmlElement): void { this.out.push(el); }
  endWithError(el: XmlElement): void { this.ended = el; }
  handOverTo(old: SmStream): void { this.handedTo = old; }
  wake(after: XmlElement): void { this.woke = after; }
}

const last = (s: FakeStream) => s.out[s.out.length - 1]!;
const tick = () => new Promise((r) => setImmediate(r));

test('enable: only after bind, once; resume and max as asked, max capped by the server', () => {
  const early = new FakeStream('a', '');
  onSmNonza(early, x('enable', { xmlns: SM }));
  assert.equal(last(early).name, 'failed');
  const s = new FakeStream('a', 'r');
  onSmNonza(s, x('enable', { xmlns: SM, resume: 'true', max: String(smSettings.resumeTimeoutSeconds * 10) }));
  const enabled = last(s);
  assert.equal(enabled.name, 'enabled');
  assert.equal(enabled.attr('resume'), 'true');
  assert.equal(enabled.attr('max'), String(smSettings.resumeTimeoutSeconds));
  assert.ok(enabled.attr('id'));
  onSmNonza(s, x('enable', { xmlns: SM }));
  assert.equal(last(s).name, 'failed');
  s.sm!.forget();
});

test('<r/> is answered with the handled count; <a/> beyond what was sent ends the stream', async () => {
  const s = new FakeStream('a', 'r');
  onSmNonza(s, x('enable', { xmlns: SM }));
  s.sm!.counters.received();
  s.sm!.counters.sent('<message/>');
  onSmNonza(s, x('r', { xmlns: SM }));
  await tick();
  assert.equal(last(s).name, 'a');
  assert.equal(last(s).attr('h'), '1');
  onSmNonza(s, x('a', { xmlns: SM, h: 'junk' }));
  assert.equal(s.ended, null, 'an unreadable h is ignored');
  onSmNonza(s, x('a', { xmlns: SM, h: '2' }));
  assert.equal((s.ended as XmlElement | null)?.getChild('handled-count-too-high', SM)?.attr('send-count'), '1');
});

test('resume: same server and account only, h checked, then handed over and woken with <resumed/>', async () => {
  const old = new FakeStream('a', 'r');
  onSmNonza(old, x('enable', { xmlns: SM, resume: 'true' }));
  const id = last(old).attr('id')!;
  old.sm!.counters.sent('<message id="1"/>');
  old.sm!.counters.sent('<message id="2"/>');
  const other = new FakeStream('b', '');
  onSmNonza(other, x('resume', { xmlns: SM, previd: id, h: '0' }));
  assert.equal(last(other).elements()[0]!.name, 'item-not-found');
  const elsewhere = new FakeStream('a', '', 'another server');
  onSmNonza(elsewhere, x('resume', { xmlns: SM, previd: id, h: '0' }));
  assert.equal(last(elsewhere).elements()[0]!.name, 'item-not-found');
  const fresh = new FakeStream('a', '');
  onSmNonza(fresh, x('resume', { xmlns: SM, previd: id, h: '3' }));
  assert.equal(last(fresh).elements()[0]!.name, 'undefined-condition');
  onSmNonza(fresh, x('resume', { xmlns: SM, previd: id, h: '1' }));
  assert.equal(fresh.handedTo, old);
  await tick();
  assert.equal(old.woke?.name, 'resumed');
  assert.equal(old.woke?.attr('previd'), id);
  assert.deepEqual(old.sm!.counters.unacked, ['<message id="2"/>'], 'only what h did not cover is resent');
  old.sm!.forget();
  const late = new FakeStream('a', '');
  onSmNonza(late, x('resume', { xmlns: SM, previd: id, h: '1' }));
  assert.equal(last(late).elements()[0]!.name, 'item-not-found', 'a forgotten session cannot be resumed');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Jid, parseJid, prepDomain, prepLocalpart, prepResource } from './jid.js';

test('parse full, bare and domain JIDs', () => {
  const j = Jid.parse('Alice@Example.ORG/Phone Home')!;
  assert.equal(j.local, 'alice');
  assert.equal(j.domain, 'example.org');
  assert.equal(j.resource, 'Phone Home');
  assert.equal(j.toString(), 'alice@example.org/Phone Home');
  assert.equal(j.bare().toString(), 'alice@example.org');
  assert.equal(j.bareString(), 'alice@example.org');
  assert.equal(j.isBare(), false);
  assert.equal(Jid.parse('example.org')!.toString(), 'example.org');
  assert.equal(Jid.parse('example.org/res')!.resource, 'res');
});

test('resource may contain @ and /', () => {
  const j = Jid.parse('a@b/c@d/e')!;
  assert.equal(j.local, 'a');
  assert.equal(j.resource, 'c@d/e');
});

test('invalid JIDs', () => {
  for (const bad of ['', '@example.org', 'a@', 'a@b/', 'a@b@c', 'a b@c', 'a@exa mple.org', 'a"b@c', 'a@b..c', "a<b@c", 'a@b/\u0001', 'a:b@c', 'a@b_c!d', '/res']) {
    assert.equal(Jid.parse(bad), null, bad);
  }
  assert.equal(parseJid(undefined), null);
});

test('length limits: 1023 bytes per part', () => {
  assert.ok(Jid.parse('a'.repeat(1023) + '@b'));
  assert.equal(Jid.parse('a'.repeat(1024) + '@b'), null);
  assert.equal(Jid.parse('é'.repeat(512) + '@b'), null); // 1024 bytes
  assert.ok(Jid.parse('a@b/' + 'r'.repeat(1023)));
  assert.equal(Jid.parse('a@b/' + 'r'.repeat(1024)), null);
});

test('normalization: case, NFC, trailing dot, IP literals', () => {
  assert.equal(prepLocalpart('JOSÉ'), 'josé');
  assert.equal(prepLocalpart('jose\u0301'), 'josé'); // combining accent → NFC
  assert.equal(prepDomain('Example.org.'), 'example.org');
  assert.equal(prepDomain('[::1]'), '[::1]');
  assert.equal(prepDomain('127.0.0.1'), '127.0.0.1');
  assert.equal(prepDomain('münchen.de'), 'münchen.de');
  assert.equal(prepResource('Laptop\u00A0One'), 'Laptop One');
  assert.equal(prepResource('CaSe'), 'CaSe');
});

test('equality and withResource', () => {
  const a = Jid.parse('alice@example.org/x')!;
  assert.ok(a.equals('ALICE@example.org/x'));
  assert.ok(!a.equals('alice@example.org/X'));
  assert.ok(!a.equals('alice@example.org'));
  assert.ok(!a.equals('not a jid'));
  assert.ok(a.bare().equals(Jid.parse('alice@example.org')));
  assert.equal(a.withResource('y')?.toString(), 'alice@example.org/y');
  assert.equal(a.withResource(''), null);
});

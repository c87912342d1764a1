import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { attributes, decodeEntities, parseOpenGraph } from './html-meta.js';

describe('OpenGraph from HTML', () => {
  it('reads og: meta tags, whatever the quoting and attribute order', () => {
    const og = parseOpenGraph(`<html><head>
      <meta property="og:title" content="Tulips &amp; more">
      <meta content='A field of &#8220;tulips&#8221;' property='og:description' />
      <META PROPERTY=og:image CONTENT=/img/field.png>
      <meta property="og:image:width" content="640"><meta property="og:image:height" content="tall">
      <meta property="og:title" content="second title is ignored">
      <title>The page title</title></head><body>...`);
    assert.deepEqual(og, {
      'og:title': 'Tulips & more', 'og:description': 'A field of \u201ctulips\u201d', 'og:image': '/img/field.png', 'og:image:width': 640,
    });
  });

  it('falls back to <title> and <meta name="description">', () => {
    const og = parseOpenGraph('<title>\n  Plain   page\n</title><meta name="description" content="Just a page.">');
    assert.deepEqual(og, { 'og:title': 'Plain page', 'og:description': 'Just a page.' });
  });

  it('ignores comments and tolerates junk', () => {
    assert.deepEqual(parseOpenGraph('<!-- <meta property="og:title" content="hidden"> --><title>x</title>'), { 'og:title': 'x' });
    assert.deepEqual(parseOpenGraph('<meta property="og:title"><meta><<<>>>&#xD800;'), {});
    assert.deepEqual(parseOpenGraph(''), {});
  });

  it('decodes entities and attributes', () => {
    assert.equal(decodeEntities('&lt;a&gt; &#x41;&#66; &bogus; &#0;'), '<a> AB &bogus; &#0;');
    assert.deepEqual([...attributes(' a="1" B=\'2\' c=3 d')], [['a', '1'], ['b', '2'], ['c', '3'], ['d', '']]);
  });
});

// OpenGraph from an HTML page, with our own small scanner (no DOM): the `<meta>` tags' property
// or name and content, and the `<title>`. Enough for link previews; anything it cannot read is
// simply left out. Only the start of a page is looked at (the head is where these live).
import type { JsonObject } from '../../core/events/types.js';

/** Characters of a page looked at: the head of any sane page fits. */
export const SCAN_CHARS = 512 * 1024;
const MAX_VALUE = 2000;

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (all, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : all;
    }
    return NAMED[e.toLowerCase()] ?? all;
  });
}

/** The attributes of one tag's text (after the tag name), lower-cased names. */
export function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /([^\s"'<>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (let m = re.exec(tag); m; m = re.exec(tag)) {
    const name = m[1].toLowerCase();
    if (!out.has(name)) out.set(name, decodeEntities(m[2] ?? m[3] ?? m[4] ?? ''));
  }
  return out;
}

const clean = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, MAX_VALUE);

/**
 * The page's OpenGraph properties (`og:*`, and `<meta name>` ones as fallbacks): og:title falls
 * back to `<title>`, og:description to `<meta name="description">`. The first value of each wins.
 */
export function parseOpenGraph(html: string): JsonObject {
  const text = html.slice(0, SCAN_CHARS).replace(/<!--[\s\S]*?-->/g, '');
  const og: JsonObject = {};
  let description: string | undefined;
  for (const m of text.matchAll(/<meta\b([^>]*)>/gi)) {
    const a = attributes(m[1]);
    const key = (a.get('property') ?? a.get('name') ?? '').toLowerCase();
    const content = a.get('content');
    if (content === undefined || key === '') continue;
    if (key.startsWith('og:') && !(key in og)) og[key] = clean(content);
    if (key === 'description' && description === undefined) description = clean(content);
  }
  if (og['og:title'] === undefined) {
    const t = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(text);
    if (t) og['og:title'] = clean(decodeEntities(t[1]));
  }
  if (og['og:description'] === undefined && description !== undefined) og['og:description'] = description;
  for (const k of ['og:image:width', 'og:image:height']) {
    const v = og[k];
    if (typeof v === 'string') {
      if (/^\d{1,6}$/.test(v)) og[k] = Number(v);
      else delete og[k];
    }
  }
  return og;
}

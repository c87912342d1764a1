// Reading a MAM query (XEP-0313 §4): the data form's filters, the XEP-0059 RSM <set/> and
// <flip-page/>. Pure: every malformed input becomes an error condition, never an exception.
import { Jid } from '../../jid.js';
import type { XmlElement } from '../../xml/element.js';
import { readForm } from './forms.js';

export const NS_MAM = 'urn:xmpp:mam:2';
export const NS_MAM_EXTENDED = 'urn:xmpp:mam:2#extended';
export const NS_RSM = 'http://jabber.org/protocol/rsm';
/** Results sent when the client asks for no page size, and the most it may ask for. */
export const DEFAULT_MAX = 50;
export const MAX_MAX = 250;

export interface MamQuery {
  queryId?: string;
  with?: Jid;
  /** Inclusive bounds on the message time, ms since the epoch. */
  start?: number;
  end?: number;
  afterId?: string;
  beforeId?: string;
  ids?: string[];
  max: number;
  /** RSM paging: after an id, before an id, or before the end (the last page). */
  page: { after: string } | { before: string } | { last: true } | { first: true };
  flip: boolean;
}

export type QueryError = { error: 'bad-request' | 'feature-not-implemented' | 'jid-malformed'; text: string };

const KNOWN = new Set(['FORM_TYPE', 'with', 'start', 'end', 'before-id', 'after-id', 'ids']);

/** XEP-0082 date-time; only full stamps with a zone are accepted. */
export function parseStamp(s: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(s)) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : t;
}

function single(values: string[] | undefined, name: string): string | undefined | QueryError {
  if (values === undefined || values.length === 0) return undefined;
  if (values.length > 1) return { error: 'bad-request', text: `${name} takes one value` };
  return values[0]!;
}

const isError = (v: unknown): v is QueryError => typeof v === 'object' && v !== null && 'error' in v;

export function parseQuery(query: XmlElement): MamQuery | QueryError {
  const q: MamQuery = { max: DEFAULT_MAX, page: { first: true }, flip: false };
  const qid = query.attr('queryid');
  if (qid !== undefined) q.queryId = qid;
  const formEl = query.getChild('x', 'jabber:x:data');
  if (formEl) {
    const form = readForm(formEl);
    if (!form) return { error: 'bad-request', text: 'malformed data form' };
    const ft = form.get('FORM_TYPE');
    if (ft && ft[0] !== NS_MAM) return { error: 'bad-request', text: 'wrong FORM_TYPE' };
    for (const name of form.keys()) {
      if (!KNOWN.has(name)) return { error: 'feature-not-implemented', text: `unknown field ${name}` };
    }
    const withV = single(form.get('with'), 'with');
    if (isError(withV)) return withV;
    if (withV !== undefined) {
      const j = Jid.parse(withV);
      if (!j) return { error: 'jid-malformed', text: 'with is not a JID' };
      q.with = j;
    }
    for (const [field, key] of [['start', 'start'], ['end', 'end']] as const) {
      const v = single(form.get(field), field);
      if (isError(v)) return v;
      if (v === undefined) continue;
      const t = parseStamp(v);
      if (t === null) return { error: 'bad-request', text: `${field} is not a date-time` };
      q[key] = t;
    }
    for (const [field, key] of [['after-id', 'afterId'], ['before-id', 'beforeId']] as const) {
      const v = single(form.get(field), field);
      if (isError(v)) return v;
      if (v !== undefined) q[key] = v;
    }
    const ids = form.get('ids');
    if (ids && ids.length > 0) q.ids = ids;
  }
  const set = query.getChild('set', NS_RSM);
  if (set) {
    const max = set.getChildText('max', NS_RSM);
    if (max !== undefined) {
      if (!/^\d{1,9}$/.test(max.trim())) return { error: 'bad-request', text: 'max is not a number' };
      q.max = Math.min(Number(max.trim()), MAX_MAX);
    }
    const after = set.getChildText('after', NS_RSM);
    const before = set.getChildText('before', NS_RSM);
    if (after !== undefined && before !== undefined) return { error: 'bad-request', text: 'both before and after' };
    if (set.getChild('index', NS_RSM)) return { error: 'feature-not-implemented', text: 'index paging is not supported' };
    if (after !== undefined) {
      if (after === '') return { error: 'bad-request', text: 'empty after' };
      q.page = { after };
    } else if (before !== undefined) {
      q.page = before === '' ? { last: true } : { before };
    }
  }
  q.flip = query.getChild('flip-page', NS_MAM) !== undefined;
  return q;
}

// Path matching for the route table. Templates are split into segments once: a literal, a
// `:param`, or a trailing `:param?` that may be absent or empty (state keys are often ''). The
// raw path is split on '/' before decoding, so an encoded %2F stays inside its parameter.
import type { Method, Route } from './types.js';

interface Segment { literal: string | null; name: string; optional: boolean }

interface Compiled { route: Route; segments: Segment[] }

export type MatchResult =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'bad_method'; allowed: Method[] }
  | { kind: 'bad_encoding' }
  | { kind: 'none' };

function compile(path: string): Segment[] {
  return path.split('/').map((part, i, all) => {
    if (!part.startsWith(':')) return { literal: part, name: '', optional: false };
    const optional = part.endsWith('?');
    if (optional && i !== all.length - 1) throw new Error(`optional parameter must be last: ${path}`);
    return { literal: null, name: part.slice(1, optional ? -1 : undefined), optional };
  });
}

/** Decodes the parameters of a matching template; undefined if the template does not match. */
function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const last = segments[segments.length - 1];
  const lengthOk = parts.length === segments.length || (last.optional && parts.length === segments.length - 1);
  if (!lengthOk) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const part = parts[i];
    if (seg.literal !== null) {
      if (part !== seg.literal) return undefined;
    } else if (part === undefined || part === '') {
      if (!seg.optional) return undefined;
      params[seg.name] = '';
    } else {
      params[seg.name] = decodeURIComponent(part);
    }
  }
  return params;
}

export class Router {
  /**
   * The templates that can match a path of each segment count, in table order (a template
   * with a trailing optional parameter is in two lists): a request looks only at those.
   */
  private readonly byLength = new Map<number, Compiled[]>();

  constructor(routes: Route[]) {
    for (const route of routes) {
      const c = { route, segments: compile(route.path) };
      const n = c.segments.length;
      for (const len of c.segments[n - 1].optional ? [n - 1, n] : [n]) {
        let list = this.byLength.get(len);
        if (!list) this.byLength.set(len, (list = []));
        list.push(c);
      }
    }
  }

  match(method: string, pathname: string): MatchResult {
    const parts = pathname.split('/');
    const allowed: Method[] = [];
    try {
      for (const c of this.byLength.get(parts.length) ?? []) {
        const params = matchSegments(c.segments, parts);
        if (params === undefined) continue;
        if (c.route.method === method) return { kind: 'found', route: c.route, params };
        allowed.push(c.route.method);
      }
    } catch (err) {
      if (err instanceof URIError) return { kind: 'bad_encoding' };
      throw err;
    }
    return allowed.length > 0 ? { kind: 'bad_method', allowed } : { kind: 'none' };
  }
}

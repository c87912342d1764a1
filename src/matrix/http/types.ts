// Endpoints are data: method, path template, auth mode and a thin handler (ruma's style, DESIGN §2).
// A handler returns the JSON body of a 200 response, or throws a MatrixError.

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type AuthMode = 'required' | 'optional' | 'none';

export interface Requester {
  userId: string;
  deviceId: string;
  accessToken: string;
  /** The account is locked: only routes marked `whileLocked` answer (spec "Account locking"). */
  locked?: boolean;
}

/** Whether the client went away before its response was sent. */
export interface ClientWatch {
  readonly gone: boolean;
  /** Calls `fn` once when the client goes away; the function returned cancels that. */
  onGone(fn: () => void): () => void;
}

export interface RequestCtx {
  /** Path parameters, percent-decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body; undefined for GET/DELETE and for an empty body. */
  body: unknown;
  requester: Requester | null;
  /** Aborted when the client goes away (for APIs that take an AbortSignal). */
  signal: AbortSignal;
  /** The same, for long-polls: cheaper than an AbortSignal, which each one made (EventTarget). */
  client: ClientWatch;
  /** The client's address as the socket sees it (rate limits); no proxy header is trusted. */
  ip?: string;
}

export interface AuthedCtx extends RequestCtx {
  requester: Requester;
}

export type Handler<C> = (ctx: C) => unknown;

export type Route =
  | { method: Method; path: string; auth: 'required'; whileLocked?: true; handler: Handler<AuthedCtx> }
  | { method: Method; path: string; auth: 'optional' | 'none'; whileLocked?: true; handler: Handler<RequestCtx> };

// Reading a JSON request body under the configured size limit (DESIGN §6: request body limits).
import type { IncomingMessage } from 'node:http';
import { ErrCode, MatrixError } from '../errors.js';

const tooLarge = () => new MatrixError(413, ErrCode.TOO_LARGE, 'Request body too large');

export function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * The parsed body, or undefined when there is none. Throws M_TOO_LARGE, M_NOT_JSON, or M_BAD_JSON
 * for a "__proto__" key: handlers index plain objects by keys from the body (user ids, device
 * ids), and that one key would reach Object.prototype. No Matrix client sends it.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const raw = await readRaw(req, limit);
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new MatrixError(400, ErrCode.NOT_JSON, 'Content not JSON.');
  }
  // The key can also be spelt with \u escapes; only then is the whole body walked.
  if ((text.includes('__proto__') || text.includes('\\u')) && hasProtoKey(body)) {
    throw new MatrixError(400, ErrCode.BAD_JSON, 'The key "__proto__" is not accepted');
  }
  return body;
}

/** Walks with a stack of its own: a body may nest deeper than the call stack goes. */
function hasProtoKey(body: unknown): boolean {
  const todo: unknown[] = [body];
  while (todo.length > 0) {
    const v = todo.pop();
    if (Array.isArray(v)) for (const inner of v) todo.push(inner);
    else if (v !== null && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) {
        if (k === '__proto__') return true;
        todo.push(inner);
      }
    }
  }
  return false;
}

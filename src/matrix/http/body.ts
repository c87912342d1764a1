// Reading a JSON request body under the configured size limit (DESIGN §6: request body limits).
import type { IncomingMessage } from 'node:http';
import { ErrCode, MatrixError } from '../errors.js';

const tooLarge = () => new MatrixError(413, ErrCode.TOO_LARGE, 'Request body too large');

function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
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

/** The parsed body, or undefined when there is none. Throws M_TOO_LARGE or M_NOT_JSON. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const raw = await readRaw(req, limit);
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new MatrixError(400, ErrCode.NOT_JSON, 'Content not JSON.');
  }
}

// Debian's python3-slixmpp as an independent XMPP client: the tests run small scripts from
// test/integration/slixmpp/ with Debian's Python (another python3 on PATH cannot see its packages).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';

/** The source path of a script (tests run from dist/test/integration/). */
export function slixmppScript(name: string): string {
  return fileURLToPath(new URL(`../../../../test/integration/slixmpp/${name}`, import.meta.url));
}

export function runPython(args: string[], timeout = 25_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(PYTHON, args, { timeout }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

// Ordered handler lists (Prosody-style priorities: higher runs first, equal ones in load order).
import type { C2sLogger } from './stream/types.js';

interface Entry<H> { handler: H; priority: number }

export class HookList<H extends (...args: never[]) => unknown> {
  private entries: Entry<H>[] = [];

  add(handler: H, priority = 0): void {
    this.entries.push({ handler, priority });
    this.entries.sort((a, b) => b.priority - a.priority); // Array.prototype.sort is stable
  }

  /**
   * Calls handlers in order until one returns true. A throwing handler is logged and skipped,
   * so one faulty module cannot stop the others or the process.
   */
  runUntilHandled(logger: C2sLogger, what: string, ...args: Parameters<H>): boolean {
    for (const { handler } of this.entries) {
      try {
        if (handler(...args) === true) return true;
      } catch (err) {
        logger.warn({ err }, `xmpp: ${what} handler failed`);
      }
    }
    return false;
  }

  /** Calls every handler (notifications). */
  runAll(logger: C2sLogger, what: string, ...args: Parameters<H>): void {
    for (const { handler } of this.entries) {
      try {
        handler(...args);
      } catch (err) {
        logger.warn({ err }, `xmpp: ${what} handler failed`);
      }
    }
  }
}

// Downloads of a created-but-not-yet-uploaded id wait in memory for the upload (spec timeout_ms),
// woken by the upload itself rather than by polling the database.
export class PendingWaiters {
  private readonly waiting = new Map<string, Set<() => void>>();

  /** Resolves when the id is woken, the time is up, or the signal aborts (never rejects). */
  wait(id: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiting.get(id) ?? new Set<() => void>();
      this.waiting.set(id, set);
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0 && this.waiting.get(id) === set) this.waiting.delete(id);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done);
      set.add(done);
    });
  }

  wake(id: string): void {
    for (const done of [...(this.waiting.get(id) ?? [])]) done();
  }
}

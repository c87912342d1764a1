// A value read at most once per turn of the event loop (until the current microtasks have run).
// PRAGMA data_version is asked two or three times by every request (token cache, token expiry,
// account restrictions): a few µs each as a SQLite statement, several per cent of a message's
// cost. Another process's commit is still seen by the next request, which runs in a later turn.
export function oncePerTurn<T>(read: () => T): () => T {
  let known = false;
  let value: T;
  const forget = () => { known = false; };
  return () => {
    if (!known) {
      value = read();
      known = true;
      queueMicrotask(forget);
    }
    return value;
  };
}

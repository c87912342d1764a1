// The logging surface the core needs; pino's logger satisfies it, and tests can pass a silent one.
export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export const silentLogger: Logger = {
  info() {}, warn() {}, error() {}, debug() {},
  child() { return silentLogger; },
};

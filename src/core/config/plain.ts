// The parts of config handling that the running server needs, kept apart from load.ts so that
// importing them does not load the YAML parser and the schema validator (see load-isolated.ts).

export class ConfigError extends Error {}

export function splitHostPort(s: string): [string, number] {
  const i = s.lastIndexOf(':');
  return [s.slice(0, i), Number(s.slice(i + 1))];
}

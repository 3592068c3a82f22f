// The logging surface the shared-state and cache modules need; a pino logger satisfies it.
export interface StateLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export const silentLogger: StateLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

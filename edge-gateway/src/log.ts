// Structured logs: one JSON object per line on stderr (stdout is kept for data, e.g. `read --once`).

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose lines all carry these fields too (e.g. `{ device: 'plc-1' }`). */
  child(fields: LogFields): Logger;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  // Some libraries (modbus-serial) reject with plain objects shaped like errors.
  if (
    typeof error === 'object' &&
    error !== null &&
    'message' in error &&
    typeof error.message === 'string'
  ) {
    return error.message;
  }
  return JSON.stringify(error) ?? String(error);
}

export function createLogger(
  options: { level?: LogLevel; fields?: LogFields; write?: (line: string) => void } = {},
): Logger {
  const level = rank[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const base = options.fields ?? {};
  const emit = (lvl: LogLevel, message: string, fields?: LogFields) => {
    if (rank[lvl] < level) return;
    const entry: LogFields = { ts: new Date().toISOString(), level: lvl, msg: message, ...base, ...fields };
    if (entry.error !== undefined && typeof entry.error !== 'string') entry.error = errorMessage(entry.error);
    write(`${JSON.stringify(entry)}\n`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

/** For tests and `read --once` callers that want silence. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

export interface Throttle {
  /** True when the last true was at least intervalMs ago (or never). */
  (): boolean;
  /** The next call returns true again (a new episode begins). */
  reset(): void;
}

/**
 * A gate that opens at most once per intervalMs: a condition that repeats (a PLC that stays away, a
 * buffer that stays full) stays visible in the log without flooding it.
 */
export function throttle(intervalMs: number, now: () => number = Date.now): Throttle {
  let last = Number.NEGATIVE_INFINITY;
  const due = (() => {
    const t = now();
    if (t - last < intervalMs) return false;
    last = t;
    return true;
  }) as Throttle;
  due.reset = () => {
    last = Number.NEGATIVE_INFINITY;
  };
  return due;
}

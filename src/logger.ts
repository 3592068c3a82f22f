// The one pino logger: JSON lines, secrets redacted wherever they might appear.
import { pino, type Logger } from 'pino';
import { BatchedLines } from './log-destination.js';

export type { Logger };

const CENSOR = '[redacted]';

/** Exact paths, redacted by pino itself. */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  'config.auth.keys',
];

/**
 * Fields censored one level down in any logged value (`{ err: { password } }`, `{ source: { token } }`):
 * what pino's `*.password`-style wildcard paths did, in one pass. Those wildcards made pino run
 * its redactor over every field of every line (~12 µs a line, half the cost of the per-search
 * info event); this pass only looks at object-valued fields and copies nothing unless it censors.
 */
const SECRET_FIELDS = ['password', 'token', 'api_key', 'apiKey', 'key'] as const;

function censorNested<T extends Record<string, unknown>>(object: T): T {
  let copy: Record<string, unknown> | null = null;
  for (const name in object) {
    const value = object[name];
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    const nested = value as Record<string, unknown>;
    let hit = false;
    for (const field of SECRET_FIELDS) {
      if (nested[field] !== undefined) {
        hit = true;
        break;
      }
    }
    if (!hit) continue;
    // Same prototype and own properties (non-enumerable ones too, so an Error stays an Error for
    // pino's err serializer); the logged object itself is left as it was.
    const censored = Object.create(Object.getPrototypeOf(nested), Object.getOwnPropertyDescriptors(nested)) as Record<string, unknown>;
    for (const field of SECRET_FIELDS) {
      if (censored[field] !== undefined) Object.defineProperty(censored, field, { value: CENSOR, enumerable: true, writable: true, configurable: true });
    }
    copy ??= { ...object };
    copy[name] = censored;
  }
  return (copy ?? object) as T;
}

let timeMs = -1;
let timeField = '';
/** pino's isoTime, formatted once per millisecond: Date#toISOString was 2 % of a cached search. */
function isoTimeOncePerMillisecond(): string {
  const now = Date.now();
  if (now !== timeMs) {
    timeMs = now;
    timeField = `,"time":"${new Date(now).toISOString()}"`;
  }
  return timeField;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'knowledge-mcp' },
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      // Child bindings skip `formatters` in pino; ours are plain strings (component, source).
      formatters: { log: censorNested },
      timestamp: isoTimeOncePerMillisecond,
    },
    destination,
  );
}

/**
 * stdout, a turn's lines written together in one synchronous write at the turn's end. Synchronous
 * as pino's default destination and Node's own stdout on Linux are: a log reader that stops
 * reading blocks the server, as it would block `console.log`, rather than the lines piling up in
 * memory. Asynchronous, each write went through the thread pool and woke a thread, a callback and
 * the loop again: ~2 µs more per cached search (docs/benchmarks.md, "Fourteenth session"). The
 * exit hook is registered before sonic-boom's own, so lines still pending reach it at exit.
 */
export function stdoutPerTurn(): pino.DestinationStream {
  let lines: BatchedLines | null = null;
  process.once('exit', () => lines?.flushSync());
  lines = new BatchedLines(pino.destination({ dest: 1, sync: true }));
  return lines;
}

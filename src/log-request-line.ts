// One request's info line with its other fields serialised once: what a cached search writes for
// each replay of a page. Through pino, the replay's line cost ~2 µs of a ~26 µs cached search with
// Redis: its generic field loop, and call sites inside pino that the JIT sees with every child
// logger of the process (federation, cache, Redis link), so they stay polymorphic.
import { symbols, type Logger } from 'pino';

/** Writes one line: the bound fields, then `reqId` and `took_ms`, then the message. */
export type RequestLine = (requestId: string, tookMs: number) => void;

const INFO = 30;
const DEBUG = 20;
const LINE_FIELDS = ['reqId', 'took_ms'] as const;

interface PinoInternals {
  [symbols.chindingsSym]: unknown;
  [symbols.lsCacheSym]: Record<number, string>;
  [symbols.timeSym]: () => string;
  [symbols.endSym]: string;
  [symbols.messageKeySym]: string;
  [symbols.streamSym]: { write(line: string): unknown; [key: symbol]: unknown };
  [symbols.serializersSym]: Record<string, unknown>;
  [symbols.stringifiersSym]: Record<string | symbol, unknown>;
  [symbols.hooksSym]: { logMethod?: unknown; streamWrite?: unknown };
  [symbols.mixinSym]: unknown;
  [symbols.nestedKeySym]: unknown;
}

/** Whether pino would write `{ reqId, took_ms }` and the message as plain JSON, with nothing run on them. */
function writesPlainly(internals: Logger & PinoInternals): boolean {
  const hooks = internals[symbols.hooksSym];
  const serializers = internals[symbols.serializersSym];
  const stringifiers = internals[symbols.stringifiersSym];
  const messageKey = internals[symbols.messageKeySym];
  return (
    typeof internals[symbols.chindingsSym] === 'string' &&
    internals[symbols.streamSym][symbols.needsMetadataGsym] !== true &&
    !hooks.logMethod &&
    !hooks.streamWrite &&
    !internals[symbols.mixinSym] &&
    !internals[symbols.nestedKeySym] &&
    internals.msgPrefix === undefined &&
    !stringifiers[symbols.wildcardFirstSym] &&
    [...LINE_FIELDS, messageKey].every((field) => !serializers[field] && !stringifiers[field])
  );
}

/**
 * The line `logger.child(bindings).info({ reqId, took_ms }, message)` writes, byte for byte
 * (our `formatters.log` only rewrites object-valued fields, which these two are not). Decided once:
 * with info off it writes nothing; null where pino would do more than serialise (debug on, so the
 * caller's debug line goes out too; hooks, mixins, serializers): the caller then logs through pino.
 */
export function requestLine(logger: Logger, bindings: object, message: string): RequestLine | null {
  if (logger.isLevelEnabled('debug') || logger.levels.values.info !== INFO || logger.levels.values.debug !== DEBUG) return null;
  if (!logger.isLevelEnabled('info')) return () => {};
  const child = logger.child(bindings) as unknown as Logger & PinoInternals;
  if (!writesPlainly(child)) return null;
  const head = child[symbols.lsCacheSym][INFO];
  const chindings = child[symbols.chindingsSym] as string;
  const time = child[symbols.timeSym];
  const stream = child[symbols.streamSym];
  const tail = `,${JSON.stringify(child[symbols.messageKeySym])}:${JSON.stringify(message)}${child[symbols.endSym]}`;
  return (requestId, tookMs) => {
    stream.write(`${head}${time.call(child)}${chindings},"reqId":${JSON.stringify(requestId)},"took_ms":${Number.isFinite(tookMs) ? tookMs : null}${tail}`);
  };
}

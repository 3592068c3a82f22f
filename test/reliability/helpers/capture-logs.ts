// A real pino logger (the app's own, with its redaction) whose JSON lines are kept in memory,
// so tests can read exactly what an operator's log would hold.
import { createLogger, type Logger } from '../../../src/logger.js';

export interface CapturedLogs {
  logger: Logger;
  /** Every line written so far, as written. */
  lines(): string[];
  /** The lines parsed; `level` is pino's number (30 info, 40 warn, 50 error). */
  records(): Array<Record<string, unknown> & { level: number; msg?: string }>;
}

export function captureLogs(level = 'info'): CapturedLogs {
  const lines: string[] = [];
  const logger = createLogger(level, { write: (line: string) => void lines.push(line) });
  return {
    logger,
    lines: () => [...lines],
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown> & { level: number; msg?: string }),
  };
}

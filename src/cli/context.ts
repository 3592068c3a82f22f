// What every CLI command starts from: parsed config (or one line per problem and exit 1) and a logger.
import { CONNECTOR_FACTORIES } from '../composition/connectors.js';
import { ConfigError, loadConfig, type AppConfig } from '../config/load-config.js';
import type pino from 'pino';
import { createLogger, stdoutPerTurn, type Logger } from '../logger.js';

export interface CliContext {
  config: AppConfig;
  logger: Logger;
}

export interface CliContextOptions {
  logLevel?: string;
  /** Write logs to stdout once per event-loop turn (the server: a log line per search must not
   *  cost a write of its own; what is pending is written at exit). */
  logsPerTurn?: boolean;
  /** Where logs go instead (stdio mode: stderr, since stdout carries JSON-RPC). */
  destination?: pino.DestinationStream;
}

export function loadCliContext(configPath: string | undefined, options: CliContextOptions = {}): CliContext {
  try {
    const config = loadConfig({ env: process.env, configPath, cwd: process.cwd(), factories: CONNECTOR_FACTORIES });
    const level = options.logLevel ?? config.logLevel;
    const logger = createLogger(level, options.destination ?? (options.logsPerTurn ? stdoutPerTurn() : undefined));
    return { config, logger };
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`knowledge-mcp: invalid configuration\n${error.problems.map((p) => `  ${p}`).join('\n')}\n`);
      process.exit(1);
    }
    throw error;
  }
}

export function writeLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

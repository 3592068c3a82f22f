// What every CLI command starts from: parsed config (or one line per problem and exit 1) and a logger.
import { CONNECTOR_FACTORIES } from '../../connectors/registry.js';
import { ConfigError, loadConfig, type AppConfig } from '../config/load-config.js';
import { createLogger, type Logger } from '../logger.js';

export interface CliContext {
  config: AppConfig;
  logger: Logger;
}

export function loadCliContext(configPath: string | undefined, options: { logLevel?: string } = {}): CliContext {
  try {
    const config = loadConfig({ env: process.env, configPath, cwd: process.cwd(), factories: CONNECTOR_FACTORIES });
    const logger = createLogger(options.logLevel ?? config.logLevel);
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

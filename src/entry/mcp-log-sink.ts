import type { Logger } from '../http/logger.js';

/**
 * Routes the `/mcp` endpoint's structured lines to the gateway's logger at
 * the level each line names (`debug` for a client that hung up mid-body,
 * `error` for a fault), so LOG_LEVEL applies to them like to every other line.
 */
export function mcpLogSink(logger: Logger): (line: object) => void {
  return (line) => {
    const level = 'level' in line ? line.level : 'error';
    const detail = JSON.stringify(line);
    if (level === 'debug') logger.debug('mcp', { detail });
    else if (level === 'info') logger.info('mcp', { detail });
    else if (level === 'warn') logger.warn('mcp', { detail });
    else logger.error('mcp', { detail });
  };
}

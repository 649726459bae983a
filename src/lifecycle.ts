/**
 * Graceful shutdown for long-running processes: on SIGTERM/SIGINT run the closers in order
 * (stop accepting work, drain, release pools), then exit. A second signal or the timeout
 * forces the exit so an orchestrator is never left waiting forever.
 */
import type { Logger } from 'pino';

export function onShutdown(logger: Logger, timeoutMs: number, closers: Array<() => Promise<void>>): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out: exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    let code = 0;
    for (const close of closers) {
      try {
        await close();
      } catch (err) {
        code = 1;
        logger.error({ err }, 'error during shutdown');
      }
    }
    logger.info('stopped');
    process.exit(code);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

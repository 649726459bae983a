import { parseArgs, type ParseArgsConfig } from 'node:util';

/**
 * A `prognos` subcommand. One file per subcommand under src/cli/, registered in main.ts.
 * `run` returns the process exit code; it throws `UsageError` for bad flags so main.ts can print
 * the usage line and exit 2 without a stack trace.
 */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
  /** Longer `--help` than the usage line, given the command's other arguments (`--kind rul`). */
  help?(args: string[]): string;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** node:util's parseArgs, its errors (unknown flag, missing value) as a UsageError: the one place
 * every subcommand parses its flags. */
export function parseFlags<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

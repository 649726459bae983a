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

/** The `prognos` command. One file per subcommand; this only dispatches. */
import { ConfigError } from '../config.js';
import { DataDirLockedError } from '../db/data-dir-lock.js';
import { DatabaseUnreachableError } from '../db/wait-for-database.js';
import { isDatabaseUnavailable } from '../errors.js';
import { UsageError, type Command } from './command.js';
import { healthcheckCommand } from './healthcheck.js';

/** The commands `name` may be. The containers' healthcheck runs every 15 to 30 s: it loads only
 * its own module (~0.15 s, 40 MB), not every command's (TF.js, Fastify, BullMQ: ~1.7 s, 150 MB). */
async function commandsFor(name: string): Promise<Command[]> {
  if (name === healthcheckCommand.name) return [healthcheckCommand];
  return (await import('./commands.js')).commands;
}

function help(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: prognos <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `prognos <command> --help` for a command’s options.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const commands = await commandsFor(name ?? '');
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help(commands)}\n`);
    return name ? 0 : 2;
  }
  // `prognos eval cmapss ...` style: the first two words can name a command.
  const command =
    commands.find((c) => c.name === name) ?? commands.find((c) => c.name === `${name} ${rest[0]}`);
  if (!command) {
    process.stderr.write(`prognos: unknown command "${name}"\n\n${help(commands)}\n`);
    return 2;
  }
  const args = command.name.includes(' ') ? rest.slice(1) : rest;
  if (args.includes('--help') || args.includes('-h')) {
    const more = command.help?.(args);
    process.stdout.write(`${command.summary}\n\nUsage: ${command.usage}\n${more ? `\n${more}\n` : ''}`);
    return 0;
  }
  try {
    return await command.run(args);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`prognos ${command.name}: ${err.message}\nUsage: ${command.usage}\n`);
      return 2;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 78; // EX_CONFIG
    }
    if (err instanceof DatabaseUnreachableError || err instanceof DataDirLockedError) {
      process.stderr.write(`prognos ${command.name}: ${err.message}\n`);
      // EX_UNAVAILABLE; EX_TEMPFAIL for a data directory another process holds (retry later).
      return err instanceof DataDirLockedError ? 75 : 69;
    }
    // Commands that open the database without waiting for it (import, keys, simulate): the
    // driver's message already names host:port, a stack trace would add nothing.
    if (isDatabaseUnavailable(err)) {
      process.stderr.write(`prognos ${command.name}: PostgreSQL unavailable: ${(err as Error).message}\n`);
      return 69;
    }
    throw err;
  }
}

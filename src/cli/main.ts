/** The `prognos` command. One file per subcommand; this only dispatches. */
import { ConfigError } from '../config.js';
import { DataDirLockedError } from '../db/data-dir-lock.js';
import { DatabaseUnreachableError } from '../db/wait-for-database.js';
import { isDatabaseUnavailable } from '../errors.js';
import { UsageError, type Command } from './command.js';
import { cmmsCommand } from './cmms.js';
import { demoCommand } from './demo.js';
import { evalAi4iCommand } from './eval-ai4i.js';
import { evalCmapssCommand } from './eval-cmapss.js';
import { evalCwruCommand } from './eval-cwru.js';
import { evalFemtoCommand } from './eval-femto.js';
import { featuresCommand } from './features.js';
import { healthcheckCommand } from './healthcheck.js';
import { importCommand } from './import.js';
import { keysCommand } from './keys.js';
import { migrateCommand } from './migrate.js';
import { mqttCommand } from './mqtt.js';
import { opcuaCommand } from './opcua.js';
import { modelsCommand } from './models.js';
import { serveCommand } from './serve.js';
import { simulateCommand } from './simulate.js';
import { suggestionsCommand } from './suggestions.js';
import { trainCommand } from './train.js';
import { workerCommand } from './worker.js';

const commands: Command[] = [
  demoCommand,
  serveCommand,
  workerCommand,
  migrateCommand,
  healthcheckCommand,
  featuresCommand,
  modelsCommand,
  trainCommand,
  keysCommand,
  suggestionsCommand,
  cmmsCommand,
  importCommand,
  mqttCommand,
  opcuaCommand,
  simulateCommand,
  evalCmapssCommand,
  evalCwruCommand,
  evalFemtoCommand,
  evalAi4iCommand,
];

function help(): string {
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
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${help()}\n`);
    return name ? 0 : 2;
  }
  // `prognos eval cmapss ...` style: the first two words can name a command.
  const command =
    commands.find((c) => c.name === name) ?? commands.find((c) => c.name === `${name} ${rest[0]}`);
  if (!command) {
    process.stderr.write(`prognos: unknown command "${name}"\n\n${help()}\n`);
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

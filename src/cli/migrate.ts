import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { appliedMigrations, migrate, readMigrations } from '../db/migrator.js';
import { waitForDatabase } from '../db/wait-for-database.js';
import { stderrLogger } from './cli-context.js';
import { parseFlags, type Command } from './command.js';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply pending database migrations (or list them with --status)',
  usage: 'prognos migrate [--status]',
  async run(args) {
    const { values } = parseFlags({ args, options: { status: { type: 'boolean', default: false } } });
    const config = loadConfig();
    const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
    try {
      // A migration step in a deployment may run while the database is still starting.
      if (config.databaseUrl)
        await waitForDatabase(database, {
          url: config.databaseUrl,
          waitMs: config.dbStartupWaitMs,
          // stderr: stdout is this command's report.
          logger: stderrLogger(config),
        });
      if (values.status) {
        const all = readMigrations();
        const applied = new Set(await appliedMigrations(database.db));
        for (const m of all)
          process.stdout.write(`${applied.has(m.name) ? 'applied' : 'pending'}  ${m.name}\n`);
        return 0;
      }
      const { applied, skipped } = await migrate(database.db);
      process.stdout.write(`applied ${applied.length} migration(s), ${skipped.length} already applied\n`);
      for (const name of applied) process.stdout.write(`  + ${name}\n`);
      return 0;
    } finally {
      await database.close();
    }
  },
};

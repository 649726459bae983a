import { createApiKey, listApiKeys, revokeApiKey, SCOPES } from '../auth/api-keys.js';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrator.js';
import type { Scope } from '../db/schema.js';
import { parseFlags, UsageError, type Command } from './command.js';

const USAGE = `prognos keys create --name NAME --scopes read,ingest,cmms,admin
       prognos keys list
       prognos keys revoke ID`;

/** API keys for the CMMS, the dashboard and scripts. The key is printed once. */
export const keysCommand: Command = {
  name: 'keys',
  summary: 'Create, list and revoke API keys',
  usage: USAGE,
  async run(args) {
    const parsed = parseFlags({
      args,
      allowPositionals: true,
      options: { name: { type: 'string' }, scopes: { type: 'string' } },
    });
    const [action, id] = parsed.positionals;
    const config = loadConfig();
    const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
    try {
      await migrate(database.db);
      if (action === 'create') {
        if (!parsed.values.name) throw new UsageError('--name is required');
        const scopes = (parsed.values.scopes ?? 'read').split(',').map((s) => s.trim()) as Scope[];
        const bad = scopes.filter((s) => !SCOPES.includes(s));
        if (bad.length)
          throw new UsageError(`--scopes: unknown scope(s) ${bad.join(', ')}; use ${SCOPES.join(', ')}`);
        const k = await createApiKey(database.db, parsed.values.name, scopes);
        process.stderr.write(
          `API key ${k.id} (${k.scopes.join(', ')}) — store it now, it is not shown again:\n`,
        );
        process.stdout.write(`${k.key}\n`);
        return 0;
      }
      if (action === 'list') {
        for (const k of await listApiKeys(database.db)) {
          process.stdout.write(
            `${String(k.id).padEnd(5)} ${k.name.padEnd(24)} pk_${k.prefix}_…  ${k.scopes.join(',').padEnd(24)} ${k.revoked_at ? 'revoked' : 'active'}\n`,
          );
        }
        return 0;
      }
      if (action === 'revoke') {
        const n = Number(id);
        if (!Number.isInteger(n) || n < 1) throw new UsageError('ID must be a positive integer');
        if (!(await revokeApiKey(database.db, n))) {
          process.stderr.write(`no active key ${n}\n`);
          return 1;
        }
        process.stdout.write(`revoked key ${n}\n`);
        return 0;
      }
      throw new UsageError(action ? `unknown action "${action}"` : 'an action is required');
    } finally {
      await database.close();
    }
  },
};

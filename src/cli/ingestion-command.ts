import { loadConfig, type Config } from '../config.js';
import { createContext, type AppContext } from '../context.js';
import { onShutdown } from '../lifecycle.js';
import { UsageError, type Command } from './command.js';

interface IngestionCommandSpec extends Omit<Command, 'run'> {
  /** Why this configuration cannot run the client (its variable unset), or undefined. */
  missing(config: Config): string | undefined;
  /** Starts the client; a throw (a bad mapping) closes the context and ends the command. */
  start(config: Config, ctx: AppContext): Promise<{ close(): Promise<void> }>;
}

/**
 * A live-data client on its own (`prognos mqtt`, `prognos opcua`; `prognos worker` runs the
 * same clients beside its jobs): it runs until a signal, then closes the client (which stores
 * what it holds) before the context.
 */
export function ingestionCommand({ missing, start, ...command }: IngestionCommandSpec): Command {
  return {
    ...command,
    async run(args) {
      if (args.length > 0) throw new UsageError(`unexpected argument "${args[0]}"`);
      const config = loadConfig();
      const why = missing(config);
      if (why !== undefined) throw new UsageError(why);
      const ctx = await createContext(config);
      const client = await start(config, ctx).catch(async (err: unknown) => {
        await ctx.close();
        throw err;
      });
      onShutdown(ctx.logger, config.shutdownTimeoutMs, [() => client.close(), () => ctx.close()]);
      await new Promise(() => {}); // runs until a signal stops it
      return 0;
    },
  };
}

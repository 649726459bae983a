import { loadConfig } from '../config.js';
import { createContext } from '../context.js';
import { onShutdown } from '../lifecycle.js';
import { startOpcua } from '../worker.js';
import { UsageError, type Command } from './command.js';

/** The OPC UA client on its own (`prognos worker` also runs it when OPCUA_ENDPOINT is set). */
export const opcuaCommand: Command = {
  name: 'opcua',
  summary: 'Ingest live readings from an OPC UA server (needs OPCUA_ENDPOINT and OPCUA_CONFIG)',
  usage: 'prognos opcua',
  async run(args) {
    if (args.length > 0) throw new UsageError(`unexpected argument "${args[0]}"`);
    const config = loadConfig();
    if (!config.opcua) throw new UsageError('OPCUA_ENDPOINT and OPCUA_CONFIG are not set');
    const ctx = await createContext(config);
    const ingestor = await startOpcua(config, ctx).catch(async (err: unknown) => {
      await ctx.close();
      throw err;
    });
    onShutdown(ctx.logger, config.shutdownTimeoutMs, [() => ingestor!.close(), () => ctx.close()]);
    await new Promise(() => {});
    return 0;
  },
};

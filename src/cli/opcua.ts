import { startOpcua } from '../worker.js';
import { ingestionCommand } from './ingestion-command.js';

/** The OPC UA client on its own (`prognos worker` also runs it when OPCUA_ENDPOINT is set). */
export const opcuaCommand = ingestionCommand({
  name: 'opcua',
  summary: 'Ingest live readings from an OPC UA server (needs OPCUA_ENDPOINT and OPCUA_CONFIG)',
  usage: 'prognos opcua',
  missing: (config) => (config.opcua ? undefined : 'OPCUA_ENDPOINT and OPCUA_CONFIG are not set'),
  // Defined: `missing` has checked config.opcua. Its close() logs the totals.
  start: async (config, ctx) => (await startOpcua(config, ctx))!,
});

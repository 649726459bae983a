/** Every `prognos` subcommand, in the order `prognos help` lists them. Loaded by main.ts on
 * demand: importing them loads most of the application. */
import type { Command } from './command.js';
import { cmmsCommand } from './cmms.js';
import { demoCommand } from './demo.js';
import { evalAi4iCommand } from './eval-ai4i.js';
import { evalCmapssCommand } from './eval-cmapss.js';
import { evalCwruCommand } from './eval-cwru.js';
import { evalFemtoCommand } from './eval-femto.js';
import { evalTwinCommand } from './eval-twin.js';
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
import { sparkplugCommand } from './sparkplug.js';
import { suggestionsCommand } from './suggestions.js';
import { trainCommand } from './train.js';
import { workerCommand } from './worker.js';

export const commands: Command[] = [
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
  sparkplugCommand,
  simulateCommand,
  evalCmapssCommand,
  evalCwruCommand,
  evalFemtoCommand,
  evalTwinCommand,
  evalAi4iCommand,
];

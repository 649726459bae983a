import { loadConfig } from '../config.js';
import { startWorker } from '../worker.js';
import type { Command } from './command.js';

export const workerCommand: Command = {
  name: 'worker',
  summary: 'Run the BullMQ job processors (needs REDIS_URL)',
  usage: 'prognos worker',
  async run() {
    await startWorker(loadConfig());
    await new Promise(() => {});
    return 0;
  },
};

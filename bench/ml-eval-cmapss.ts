// Runs `prognos eval cmapss` without the CLI dispatcher: node --import tsx bench/ml-eval-cmapss.ts --train ...
import { evalCmapssCommand } from '../src/cli/eval-cmapss.js';
import { UsageError } from '../src/cli/command.js';

try {
  process.exitCode = await evalCmapssCommand.run(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\nusage: ${evalCmapssCommand.usage}\n`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}

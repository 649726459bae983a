#!/usr/bin/env node
// The installed `prognos` command: registers the TypeScript loader, then runs the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
try {
  const code = await main(process.argv.slice(2));
  // One-shot commands end here; flush stdout (it may be a pipe) before exiting so no row is lost,
  // and exit explicitly so a lingering handle (a WASM runtime, a socket) cannot keep us alive.
  await new Promise((resolve) => process.stdout.write('', resolve));
  process.exit(code);
} catch (err) {
  process.stderr.write(`prognos: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}

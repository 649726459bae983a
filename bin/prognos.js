#!/usr/bin/env node
// The installed `prognos` command. In a source checkout it runs src/ through the tsx loader (so
// an edit needs no build step and a stale dist/ is never run); where src/ is absent (the
// container image, built with `npm run build`) it runs the compiled dist/ on plain Node.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const fromSource = existsSync(join(import.meta.dirname, '../src/cli/main.ts'));
let main;
if (fromSource) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
} else {
  ({ main } = await import('../dist/cli/main.js'));
}
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

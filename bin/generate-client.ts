/**
 * `npm run client:generate`: writes the TypeScript types of the HTTP API,
 * clients/typescript/openapi.d.ts, from the OpenAPI document the app serves at /docs/json —
 * built by buildApp without listening, on an in-memory database, with API keys and the rate limit
 * on (the defaults), so the file does not depend on this machine's settings.
 * `npm run client:generate -- --check` writes nothing and exits 1 when the committed file is not
 * what the document gives (tests/client-generated.test.ts makes the same check in `npm test`).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { COMMENT_HEADER, astToString } from 'openapi-typescript';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';

export const CLIENT_TYPES_FILE = fileURLToPath(
  new URL('../clients/typescript/openapi.d.ts', import.meta.url),
);

/** The document GET /docs/json serves under the default settings. */
export async function servedDocument(): Promise<Record<string, unknown>> {
  const modelsDir = mkdtempSync(join(tmpdir(), 'prognos-client-'));
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    PROGNOS_DATA_DIR: 'memory://',
    PROGNOS_MODELS_DIR: modelsDir,
  });
  const ctx = await createContext(config);
  try {
    const app = await buildApp(ctx);
    await app.ready();
    const doc = JSON.parse((await app.inject('/docs/json')).body) as Record<string, unknown>;
    await app.close();
    return doc;
  } finally {
    await ctx.close();
    rmSync(modelsDir, { recursive: true, force: true });
  }
}

/** The generated declarations: openapi-typescript's output, unchanged but for the header. */
export async function generateClientTypes(doc: Record<string, unknown>): Promise<string> {
  const ast = await openapiTS(doc as never, { exportType: false });
  return `${COMMENT_HEADER.replace(' */', ' * Regenerate with `npm run client:generate` (bin/generate-client.ts).\n */')}${astToString(ast)}`;
}

async function main(argv: string[]): Promise<void> {
  const text = await generateClientTypes(await servedDocument());
  if (argv.includes('--check')) {
    const committed = readFileSync(CLIENT_TYPES_FILE, 'utf8');
    if (committed !== text) {
      process.stderr.write(
        'client: clients/typescript/openapi.d.ts is not what the API document gives: run `npm run client:generate` and commit it\n',
      );
      process.exit(1);
    }
    process.stdout.write('client: clients/typescript/openapi.d.ts is up to date\n');
    return;
  }
  writeFileSync(CLIENT_TYPES_FILE, text);
  process.stdout.write(`client: wrote ${CLIENT_TYPES_FILE}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}

// Where the committed samples and the shared real datasets live, for tests and sample scripts.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** `../shared/datasets` beside the checkout; absent on a fresh clone. */
export const sharedDatasetsDir = resolve(repoRoot, '../shared/datasets');

/** Folder of a committed sample, e.g. `sampleDir('femto-sample')`. */
export function sampleDir(name: string): string {
  return resolve(repoRoot, 'datasets', name);
}

/** Path of a shared real dataset folder, and whether it is there. Logs why tests will skip. */
export function sharedDataset(name: string): { dir: string; present: boolean } {
  const dir = resolve(sharedDatasetsDir, name);
  const present = existsSync(dir);
  if (!present) console.info(`skipping full-data tests for ${name}: ${dir} not found (fresh clone)`);
  return { dir, present };
}

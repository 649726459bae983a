/**
 * Where a notebook's data comes from: the full public sets in `../shared/datasets` beside the
 * checkout when they are there (CI has them), else the small committed samples under
 * `datasets/`, so that every notebook still runs top to bottom on a fresh clone. Paths are
 * resolved from this file, never from the kernel's working directory.
 */
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sharedDatasets = resolve(repoRoot, '..', 'shared', 'datasets');
export const sampleDatasets = join(repoRoot, 'datasets');

export interface DataChoice {
  /** Absolute paths, keyed like the request. */
  paths: Record<string, string>;
  full: boolean;
  /** One line for the notebook's output: which data this run used, and why. */
  note: string;
}

/**
 * Picks the full files when every one of them exists under `../shared/datasets`, else the
 * samples (all of which must exist: a missing sample is a broken checkout, not a fallback).
 * `sampleNote` says what the sample lacks, e.g. "engines 1–3 only".
 */
export function chooseData(
  full: Record<string, string>,
  sample: Record<string, string>,
  sampleNote: string,
): DataChoice {
  const fullPaths = mapValues(full, (p) => join(sharedDatasets, p));
  if (Object.values(fullPaths).every((p) => existsSync(p))) {
    return { paths: fullPaths, full: true, note: `Full data from ${shown(sharedDatasets)}.` };
  }
  const samplePaths = mapValues(sample, (p) => join(sampleDatasets, p));
  const missing = Object.values(samplePaths).filter((p) => !existsSync(p));
  if (missing.length > 0) throw new Error(`committed samples missing: ${missing.join(', ')}`);
  return {
    paths: samplePaths,
    full: false,
    note:
      `${shown(sharedDatasets)} not found: using the committed samples under datasets/ ` +
      `(${sampleNote}). Figures below are illustrative, not the full-data results.`,
  };
}

function mapValues(o: Record<string, string>, f: (v: string) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}

/** A path as seen from the repository (`../shared/datasets`), for messages. */
export function shown(path: string): string {
  return relative(repoRoot, path) || '.';
}

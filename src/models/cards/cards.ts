/**
 * Model cards of registered versions: written at registration from the held-out predictions
 * the trainer kept, read by the API and the CLI, and re-rendered on request when those
 * predictions are still beside the artifact.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ModelVersion } from '../../db/schema.js';
import { AppError } from '../../errors.js';
import {
  CARD_FILE,
  FIGURE_NAME,
  isCardFile,
  listCardFiles,
  readCardData,
  writeModelCard,
} from './card-store.js';

export function artifactPath(modelsDir: string, row: ModelVersion): string {
  return path.join(modelsDir, row.artifact_dir);
}

/** Renders the card of `row` from its kept held-out predictions; undefined when none were kept.
 * `keepExisting` leaves a card already there alone (a committed one, found on disk). */
export async function writeCardFor(
  modelsDir: string,
  row: ModelVersion,
  opts: { keepExisting?: boolean } = {},
): Promise<string[] | undefined> {
  const dir = artifactPath(modelsDir, row);
  if (opts.keepExisting && (await listCardFiles(dir)).length > 0) return undefined;
  const data = await readCardData(dir);
  if (!data) return undefined;
  return writeModelCard(dir, {
    name: row.name,
    version: row.version,
    manifest: row.manifest,
    metrics: row.metrics,
    trainingRunId: row.training_run_id,
    data,
  });
}

function noCard(row: ModelVersion): AppError {
  return new AppError(
    'card_not_found',
    404,
    `model ${row.name}@${row.version} has no model card (registered before cards were written, or from an artifact without held-out predictions)`,
  );
}

export async function readCard(
  modelsDir: string,
  row: ModelVersion,
): Promise<{ markdown: string; files: string[] }> {
  const dir = artifactPath(modelsDir, row);
  const files = await listCardFiles(dir);
  if (files.length === 0) throw noCard(row);
  return { markdown: await readFile(path.join(dir, CARD_FILE), 'utf8'), files };
}

/** One figure of the card. Only a figure name is accepted: never a path, never another file. */
export async function readCardFigure(modelsDir: string, row: ModelVersion, file: string): Promise<string> {
  if (!FIGURE_NAME.test(file)) {
    throw new AppError(
      'invalid_card_file',
      400,
      "params/file must be the name of one of the card's figures (card-<name>.svg), not a path",
    );
  }
  const { files } = await readCard(modelsDir, row);
  if (!files.includes(file)) {
    throw new AppError(
      'card_file_not_found',
      404,
      `the card of ${row.name}@${row.version} has no figure ${file}`,
    );
  }
  return readFile(path.join(artifactPath(modelsDir, row), file), 'utf8');
}

/** Re-renders the card from the kept held-out predictions, or says why it cannot. */
export async function regenerateCard(modelsDir: string, row: ModelVersion): Promise<string[]> {
  const files = await writeCardFor(modelsDir, row);
  if (!files) {
    throw new AppError(
      'card_data_missing',
      404,
      `model ${row.name}@${row.version} kept no held-out predictions (card-heldout.json), so no card can be drawn for it; retrain it, or score it on held-out data and save them`,
    );
  }
  return files;
}

/** The version's files on disk: the model's own (hashed) and its card's. */
export async function versionFiles(
  modelsDir: string,
  row: ModelVersion,
): Promise<{ artifact: string[]; card: string[] }> {
  const all = await readdir(artifactPath(modelsDir, row)).catch(() => [] as string[]);
  return {
    artifact: all.filter((f) => !isCardFile(f)).sort(),
    card: await listCardFiles(artifactPath(modelsDir, row)),
  };
}

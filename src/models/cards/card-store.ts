/**
 * Card files on disk, beside a version's artifact: MODEL_CARD.md, its card-*.svg figures and
 * card-heldout.json (the held-out predictions it was drawn from, so it can be re-rendered).
 * They document the model and are not part of it: the artifact hash leaves them out, so a card
 * can be written after registration, or regenerated, without the version looking corrupt.
 */
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HeldOut } from './card-figures.js';
import { renderModelCard, type CardData, type CardInput } from './model-card.js';

export const CARD_FILE = 'MODEL_CARD.md';
const CARD_DATA_FILE = 'card-heldout.json';
/** The only names a card figure can have: also what the HTTP route accepts. */
export const FIGURE_NAME = /^card-[a-z0-9-]{1,60}\.svg$/;

export function isCardFile(name: string): boolean {
  return name === CARD_FILE || name === CARD_DATA_FILE || FIGURE_NAME.test(name);
}

async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

/** Keeps what a card needs in the artifact directory (before or after registration). */
export async function saveCardData(dir: string, data: Omit<CardData, 'schemaVersion'>): Promise<void> {
  await writeAtomic(path.join(dir, CARD_DATA_FILE), `${JSON.stringify({ schemaVersion: 1, ...data })}\n`);
}

export async function readCardData(dir: string): Promise<CardData | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dir, CARD_DATA_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const data = JSON.parse(text) as Partial<CardData>;
  const kind = (data.heldOut as Partial<HeldOut> | undefined)?.kind;
  if (data.schemaVersion !== 1 || !['rul', 'health', 'classifier'].includes(String(kind)))
    throw new Error(`${CARD_DATA_FILE}: unknown schema or held-out kind`);
  return data as CardData;
}

/** Writes MODEL_CARD.md and its figures, replacing figures of an earlier rendering. */
export async function writeModelCard(dir: string, input: CardInput): Promise<string[]> {
  const { markdown, figures } = renderModelCard(input);
  const keep = new Set(figures.map((f) => f.file));
  for (const f of await readdir(dir)) if (FIGURE_NAME.test(f) && !keep.has(f)) await rm(path.join(dir, f));
  for (const f of figures) await writeAtomic(path.join(dir, f.file), f.svg);
  // The page last: a reader who finds it finds its figures too.
  await writeAtomic(path.join(dir, CARD_FILE), markdown);
  return [CARD_FILE, ...figures.map((f) => f.file)];
}

/** The card and figure files present in `dir` (empty when it has no card). */
export async function listCardFiles(dir: string): Promise<string[]> {
  const files = await readdir(dir).catch(() => [] as string[]);
  if (!files.includes(CARD_FILE)) return [];
  return [CARD_FILE, ...files.filter((f) => FIGURE_NAME.test(f)).sort()];
}

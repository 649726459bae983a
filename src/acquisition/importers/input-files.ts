// Expands the paths given to `prognos import` into files: a file is taken as it is (any name:
// loaders accept any file of the format), a folder contributes its files that match.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ImportInputError } from './types.js';

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new ImportInputError(`${path}: no such file or folder`);
    throw err;
  }
}

/** Files of `paths`, folders expanded to their matching files (sorted by name), duplicates dropped. */
export async function expandFiles(
  paths: readonly string[],
  match: (name: string) => boolean,
): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    if (await isDirectory(path)) {
      const names = (await readdir(path)).filter(match).sort();
      if (names.length === 0) throw new ImportInputError(`${path}: no files of this format in the folder`);
      out.push(...names.map((n) => join(path, n)));
    } else {
      out.push(path);
    }
  }
  return [...new Set(out)];
}

/** Sub-folders of `dir` whose names match. */
export async function subfolders(dir: string, match: (name: string) => boolean): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && match(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}

export async function readText(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

export function stem(path: string): string {
  return basename(path).replace(/\.[^.]+$/, '');
}

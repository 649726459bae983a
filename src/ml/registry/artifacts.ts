/**
 * Artifact directories on disk: `models/<name>/<version>/` with model.json, weight files and
 * manifest.json. Written to a temporary sibling and renamed into place, so a crash mid-copy
 * never leaves a half-written version where the registry would look; hashed, so a corrupt or
 * swapped file is refused at load.
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

export const MANIFEST_FILE = 'manifest.json';

export async function hashArtifactDir(dir: string): Promise<string> {
  const files = (await listFiles(dir)).sort();
  const h = createHash('sha256');
  for (const f of files) {
    h.update(f).update('\0');
    h.update(await readFile(path.join(dir, f)));
    h.update('\0');
  }
  return h.digest('hex');
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.posix.join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** Copies `source` to `<modelsDir>/<name>/<version>` atomically; returns the relative path. */
export async function installArtifact(
  modelsDir: string,
  name: string,
  version: number,
  source: string,
): Promise<string> {
  const rel = path.posix.join(name, String(version));
  const target = path.join(modelsDir, rel);
  if (path.resolve(source) === path.resolve(target)) return rel;
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(path.dirname(target), { recursive: true });
  // A copy a killed process left half-done (the caller holds the name's lock, so no live one).
  for (const entry of await readdir(path.dirname(target))) {
    if (entry.startsWith(`${version}.tmp-`))
      await rm(path.join(path.dirname(target), entry), { recursive: true, force: true });
  }
  await cp(source, tmp, { recursive: true });
  await rm(target, { recursive: true, force: true });
  await rename(tmp, target);
  return rel;
}

export async function readManifest(dir: string): Promise<Record<string, unknown>> {
  const file = path.join(dir, MANIFEST_FILE);
  const text = await readFile(file, 'utf8');
  const value = JSON.parse(text) as unknown;
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${file} is not a JSON object`);
  return value as Record<string, unknown>;
}

export async function isDirectory(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

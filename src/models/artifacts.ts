/**
 * Artifact directories on disk: `models/<name>/<version>/` with model.json, weight files and
 * manifest.json. Written to a temporary sibling and renamed into place, so a crash mid-copy
 * never leaves a half-written version where the registry would look; hashed, so a corrupt or
 * swapped file is refused at load.
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { isCardFile } from './cards/card-store.js';

const MANIFEST_FILE = 'manifest.json';

/** The model's files only: its card (MODEL_CARD.md, figures, held-out data) is documentation,
 * written after registration and re-rendered at will, so it is not hashed. */
export async function hashArtifactDir(dir: string): Promise<string> {
  const files = (await listFiles(dir)).filter((f) => f.includes('/') || !isCardFile(f)).sort();
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

const DTYPE_BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
  complex64: 8,
};

interface WeightGroup {
  paths?: unknown;
  weights?: Array<{ shape?: unknown; dtype?: unknown; quantization?: { dtype?: unknown } }>;
}

/**
 * What makes an artifact unloadable, found without loading it: an unreadable manifest, a
 * model.json that is not JSON, a weight file it names that is missing, or weight files whose
 * size is not what model.json describes (truncated, or swapped for another model's).
 * Undefined when the files are consistent. A manifest-only artifact has no model.json to check.
 */
export async function artifactProblem(dir: string): Promise<string | undefined> {
  try {
    await readManifest(dir);
  } catch (err) {
    return `${MANIFEST_FILE} is unreadable (${(err as Error).message})`;
  }
  let modelJson: { weightsManifest?: WeightGroup[] };
  try {
    modelJson = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as typeof modelJson;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return `model.json is not valid JSON (${(err as Error).message})`;
  }
  if (!Array.isArray(modelJson.weightsManifest)) return 'model.json has no weightsManifest';
  for (const group of modelJson.weightsManifest) {
    const paths = Array.isArray(group.paths) ? group.paths.map(String) : [];
    let expected = 0;
    for (const w of group.weights ?? []) {
      const dtype = String(w.quantization?.dtype ?? w.dtype ?? 'float32');
      const shape = Array.isArray(w.shape) ? w.shape.map(Number) : [];
      expected += shape.reduce((a, b) => a * b, 1) * (DTYPE_BYTES[dtype] ?? 4);
    }
    let actual = 0;
    for (const p of paths) {
      const size = await stat(path.join(dir, p)).then(
        (s) => s.size,
        () => undefined,
      );
      if (size === undefined) return `weight file ${p} named in model.json is missing`;
      actual += size;
    }
    if (actual !== expected)
      return `weight file(s) ${paths.join(', ')} hold ${actual} bytes, model.json describes ${expected}`;
  }
  return undefined;
}

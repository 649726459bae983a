// The bridge between the tslab kernel and the project's code. tslab compiles each cell to
// CommonJS and runs it in a vm context where `import()` is unavailable, so cells `require` this
// file, which (1) rebuilds the declarations the cells are type-checked against when a source is
// newer than them, and (2) registers tsx's ESM loader (as bin/prognos.js does) and imports
// lib/kit.ts natively: one module graph, the same TypeScript/ESM semantics as the service.
const { spawnSync } = require('node:child_process');
const { existsSync, readdirSync, statSync, utimesSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { pathToFileURL } = require('node:url');

const notebooks = resolve(__dirname, '..');
const repo = resolve(notebooks, '..');
const stamp = join(notebooks, '.types', 'notebooks', 'lib', 'kit.d.ts');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Emits notebooks/.types when missing or older than a source under src/ or notebooks/lib/. */
function ensureTypes() {
  const sources = Math.max(newestMtime(join(repo, 'src')), newestMtime(join(notebooks, 'lib')));
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= sources) return false;
  // The project's own compiler: `node_modules/.bin/tsc` may be tslab's older fork.
  const tsc = require.resolve('typescript/bin/tsc', { paths: [repo] });
  const run = spawnSync(process.execPath, [tsc, '-p', join(notebooks, 'tsconfig.json')], {
    cwd: repo,
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    const output = `${run.stdout}${run.stderr}`;
    // Declarations are still emitted on type errors; cells then type-check against them.
    if (!existsSync(stamp)) throw new Error(`building notebook declarations failed:\n${output}`);
    // console, not process.stderr: tslab shows console output in the cell.
    console.error(`notebook declarations built with errors:\n${output}`);
  }
  // An incremental build leaves unchanged files alone: mark the stamp as fresh ourselves.
  const now = new Date();
  utimesSync(stamp, now, now);
  return true;
}

// At require time, so the declarations exist before the next cell (which names them) compiles.
ensureTypes();

let kit;

/** Resolves to the namespace of notebooks/lib/kit.ts (type it with `typeof import('./.types/…')`). */
module.exports = function loadKit() {
  kit ??= import('tsx/esm/api')
    .then((api) => api.register())
    .then(() => import(pathToFileURL(join(notebooks, 'lib', 'kit.ts')).href));
  return kit;
};
module.exports.ensureTypes = ensureTypes;

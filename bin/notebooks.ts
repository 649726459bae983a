/**
 * `npm run notebooks [-- name…]`: installs the tslab kernel spec inside the checkout, builds the
 * declarations the cells are type-checked against, then executes every notebook under
 * notebooks/ (or the named ones) top to bottom with Debian's `jupyter nbconvert --execute`,
 * writing the executed notebook and an HTML rendering to artifacts/notebooks/. Prints the time of
 * each; exits 1 when any notebook fails, after printing the failing cell and its error.
 * `--install` only installs the kernel spec and builds the declarations (to open them yourself).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(fileURLToPath(import.meta.url), '..', '..');
const notebooks = join(repo, 'notebooks');
const out = join(repo, 'artifacts', 'notebooks');
const jupyterPrefix = join(notebooks, '.jupyter');
// Debian's Jupyter: the first python3 on PATH may be another installation without it.
const PYTHON = '/usr/bin/python3';
const JUPYTER = '/usr/bin/jupyter';
const CELL_TIMEOUT_S = 600;

function fail(message: string): never {
  process.stderr.write(`notebooks: ${message}\n`);
  process.exit(1);
}

function requireJupyter(): void {
  if (!existsSync('/usr/bin/jupyter-nbconvert') || !existsSync(PYTHON)) {
    fail("needs Debian's Jupyter: apt-get install -y jupyter-nbconvert python3-ipykernel");
  }
}

/**
 * Writes the kernel spec `tslab install --binary=<this checkout's tslab> --prefix=notebooks/.jupyter`
 * would write (plain `tslab install` names `tslab`, which is not on PATH), without needing a
 * Python with jupyter_client: any Jupyter finds it through JUPYTER_PATH.
 */
function installKernel(): string {
  const tslab = join(repo, 'node_modules', '.bin', 'tslab');
  if (!existsSync(tslab)) fail(`${tslab} is missing: run npm ci`);
  const kernels = join(jupyterPrefix, 'share', 'jupyter', 'kernels');
  for (const [name, display, language, js] of [
    ['tslab', 'TypeScript', 'typescript', false],
    ['jslab', 'JavaScript', 'javascript', true],
  ] as const) {
    mkdirSync(join(kernels, name), { recursive: true });
    const argv = [tslab, 'kernel', '--config-path', '{connection_file}', ...(js ? ['--js'] : [])];
    const spec = { argv, display_name: display, language };
    writeFileSync(join(kernels, name, 'kernel.json'), `${JSON.stringify(spec, null, 1)}\n`);
  }
  return join(jupyterPrefix, 'share', 'jupyter');
}

function selectNotebooks(args: string[]): string[] {
  const all = readdirSync(notebooks)
    .filter((f) => f.endsWith('.ipynb'))
    .sort();
  if (args.length === 0) return all;
  return args.map((a) => {
    const name = basename(a).endsWith('.ipynb') ? basename(a) : `${basename(a)}.ipynb`;
    if (!all.includes(name)) fail(`no notebook ${name} in notebooks/ (have: ${all.join(', ')})`);
    return name;
  });
}

interface Outcome {
  name: string;
  seconds: number;
  ok: boolean;
  log: string;
}

function nbconvert(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; log: string }> {
  return new Promise((done) => {
    const child = spawn(JUPYTER, ['nbconvert', ...args], { cwd: repo, env });
    let log = '';
    child.stdout.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    child.on('close', (code) => done({ code: code ?? 1, log }));
  });
}

async function execute(name: string, env: NodeJS.ProcessEnv): Promise<Outcome> {
  const started = performance.now();
  const run = await nbconvert(
    [
      '--config',
      join(notebooks, 'nbconvert_config.py'),
      '--to',
      'notebook',
      '--execute',
      `--ExecutePreprocessor.timeout=${CELL_TIMEOUT_S}`,
      '--ExecutePreprocessor.kernel_name=tslab',
      '--output-dir',
      out,
      join(notebooks, name),
    ],
    env,
  );
  const seconds = (performance.now() - started) / 1000;
  if (run.code !== 0) return { name, seconds, ok: false, log: run.log };
  // A static rendering to look at (or attach to a CI run); no re-execution.
  const html = await nbconvert(['--to', 'html', '--output-dir', out, join(out, name)], env);
  if (html.code !== 0) return { name, seconds, ok: false, log: `HTML export failed:\n${html.log}` };
  return { name, seconds, ok: true, log: run.log };
}

/** nbconvert's own traceback is Python's and its message empty for tslab: keep our cell report. */
function failureSummary(log: string): string {
  const cell = log.indexOf('=== cell ');
  if (cell < 0) return log.trimEnd().split('\n').slice(-30).join('\n');
  return log.slice(cell, log.indexOf('\n===\n', cell) + 4);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const installOnly = args.includes('--install');
  const names = selectNotebooks(args.filter((a) => a !== '--install'));
  const jupyterPath = installKernel();
  // Requiring the kernel's bridge builds the cells' declarations when a source is newer.
  const typesStarted = performance.now();
  createRequire(import.meta.url)(join(notebooks, 'lib', 'load.cjs'));
  console.log(
    `declarations for the cells ready in ${((performance.now() - typesStarted) / 1000).toFixed(1)} s`,
  );
  if (installOnly) {
    console.log(`tslab kernel spec in ${jupyterPath}; open the notebooks with, e.g.:`);
    console.log(`  JUPYTER_PATH=${jupyterPath} jupyter notebook ${notebooks}`);
    return;
  }
  requireJupyter();
  mkdirSync(out, { recursive: true });
  const env = {
    ...process.env,
    JUPYTER_PATH: jupyterPath,
    // No user or system Jupyter configuration changes what CI runs.
    JUPYTER_CONFIG_DIR: join(jupyterPrefix, 'config'),
    PYTHONNOUSERSITE: '1',
  };
  const outcomes: Outcome[] = [];
  for (const name of names) {
    process.stdout.write(`${name} … `);
    const outcome = await execute(name, env);
    outcomes.push(outcome);
    console.log(`${outcome.ok ? 'ok' : 'FAILED'} in ${outcome.seconds.toFixed(1)} s`);
    if (!outcome.ok) console.error(failureSummary(outcome.log));
  }
  const total = outcomes.reduce((s, o) => s + o.seconds, 0);
  const failed = outcomes.filter((o) => !o.ok);
  console.log(
    `${outcomes.length - failed.length}/${outcomes.length} notebooks ran in ${total.toFixed(1)} s; ` +
      `executed copies and HTML in ${out}`,
  );
  if (failed.length > 0) fail(`failed: ${failed.map((o) => o.name).join(', ')}`);
}

await main();

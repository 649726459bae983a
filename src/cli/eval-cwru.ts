/**
 * `prognos eval cwru`: trains a fault classifier (normal / inner race / ball / outer race) on CWRU
 * files and scores it on other CWRU files, split by record (see src/evaluation/cwru/evaluate-cwru.ts).
 * Progress goes to stderr; the last stdout line is one JSON object with the scores.
 */
import { access } from 'node:fs/promises';
import { initBackend } from '../tf/backend.js';
import { CWRU_EVAL_DEFAULTS, evaluateCwru } from '../evaluation/cwru/evaluate-cwru.js';
import { parseFlags, UsageError, type Command } from './command.js';

const USAGE = 'prognos eval cwru --train FILE... --test FILE... [--window N] [--seed N] [--model staged|mlp]';

/** `--train a b c --test d e` → lists per flag (parseArgs has no multi-value options). */
export function collectFileLists(
  argv: readonly string[],
  names: readonly string[] = ['train', 'test'],
): {
  lists: Record<string, string[]>;
  rest: string[];
} {
  const lists: Record<string, string[]> = Object.fromEntries(names.map((n) => [n, []]));
  const rest: string[] = [];
  let current: string | null = null;
  const pattern = new RegExp(`^--(${names.join('|')})(?:=(.*))?$`);
  for (const arg of argv) {
    const flag = pattern.exec(arg);
    if (flag) {
      current = flag[1]!;
      if (flag[2]) lists[current]!.push(flag[2]);
    } else if (arg.startsWith('-')) {
      current = null;
      rest.push(arg);
    } else if (current) {
      lists[current]!.push(arg);
    } else {
      rest.push(arg);
    }
  }
  return { lists, rest };
}

function intFlag(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${flag} must be an integer ≥ ${min}, got "${value}"`);
  return n;
}

export const evalCwruCommand: Command = {
  name: 'eval cwru',
  summary: 'Train a bearing fault classifier on CWRU files and score it on other records',
  usage: USAGE,
  async run(argv: string[]): Promise<number> {
    const args = argv[0] === 'cwru' ? argv.slice(1) : argv;
    const { lists, rest } = collectFileLists(args);
    const { values } = parseFlags({
      args: rest,
      options: { window: { type: 'string' }, seed: { type: 'string' }, model: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    });
    if (lists.train!.length === 0 || lists.test!.length === 0) {
      throw new UsageError('--train and --test each need at least one CWRU .mat file');
    }
    const window = intFlag(values.window, 'window', 256) ?? CWRU_EVAL_DEFAULTS.window;
    if (window % 4 !== 0) throw new UsageError('--window must be a multiple of 4');
    const seed = intFlag(values.seed, 'seed', 0) ?? 42;
    const model = values.model ?? CWRU_EVAL_DEFAULTS.model;
    if (model !== 'staged' && model !== 'mlp') throw new UsageError('--model must be staged or mlp');
    for (const path of [...lists.train!, ...lists.test!]) {
      try {
        await access(path);
      } catch {
        throw new UsageError(`cannot read ${path}`);
      }
    }
    const log = (message: string): void => void process.stderr.write(`${message}\n`);
    await initBackend({ info: log });
    const result = await evaluateCwru(lists.train!, lists.test!, {
      ...CWRU_EVAL_DEFAULTS,
      window,
      seed,
      log,
    });
    for (const r of result.record_results) {
      log(
        `${r.record}: ${r.label} → ${r.predicted} (windows ${r.windows}, window accuracy ${r.window_accuracy})`,
      );
    }
    log(`window accuracy ${result.accuracy}, record accuracy ${result.record_accuracy}`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  },
};

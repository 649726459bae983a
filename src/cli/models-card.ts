/** `prognos models card NAME VERSION [--out DIR] [--regenerate]`: a version's model card. */
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { artifactPath, readCard, regenerateCard } from '../models/cards/cards.js';

export async function modelCard(
  ctx: AppContext,
  name: string,
  version: number,
  opts: { out?: string; regenerate?: boolean },
): Promise<number> {
  try {
    const row = await ctx.models.get(name, version);
    if (opts.regenerate) await regenerateCard(ctx.models.modelsDir, row);
    const { markdown, files } = await readCard(ctx.models.modelsDir, row);
    if (!opts.out) {
      process.stdout.write(markdown);
      return 0;
    }
    await mkdir(opts.out, { recursive: true });
    for (const f of files)
      await copyFile(path.join(artifactPath(ctx.models.modelsDir, row), f), path.join(opts.out, f));
    process.stdout.write(`${files.map((f) => path.join(opts.out!, f)).join('\n')}\n`);
    return 0;
  } catch (err) {
    // "No card" is an answer, not a crash: one line on stderr and exit 1.
    if (err instanceof AppError) {
      process.stderr.write(`prognos models card: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

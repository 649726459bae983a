import type { TrainingService } from '../../src/training/training.service.js';

/** Polls a training run until it is completed, failed or cancelled; throws after `timeoutMs`. */
export async function finishedRun(training: TrainingService, id: number, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await training.get(id);
    if (['completed', 'failed', 'cancelled'].includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`training run ${id} still ${run.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { JOBS, QUEUES } from '../jobs/names.js';
import type { JobContext, JobDefinition } from '../jobs/types.js';
import { thenCheckDrift } from './check-drift.job.js';

const ctx = (logs: string[]): JobContext => ({
  id: 'x',
  attempt: 1,
  signal: new AbortController().signal,
  progress: async () => {},
  log: async (m) => void logs.push(m),
});

function extraction(rowsWritten: number): JobDefinition {
  return {
    name: JOBS.extractFeatures,
    queue: QUEUES.features,
    payload: Type.Object({}),
    attempts: 1,
    backoffMs: 1,
    handle: async () => ({ rowsWritten }),
  };
}

describe('drift check after feature extraction', () => {
  const wrote = (r: unknown) => ((r as { rowsWritten: number }).rowsWritten ?? 0) > 0;

  it('queues a check when rows were written, not otherwise, and returns the extraction result', async () => {
    let queued = 0;
    const enqueue = async () => void (queued += 1);
    expect(await thenCheckDrift(extraction(12), enqueue, wrote).handle({}, ctx([]))).toEqual({
      rowsWritten: 12,
    });
    expect(queued).toBe(1);
    await thenCheckDrift(extraction(0), enqueue, wrote).handle({}, ctx([]));
    expect(queued).toBe(1);
    expect(thenCheckDrift(extraction(0), enqueue, wrote).name).toBe(JOBS.extractFeatures);
  });

  it('an unavailable queue does not fail the extraction', async () => {
    const logs: string[] = [];
    const failing = async () => {
      throw new Error('redis down');
    };
    const result = await thenCheckDrift(extraction(3), failing, wrote).handle({}, ctx(logs));
    expect(result).toEqual({ rowsWritten: 3 });
    expect(logs).toEqual(['drift check not queued: redis down']);
  });
});

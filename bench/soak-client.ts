/**
 * The load side of bench/soak.ts, in its own process so its allocations never count as the
 * server's: a fixed number of connections, each a loop that sends one request at a time, for a
 * fixed time, drawing a mix of readings and capture ingestion, scoring and CMMS polling with
 * ETags. Reports per-kind counts, errors and latencies to the parent over IPC.
 */
import { performance } from 'node:perf_hooks';

export interface ClientPlan {
  url: string;
  key: string;
  seconds: number;
  connections: number;
  assets: Array<{ id: number; vibration: number; temperature: number }>;
  /** Start of the timestamps sent: every request writes new, increasing times. */
  baseMs: number;
  sampleRateHz: number;
  captureSamples: number;
  readingsPerBatch: number;
}

export const KINDS = ['readings', 'captures', 'score', 'suggestions'] as const;
export type Kind = (typeof KINDS)[number];

export interface KindReport {
  requests: number;
  errors: number;
  latenciesMs: number[];
  /** Rows the server said it stored (readings and captures). */
  inserted: number;
}

export type ClientReport = Record<Kind, KindReport> & { errorSamples: string[]; elapsedS: number };

const WEIGHTS: Array<[Kind, number]> = [
  ['readings', 3],
  ['captures', 1.5],
  ['score', 3.5],
  ['suggestions', 2],
];

function signal(n: number, rate: number, seq: number): Float32Array {
  const x = new Float32Array(n);
  const shaftHz = 29.93;
  const defect = (seq % 50) / 250; // slowly varying, so scores differ
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    const since = t % (1 / (3.5848 * shaftHz));
    x[i] =
      0.1 * Math.sin(2 * Math.PI * shaftHz * t) +
      defect * Math.exp(-since * 800) * Math.sin(2 * Math.PI * 3000 * since) +
      0.01 * Math.sin(i * 12.9898 + seq);
  }
  return x;
}

async function run(plan: ClientPlan): Promise<ClientReport> {
  const report = Object.fromEntries(
    KINDS.map((k) => [k, { requests: 0, errors: 0, latenciesMs: [], inserted: 0 }]),
  ) as unknown as ClientReport;
  report.errorSamples = [];
  const auth = { authorization: `Bearer ${plan.key}` };
  const total = WEIGHTS.reduce((s, [, w]) => s + w, 0);
  let seq = 0;
  const pick = (): Kind => {
    let r = Math.random() * total;
    for (const [k, w] of WEIGHTS) if ((r -= w) < 0) return k;
    return 'score';
  };
  const etags = new Map<number, string>();

  async function once(kind: Kind, worker: number): Promise<{ ok: boolean; inserted: number; what: string }> {
    const n = seq++;
    const asset = plan.assets[n % plan.assets.length]!;
    const tsMs = plan.baseMs + n * 1000; // unique per request: never a duplicate
    let res: Response;
    switch (kind) {
      case 'readings': {
        const readings = Array.from({ length: plan.readingsPerBatch }, (_, i) => ({
          ts: tsMs + i * 10,
          value: 40 + Math.sin((n + i) / 100),
        }));
        res = await fetch(`${plan.url}/v1/sensors/${asset.temperature}/readings`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ readings }),
        });
        const body = (await res.json()) as { inserted?: number };
        return { ok: res.status === 201, inserted: body.inserted ?? 0, what: `${res.status}` };
      }
      case 'captures': {
        const x = signal(plan.captureSamples, plan.sampleRateHz, n);
        res = await fetch(
          `${plan.url}/v1/sensors/${asset.vibration}/captures?ts=${tsMs}&sampleRateHz=${plan.sampleRateHz}`,
          {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/octet-stream' },
            body: new Blob([x.buffer as ArrayBuffer]),
          },
        );
        const body = (await res.json()) as { inserted?: number };
        return { ok: res.status === 201, inserted: body.inserted ?? 0, what: `${res.status}` };
      }
      case 'score': {
        const capture = n % 2 === 0;
        const body = capture
          ? {
              assetId: asset.id,
              featureSet: 'prognos-vibration',
              capture: {
                ts: new Date(tsMs).toISOString(),
                sampleRateHz: plan.sampleRateHz,
                samples: Array.from(signal(plan.captureSamples, plan.sampleRateHz, n), (v) =>
                  Number(v.toFixed(5)),
                ),
              },
            }
          : {
              assetId: asset.id,
              featureSet: 'prognos-vibration',
              features: { rms: 0.1 + (n % 10) / 100, peak: 0.4, kurtosis: 3, crest_factor: 4 },
            };
        res = await fetch(`${plan.url}/v1/score`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        await res.arrayBuffer();
        return { ok: res.status === 200, inserted: 0, what: `${res.status}` };
      }
      case 'suggestions': {
        const etag = etags.get(worker);
        res = await fetch(`${plan.url}/v1/work-order-suggestions?limit=50`, {
          headers: { ...auth, ...(etag ? { 'if-none-match': etag } : {}) },
        });
        await res.arrayBuffer();
        const next = res.headers.get('etag');
        if (next) etags.set(worker, next);
        return { ok: res.status === 200 || res.status === 304, inserted: 0, what: `${res.status}` };
      }
    }
  }

  const start = performance.now();
  const end = start + plan.seconds * 1000;
  await Promise.all(
    Array.from({ length: plan.connections }, async (_, worker) => {
      while (performance.now() < end) {
        const kind = pick();
        const t0 = performance.now();
        let outcome: { ok: boolean; inserted: number; what: string };
        try {
          outcome = await once(kind, worker);
        } catch (err) {
          outcome = { ok: false, inserted: 0, what: (err as Error).message };
        }
        const r = report[kind];
        r.requests++;
        r.latenciesMs.push(performance.now() - t0);
        r.inserted += outcome.inserted;
        if (!outcome.ok) {
          r.errors++;
          if (report.errorSamples.length < 10) report.errorSamples.push(`${kind}: ${outcome.what}`);
        }
      }
    }),
  );
  report.elapsedS = (performance.now() - start) / 1000;
  return report;
}

process.once('message', (plan: ClientPlan) => {
  void run(plan).then(
    (report) => process.send!(report, () => process.exit(0)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});

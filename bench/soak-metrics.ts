/**
 * What `GET /metrics` shows at the end of a soak (issue 16 asks for it), and a cross-check of the
 * counters against what the load client saw and the database holds: a counter that drifts from
 * the rows it claims to count would mislead the operator who alerts on it.
 */
import { parsePrometheusText, type Family } from '../tests/helpers/prometheus-text.js';

type Families = Map<string, Family>;

/** Sum of every series of `sample` whose labels include `labels`. */
function sumOf(families: Families, sample: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const f of families.values())
    for (const s of f.samples)
      if (s.name === sample && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) total += s.value;
  return total;
}

/** Upper bound of the bucket holding quantile q of a histogram (summed over other labels). */
function histogramQuantile(families: Families, name: string, q: number, labels: Record<string, string> = {}) {
  const f = families.get(name);
  if (!f) return NaN;
  const byLe = new Map<number, number>();
  for (const s of f.samples) {
    if (s.name !== `${name}_bucket`) continue;
    if (!Object.entries(labels).every(([k, v]) => s.labels[k] === v)) continue;
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  const buckets = [...byLe].sort((a, b) => a[0] - b[0]);
  const count = buckets.at(-1)?.[1] ?? 0;
  if (count === 0) return NaN;
  return buckets.find(([, n]) => n >= q * count)?.[0] ?? Infinity;
}

export interface SoakTruth {
  /** Rows stored (database); the soak has checked them against what the server acknowledged. */
  stored: { readings: number; captures: number };
  /** 200 answers to POST /v1/score the client counted. */
  scoresOk: number;
}

/** Scrapes `/metrics` with the token, prints a summary, returns the mismatches found. */
export async function reportMetrics(origin: string, token: string, truth: SoakTruth): Promise<string[]> {
  const unauthorised = await fetch(`${origin}/metrics`);
  const res = await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  const problems: string[] = [];
  if (unauthorised.status !== 401)
    problems.push(`/metrics without the token answered ${unauthorised.status}`);
  if (res.status !== 200) return [...problems, `/metrics answered ${res.status}`];
  const m = parsePrometheusText(text);
  const ms = (s: number) =>
    Number.isFinite(s) ? `${(s * 1000).toFixed(0)} ms` : s === Infinity ? '> top bucket' : 'n/a';

  console.log(`\n/metrics at the end (${(text.length / 1024).toFixed(0)} kB, ${m.size} families):`);
  const routes = new Map<string, number>();
  for (const s of m.get('prognos_http_request_duration_seconds')?.samples ?? [])
    if (s.name.endsWith('_count'))
      routes.set(`${s.labels.method} ${s.labels.route} ${s.labels.status}`, s.value);
  for (const [k, n] of [...routes].sort((a, b) => b[1] - a[1]).slice(0, 8)) {
    const [method, route, status] = k.split(' ');
    const p99 = histogramQuantile(m, 'prognos_http_request_duration_seconds', 0.99, {
      method: method!,
      route: route!,
      status: status!,
    });
    console.log(`  http ${k.padEnd(48)} ${String(n).padStart(7)} requests, p99 ≤ ${ms(p99)}`);
  }
  const rows = (kind: string) => sumOf(m, 'prognos_ingest_rows_total', { kind });
  const bytes = sumOf(m, 'prognos_ingest_bytes_total');
  console.log(
    `  ingest rows: readings ${rows('readings')}, captures ${rows('captures')}; sample bytes ${(bytes / 2 ** 20).toFixed(1)} MiB`,
  );
  const scored = sumOf(m, 'prognos_scoring_duration_seconds_count');
  console.log(
    `  scoring: ${scored} forecasts, mean ${ms(sumOf(m, 'prognos_scoring_duration_seconds_sum') / scored)}, p99 ≤ ${ms(histogramQuantile(m, 'prognos_scoring_duration_seconds', 0.99))}`,
  );
  const pool = ['total', 'idle', 'waiting'].map(
    (state) => `${state} ${sumOf(m, 'prognos_db_pool_connections', { state })}`,
  );
  if ((m.get('prognos_db_pool_connections')?.samples.length ?? 0) > 0)
    console.log(`  database pool: ${pool.join(', ')}`);
  const jobs = sumOf(m, 'prognos_job_duration_seconds_count');
  console.log(`  jobs: ${jobs} attempts, ${sumOf(m, 'prognos_job_failures_total')} failed`);
  console.log(
    `  process: RSS ${(sumOf(m, 'process_resident_memory_bytes') / 2 ** 20).toFixed(0)} MiB, event-loop lag p99 ${ms(sumOf(m, 'nodejs_eventloop_lag_p99_seconds'))}`,
  );

  // The counters must agree with the rows: the readings and captures counters count stored rows
  // (duplicates excluded), the scoring histogram one observation per written forecast.
  for (const t of ['readings', 'captures'] as const)
    if (rows(t) !== truth.stored[t])
      problems.push(
        `prognos_ingest_rows_total{kind="${t}"} = ${rows(t)} but ${truth.stored[t]} rows are stored`,
      );
  const okScores = sumOf(m, 'prognos_http_request_duration_seconds_count', {
    route: '/v1/score',
    status: '200',
  });
  if (okScores !== truth.scoresOk)
    problems.push(`/metrics counts ${okScores} POST /v1/score 200 answers, the client ${truth.scoresOk}`);
  if (scored < truth.scoresOk)
    problems.push(
      `prognos_scoring_duration_seconds counts ${scored} forecasts, fewer than ${truth.scoresOk} scored`,
    );
  if (problems.length === 0) console.log('  counters agree with the client and the database');
  return problems;
}

/**
 * The Grafana dashboard (deploy/grafana/prognos-dashboard.json) asks only for what the service
 * exposes: every metric a panel's PromQL names is a series of a family that GET /metrics
 * declares (the exposition read with the spec-based reader, not the metric definitions), and
 * every label it groups or filters by is one those series carry.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS } from '../src/jobs/names.js';
import { createAsset, createSensor, startApp, type TestCtx } from './acquisition-helpers.js';
import { parsePrometheusText, type Family } from './helpers/prometheus-text.js';
import type { FastifyInstance } from 'fastify';

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: Array<{ refId: string; expr: string }>;
}

const dashboard = JSON.parse(readFileSync('deploy/grafana/prognos-dashboard.json', 'utf8')) as {
  uid: string;
  panels: Panel[];
};

// PromQL words that are not metric names where they stand outside a call's name position.
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'and',
  'or',
  'unless',
]);
// Labels Prometheus adds to every scraped series.
const TARGET_LABELS = new Set(['instance', 'job']);

/** The metric names and the labels an expression uses. */
function parseExpr(expr: string): { metrics: string[]; labels: string[] } {
  const labels: string[] = [];
  let rest = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  rest = rest.replace(/\{([^}]*)\}/g, (_, inner: string) => {
    for (const m of inner.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)) labels.push(m[1]!);
    return ' ';
  });
  rest = rest.replace(
    /\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g,
    (_, inner: string) => {
      labels.push(
        ...inner
          .split(',')
          .map((l) => l.trim())
          .filter(Boolean),
      );
      return ' ';
    },
  );
  rest = rest.replace(/\[[^\]]*\]/g, ' ');
  const metrics = [...rest.matchAll(/(?<![\w:.])[a-zA-Z_:][\w:]*(?![\w:]|\s*\()/g)]
    .map((m) => m[0])
    .filter((w) => !KEYWORDS.has(w) && !/^(?:Inf|NaN)$/i.test(w));
  return { metrics, labels };
}

/** Sample names each family may have, by its declared type. */
function sampleNames(f: Family): string[] {
  if (f.type === 'histogram') return ['_bucket', '_sum', '_count'].map((s) => f.name + s);
  if (f.type === 'summary') return [f.name, `${f.name}_sum`, `${f.name}_count`];
  return [f.name];
}

describe('the Grafana dashboard', () => {
  let ctx: TestCtx;
  let app: FastifyInstance;
  let families: Map<string, Family>;
  beforeAll(async () => {
    ({ ctx, app } = await startApp());
    // Some traffic, so that labelled families have series whose labels can be checked.
    const assetId = await createAsset(app);
    const sensor = await createSensor(app, assetId);
    await app.inject({
      method: 'POST',
      url: `/v1/sensors/${sensor}/readings`,
      payload: { readings: [{ ts: '2024-05-01T00:00:00Z', value: 1 }] },
    });
    const { id } = await ctx.jobs.enqueue(JOBS.ensurePartitions, { monthsBack: 0, monthsAhead: 0 });
    await ctx.jobs.waitFor(id, 30_000);
    families = parsePrometheusText((await app.inject('/metrics')).body);
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('reads the PromQL it checks: names and labels out of a query', () => {
    expect(
      parseExpr(
        'histogram_quantile(0.99, sum by (le, route) (rate(a_bucket{status=~"5.."}[$__rate_interval])))',
      ),
    ).toEqual({ metrics: ['a_bucket'], labels: ['status', 'le', 'route'] });
    expect(parseExpr('max by (model) (b) / on (x) c')).toEqual({
      metrics: ['b', 'c'],
      labels: ['model', 'x'],
    });
  });

  it('is a dashboard of Prometheus panels, each with a query and a unique id', () => {
    expect(dashboard.uid).toBe('prognos-overview');
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const graphs = dashboard.panels.filter((p) => p.type !== 'row');
    expect(graphs.length).toBeGreaterThanOrEqual(15);
    for (const p of graphs) {
      expect(p.datasource?.type, p.title).toBe('prometheus');
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
    }
  });

  it('queries only metrics and labels that GET /metrics exposes', () => {
    const exposed = new Map<string, Family>();
    for (const f of families.values()) for (const n of sampleNames(f)) exposed.set(n, f);
    const problems: string[] = [];
    const used = new Set<string>();
    for (const p of dashboard.panels)
      for (const t of p.targets ?? []) {
        const { metrics, labels } = parseExpr(t.expr);
        if (metrics.length === 0) problems.push(`${p.title}: no metric in ${t.expr}`);
        for (const m of metrics) {
          const f = exposed.get(m);
          if (!f) {
            problems.push(`${p.title}: ${m} is not exposed`);
            continue;
          }
          used.add(f.name);
          // Labels are checked where the family has series to check them on.
          if (f.samples.length === 0) continue;
          const carried = new Set(f.samples.flatMap((s) => Object.keys(s.labels)));
          for (const l of labels)
            if (!carried.has(l) && !TARGET_LABELS.has(l))
              problems.push(`${p.title}: ${m} has no label "${l}"`);
        }
      }
    expect(problems).toEqual([]);
    // Every metric of the service's own is on the dashboard.
    const own = [...families.keys()].filter((n) => n.startsWith('prognos_'));
    expect(own.filter((n) => !used.has(n))).toEqual([]);
  });
});

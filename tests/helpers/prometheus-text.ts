/**
 * A strict reader of the Prometheus text exposition format 0.0.4, written from the format's
 * specification (prometheus.io/docs/instrumenting/exposition_formats, "Text format details")
 * rather than from prom-client: it throws on the first line a Prometheus server would refuse
 * or misread. Checked: line grammar (names, label syntax and escapes, float values incl.
 * +Inf/-Inf/NaN, optional integer timestamp), at most one HELP and TYPE per family, TYPE
 * before the family's samples, each family's lines contiguous, no duplicate series, the
 * suffixes each type allows, counters non-negative, and for histograms a `le` on every bucket,
 * cumulative bucket counts, a +Inf bucket equal to `_count`, and a `_sum`.
 */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string | undefined;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
// "A float represented as required by Go's ParseFloat()": decimal, or NaN and (signed) Inf or
// Infinity in any letter case (prom-client writes an empty mean as "Nan").
const VALUE = String.raw`(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|[+-]?(?:[iI][nN][fF](?:[iI][nN][iI][tT][yY])?)|[nN][aA][nN])`;
const LABEL_VALUE = String.raw`"(?:[^"\\\n]|\\[\\"n])*"`;
const SAMPLE = new RegExp(
  String.raw`^(${NAME})(?:\{((?:${LABEL}=${LABEL_VALUE}(?:,${LABEL}=${LABEL_VALUE})*,?)?)\})? (${VALUE})(?: (-?\d+))?$`,
);
const PAIR = new RegExp(String.raw`(${LABEL})=(${LABEL_VALUE})`, 'g');
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function unescape(quoted: string): string {
  return quoted.slice(1, -1).replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseValue(raw: string): number {
  if (/^\+?inf/i.test(raw)) return Infinity;
  if (/^-inf/i.test(raw)) return -Infinity;
  if (/^nan$/i.test(raw)) return NaN;
  return Number(raw);
}

/** The family a sample belongs to, given the families typed so far. */
function familyOf(sample: string, families: Map<string, Family>): string {
  for (const suffix of ['_bucket', '_sum', '_count', '_created', '_total']) {
    if (!sample.endsWith(suffix)) continue;
    const base = sample.slice(0, -suffix.length);
    const f = families.get(base);
    if (
      f &&
      (f.type === 'histogram' || f.type === 'summary' || (f.type === 'counter' && suffix === '_total'))
    )
      return base;
  }
  return sample;
}

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const finished = new Set<string>();
  const series = new Set<string>();
  let current: string | undefined;
  if (text !== '' && !text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const lines = text.split('\n');
  lines.pop();
  const open = (name: string, at: string) => {
    if (current !== name) {
      if (current !== undefined) finished.add(current);
      if (finished.has(name)) throw new Error(`${at}: lines of family ${name} are not contiguous`);
      current = name;
    }
    let f = families.get(name);
    if (!f) {
      f = { name, type: 'untyped', help: undefined, samples: [] };
      families.set(name, f);
    }
    return f;
  };
  lines.forEach((line, i) => {
    const at = `line ${i + 1} "${line.slice(0, 80)}"`;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (!m) return; // a plain comment
      const [, kind, name, rest = ''] = m;
      if (!new RegExp(`^${NAME}$`).test(name!)) throw new Error(`${at}: bad metric name`);
      const f = open(name!, at);
      if (kind === 'HELP') {
        if (f.help !== undefined) throw new Error(`${at}: second HELP for ${name}`);
        if (/\\(?![\\n])/.test(rest)) throw new Error(`${at}: bad escape in HELP`);
        f.help = rest;
      } else {
        if (!TYPES.has(rest)) throw new Error(`${at}: unknown type "${rest}"`);
        if (f.samples.length > 0 || f.type !== 'untyped')
          throw new Error(`${at}: TYPE after samples or twice`);
        f.type = rest as Family['type'];
      }
      return;
    }
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`${at}: not a sample line`);
    const [, name, labelText = '', raw] = m;
    const labels: Record<string, string> = {};
    for (const [, k, v] of labelText.matchAll(PAIR)) {
      if (k! in labels) throw new Error(`${at}: label ${k} twice`);
      labels[k!] = unescape(v!);
    }
    const f = open(familyOf(name!, families), at);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (series.has(key)) throw new Error(`${at}: duplicate series`);
    series.add(key);
    const suffix = name!.slice(f.name.length);
    const allowed: Record<Family['type'], string[]> = {
      counter: ['', '_total', '_created'],
      gauge: [''],
      untyped: [''],
      histogram: ['_bucket', '_sum', '_count', '_created'],
      summary: ['', '_sum', '_count', '_created'],
    };
    if (!allowed[f.type].includes(suffix)) throw new Error(`${at}: ${name} in a ${f.type} family`);
    const value = parseValue(raw!);
    if (f.type === 'counter' && !(value >= 0)) throw new Error(`${at}: negative or NaN counter`);
    if (suffix === '_bucket' && labels.le === undefined) throw new Error(`${at}: bucket without le`);
    f.samples.push({ name: name!, labels, value });
  });
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

function checkHistogram(f: Family): void {
  const groups = new Map<string, Sample[]>();
  for (const s of f.samples) {
    const { le: _le, ...rest } = s.labels;
    const k = JSON.stringify(Object.entries(rest).sort());
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  for (const [k, samples] of groups) {
    const buckets = samples
      .filter((s) => s.name === `${f.name}_bucket`)
      .map((s) => ({ le: parseValue(s.labels.le!), n: s.value }))
      .sort((a, b) => a.le - b.le);
    const count = samples.find((s) => s.name === `${f.name}_count`);
    const sum = samples.find((s) => s.name === `${f.name}_sum`);
    const what = `${f.name} ${k}`;
    if (!count || !sum) throw new Error(`${what}: histogram without _count or _sum`);
    if (buckets.at(-1)?.le !== Infinity) throw new Error(`${what}: no le="+Inf" bucket`);
    buckets.forEach((b, i) => {
      if (i > 0 && b.n < buckets[i - 1]!.n) throw new Error(`${what}: buckets not cumulative at le=${b.le}`);
    });
    if (buckets.at(-1)!.n !== count.value) throw new Error(`${what}: +Inf bucket differs from _count`);
  }
}

/** The value of one series (labels matched exactly on those given), 0 when absent. */
export function valueOf(families: Map<string, Family>, sample: string, labels: Record<string, string> = {}) {
  for (const f of families.values())
    for (const s of f.samples)
      if (s.name === sample && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
  return 0;
}

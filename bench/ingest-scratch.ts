import { createTestDatabase } from '../tests/helpers/database.js';
import { importInto } from '../tests/import-helpers.js';
const t0 = performance.now();
const db = await createTestDatabase();
console.log('db', performance.now() - t0);
const orig = db.pglite!.query.bind(db.pglite!);
const times: [number, string][] = [];
(db.pglite as any).query = async (text: string, params: unknown[]) => { const t = performance.now(); const r = await orig(text, params); times.push([performance.now() - t, text.slice(0, 60).replace(/\s+/g, ' ')]); return r; };
for (let i = 0; i < 2; i++) {
  const t = performance.now();
  const s = await importInto(db, 'cmapss', ['datasets/cmapss-sample/train_FD001_units1-3.txt', 'datasets/cmapss-sample/test_FD001_units1-3.txt']);
  console.log(s, performance.now() - t);
}
const agg = new Map<string, [number, number]>();
for (const [ms, q] of times) { const a = agg.get(q) ?? [0, 0]; a[0] += ms; a[1]++; agg.set(q, a); }
console.log([...agg].sort((a, b) => b[1][0] - a[1][0]).slice(0, 10));
await db.close();

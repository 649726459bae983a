import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
await c.connect();
await c.query('drop table if exists scratch_r; create table scratch_r (sensor_id bigint, ts timestamptz, value float8, primary key(sensor_id, ts))');
const n = 200000;
const B = 10000;
const mk = (off: number) => {
  const ids = '{' + Array(B).fill(1).join(',') + '}';
  const ts = '{' + Array.from({length:B},(_, i)=>new Date(946684800000+(off+i)*1000).toISOString()).join(',') + '}';
  const ms = '{' + Array.from({length:B},(_, i)=>946684800000+(off+i)*1000).join(',') + '}';
  const vals = '{' + Array.from({length:B},(_, i)=>Math.sin(i)).join(',') + '}';
  return { ids, ts, ms, vals };
};
async function run(name: string, f: (off: number) => Promise<void>) {
  await c.query('truncate scratch_r');
  const t = performance.now();
  await c.query('begin');
  for (let off = 0; off < n; off += B) await f(off);
  await c.query('commit');
  const dt = performance.now() - t;
  console.log(name, Math.round(n / dt * 1000), 'rows/s', (await c.query('select count(*) from scratch_r')).rows[0].count);
}
for (let rep = 0; rep < 2; rep++) {
await run('unnest-ts', async (off) => { const m = mk(off); await c.query('insert into scratch_r select * from unnest($1::bigint[], $2::timestamptz[], $3::float8[]) on conflict do nothing', [m.ids, m.ts, m.vals]); });
await run('unnest-epoch', async (off) => { const m = mk(off); await c.query('insert into scratch_r select s, to_timestamp(t/1000.0), v from unnest($1::bigint[], $2::float8[], $3::float8[]) u(s,t,v) on conflict do nothing', [m.ids, m.ms, m.vals]); });
await run('copy-direct', async (off) => {
  const text = Array.from({length:B},(_, i)=>`1\t${new Date(946684800000+(off+i)*1000).toISOString()}\t${Math.sin(i)}\n`).join('');
  await pipeline(Readable.from([text]), c.query(copyFrom('copy scratch_r from stdin')));
});
await c.query('create temp table if not exists stage (sensor_id bigint, ts timestamptz, value float8)');
await run('copy-stage', async (off) => {
  const text = Array.from({length:B},(_, i)=>`1\t${new Date(946684800000+(off+i)*1000).toISOString()}\t${Math.sin(i)}\n`).join('');
  await pipeline(Readable.from([text]), c.query(copyFrom('copy stage from stdin')));
  await c.query('insert into scratch_r select * from stage on conflict do nothing');
  await c.query('truncate stage');
});
}
await c.query('drop table scratch_r');
await c.end();

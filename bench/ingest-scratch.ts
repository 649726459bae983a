import pg from 'pg';
const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
await c.connect();
await c.query(`drop table if exists scratch_r; drop table if exists scratch_stats; create table scratch_r (sensor_id bigint, ts timestamptz, value float8, primary key(sensor_id, ts));
create table scratch_stats (sensor_id bigint, day date, ins bigint not null default 0, dup bigint not null default 0, primary key (sensor_id, day))`);
const n = 300000;
const B = 10000;
const mk = (off: number) => {
  const ids = '{' + Array(B).fill(1).join(',') + '}';
  const ms = '{' + Array.from({length:B},(_, i)=>946684800+(off+i)*10).join(',') + '}';
  const vals = '{' + Array.from({length:B},(_, i)=>Math.sin(i)).join(',') + '}';
  return { ids, ms, vals };
};
async function run(name: string, f: (off: number) => Promise<void>) {
  await c.query('truncate scratch_r; truncate scratch_stats');
  const t = performance.now();
  await c.query('begin');
  for (let off = 0; off < n; off += B) await f(off);
  await c.query('commit');
  const dt = performance.now() - t;
  console.log(name, Math.round(n / dt * 1000), 'rows/s', (await c.query('select count(*) from scratch_r')).rows[0].count, JSON.stringify((await c.query('select * from scratch_stats limit 3')).rows));
}
const plain = 'insert into scratch_r select s, to_timestamp(t), v from unnest($1::bigint[], $2::float8[], $3::float8[]) u(s,t,v) on conflict do nothing';
const withStats = `with u as (select s, t from unnest($1::bigint[], $2::float8[]) u(s,t)),
ins as (insert into scratch_r select s, to_timestamp(t), v from unnest($1::bigint[], $2::float8[], $3::float8[]) u(s,t,v) on conflict do nothing returning sensor_id, ts),
rc as (select s as sensor_id, (to_timestamp(t) at time zone 'UTC')::date as day, count(*) as n from u group by 1, 2),
ic as (select sensor_id, (ts at time zone 'UTC')::date as day, count(*) as n from ins group by 1, 2)
insert into scratch_stats (sensor_id, day, ins, dup)
select rc.sensor_id, rc.day, coalesce(ic.n, 0), rc.n - coalesce(ic.n, 0) from rc left join ic using (sensor_id, day)
on conflict (sensor_id, day) do update set ins = scratch_stats.ins + excluded.ins, dup = scratch_stats.dup + excluded.dup`;
const grouped = `with ins as (insert into scratch_r select s, to_timestamp(t), v from unnest($1::bigint[], $2::float8[], $3::float8[]) u(s,t,v) on conflict do nothing returning sensor_id, ts)
select sensor_id, floor(extract(epoch from ts) / 86400)::int as day, count(*)::int as n from ins group by 1, 2`;
const sp = async (m: any) => { await c.query('savepoint b'); const r = await c.query(plain, [m.ids, m.ms, m.vals]); await c.query('release savepoint b'); return r; };
for (let rep = 0; rep < 3; rep++) {
  await run('plain', async (off) => { const m = mk(off); await c.query(plain, [m.ids, m.ms, m.vals]); });
  await run('grouped', async (off) => { const m = mk(off); await c.query(grouped, [m.ids, m.ms, m.vals]); });
  await run('savepoint', async (off) => { const m = mk(off); await sp(m); });
}
await c.query('drop table scratch_r; drop table scratch_stats');
await c.end();

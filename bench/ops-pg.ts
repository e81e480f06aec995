/**
 * Operations figures on PostgreSQL: `pg_dump -Fc` backup and `pg_restore` into a fresh database over two years of
 * desk data (the volume of bench/ops.ts), and one pruning pass, with the latency of the desk's own small
 * transactions meanwhile. BENCH_PG_URL names a server's admin database (a fresh database is created on it);
 * without it a throwaway PostgreSQL is started the way the tests start one (tests/support/postgres.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { backupPostgres, restorePostgres } from "../src/app/ops/pg-backup.js";
import { pruneAll, type RetentionSettings } from "../src/app/ops/retention.js";
import type { Conn } from "../src/store/conn.js";
import { Store } from "../src/store/store.js";
import { freshDatabase, startPostgres } from "../tests/support/postgres.js";
import { machine, ms, pct, writeSection } from "./sections.js";

const DAY = 86_400_000;
const DAYS = 730;
const PER_DAY = { mails: 40, outbox: 120, incidents: 6, bookings: 30 };
const now = new Date("2026-12-10T00:00:00Z").getTime();
const tmp = mkdtempSync(join(tmpdir(), "desk-bench-ops-pg-"));

const given = process.env.BENCH_PG_URL;
const server = given ? null : await startPostgres();
const admin = given ?? server!.url;
const source = await freshDatabase(admin);
const target = await freshDatabase(admin);
const store = await Store.openPg(source.url, { max: 4 });

/** The same rows as bench/ops.ts, inserted set-wise, one day range at a time. */
async function simulate(c: Conn): Promise<void> {
  const t = sql`(${now}::bigint - d * ${DAY}::bigint)`;
  const days = sql`generate_series(0, ${DAYS - 1}) d`;
  await c.run(sql`INSERT INTO inbound_messages (channel, key, received_at, status, raw)
    SELECT 'mail', 'm-' || d || '-' || i, ${t}, 'handled', convert_to(repeat('Nội dung thư gốc ', 720), 'UTF8')
    FROM ${days}, generate_series(1, ${PER_DAY.mails}) i`);
  await c.run(sql`INSERT INTO outbox (channel, recipient, kind, payload, status, attempts, available_at, created_at, sent_at)
    SELECT 'mail', 'a@hanoi.gov.vn', 'reply', jsonb_build_object('text', repeat('Trả lời đăng ký lịch họp ', 20)),
      'sent', 0, ${t}, ${t}, ${t}
    FROM ${days}, generate_series(1, ${PER_DAY.outbox}) i`);
  await c.run(sql`INSERT INTO incidents (code, category, route, status, reporter, text, opened_at, updated_at)
    SELECT 'SC-' || d || '-' || i, 'audio', 'endpoint', 'resolved', 'telegram:1',
      'Phòng họp mất tiếng, nhờ kỹ thuật hỗ trợ', ${t}, ${t}
    FROM ${days}, generate_series(1, ${PER_DAY.incidents}) i`);
  await c.run(sql`INSERT INTO incident_events (incident, at, actor, channel, action, note)
    SELECT 'SC-' || d || '-' || i, ${t}, 'telegram:2', 'telegram', 'resolve', 'đã thay micro'
    FROM ${days}, generate_series(1, ${PER_DAY.incidents}) i`);
  await c.run(sql`INSERT INTO jobs (kind, key, payload, run_at, status, attempts, created_at, done_at)
    SELECT k, k || '@' || d || '#' || i, '{}', ${t}, 'done', 0, ${t}, ${t}
    FROM ${days}, (VALUES ('ops-backup', 1), ('ops-prune', 1), ('ops-prune', 2), ('ops-prune', 3)) v(k, i)`);
  await c.run(sql`INSERT INTO bookings (code, status, title, emergency, secret, recording, city_hall_room, unresolved,
      priority, reasons, missing, channel, sender, received_at, created_at, updated_at)
    SELECT 'HTT-' || d || '-' || i, 'done', 'Phiên họp', 0, 0, 0, 0, '[]', 0, '[]', '[]', 'mail', 's', ${t}, ${t}, ${t}
    FROM ${days}, generate_series(1, ${PER_DAY.bookings}) i`);
  await c.run(sql`INSERT INTO booking_events (booking, at, to_status, actor, channel, reason)
    SELECT 'HTT-' || d || '-' || i, ${t}, 'confirmed', 'system', 'system', 'xác nhận'
    FROM ${days}, generate_series(1, ${PER_DAY.bookings}) i, generate_series(1, 4) k`);
}

const s0 = performance.now();
await store.tx((_r, c) => simulate(c));
const seedMs = performance.now() - s0;
const [size] = await store.read((_r, c) =>
  c.all<{ bytes: number }>(sql`SELECT pg_database_size(current_database()) AS bytes`),
);

async function withDeskLoad<T>(work: () => Promise<T>): Promise<{ result: T; lat: number[] }> {
  const lat: number[] = [];
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const t0 = performance.now();
      await store.tx((r) =>
        r.outbox.enqueue(
          { channel: "desk", recipient: "admin", kind: "live", payload: { text: "x" } },
          new Date(now),
        ),
      );
      lat.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  const result = await work();
  stop = true;
  await loop;
  return { result, lat };
}

const backup = await withDeskLoad(() => backupPostgres(source.url, join(tmp, "desk.dump")));
const r0 = performance.now();
const check = await restorePostgres(backup.result.file, target.url);
const restoreMs = performance.now() - r0;

const settings: RetentionSettings = { mailDays: 365, outboxDays: 90, chatDays: 365, jobDays: 30, batch: 500 };
const batchMs: number[] = [];
const p0 = performance.now();
const prune = await withDeskLoad(() =>
  pruneAll(
    (fn) =>
      store.tx(async (_r, c) => {
        const b0 = performance.now();
        const out = await fn(c);
        batchMs.push(performance.now() - b0);
        return out;
      }),
    settings,
    new Date(now),
  ),
);
const pruneMs = performance.now() - p0;
await store.close();
await source.drop();
await target.drop();
await server?.stop();
rmSync(tmp, { recursive: true, force: true });

const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
const rows = backup.result.check.counts.reduce((n, c) => n + c.rows, 0);
writeSection(
  "## Operations on PostgreSQL: backup and retention (issues 12, 14)",
  `
Run ${new Date().toISOString().slice(0, 10)} on ${machine()}, PostgreSQL 15 ${given ? "(BENCH_PG_URL)" : "(throwaway server, fsync off, as in the tests)"}. The same two years of desk data as the SQLite section (${DAYS} days × ${PER_DAY.mails} mails with a 12 KiB source, ${PER_DAY.outbox} delivered answers, ${PER_DAY.incidents} resolved incidents, ${PER_DAY.bookings} bookings with 4 audit rows each; seeded set-wise in ${ms(seedMs)}): ${mib(size?.bytes ?? 0)} database, ${rows} rows.

| measure | value |
|---|---|
| \`db backup\` (\`pg_dump -Fc\` in an exported snapshot, with the snapshot's row counts and \`pg_restore -l\`) | ${ms(backup.result.ms)} for ${mib(backup.result.bytes)} |
| desk transactions during the backup: count, p50 / p99 / max latency | ${backup.lat.length}, ${ms(pct(backup.lat, 50))} / ${ms(pct(backup.lat, 99))} / ${ms(Math.max(...backup.lat))} |
| \`db restore\` into a fresh database (\`pg_restore --single-transaction\`) + row counts | ${ms(restoreMs)} (check: ${check.integrity.join()}; counts equal the backup's: ${JSON.stringify(check.counts) === JSON.stringify(backup.result.check.counts) ? "yes" : "NO"}) |
| pruning pass (batches of 500): rows touched | ${prune.result.mailRaw} raw mails nulled, ${prune.result.outbox} outbox rows deleted, ${prune.result.incidents} incidents' texts removed, ${prune.result.jobs} finished job rows deleted |
| pruning pass: wall time, batches | ${ms(pruneMs)}, ${prune.result.batches} |
| one batch (a transaction the desk waits behind): p50 / p99 / max | ${ms(pct(batchMs, 50))} / ${ms(pct(batchMs, 99))} / ${ms(Math.max(...batchMs))} |
| desk transactions during the pass: count, p50 / p99 / max latency | ${prune.lat.length}, ${ms(pct(prune.lat, 50))} / ${ms(pct(prune.lat, 99))} / ${ms(Math.max(...prune.lat))} |

pg_dump runs in its own process on its own connection and snapshot, so the desk's writers never wait for it (the
nightly job starts it after its own transaction, which holds the desk's write lock). Each prune batch is one
\`UPDATE/DELETE … WHERE key IN (SELECT … LIMIT 500)\` transaction under that lock; the desk's transactions queue
behind at most one batch. As on SQLite, the raw-mail and outbox scans have no index on their age column.
`,
);

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { runCli } from "../src/app/cli/commands.js";
import { loadConfig } from "../src/app/config.js";
import { RestoreRefused } from "../src/app/ops/backup.js";
import { checkPostgresHealth, runDoctor } from "../src/app/ops/doctor.js";
import { Health } from "../src/app/ops/health.js";
import { armOpsJobs, OPS_JOB, type OpsSettings, opsJobHandlers, settleBackups } from "../src/app/ops/jobs.js";
import { ChatCounters, deskMetrics } from "../src/app/ops/metrics.js";
import { backupPostgres, restorePostgres, toolConnection } from "../src/app/ops/pg-backup.js";
import { PRUNED_TEXT, pruneAll, type RetentionSettings } from "../src/app/ops/retention.js";
import { runDueJobs } from "../src/app/scheduler.js";
import type { Conn } from "../src/store/conn.js";
import { Store } from "../src/store/store.js";
import { at, makeDesk, tempDir } from "./helpers.js";
import { freshDatabase } from "./support/postgres.js";

/*
 * Operations on PostgreSQL (issue 14 on the store of issue 12): pg_dump backups under a write load, pg_restore into
 * a fresh database and its refusals, retention in batches, /metrics figures, the nightly jobs and the doctor.
 */

const NOW = at("2026-12-10", "03:00");
const DAY = 86_400_000;

/** A URL with a password the loopback server (trust authentication) ignores: it must never be printed. */
const PASSWORD = "Mk-bi-mat-7Qz9";
function withPassword(url: string): string {
  const u = new URL(url);
  u.password = PASSWORD;
  return u.toString();
}

async function emptyDatabase() {
  const db = await freshDatabase(inject("pgUrl"));
  return db;
}

async function rows<T>(url: string, q: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(q)).rows as T[];
  } finally {
    await c.end();
  }
}

describe("pg_dump backup and pg_restore", () => {
  it("backs up during a write load; the restore has everything committed before the backup started", async () => {
    const desk = await makeDesk();
    const url = desk.store.pgUrl!;
    const enqueue = (i: number) =>
      desk.store.tx((r) =>
        r.outbox.enqueue(
          { channel: "desk", recipient: "admin", kind: "live", payload: { text: `tin ${i}` } },
          NOW,
        ),
      );
    for (let i = 0; i < 50; i++) await enqueue(i);
    // The load: one write after another, each commit recorded, until the backup is done.
    let writing = true;
    let n = 50;
    const committedDuring: number[] = [];
    const load = (async () => {
      while (writing) {
        await enqueue(n);
        committedDuring.push(n++);
      }
    })();
    await new Promise((r) => setTimeout(r, 20));
    const committedBefore = n;
    const file = join(tempDir(), "desk.dump");
    const res = await backupPostgres(url, file);
    writing = false;
    await load;
    expect(committedDuring.length).toBeGreaterThan(0);

    const target = await emptyDatabase();
    try {
      const check = await restorePostgres(file, target.url);
      expect(check.integrity).toEqual(["ok"]);
      // The restored counts are the dump's snapshot counts, table by table.
      expect(check.counts).toEqual(res.check.counts);
      const restored = await rows<{ payload: { text?: string } }>(target.url, "SELECT payload FROM outbox");
      const texts = new Set(restored.map((r) => r.payload.text));
      for (let i = 0; i < committedBefore; i++) expect(texts.has(`tin ${i}`)).toBe(true);
      // The directory came along, and the restored database opens as a desk.
      const store = await Store.openPg(target.url, { max: 2 });
      try {
        const endpoints = await store.read((_r, c) =>
          c.all<{ n: number }>(sql`SELECT count(*) AS n FROM endpoints`),
        );
        expect(endpoints[0]!.n).toBeGreaterThan(100);
      } finally {
        await store.close();
      }
    } finally {
      await target.drop();
    }
  });

  it("refuses in Vietnamese a non-empty target, a missing file and a file that is not a dump", async () => {
    const desk = await makeDesk();
    const url = desk.store.pgUrl!;
    const dir = tempDir();
    const file = join(dir, "desk.dump");
    await backupPostgres(url, file);
    await expect(restorePostgres(file, url)).rejects.toThrow(RestoreRefused);
    await expect(restorePostgres(file, url)).rejects.toThrow(/đã có dữ liệu .*không ghi đè/);
    await expect(restorePostgres(join(dir, "none.dump"), url)).rejects.toThrow(/Không tìm thấy tệp sao lưu/);
    const junk = join(dir, "junk.dump");
    writeFileSync(junk, "PGDMP này không phải bản sao lưu");
    const target = await emptyDatabase();
    try {
      await expect(restorePostgres(junk, target.url)).rejects.toThrow(/không phải bản sao lưu PostgreSQL/);
      // A refused restore leaves the target empty.
      expect(
        await rows(target.url, "SELECT 1 FROM information_schema.tables WHERE table_schema = 'public'"),
      ).toEqual([]);
    } finally {
      await target.drop();
    }
  });

  it("the CLI backs up and restores with the password in the URL, and never prints it", async () => {
    const desk = await makeDesk();
    const url = withPassword(desk.store.pgUrl!);
    const dir = tempDir();
    const file = join(dir, "cli.dump");
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), now: () => NOW };
    await runCli(["db", "backup", file], loadConfig({ DESK_DB: url, DESK_BACKUP_DIR: dir }), io);
    const target = await emptyDatabase();
    try {
      const to = withPassword(target.url);
      await runCli(
        ["db", "restore", file, "--to", to],
        loadConfig({ DESK_DB: url, DESK_BACKUP_DIR: dir }),
        io,
      );
      const err = await runCli(
        ["db", "restore", file, "--to", to],
        loadConfig({ DESK_DB: url, DESK_BACKUP_DIR: dir }),
        io,
      ).catch((e: Error) => e);
      expect(String(err)).toMatch(/đã có dữ liệu/);
      const text = `${out.join("\n")}\n${String(err)}`;
      expect(text).toMatch(/Đã sao lưu postgres:\/\/postgres:\*\*\*@/);
      expect(text).toMatch(/Đã khôi phục .* vào postgres:\/\/postgres:\*\*\*@/);
      expect(text).toMatch(/outbox/);
      expect(text).not.toContain(PASSWORD);
    } finally {
      await target.drop();
    }
    // The tools get the URL without the password; the password goes through PGPASSWORD.
    const conn = toolConnection(url);
    expect(conn.dbname).not.toContain(PASSWORD);
    expect(conn.env.PGPASSWORD).toBe(PASSWORD);
  });
});

const SETTINGS: RetentionSettings = { mailDays: 365, outboxDays: 90, chatDays: 365, jobDays: 30, batch: 400 };

/** A year and a half of rows, inserted set-wise: 20 mails, 30 delivered answers, 1 resolved incident a day. */
async function simulate(c: Conn, days: number): Promise<void> {
  const now = NOW.getTime();
  await c.run(sql`
    INSERT INTO inbound_messages (channel, key, received_at, status, raw)
    SELECT 'mail', 'm-' || d || '-' || i, ${now}::bigint - d * ${DAY}::bigint - 3600000, 'handled', '\\x4e'::bytea
    FROM generate_series(0, ${days - 1}) d, generate_series(1, 20) i`);
  await c.run(sql`
    INSERT INTO outbox (channel, recipient, kind, payload, status, attempts, available_at, created_at, sent_at)
    SELECT 'mail', 'a@hanoi.gov.vn', 'reply', '{}', 'sent', 0, t, t, t
    FROM (SELECT ${now}::bigint - d * ${DAY}::bigint - 3600000 AS t FROM generate_series(0, ${days - 1}) d, generate_series(1, 30) i) x`);
  await c.run(sql`
    INSERT INTO incidents (code, category, route, status, reporter, text, opened_at, updated_at)
    SELECT 'SC-' || d, 'audio', 'endpoint', 'resolved', 'telegram:1', 'Phòng họp mất tiếng', t, t
    FROM (SELECT d, ${now}::bigint - d * ${DAY}::bigint - 3600000 AS t FROM generate_series(0, ${days - 1}) d) x`);
  await c.run(sql`
    INSERT INTO incident_events (incident, at, actor, channel, action, note)
    SELECT 'SC-' || d, ${now}::bigint - d * ${DAY}::bigint, 'telegram:2', 'telegram', 'xong', 'đã thay micro'
    FROM generate_series(0, ${days - 1}) d`);
  await c.run(sql`
    INSERT INTO jobs (kind, key, payload, run_at, status, attempts, created_at, done_at)
    SELECT k, k || '-' || d, '{}', t, 'done', 0, t, t
    FROM (SELECT d, ${now}::bigint - d * ${DAY}::bigint - 3600000 AS t FROM generate_series(0, ${days - 1}) d) x,
      (VALUES ('answer-reminder'), ('recording-handover-due')) v(k)`);
}

async function count(store: Store, q: string): Promise<number> {
  const [row] = await store.read((_r, c) => c.all<{ n: number }>(sql.raw(q)));
  return Number(row!.n);
}

describe("retention on PostgreSQL", () => {
  it("prunes a year and a half in batches (DELETE … WHERE id IN (SELECT … LIMIT n)) while the desk keeps writing", async () => {
    const desk = await makeDesk();
    const { store } = desk;
    await store.tx((_r, c) => simulate(c, 540));
    let batches = 0;
    const writesAfter: number[] = [];
    let pruning = true;
    const load = (async () => {
      while (pruning) {
        await store.tx((r) =>
          r.outbox.enqueue(
            { channel: "desk", recipient: "admin", kind: "live", payload: { text: "x" } },
            NOW,
          ),
        );
        writesAfter.push(batches);
        await new Promise((r) => setImmediate(r));
      }
    })();
    const total = await pruneAll(
      <T>(fn: (c: Conn) => Promise<T>) =>
        store.tx(async (_r, c) => {
          const out = await fn(c);
          batches++;
          return out;
        }),
      SETTINGS,
      NOW,
    );
    pruning = false;
    await load;
    expect(total.mailRaw).toBe((540 - 365) * 20);
    expect(await count(store, "SELECT count(*) AS n FROM inbound_messages WHERE raw IS NOT NULL")).toBe(
      365 * 20,
    );
    expect(await count(store, "SELECT count(*) AS n FROM inbound_messages")).toBe(540 * 20);
    expect(total.outbox).toBe((540 - 90) * 30);
    expect(await count(store, "SELECT count(*) AS n FROM outbox WHERE kind = 'reply'")).toBe(90 * 30);
    expect(total.incidents).toBe(540 - 365);
    expect(await count(store, `SELECT count(*) AS n FROM incidents WHERE text = '${PRUNED_TEXT}'`)).toBe(
      540 - 365,
    );
    expect(await count(store, "SELECT count(*) AS n FROM incident_events WHERE note IS NULL")).toBe(
      540 - 365,
    );
    // Done timers older than 30 days go; the keyed handover reminders have no '@' here, so they go too.
    expect(total.jobs).toBe((540 - 30) * 2);
    expect(total.batches).toBeGreaterThanOrEqual(Math.ceil(((540 - 90) * 30) / SETTINGS.batch));
    const interleaved = new Set(writesAfter.filter((b) => b > 0 && b < total.batches));
    expect(interleaved.size).toBeGreaterThan(total.batches / 2);
    const again = await pruneAll((fn) => store.tx((_r, c) => fn(c)), SETTINGS, NOW);
    expect(again).toMatchObject({ mailRaw: 0, outbox: 0, incidents: 0, jobs: 0, batches: 1 });
  });

  it("the nightly jobs run on PostgreSQL: a pg_dump file kept in DESK_BACKUP_DIR, and pruning batches to the end", async () => {
    const desk = await makeDesk();
    await desk.store.tx((_r, c) => simulate(c, 120));
    const dir = tempDir();
    const ops: OpsSettings = { backup: { dir, keep: 1, hour: 2 }, retention: { ...SETTINGS, batch: 1000 } };
    await armOpsJobs(desk, ops, NOW);
    await armOpsJobs(desk, ops, NOW);
    expect(
      await count(
        desk.store,
        "SELECT count(*) AS n FROM jobs WHERE kind LIKE 'ops-%' AND status = 'pending'",
      ),
    ).toBe(2);
    const events: string[] = [];
    const handlers = opsJobHandlers(desk, ops, (e) => events.push(e));
    for (let night = 0; night < 2; night++) {
      const when = new Date(NOW.getTime() + (night + 1) * DAY);
      for (let i = 0; i < 10; i++) await runDueJobs(desk, handlers, when);
      await settleBackups();
    }
    expect(events.filter((e) => e === "backup")).toHaveLength(2);
    const { listBackups } = await import("../src/app/ops/backup.js");
    const kept = listBackups(dir);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatch(/\.dump$/);
    // The last pruning ran two days after NOW: answers of the 88 newest days remain.
    expect(await count(desk.store, "SELECT count(*) AS n FROM outbox WHERE kind = 'reply'")).toBe(88 * 30);
    expect(
      await count(
        desk.store,
        `SELECT count(*) AS n FROM jobs WHERE kind = '${OPS_JOB.prune}' AND status = 'parked'`,
      ),
    ).toBe(0);
  });
});

describe("metrics and doctor on PostgreSQL", () => {
  it("/metrics reads its figures from PostgreSQL", async () => {
    const desk = await makeDesk();
    await desk.store.tx(async (r, c) => {
      await r.outbox.enqueue(
        { channel: "mail", recipient: "a@hanoi.gov.vn", kind: "reply", payload: {} },
        NOW,
      );
      await r.jobs.schedule(
        { kind: "recording-handover-due", key: "HTT-2026-0001@2026-12-01", runAt: NOW },
        NOW,
      );
      await r.jobs.schedule(
        { kind: "recording-handover-due", key: "HTT-2026-0001@2026-12-02", runAt: NOW },
        NOW,
      );
      await c.run(sql`INSERT INTO incidents (code, category, route, status, reporter, text, opened_at, updated_at)
        VALUES ('SC-1', 'network', 'wan', 'open', 'system', 'mất kết nối', ${NOW.getTime()}, ${NOW.getTime()})`);
    });
    const registry = deskMetrics({
      store: desk.store,
      health: new Health({ imap: false, smtp: false, chat: false, mcu: false, jobs: true }),
      chat: new ChatCounters(),
      now: () => new Date(NOW.getTime() + 60_000),
      technicalCheckBeforeMinutes: 120,
    });
    const text = await registry.metrics();
    expect(text).toContain('desk_outbox_pending{channel="mail"} 1');
    expect(text).toContain('desk_outbox_oldest_pending_age_seconds{channel="mail"} 60');
    expect(text).toContain('desk_jobs_due{kind="recording-handover-due"} 2');
    expect(text).toContain('desk_sla_breaches_total{kind="recording-handover"} 1');
    expect(text).toContain('desk_incidents_open{route="wan"} 1');
  });

  it("the doctor checks PostgreSQL: reachable, migrated, writable; skips SQLite-only checks; never prints the password", async () => {
    const desk = await makeDesk();
    const good = await checkPostgresHealth(withPassword(desk.store.pgUrl!));
    expect(good.verdict).toBe("ok");
    expect(good.detail).toMatch(/ghi được, đủ (\d+)\/\1 bản chuyển đổi/);
    expect(good.detail).not.toContain(PASSWORD);
    expect(await count(desk.store, "SELECT count(*) AS n FROM meta WHERE key = 'doctor:last-run'")).toBe(1);

    const bare = await emptyDatabase();
    try {
      const unmigrated = await checkPostgresHealth(bare.url);
      expect(unmigrated).toMatchObject({ verdict: "fail" });
      expect(unmigrated.detail).toMatch(/đã áp dụng 0\/\d+ bản chuyển đổi/);
    } finally {
      await bare.drop();
    }
    const down = new URL(withPassword(desk.store.pgUrl!));
    down.port = "1";
    const unreachable = await checkPostgresHealth(down.toString());
    expect(unreachable.verdict).toBe("fail");
    expect(unreachable.detail).toMatch(/không kết nối được postgres:\/\/postgres:\*\*\*@/);
    expect(`${unreachable.detail} ${unreachable.fix}`).not.toContain(PASSWORD);

    const results = await runDoctor(
      () => loadConfig({ DESK_DB: withPassword(desk.store.pgUrl!), DESK_BACKUP_DIR: tempDir() }),
      NOW,
      { resolver: async () => [] },
    );
    const db = results.find((r) => r.name.startsWith("Cơ sở dữ liệu"));
    expect(db).toMatchObject({ name: "Cơ sở dữ liệu (PostgreSQL)", verdict: "ok" });
    expect(results.find((r) => r.name === "Tệp CSDL SQLite")).toMatchObject({ verdict: "skip" });
    expect(JSON.stringify(results)).not.toContain(PASSWORD);
  });
});

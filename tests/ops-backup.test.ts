import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { ROOT } from "../src/app/config.js";
import {
  backupDatabase,
  checkDatabase,
  listBackups,
  nextNightly,
  restoreDatabase,
} from "../src/app/ops/backup.js";
import { armOpsJobs, OPS_JOB, type OpsSettings, opsJobHandlers } from "../src/app/ops/jobs.js";
import { runDueJobs } from "../src/app/scheduler.js";
import { at, makeDesk, SAMPLE_DIR, sampleDirectory, tempDir, ZONE } from "./helpers.js";

// SQLite only: SQLite's online backup of a file, restore over a file, a file that is not a database. PostgreSQL's
// pg_dump/pg_restore twin is tests/ops-pg.pg.test.ts.

function cli(args: string[], env: Record<string, string>) {
  const res = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/app/cli/main.ts"), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

describe("backup and restore", () => {
  it("backs up during a write load; the restore holds everything committed before the backup started", async () => {
    const dir = tempDir();
    const desk = await makeDesk({}, join(dir, "desk.db"));
    const { store } = desk;
    const now = at("2026-12-10", "09:00");
    // Enough data that the online backup takes many steps, so the writes below interleave with it.
    const seed = store.sqlite.prepare(
      "INSERT INTO outbox (channel, recipient, kind, payload, status, attempts, available_at, created_at) VALUES ('desk', 'admin', 'seed', ?, 'pending', 0, ?, ?)",
    );
    store.sqlite.transaction(() => {
      for (let i = 0; i < 20_000; i++)
        seed.run(JSON.stringify({ text: `hàng ${i} ${"x".repeat(200)}` }), +now, +now);
    })();
    let stop = false;
    const committed: number[] = [];
    const load = (async () => {
      while (!stop) {
        committed.push(
          await store.tx((r) =>
            r.outbox.enqueue(
              { channel: "desk", recipient: "admin", kind: "load", payload: { text: "tải" } },
              now,
            ),
          ),
        );
        await new Promise((r) => setImmediate(r));
      }
    })();
    while (committed.length < 20) await new Promise((r) => setImmediate(r));
    const beforeBackup = [...committed];
    const backup = backupDatabase(store.sqlite.name, join(dir, "copy.db"));
    const res = await backup;
    const duringBackup = committed.length - beforeBackup.length;
    stop = true;
    await load;

    expect(res.bytes).toBeGreaterThan(1_000_000);
    // The worker checked the copy before naming it a backup: intact, with every row committed before it began.
    expect(res.check.integrity).toEqual(["ok"]);
    const outboxRows = res.check.counts.find((c) => c.table === "outbox")!.rows;
    expect(outboxRows).toBeGreaterThanOrEqual(20_000 + beforeBackup.length);
    expect(res.check.counts.find((c) => c.table === "agencies")).toBeDefined();
    // The desk kept committing while the copy was taken.
    expect(duringBackup).toBeGreaterThan(0);

    const target = join(dir, "restored", "desk.db");
    const report = await restoreDatabase(res.file, target);
    expect(report.integrity).toEqual(["ok"]);
    const restored = new Database(target, { readonly: true });
    const ids = new Set(
      (restored.prepare("SELECT id FROM outbox WHERE kind = 'load'").all() as { id: number }[]).map(
        (r) => r.id,
      ),
    );
    const seeded = (
      restored.prepare("SELECT count(*) AS n FROM outbox WHERE kind = 'seed'").get() as { n: number }
    ).n;
    restored.close();
    expect(seeded).toBe(20_000);
    expect(beforeBackup.filter((id) => !ids.has(id))).toEqual([]);
    expect(report.counts.find((c) => c.table === "outbox")?.rows).toBeGreaterThanOrEqual(
      20_000 + beforeBackup.length,
    );
  });

  it("db backup and db restore through the CLI: refuses a non-empty target without --force, prints counts in Vietnamese", () => {
    const dir = tempDir();
    const db = join(dir, "desk.db");
    expect(cli(["directory", "import", SAMPLE_DIR], { DESK_DB: db }).code).toBe(0);
    const copy = join(dir, "copy.db");
    const b = cli(["db", "backup", copy], { DESK_DB: db });
    expect(b.code).toBe(0);
    expect(b.out).toMatch(/^Đã sao lưu .* ra .*copy\.db/);

    const fresh = join(dir, "fresh.db");
    const r = cli(["db", "restore", copy, "--to", fresh], { DESK_DB: db });
    expect(r.code).toBe(0);
    expect(r.out).toContain("Kiểm tra toàn vẹn (integrity_check): đạt");
    expect(r.out).toMatch(/agencies\s+149/);
    expect(r.out).toMatch(/people\s+327/);

    // The live database is not overwritten by mistake.
    const refused = cli(["db", "restore", copy], { DESK_DB: db });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("đã có dữ liệu; không ghi đè");
    expect(cli(["db", "restore", copy, "--force"], { DESK_DB: db }).code).toBe(0);

    // A corrupt backup is refused before anything is touched.
    const bad = join(dir, "bad.db");
    writeFileSync(bad, "đây không phải CSDL");
    const corrupt = cli(["db", "restore", bad, "--to", join(dir, "other.db")], { DESK_DB: db });
    expect(corrupt.code).toBe(1);
    expect(existsSync(join(dir, "other.db"))).toBe(false);
  }, 180_000);

  it("the nightly backup is a job row: it copies, keeps DESK_BACKUP_KEEP files, and arms the next night", async () => {
    const dir = tempDir();
    const desk = await makeDesk({}, join(dir, "desk.db"));
    await desk.store.tx((r) => r.directory.replaceAll(sampleDirectory));
    const backups = join(dir, "backups");
    const ops: OpsSettings = {
      backup: { dir: backups, keep: 3, hour: 2 },
      retention: { mailDays: 365, outboxDays: 90, chatDays: 365, jobDays: 30, batch: 500 },
    };
    const evening = at("2026-12-10", "20:00");
    await armOpsJobs(desk, ops, evening);
    await armOpsJobs(desk, ops, evening); // a restart does not add a second timer
    const pending = await desk.store.read((r) => r.jobs.list(["pending"]));
    const nightly = pending.filter((j) => j.kind === OPS_JOB.backup);
    expect(nightly).toHaveLength(1);
    expect(nightly[0]!.runAt).toEqual(at("2026-12-11", "02:00"));

    const handlers = opsJobHandlers(desk, ops);
    for (let night = 11; night <= 15; night++) {
      const report = await runDueJobs(desk, handlers, at(`2026-12-${night}`, "02:00"));
      expect(report).toMatchObject({ failed: 0, parked: 0 });
    }
    const files = listBackups(backups);
    expect(files).toHaveLength(3);
    expect(readdirSync(backups).filter((f) => f.endsWith(".part"))).toEqual([]);
    expect(checkDatabase(files.at(-1)!).integrity).toEqual(["ok"]);
    const next = (await desk.store.read((r) => r.jobs.list(["pending"]))).filter(
      (j) => j.kind === OPS_JOB.backup,
    );
    expect(next.map((j) => j.runAt)).toEqual([at("2026-12-16", "02:00")]);
  });

  it("a copy that fails in the worker is reported and leaves no file behind", async () => {
    const dir = tempDir();
    const notDb = join(dir, "desk.db");
    writeFileSync(notDb, "đây không phải CSDL ".repeat(500));
    await expect(backupDatabase(notDb, join(dir, "b", "copy.db"))).rejects.toThrow(/not a database/);
    expect(readdirSync(join(dir, "b"))).toEqual([]);
  });

  it("nextNightly counts the hour in Hanoi, not on the machine", () => {
    expect(nextNightly(at("2026-12-10", "01:59"), 2, ZONE)).toEqual(at("2026-12-10", "02:00"));
    expect(nextNightly(at("2026-12-10", "02:00"), 2, ZONE)).toEqual(at("2026-12-11", "02:00"));
  });
});

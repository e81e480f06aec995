import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { DateTime } from "luxon";

/** Where nightly backups go and how many are kept. */
export interface BackupSettings {
  dir: string;
  keep: number;
  /** Local hour (0–23, in the desk's zone) of the nightly backup. */
  hour: number;
}

export const BACKUP_PREFIX = "desk-";
export const BACKUP_SUFFIX = ".db";
/** A PostgreSQL desk's backups: `pg_dump -Fc` files (src/app/ops/pg-backup.ts). */
export const PG_BACKUP_SUFFIX = ".dump";

export interface TableCount {
  table: string;
  rows: number;
}

export interface CheckReport {
  integrity: string[];
  counts: TableCount[];
}

export interface BackupResult {
  file: string;
  bytes: number;
  ms: number;
  /** The copy's `PRAGMA integrity_check` and row counts, taken in the worker before the rename. */
  check: CheckReport;
}

/**
 * The backup worker, plain CommonJS run with `eval` so it loads the same way under tsx, vitest and a build.
 * It copies every page in one `backup()` step (0x7fffffff pages) inside one read snapshot on its own read-only
 * connection, then checks the copy (the same queries as `checkDatabase`, which restore uses).
 */
const BACKUP_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
(async () => {
  const src = new Database(workerData.source, { readonly: true, fileMustExist: true });
  try {
    src.pragma("busy_timeout = 5000");
    await src.backup(workerData.part, { progress: () => 0x7fffffff });
  } finally {
    src.close();
  }
  const db = new Database(workerData.part, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma("integrity_check").map((r) => r.integrity_check);
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all();
    const counts = tables.map(({ name }) => ({
      table: name,
      rows: db.prepare('SELECT count(*) AS n FROM "' + name.replaceAll('"', '""') + '"').get().n,
    }));
    parentPort.postMessage({ ok: true, check: { integrity, counts } });
  } finally {
    db.close();
  }
})().catch((err) => parentPort.postMessage({ ok: false, message: String((err && err.message) || err) }));
`;

const DRIVER = createRequire(import.meta.url).resolve("better-sqlite3");

function copyInWorker(source: string, part: string): Promise<CheckReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BACKUP_WORKER, { eval: true, workerData: { driver: DRIVER, source, part } });
    let settled = false;
    worker.once("message", (m: { ok: true; check: CheckReport } | { ok: false; message: string }) => {
      settled = true;
      if (m.ok) resolve(m.check);
      else reject(new Error(m.message));
    });
    worker.once("error", (err) => {
      settled = true;
      reject(err);
    });
    worker.once("exit", (code) => {
      if (!settled) reject(new Error(`luồng sao lưu dừng bất thường (mã ${code})`));
    });
  });
}

/**
 * A consistent copy of the live database through SQLite's online backup API, taken in a worker thread so the
 * desk's event loop keeps serving while the pages are copied and checked. It reads through its own read-only
 * connection, so the desk keeps writing meanwhile (WAL: readers never block the writer). All pages are copied
 * in one step, inside one read snapshot: a copy taken in small steps restarts whenever another connection
 * writes, and under the desk's steady load it would never finish. The copy is the database as committed when
 * that step began. It is checked (`integrity_check`, row counts) before it is renamed from `FILE.part` to
 * `FILE`, so a half-written or corrupt copy never looks like a backup.
 */
export async function backupDatabase(sourcePath: string, file: string): Promise<BackupResult> {
  if (sourcePath === ":memory:" || !existsSync(sourcePath)) {
    throw new Error(`không tìm thấy CSDL ${sourcePath}`);
  }
  const started = performance.now();
  mkdirSync(dirname(file), { recursive: true });
  const part = `${file}.part`;
  rmSync(part, { force: true });
  ownerOnly(part);
  let check: CheckReport;
  try {
    check = await copyInWorker(sourcePath, part);
    if (check.integrity.join() !== "ok") {
      throw new Error(`bản sao không đạt integrity_check: ${check.integrity.slice(0, 3).join("; ")}`);
    }
  } catch (err) {
    rmSync(part, { force: true });
    throw err;
  }
  renameSync(part, file);
  return { file, bytes: statSync(file).size, ms: performance.now() - started, check };
}

/**
 * Create `path` empty, readable and writable by the desk's account only, before a copy is written into it: a backup
 * holds everything the desk holds (VPN tokens, phones, password hashes, secret sessions, quarantined mails) and was
 * left with the umask's 0644, readable by every account of the machine, where the directory's own export is 0600.
 * The copy writes into the existing file, which keeps its mode; the chmod narrows one a previous run left.
 */
export function ownerOnly(path: string): void {
  writeFileSync(path, "", { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** `PRAGMA integrity_check` and the row count of every table of an SQLite file, read-only. */
export function checkDatabase(path: string): CheckReport {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma("integrity_check") as { integrity_check: string }[]).map(
      (r) => r.integrity_check,
    );
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all() as { name: string }[];
    const counts = tables.map(({ name }) => ({
      table: name,
      rows: (db.prepare(`SELECT count(*) AS n FROM "${name.replaceAll('"', '""')}"`).get() as { n: number })
        .n,
    }));
    return { integrity, counts };
  } finally {
    db.close();
  }
}

export class RestoreRefused extends Error {
  override name = "RestoreRefused";
}

/** A database file with at least one table: restoring over it would lose data. */
export function isNonEmptyDatabase(path: string): boolean {
  if (!existsSync(path) || statSync(path).size === 0) return false;
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as {
        n: number;
      };
      return row.n > 0;
    } finally {
      db.close();
    }
  } catch {
    // Not a database at all: still somebody's file.
    return true;
  }
}

/**
 * Restore `backupFile` into `targetPath`: the backup is checked first (a corrupt copy is refused), the
 * target must be absent or empty unless `force`, and the result is checked again. Stop the desk first:
 * with `force` the target and its WAL are replaced.
 */
export async function restoreDatabase(
  backupFile: string,
  targetPath: string,
  opts: { force?: boolean } = {},
): Promise<CheckReport> {
  if (!existsSync(backupFile)) throw new RestoreRefused(`Không tìm thấy tệp sao lưu ${backupFile}.`);
  const before = checkDatabase(backupFile);
  if (before.integrity.join() !== "ok") {
    throw new RestoreRefused(
      `Tệp sao lưu ${backupFile} bị hỏng (integrity_check: ${before.integrity.slice(0, 3).join("; ")}); không khôi phục.`,
    );
  }
  if (isNonEmptyDatabase(targetPath) && !opts.force) {
    throw new RestoreRefused(
      `CSDL đích ${targetPath} đã có dữ liệu; không ghi đè. Hãy dừng dịch vụ rồi chạy lại với --force, hoặc chọn một đường dẫn mới.`,
    );
  }
  mkdirSync(dirname(targetPath), { recursive: true });
  const part = `${targetPath}.restore`;
  rmSync(part, { force: true });
  ownerOnly(part);
  const src = new Database(backupFile, { readonly: true, fileMustExist: true });
  try {
    await src.backup(part);
  } finally {
    src.close();
  }
  for (const f of [targetPath, `${targetPath}-wal`, `${targetPath}-shm`]) rmSync(f, { force: true });
  renameSync(part, targetPath);
  return checkDatabase(targetPath);
}

/** The next run of the nightly job: today at `hour` in `zone` if still ahead, otherwise tomorrow. */
export function nextNightly(now: Date, hour: number, zone: string): Date {
  const local = DateTime.fromJSDate(now, { zone });
  let at = local.set({ hour, minute: 0, second: 0, millisecond: 0 });
  if (at.toMillis() <= now.getTime()) at = at.plus({ days: 1 });
  return at.toJSDate();
}

/** The file name of a backup taken at `now`: sortable, so the oldest are first. */
export function backupFileName(now: Date, suffix = BACKUP_SUFFIX): string {
  return `${BACKUP_PREFIX}${now.toISOString().replace(/[:.]/g, "-")}${suffix}`;
}

/** Our backups in `dir`, oldest first. */
export function listBackups(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.startsWith(BACKUP_PREFIX) && (f.endsWith(BACKUP_SUFFIX) || f.endsWith(PG_BACKUP_SUFFIX)))
    .sort()
    .map((f) => join(dir, f));
}

/** Delete all but the newest `keep` backups; returns the deleted files. */
export function pruneBackups(dir: string, keep: number): string[] {
  const all = listBackups(dir);
  const drop = all.slice(0, Math.max(0, all.length - keep));
  for (const f of drop) rmSync(f, { force: true });
  return drop.map((f) => basename(f));
}

/** The newest backup's age, or null when there is none. */
export function lastBackupAge(dir: string, now: Date): { file: string; ageMs: number } | null {
  const newest = listBackups(dir).at(-1);
  if (!newest) return null;
  return { file: newest, ageMs: now.getTime() - statSync(newest).mtime.getTime() };
}

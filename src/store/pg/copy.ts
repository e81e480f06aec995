import { existsSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { getTableConfig } from "drizzle-orm/pg-core";
import type pg from "pg";
import { REBUILD_SCHEDULE_DAYS } from "../booking-repo.js";
import { checkPostgresUrl, maskUrl, maskUrlsIn, openPgDatabase, passwordsOf } from "./db.js";
import { pgTables, tablesInDependencyOrder } from "./tables.js";

/** The copy did not start, or was rolled back whole: the message says why, in Vietnamese, with no password. */
export class CopyRefused extends Error {
  override name = "CopyRefused";
}

export interface CopiedTable {
  name: string;
  source: number;
  target: number;
}

export interface CopyResult {
  tables: CopiedTable[];
  rows: number;
  ms: number;
}

/** Tables the PostgreSQL migrations fill themselves: upserted from the source instead of inserted. */
const SEEDED: Record<string, string> = { change_counters: "name" };

/** node-postgres takes at most 65535 parameters a statement; stay well below, and keep statements small. */
const MAX_PARAMS = 30_000;
const MAX_ROWS = 500;

const SQLITE_JOURNAL = fileURLToPath(new URL("../../../drizzle/meta/_journal.json", import.meta.url));

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

function scrub(text: string, url: string): string {
  let out = maskUrlsIn(text);
  for (const s of passwordsOf(url)) out = out.split(s).join("***");
  return out;
}

/** The source: an existing SQLite file of the desk, at the newest migration, opened read-only. */
function openSource(path: string): Database.Database {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new CopyRefused(`Không tìm thấy CSDL nguồn ${path}: hãy kiểm tra đường dẫn (--from).`);
  }
  let sqlite: Database.Database;
  try {
    sqlite = new Database(path, { readonly: true, fileMustExist: true });
    sqlite.prepare("SELECT count(*) FROM sqlite_master").get();
  } catch (err) {
    throw new CopyRefused(`Không mở được ${path} như một CSDL SQLite: ${(err as Error).message}.`);
  }
  const expected = (JSON.parse(readFileSync(SQLITE_JOURNAL, "utf8")) as { entries: unknown[] }).entries
    .length;
  let applied = 0;
  try {
    applied = (sqlite.prepare("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number }).n;
  } catch {
    sqlite.close();
    throw new CopyRefused(`${path} không phải CSDL của bàn kỹ thuật (không có bảng quản lý phiên bản).`);
  }
  if (applied !== expected) {
    sqlite.close();
    throw new CopyRefused(
      `CSDL nguồn ${path} đang ở phiên bản cũ (${applied}/${expected} bước chuyển đổi): hãy chạy bàn kỹ thuật ` +
        "phiên bản hiện tại trên tệp này một lần (nó tự cập nhật), rồi chép lại.",
    );
  }
  return sqlite;
}

/**
 * Copy a desk's SQLite database into an empty PostgreSQL database (issue 12): the PostgreSQL migrations are
 * applied, then every table is copied parents first, in batches, inside ONE PostgreSQL transaction, from one
 * consistent SQLite read snapshot (the desk may keep running on the file). Identity sequences move past the copied
 * ids. Row counts per table are compared before the commit: any difference rolls everything back. The schedule
 * triggers are off during the copy (the counters are copied as they are), so a large copy is not slowed by
 * 100k counter updates.
 */
export async function copySqliteToPostgres(
  from: string,
  to: string,
  opts: { onTable?: (t: CopiedTable) => void } = {},
): Promise<CopyResult> {
  const started = performance.now();
  const bad = checkPostgresUrl(to);
  if (bad) throw new CopyRefused(`Địa chỉ PostgreSQL «${maskUrl(to)}» không hợp lệ: ${bad}.`);
  const sqlite = openSource(from);
  let pool: pg.Pool | null = null;
  try {
    try {
      ({ pool } = await openPgDatabase(to, { max: 1 }));
    } catch (err) {
      throw new CopyRefused(
        `Không kết nối hoặc chuẩn bị được CSDL PostgreSQL «${maskUrl(to)}»: ${scrub((err as Error).message, to)}. ` +
          "Hãy kiểm tra máy chủ, cổng, tên người dùng, mật khẩu và quyền tạo bảng.",
      );
    }
    const client = await pool.connect();
    try {
      return await copyInto(sqlite, client, opts, started);
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      if (err instanceof CopyRefused) throw new CopyRefused(scrub(err.message, to));
      throw new CopyRefused(
        `Chép không thành công, CSDL PostgreSQL không thay đổi: ${scrub((err as Error).message, to)}.`,
      );
    } finally {
      client.release();
    }
  } finally {
    if (sqlite.inTransaction) sqlite.exec("COMMIT");
    sqlite.close();
    await pool?.end();
  }
}

async function copyInto(
  sqlite: Database.Database,
  client: pg.PoolClient,
  opts: { onTable?: (t: CopiedTable) => void },
  started: number,
): Promise<CopyResult> {
  const tables = pgTables();
  const order = tablesInDependencyOrder();
  await client.query("BEGIN");
  // Two copies into one database at once: the second waits, then finds the data and refuses.
  await client.query("SELECT pg_advisory_xact_lock(31250002)");
  const busy: string[] = [];
  for (const name of order) {
    if (SEEDED[name]) continue;
    const r = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${q(name)}`);
    if (r.rows[0]!.n > 0) busy.push(`${name}: ${r.rows[0]!.n} dòng`);
  }
  if (busy.length > 0) {
    throw new CopyRefused(
      `CSDL PostgreSQL đích đã có dữ liệu của bàn kỹ thuật (${busy.join("; ")}): không chép đè. ` +
        "Hãy chép vào một CSDL trống (CREATE DATABASE …).",
    );
  }
  for (const name of order) await client.query(`ALTER TABLE ${q(name)} DISABLE TRIGGER USER`);

  // One read snapshot of the source for every table and every count.
  sqlite.exec("BEGIN");
  const copied: CopiedTable[] = [];
  let rows = 0;
  for (const name of order) {
    const cfg = getTableConfig(tables.get(name)!);
    const cols = cfg.columns.map((c) => c.name);
    const perBatch = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / cols.length)));
    const select = sqlite
      .prepare(`SELECT ${cols.map(q).join(", ")} FROM ${q(name)} ORDER BY rowid`)
      .raw(true);
    const conflict = SEEDED[name]
      ? ` ON CONFLICT (${q(SEEDED[name])}) DO UPDATE SET ${cols
          .filter((c) => c !== SEEDED[name])
          .map((c) => `${q(c)} = EXCLUDED.${q(c)}`)
          .join(", ")}`
      : "";
    const insert = async (batch: unknown[][]) => {
      const params: unknown[] = [];
      const tuples = batch.map((row) => {
        const marks = row.map((v) => {
          params.push(v);
          return `$${params.length}`;
        });
        return `(${marks.join(", ")})`;
      });
      await client.query(
        `INSERT INTO ${q(name)} (${cols.map(q).join(", ")}) VALUES ${tuples.join(", ")}${conflict}`,
        params,
      );
    };
    let batch: unknown[][] = [];
    for (const row of select.iterate() as IterableIterator<unknown[]>) {
      batch.push(row);
      if (batch.length >= perBatch) {
        await insert(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await insert(batch);

    const identity = cfg.columns.find((c) => c.generatedIdentity);
    if (identity) {
      await client.query(
        `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX(${q(identity.name)}), 0) + 1, false) FROM ${q(name)}`,
        [q(name), identity.name],
      );
    }
    const source = (sqlite.prepare(`SELECT count(*) AS n FROM ${q(name)}`).get() as { n: number }).n;
    const target = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${q(name)}`)).rows[0]!
      .n;
    const t = { name, source, target };
    copied.push(t);
    rows += target;
    opts.onTable?.(t);
  }
  sqlite.exec("COMMIT");
  for (const name of order) await client.query(`ALTER TABLE ${q(name)} ENABLE TRIGGER USER`);
  for (const statement of REBUILD_SCHEDULE_DAYS) await client.query(statement);

  const differ = copied.filter((t) => t.source !== t.target);
  if (differ.length > 0) {
    throw new CopyRefused(
      `Số dòng không khớp sau khi chép (${differ.map((t) => `${t.name}: SQLite ${t.source}, PostgreSQL ${t.target}`).join("; ")}): ` +
        "đã hủy toàn bộ, CSDL PostgreSQL không thay đổi.",
    );
  }
  await client.query("COMMIT");
  await analyzeAfterCopy(client, order);
  return { tables: copied, rows, ms: performance.now() - started };
}

/**
 * After the commit: VACUUM (ANALYZE) every copied table. Without statistics the planner guesses (a fresh copy has
 * none until autovacuum gets to it), and without the visibility map a count over a year of bookings reads the
 * table instead of the bookings_start index alone (issue 12, lists: 78 → 25 ms for 50 000 bookings). VACUUM cannot
 * run in a transaction; the data is already committed, so a failure here only leaves it to autovacuum.
 */
async function analyzeAfterCopy(client: pg.PoolClient, tables: readonly string[]): Promise<void> {
  try {
    await client.query(`VACUUM (ANALYZE) ${tables.map(q).join(", ")}`);
  } catch {
    // Statistics are an optimisation: the copy stands without them.
  }
}

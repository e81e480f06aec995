import { fileURLToPath } from "node:url";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import * as schema from "./schema.js";

export type PgDb = NodePgDatabase<typeof schema>;

export const PG_MIGRATIONS = fileURLToPath(new URL("../../../drizzle-pg", import.meta.url));

/** `DESK_DB` (or `db copy --to`) names PostgreSQL when it is a postgres:// or postgresql:// URL. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/**
 * The URL as it may be shown to a person or written to a log: the password (after `user:` or in `?password=`)
 * becomes `***`. Every message that names a PostgreSQL URL goes through this.
 */
export function maskUrl(value: string): string {
  return value
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):[^@/?#]*@/i, "$1:***@")
    .replace(/([?&]password=)[^&#]*/gi, "$1***");
}

/** A URL that node-postgres can use: postgres[ql]://, a parseable authority, a database name. */
export function checkPostgresUrl(value: string): string | null {
  if (!isPostgresUrl(value)) return "địa chỉ phải bắt đầu bằng postgres:// hoặc postgresql://";
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return "địa chỉ không đúng cú pháp URL (postgres://người_dùng:mật_khẩu@máy:cổng/tên_csdl)";
  }
  if (!u.hostname && !u.searchParams.get("host")) return "địa chỉ thiếu tên máy chủ";
  if (u.port && !/^\d+$/.test(u.port)) return "cổng không hợp lệ";
  if (u.pathname.replace(/^\//, "") === "") return "địa chỉ thiếu tên cơ sở dữ liệu (…/tên_csdl)";
  return null;
}

/** Serializes migrations of several desks starting at once on one database. */
const MIGRATE_LOCK = 31250001;

/**
 * A pool on the PostgreSQL database at `url`, with the committed migrations of drizzle-pg/ applied (under an
 * advisory lock, so two desks starting together do not race). The caller ends the pool.
 */
export async function openPgDatabase(
  url: string,
  opts: { max?: number } = {},
): Promise<{ pool: pg.Pool; db: PgDb }> {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10 });
  // An idle client losing its server (restart, failover) must not crash the process: the next query reconnects.
  pool.on("error", () => undefined);
  try {
    const db = drizzle(pool, { schema });
    // The lock on a connection of its own: the pool may have a single one, which the migrator needs.
    const lock = new pg.Client({ connectionString: url });
    lock.on("error", () => undefined);
    await lock.connect();
    try {
      await lock.query("SELECT pg_advisory_lock($1)", [MIGRATE_LOCK]);
      await migrate(db, { migrationsFolder: PG_MIGRATIONS });
    } finally {
      // Ending the session releases its advisory lock.
      await lock.end().catch(() => undefined);
    }
    return { pool, db };
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
}

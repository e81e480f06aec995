import { fileURLToPath } from "node:url";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { hasNul, withoutNul } from "./nul.js";
import * as schema from "./schema.js";

export type PgDb = NodePgDatabase<typeof schema>;

export const PG_MIGRATIONS = fileURLToPath(new URL("../../../drizzle-pg", import.meta.url));

export { checkPostgresUrl, isPostgresUrl, maskUrl, maskUrlsIn, passwordsOf } from "./url.js";

/*
 * Raw queries read int8 (count(*), epoch milliseconds) and numeric (sum) as numbers, as SQLite gives them. Every such
 * value the desk stores is an instant in milliseconds or a count, far below 2^53. pg's parsers are process-wide;
 * the desk's process has no other PostgreSQL user.
 */
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/*
 * PostgreSQL's text and jsonb hold no NUL character (U+0000), which a mail or a chat message may carry (see nul.ts):
 * every string parameter of every statement loses its NULs, for the whole process as the parsers above.
 */
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const [first, second] = args;
  if (Array.isArray(second) && second.some(hasNul)) args[1] = second.map(withoutNul);
  else if (
    first !== null &&
    typeof first === "object" &&
    Object.getPrototypeOf(first) === Object.prototype &&
    Array.isArray((first as { values?: unknown }).values) &&
    (first as { values: unknown[] }).values.some(hasNul)
  )
    args[0] = { ...first, values: (first as { values: unknown[] }).values.map(withoutNul) };
  return query.apply(this, args);
} as typeof pg.Client.prototype.query;

/** A drizzle database on one client of the pool (a transaction's connection). */
export function drizzleOnClient(client: pg.PoolClient): PgDb {
  return drizzle(client, { schema });
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
  // `min`: the first two clients never get pg-pool's idle timer. Without it every release armed a setTimeout that
  // the next checkout cleared, 4 % of the desk's busy CPU per registration (bench/pg-trips.ts, PG_TRIPS_PROF);
  // clients beyond two still close after 10 s idle.
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, min: Math.min(2, opts.max ?? 10) });
  // An idle client losing its server (restart, failover) must not crash the process: the next query reconnects.
  pool.on("error", () => undefined);
  // A checked-out client has no pool listener (pg-pool removes it): losing its server between two queries of a
  // transaction would throw an unhandled 'error' and end the process. Its next query fails instead, and the
  // transaction's ROLLBACK failing drops it from the pool (tests/chaos-pg-restart.pg.test.ts).
  pool.on("connect", (client) => client.on("error", () => undefined));
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

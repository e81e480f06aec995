import { readFileSync } from "node:fs";
import { join } from "node:path";
import { getTableConfig as pgConfig } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteConfig } from "drizzle-orm/sqlite-core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../src/app/config.js";
import { openPgDatabase } from "../src/store/pg/db.js";
import { pgTables, sqliteTables, tablesInDependencyOrder } from "../src/store/pg/tables.js";
import { freshDatabase, testServer } from "./support/postgres.js";

type Described = {
  columns: Record<string, { kind: string; notNull: boolean; primary: boolean; hasDefault: boolean }>;
  primaryKey: string[];
  indexes: Record<string, { unique: boolean; columns: string[] }>;
  foreignKeys: string[];
};

/** What a column holds, in words both dialects share (SQLite's `timestamp_ms` and pg's bigint instant: "instant"). */
function sqliteKind(columnType: string): string {
  const kinds: Record<string, string> = {
    SQLiteText: "text",
    SQLiteInteger: "integer",
    SQLiteTimestamp: "instant",
    SQLiteBoolean: "flag",
    SQLiteTextJson: "json",
    SQLiteBlobBuffer: "blob",
  };
  return kinds[columnType] ?? `?${columnType}`;
}

function pgKind(columnType: string, sqlType: string): string {
  if (columnType === "PgCustomColumn") {
    return { bigint: "instant", integer: "flag", bytea: "blob" }[sqlType] ?? `?custom ${sqlType}`;
  }
  const kinds: Record<string, string> = {
    PgText: "text",
    PgInteger: "integer",
    // meta.updated_at: a plain epoch-ms integer on both sides (SQLite integers are 64-bit).
    PgBigInt53: "integer",
    PgJsonb: "json",
  };
  return kinds[columnType] ?? `?${columnType}`;
}

function describeSqlite(): Record<string, Described> {
  const out: Record<string, Described> = {};
  for (const [name, t] of sqliteTables()) {
    const c = sqliteConfig(t);
    out[name] = {
      columns: Object.fromEntries(
        c.columns.map((col) => [
          col.name,
          {
            kind: sqliteKind(col.columnType),
            notNull: col.notNull,
            primary: col.primary,
            hasDefault: col.hasDefault,
          },
        ]),
      ),
      primaryKey: c.primaryKeys.flatMap((p) => p.columns.map((x) => x.name)),
      indexes: Object.fromEntries(
        c.indexes.map((i) => [
          i.config.name,
          { unique: i.config.unique, columns: i.config.columns.map((x) => (x as { name: string }).name) },
        ]),
      ),
      foreignKeys: c.foreignKeys
        .map((f) => {
          const r = f.reference();
          return `${r.columns.map((x) => x.name)}->${sqliteConfig(r.foreignTable).name}(${r.foreignColumns.map((x) => x.name)}) ${f.onDelete ?? "no action"}`;
        })
        .sort(),
    };
  }
  return out;
}

function describePg(): Record<string, Described> {
  const out: Record<string, Described> = {};
  for (const [name, t] of pgTables()) {
    const c = pgConfig(t);
    out[name] = {
      columns: Object.fromEntries(
        c.columns.map((col) => [
          col.name,
          {
            kind: pgKind(col.columnType, col.getSQLType()),
            notNull: col.notNull,
            primary: col.primary,
            // An identity column is SQLite's AUTOINCREMENT, which drizzle counts as a default.
            hasDefault: col.hasDefault || Boolean(col.generatedIdentity),
          },
        ]),
      ),
      primaryKey: c.primaryKeys.flatMap((p) => p.columns.map((x) => x.name)),
      indexes: Object.fromEntries(
        c.indexes.map((i) => [
          i.config.name!,
          { unique: i.config.unique, columns: i.config.columns.map((x) => (x as { name: string }).name) },
        ]),
      ),
      foreignKeys: c.foreignKeys
        .map((f) => {
          const r = f.reference();
          return `${r.columns.map((x) => x.name)}->${pgConfig(r.foreignTable).name}(${r.foreignColumns.map((x) => x.name)}) ${f.onDelete ?? "no action"}`;
        })
        .sort(),
    };
  }
  return out;
}

describe("the PostgreSQL schema is the SQLite schema", () => {
  it("has the same tables, columns (kind, nullability, keys, defaults), indexes and foreign keys", () => {
    const sqlite = describeSqlite();
    const postgres = describePg();
    expect(Object.keys(postgres).sort()).toEqual(Object.keys(sqlite).sort());
    expect(Object.keys(sqlite).length).toBeGreaterThanOrEqual(20);
    for (const name of Object.keys(sqlite))
      expect({ [name]: postgres[name] }).toEqual({ [name]: sqlite[name] });
  });

  it("orders tables parents first, so a copy never inserts a row before the row it references", () => {
    const order = tablesInDependencyOrder();
    expect(new Set(order)).toEqual(new Set(pgTables().keys()));
    const precedes = (a: string, b: string) => expect(order.indexOf(a)).toBeLessThan(order.indexOf(b));
    precedes("agencies", "endpoints");
    precedes("endpoints", "people");
    precedes("agencies", "agency_mailboxes");
    precedes("bookings", "booking_endpoints");
    precedes("bookings", "booking_events");
    precedes("incidents", "incident_events");
    precedes("web_accounts", "web_sessions");
  });
});

describe("the PostgreSQL migrations on a real PostgreSQL 15", () => {
  let server: { url: string; release(): Promise<void> };
  let database: { url: string; drop(): Promise<void> };
  let client: pg.Client;

  beforeAll(async () => {
    server = await testServer();
    database = await freshDatabase(server.url);
    const { pool } = await openPgDatabase(database.url);
    await pool.end();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await database?.drop();
    await server?.release();
  });

  it("create every table with its columns' nullability and every index", async () => {
    const cols = await client.query<{ table_name: string; column_name: string; is_nullable: string }>(
      "SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public'",
    );
    const live: Record<string, Record<string, boolean>> = {};
    for (const r of cols.rows) {
      live[r.table_name] = { ...live[r.table_name], [r.column_name]: r.is_nullable === "NO" };
    }
    const expected: Record<string, Record<string, boolean>> = {};
    for (const [name, t] of sqliteTables())
      expected[name] = Object.fromEntries(sqliteConfig(t).columns.map((c) => [c.name, c.notNull]));
    expect(live).toEqual(expected);

    const idx = await client.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'",
    );
    const names = new Set(idx.rows.map((r) => r.indexname));
    for (const t of sqliteTables().values())
      for (const i of sqliteConfig(t).indexes) expect(names, i.config.name).toContain(i.config.name);
  });

  it("are applied once: opening the database again changes nothing", async () => {
    const before = await client.query("SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations");
    const { pool } = await openPgDatabase(database.url);
    await pool.end();
    const after = await client.query("SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations");
    expect(after.rows[0].n).toBe(before.rows[0].n);
    // One row per migration of the journal, no more.
    const journal = JSON.parse(readFileSync(join(ROOT, "drizzle-pg/meta/_journal.json"), "utf8")) as {
      entries: unknown[];
    };
    expect(after.rows[0].n).toBe(journal.entries.length);
  });

  it("count every statement that writes bookings, their endpoints or events into change_counters (a reader asks only whether it moved)", async () => {
    const counter = async () =>
      (await client.query<{ n: number }>("SELECT n FROM change_counters WHERE name = 'schedule'")).rows[0]
        ?.n ?? -1;
    const n0 = await counter();
    expect(n0).toBe(0);
    const now = Date.now();
    // Two rows in one statement: one bump (row-level triggers made it two, each a PL/pgSQL call and a new version of
    // the counter's row).
    await client.query(
      `INSERT INTO bookings (code, status, emergency, secret, recording, city_hall_room, unresolved, priority,
         reasons, missing, channel, sender, received_at, created_at, updated_at)
       VALUES ($1, 'confirmed', 0, 0, 0, 0, '[]', 3, '[]', '[]', 'mail', 'a@b', $2, $2, $2),
              ($3, 'confirmed', 0, 0, 0, 0, '[]', 3, '[]', '[]', 'mail', 'a@b', $2, $2, $2)`,
      ["HTT-2026-0001", now, "HTT-2026-0002"],
    );
    expect(await counter()).toBe(1);
    await client.query(
      "INSERT INTO booking_endpoints (booking, endpoint, role) VALUES ('HTT-2026-0001', 'CX-00008', 'host'), ('HTT-2026-0001', 'CX-00025', 'participant')",
    );
    await client.query(
      "INSERT INTO booking_events (booking, at, to_status, actor, channel, reason) VALUES ('HTT-2026-0001', $1, 'confirmed', 'hệ thống', 'mail', 'thử')",
      [now],
    );
    expect(await counter()).toBe(3);
    await client.query("UPDATE bookings SET status = 'cancelled' WHERE code = 'HTT-2026-0002'");
    expect(await counter()).toBe(4);
    // Deleting a booking cascades to its endpoint and event rows: the cascade's statements count as well.
    await client.query("DELETE FROM bookings WHERE code = 'HTT-2026-0001'");
    expect(await counter()).toBeGreaterThan(4);
    const afterDelete = await counter();
    // Writes elsewhere do not count.
    await client.query("INSERT INTO counters (name, value) VALUES ('x', 1)");
    expect(await counter()).toBe(afterDelete);
    // The triggers are statement-level, on all three tables.
    const levels = await client.query<{ tgname: string; row: boolean }>(
      `SELECT tgname, (tgtype & 1) = 1 AS row FROM pg_trigger WHERE tgname IN
         ('bookings_schedule', 'booking_endpoints_schedule', 'booking_events_schedule') ORDER BY tgname`,
    );
    expect(levels.rows).toEqual([
      { tgname: "booking_endpoints_schedule", row: false },
      { tgname: "booking_events_schedule", row: false },
      { tgname: "bookings_schedule", row: false },
    ]);
  });
});

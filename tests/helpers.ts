import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type SQL, sql } from "drizzle-orm";
import { afterEach, inject } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { loadHolidayCalendar, ROOT } from "../src/app/config.js";
import type { Desk } from "../src/app/desk.js";
import { readDirectoryCsv } from "../src/app/directory/csv.js";
import { DEFAULT_REGULATION, type Regulation } from "../src/core/regulation.js";
import { Store, type StoreOptions } from "../src/store/store.js";
import { at, request, storedBooking, ZONE } from "./support/fixtures.js";
import { freshDatabase } from "./support/postgres.js";

export { at, request, storedBooking, ZONE };

export const SAMPLE_DIR = join(ROOT, "data/sample-directory");
export const CALENDAR_DIR = join(ROOT, "data/calendar");
export const sampleDirectory = readDirectoryCsv(SAMPLE_DIR);

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  // Last in, first out: a store closes before its database or directory goes.
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * The vitest project `pg` sets DESK_TEST_DB=pg: the same suites then run their desks on PostgreSQL (a fresh
 * database per desk, cloned from the migrated template the global setup made).
 */
export const TEST_DIALECT = process.env.DESK_TEST_DB === "pg" ? "pg" : "sqlite";

/** PostgreSQL databases by the SQLite path a test named, so that reopening "the same file" reopens the database. */
const pgByPath = new Map<string, string>();

/** What DESK_DB names for a test's database path: the PostgreSQL URL standing for it in the `pg` project. */
export function dbTarget(path: string): string {
  return pgByPath.get(path) ?? path;
}

/**
 * What DESK_DB should name for a desk a test starts itself (a service, a CLI, a child process): the SQLite path, or
 * in the `pg` project a fresh migrated PostgreSQL database standing for that path (the same one on a second call).
 */
export async function testDb(path: string, dialect = TEST_DIALECT): Promise<string> {
  // A URL already names a database; ":memory:" asks for SQLite whatever the project.
  if (dialect === "sqlite" || path === ":memory:" || /^postgres(ql)?:\/\//.test(path)) return path;
  let url = pgByPath.get(path);
  if (!url) {
    const db = await freshDatabase(inject("pgUrl"), "desk_template");
    url = db.url;
    pgByPath.set(path, url);
    cleanups.push(async () => {
      pgByPath.delete(path);
      await db.drop();
    });
  }
  return url;
}

/** A fresh store of the suite's dialect; `path` names a SQLite file, or the PostgreSQL database standing for it. */
export async function openTestStore(
  path: string,
  dialect = TEST_DIALECT,
  opts: StoreOptions = {},
): Promise<Store> {
  if (dialect === "sqlite") {
    const store = Store.open(path, opts);
    cleanups.push(() => store.close());
    return store;
  }
  const store = await Store.openPg(await testDb(path, dialect), { max: 4, ...opts });
  cleanups.push(() => store.close());
  return store;
}

/**
 * What DESK_DB names for a desk shared by a whole file (started in `beforeAll`): the SQLite path, or a fresh
 * PostgreSQL database that lives until the returned `release` (in `afterAll`), not just until the first test ends.
 */
export async function suiteDb(
  path: string,
  dialect = TEST_DIALECT,
): Promise<{ db: string; release(): Promise<void> }> {
  if (dialect === "sqlite") return { db: path, release: async () => undefined };
  const fresh = await freshDatabase(inject("pgUrl"), "desk_template");
  return { db: fresh.url, release: () => fresh.drop() };
}

/** A store shared by a whole file (opened in `beforeAll`), closed by `release` (in `afterAll`), database and all. */
export async function suiteStore(
  path: string,
  dialect = TEST_DIALECT,
): Promise<{ store: Store; release(): Promise<void> }> {
  const { db, release } = await suiteDb(path, dialect);
  const store = dialect === "pg" ? await Store.openPg(db, { max: 4 }) : Store.open(db);
  return {
    store,
    release: async () => {
      await store.close();
      await release();
    },
  };
}

/**
 * Raw SQL with `?` placeholders, for fixtures written straight into the tables on either dialect:
 * `c.run(q("UPDATE bookings SET status = ? WHERE code = ?", "live", code))`. Values go as parameters; write
 * SQL both dialects read (numbers for instants and flags, as both schemas store them).
 */
export function q(text: string, ...params: unknown[]): SQL {
  const parts = text.split("?");
  if (parts.length !== params.length + 1)
    throw new Error(`q: ${parts.length - 1} placeholders, ${params.length} values`);
  const chunks: SQL[] = [sql.raw(parts[0]!)];
  for (const [i, p] of params.entries()) chunks.push(sql`${p}`, sql.raw(parts[i + 1]!));
  return sql.join(chunks);
}

/** A count from raw SQL as a number on both dialects (PostgreSQL's count is a bigint, read as a string). */
export async function countOf(store: Store, text: string, ...params: unknown[]): Promise<number> {
  const [row] = await store.read((_r, c) => c.all<{ n: unknown }>(q(text, ...params)));
  return Number(row?.n);
}

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "desk-test-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A desk over a fresh database (a SQLite file, or PostgreSQL in the `pg` project) holding Hanoi's sample directory. */
export async function makeDesk(
  reg: Partial<Regulation> = {},
  dbPath?: string,
  dialect = TEST_DIALECT,
): Promise<Desk> {
  const path = dbPath ?? join(tempDir(), "desk.db");
  const store = await openTestStore(path, dialect);
  if (!dbPath) await store.tx((r) => r.directory.replaceAll(sampleDirectory));
  return { store, reg: { ...DEFAULT_REGULATION, ...reg }, holidays: loadHolidayCalendar(CALENDAR_DIR) };
}

/**
 * Điều 11.3's scene: Sở Công Thương's session (confirmed on 07/12 for 09:00–11:00 on 10/12), then Sở Y tế's
 * emergency over the same endpoints, received at 01:00 on 10/12. Returns both registrations.
 */
export async function emergencyOverSession(desk: Desk) {
  const normal = await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
  const urgent = await registerBooking(
    desk,
    request({
      host: "Sở Y tế",
      sender: "vanthu.syt@hanoi.gov.vn",
      emergency: true,
      title: "Ứng phó dịch bệnh khẩn cấp",
      receivedAt: at("2026-12-10", "01:00"),
    }),
    { now: at("2026-12-10", "01:00") },
  );
  if (urgent.duplicate || normal.duplicate) throw new Error("unexpected duplicate");
  return { normal, urgent };
}

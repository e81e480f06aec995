/**
 * `tsx bench/lists.ts`: `booking list` / `schedule` store work over a year of 50 000 bookings, on SQLite and on
 * PostgreSQL (the same file moved by `db copy`), offset pages (`--page`, before) beside keyset pages (`--after`,
 * after) in one run: first page, middle page, last page, each with the total count the footer prints.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { atLocal } from "../src/core/calendar/zone.js";
import { DEFAULT_REGULATION } from "../src/core/regulation.js";
import type { BookingRange } from "../src/store/booking-repo.js";
import { copySqliteToPostgres } from "../src/store/pg/copy.js";
import { Store } from "../src/store/store.js";
import { freshDatabase, startPostgres } from "../tests/support/postgres.js";
import { bigDirectory, mulberry32, seedBookings } from "./fixture.js";
import { load, machine, pct } from "./sections.js";

const zone = DEFAULT_REGULATION.zone;
const loadBefore = load();
const tmp = mkdtempSync(join(tmpdir(), "desk-lists-"));
const file = join(tmp, "lists.db");
{
  const store = Store.open(file);
  const dir = bigDirectory();
  await store.tx((r) => r.directory.replaceAll(dir));
  seedBookings(
    store,
    dir.endpoints.map((e) => e.code),
    { count: 50_000, days: 360, rnd: mulberry32(11) },
  );
  store.close();
}
const server = await startPostgres();
const pgDb = await freshDatabase(server.url);
const copied = await copySqliteToPostgres(file, pgDb.url);
const copyLine = `\`db copy\` of this file into PostgreSQL (triggers off, one transaction, VACUUM ANALYZE at the end): ${copied.rows} rows in ${(copied.ms / 1000).toFixed(1)} s = **${Math.round(copied.rows / (copied.ms / 1000))} rows/s** (${copied.tables.find((t) => t.name === "bookings")?.target} bookings).`;

const year: BookingRange = {
  from: atLocal("2026-01-01", "00:00", zone),
  to: atLocal("2027-01-01", "00:00", zone),
};
const LIMIT = 200;
const rows: string[] = [];
for (const [name, target] of [
  ["SQLite", file],
  ["PostgreSQL", pgDb.url],
] as const) {
  const store = await Store.connect(target);
  const b = store.repos.bookings;
  const total = await b.count(year);
  const all = await b.list(year);
  const pages = Math.ceil(total / LIMIT);
  const at = { first: 0, middle: Math.floor(pages / 2), last: pages - 1 };
  const timed = async (fn: () => Promise<unknown>) => {
    const xs: number[] = [];
    for (let i = 0; i < 21; i++) {
      const t0 = performance.now();
      await fn();
      xs.push(performance.now() - t0);
    }
    return xs;
  };
  for (const [where, p] of Object.entries(at)) {
    const offset = await timed(async () => {
      await b.list(year, { limit: LIMIT, offset: p * LIMIT });
      await b.count(year);
    });
    const prev = p === 0 ? null : all[p * LIMIT - 1]!;
    const keyset = await timed(async () => {
      const after = prev ? await b.cursorOf(prev.code) : null;
      const page = await b.list(year, { limit: LIMIT, after });
      if (page[0]?.code !== all[p * LIMIT]!.code) throw new Error("keyset page is not the offset page");
      // The footer: total and position in one pass (what the CLI prints since the lists fix).
      await b.position(year, after);
    });
    const cell = (xs: number[]) => `${pct(xs, 50).toFixed(1)} / ${pct(xs, 99).toFixed(1)} ms`;
    rows.push(
      `| ${name} | ${where} page of ${pages} | ${cell(offset)} | ${cell(keyset)} | ${pct(keyset, 99) <= 200 ? "met" : "**not met**"} |`,
    );
  }
  await store.close();
}
await pgDb.drop();
await server.stop();
rmSync(tmp, { recursive: true, force: true });
console.log(`Machine: ${machine()}\n`);
console.log(`${copyLine}\n`);
console.log(`Load average (1 / 5 / 15 min): ${loadBefore} at the start, ${load()} at the end.\n`);
console.log(
  "| store | page (200 rows + total) | offset `--page` p50 / p99 | keyset `--after` p50 / p99 | aim ≤ 200 ms |",
);
console.log("|---|---|---|---|---|");
console.log(rows.join("\n"));

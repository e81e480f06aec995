// temporary experiment (not committed)
import { existsSync } from "node:fs";
import pg from "pg";
import { atLocal } from "../src/core/calendar/zone.js";
import { DEFAULT_REGULATION } from "../src/core/regulation.js";
import { copySqliteToPostgres } from "../src/store/pg/copy.js";
import { Store } from "../src/store/store.js";
import { freshDatabase, startPostgres } from "../tests/support/postgres.js";
import { bigDirectory, mulberry32, seedBookings } from "./fixture.js";
const zone = DEFAULT_REGULATION.zone;
const file = "/tmp/start-q/lists.db";
if (!existsSync(file)) {
  const store = Store.open(file);
  const dir = bigDirectory();
  await store.tx((r) => r.directory.replaceAll(dir));
  seedBookings(store, dir.endpoints.map((e) => e.code), { count: 50_000, days: 360, rnd: mulberry32(11) });
  store.close();
}
const server = await startPostgres();
const db = await freshDatabase(server.url);
let t0 = performance.now();
const res = await copySqliteToPostgres(file, db.url);
console.log("copy", res.rows, "rows", (performance.now() - t0).toFixed(0), "ms");
console.log("PGURL", db.url);
const c = new pg.Client({ connectionString: db.url }); await c.connect();
const from = atLocal("2026-01-01", "00:00", zone).getTime(), to = atLocal("2027-01-01", "00:00", zone).getTime();
const cols = await c.query("select column_name, data_type from information_schema.columns where table_name='bookings' and column_name='start_at'");
console.log(cols.rows);
const plan = async (q: string, p: unknown[]) => { const r = await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${q}`, p); console.log(r.rows.map((x: any) => x["QUERY PLAN"]).join("\n")); };
await plan("select count(*) from bookings where start_at >= $1 and start_at < $2", [new Date(from), new Date(to)]);
await c.query("ANALYZE");
await plan("select count(*) from bookings where start_at >= $1 and start_at < $2", [new Date(from), new Date(to)]);
await c.query("VACUUM ANALYZE");
await plan("select count(*) from bookings where start_at >= $1 and start_at < $2", [new Date(from), new Date(to)]);
await c.end();
process.stdin.resume(); // keep the server up: kill me with SIGTERM
process.on("SIGTERM", async () => { await db.drop(); await server.stop(); process.exit(0); });

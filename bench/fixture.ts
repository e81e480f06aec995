/**
 * The decision bench's fixture, shared with the correctness tests of the hot paths: a proper PRNG, the sample
 * directory widened to 1 000 endpoints, and bookings bulk-inserted with SQL (the fixture, not the thing measured).
 */
import { join } from "node:path";
import { ROOT } from "../src/app/config.js";
import { readDirectoryCsv } from "../src/app/directory/csv.js";
import type { BookingRequest } from "../src/core/booking/types.js";
import { atLocal } from "../src/core/calendar/zone.js";
import type { Directory } from "../src/core/directory/types.js";
import { DEFAULT_REGULATION } from "../src/core/regulation.js";
import { REBUILD_SCHEDULE_DAYS } from "../src/store/booking-repo.js";
import type { Store } from "../src/store/store.js";

/**
 * mulberry32: a 32-bit generator whose arithmetic stays exact in doubles (Math.imul, >>> 0). The old LCG
 * computed `seed * 1103515245` in floating point, beyond 2^53, so its low bits were zero and `rnd(8)` was 0 in
 * 99.6 % of draws: 100k bookings fell on 170 endpoints. Returns an integer in [0, n).
 */
export function mulberry32(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** The sample directory widened to `size` endpoints with synthetic communes. */
export function bigDirectory(size = 1000): Directory {
  const dir = readDirectoryCsv(join(ROOT, "data/sample-directory"));
  for (let i = dir.endpoints.length; i < size; i++) {
    const agency = `UBND xã Thử Nghiệm ${i}`;
    dir.agencies.push({
      name: agency,
      kind: "commune",
      mailboxes: [`vanthu.x${i}@hanoi.gov.vn`],
      aliases: [],
      approvedQuota: null,
      approvalRef: null,
    });
    dir.endpoints.push({
      code: `BX-${i}`,
      name: `Xã Thử Nghiệm ${i}`,
      level: "commune",
      agency,
      aliases: [],
      control: false,
      vpnToken: null,
      dial: null,
    });
  }
  return dir;
}

export interface SeedOptions {
  count: number;
  /** Days from 2026-01-05 over which the bookings spread. */
  days: number;
  rnd: (n: number) => number;
  /** Every n-th booking is rejected (it holds nothing). */
  rejectedEvery?: number;
  /** Every n-th booking (not rejected) waits in needs-review. */
  reviewEvery?: number;
  /** The i-th booking's code (default `HTT-BENCH-i`). */
  code?: (i: number) => string;
}

interface SeedRow {
  code: string;
  status: string;
  start: number;
  end: number;
  created: number;
  endpoints: string[];
}

/** The seeded bookings, in order: the same draws of `o.rnd` whichever store they go to. */
function* seedRows(codes: string[], o: SeedOptions): Generator<SeedRow> {
  const zone = "Asia/Ho_Chi_Minh";
  const start0 = atLocal("2026-01-05", "07:30", zone).getTime();
  const { rnd } = o;
  for (let i = 0; i < o.count; i++) {
    const day = rnd(o.days);
    const start = start0 + day * 86_400_000 + rnd(18) * 1_800_000;
    const end = start + (1 + rnd(4)) * 1_800_000;
    const code = o.code ? o.code(i) : `HTT-BENCH-${i}`;
    const used = new Set<string>();
    for (let k = 2 + rnd(4); k > 0; k--) used.add(codes[rnd(codes.length)]!);
    const status =
      o.rejectedEvery && i % o.rejectedEvery === 0
        ? "rejected"
        : o.reviewEvery && i % o.reviewEvery === 0
          ? "needs-review"
          : "confirmed";
    yield { code, status, start, end, created: start - 86_400_000 * 3, endpoints: [...used] };
  }
}

/** `count` bookings at random half-hours of `days` days, 2–5 endpoints each, bulk-inserted in one transaction. */
export function seedBookings(store: Store, codes: string[], o: SeedOptions): void {
  const insB = store.sqlite.prepare(
    `INSERT INTO bookings (code,status,host,host_endpoint,title,start_at,end_at,contact_name,contact_phone,emergency,secret,recording,city_hall_room,unresolved,priority,ports,reasons,missing,channel,sender,received_at,sequence,created_at,updated_at)
     VALUES (?,?,?,?,?,?,?,?,?,0,0,0,0,'[]',1,?,'[]','[]','mail','bench@hanoi.gov.vn',?,1,?,?)`,
  );
  // Written through the table's own columns so that the fixture fits whichever columns the schema has.
  const epCols = (
    store.sqlite.prepare("PRAGMA table_info(booking_endpoints)").all() as { name: string }[]
  ).map((c) => c.name);
  const denorm = epCols.includes("start_at");
  const insE = store.sqlite.prepare(
    denorm
      ? "INSERT INTO booking_endpoints (booking,endpoint,role,start_at,end_at) VALUES (?,?,?,?,?)"
      : "INSERT INTO booking_endpoints (booking,endpoint,role) VALUES (?,?,?)",
  );
  store.sqlite.transaction(() => {
    // As on PostgreSQL, the bulk insert runs with the schedule_days triggers off (dropped and recreated in this
    // transaction: a trigger per row made seeding several times slower), and the table is rebuilt after it.
    const triggers = store.sqlite
      .prepare(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'bookings' AND name LIKE '%schedule_days'",
      )
      .all() as { name: string; sql: string }[];
    for (const t of triggers) store.sqlite.exec(`DROP TRIGGER "${t.name}"`);
    for (const b of seedRows(codes, o)) {
      insB.run(
        b.code,
        b.status,
        "Sở Công Thương",
        null,
        "Phiên họp thử",
        b.start,
        b.end,
        "Thử",
        "0900000000",
        b.endpoints.length,
        b.created,
        b.created,
        b.created,
      );
      for (const ep of b.endpoints) {
        if (denorm) insE.run(b.code, ep, "participant", b.start, b.end);
        else insE.run(b.code, ep, "participant");
      }
    }
    for (const t of triggers) store.sqlite.exec(t.sql);
    if (hasScheduleDays(store)) for (const statement of REBUILD_SCHEDULE_DAYS) store.sqlite.exec(statement);
  })();
  store.holdersCache.clear();
}

function hasScheduleDays(store: Store): boolean {
  return (
    store.sqlite
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schedule_days'")
      .get() !== undefined
  );
}

/**
 * The same bookings as `seedBookings` (same draws, same rows) on a PostgreSQL store: multi-row inserts of 1 000
 * rows in one transaction, then ANALYZE so that the planner knows the tables as SQLite's does after its inserts.
 */
export async function seedBookingsPg(store: Store, codes: string[], o: SeedOptions): Promise<void> {
  const pool = store.pgPool;
  if (!pool) throw new Error("seedBookingsPg needs a PostgreSQL store");
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    // The schedule's change-counter triggers bump one row per inserted row: 450 000 updates of one row in one
    // transaction grow its version chain without end (minutes per batch). The fixture is not the thing measured:
    // triggers are off for its inserts when the role may (a superuser, as on the throwaway cluster).
    await client.query("SAVEPOINT triggers");
    await client
      .query("SET LOCAL session_replication_role = replica")
      .then(() => client.query("RELEASE SAVEPOINT triggers"))
      .catch(() => client.query("ROLLBACK TO SAVEPOINT triggers"));
    const flush = async (bs: SeedRow[]) => {
      if (bs.length === 0) return;
      const bVals: unknown[] = [];
      const bRows = bs.map((b, i) => {
        bVals.push(b.code, b.status, b.start, b.end, b.endpoints.length, b.created);
        const p = (k: number) => `$${i * 6 + k}`;
        return `(${p(1)},${p(2)},'Sở Công Thương',NULL,'Phiên họp thử',${p(3)},${p(4)},'Thử','0900000000',0,0,0,0,'[]',1,${p(5)},'[]','[]','mail','bench@hanoi.gov.vn',${p(6)},1,${p(6)},${p(6)})`;
      });
      await client.query(
        `INSERT INTO bookings (code,status,host,host_endpoint,title,start_at,end_at,contact_name,contact_phone,emergency,secret,recording,city_hall_room,unresolved,priority,ports,reasons,missing,channel,sender,received_at,sequence,created_at,updated_at) VALUES ${bRows.join(",")}`,
        bVals,
      );
      const eVals: unknown[] = [];
      const eRows: string[] = [];
      for (const b of bs) {
        for (const ep of b.endpoints) {
          const n = eVals.length;
          eVals.push(b.code, ep, b.start, b.end);
          eRows.push(`($${n + 1},$${n + 2},'participant',$${n + 3},$${n + 4})`);
        }
      }
      await client.query(
        `INSERT INTO booking_endpoints (booking,endpoint,role,start_at,end_at) VALUES ${eRows.join(",")}`,
        eVals,
      );
    };
    let batch: SeedRow[] = [];
    for (const b of seedRows(codes, o)) {
      batch.push(b);
      if (batch.length === 1000) {
        await flush(batch);
        batch = [];
      }
    }
    await flush(batch);
    // The inserts bypassed the schedule_days triggers: rebuild it in the same transaction.
    for (const statement of REBUILD_SCHEDULE_DAYS) await client.query(statement);
    await client.query("COMMIT");
    store.holdersCache.clear();
    await client.query("ANALYZE");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * The decision benches' MCU sizes: ~143 sessions a day in the fixture fill an MCU of the default size (6
 * conferences, 150 ports), so most new requests are refused and search for alternatives; one sized like a large
 * MCU confirms about half.
 */
export const LARGE_MCU = { ...DEFAULT_REGULATION, mcu: { ports: 2000, conferences: 80 } };

const HOSTS = [
  "Sở Tư pháp",
  "Sở Y tế",
  "Sở Nội vụ",
  "Sở Tài chính",
  "Sở Xây dựng",
  "Sở Du lịch",
  "Sở Công Thương",
];

/** A request of the decision benches: a host, three of `codes`, 90 minutes within ~600 days, 5 days ahead. */
export function sampleRequest(rnd: (n: number) => number, codes: string[]): BookingRequest {
  const day = 30 + rnd(600);
  const start =
    atLocal("2026-01-05", "08:00", DEFAULT_REGULATION.zone).getTime() +
    day * 86_400_000 +
    rnd(16) * 1_800_000;
  return {
    host: HOSTS[rnd(HOSTS.length)]!,
    participants: [codes[rnd(codes.length)]!, codes[rnd(codes.length)]!, codes[rnd(codes.length)]!],
    unresolved: [],
    start: new Date(start),
    end: new Date(start + 5_400_000),
    title: "Đo hiệu năng",
    contact: { name: "Thử", phone: "0912345678" },
    emergency: false,
    secret: false,
    recording: false,
    cityHallRoom: false,
    otherSupport: null,
    receivedAt: new Date(start - 5 * 86_400_000),
    channel: "cli",
    sender: "bench",
  };
}

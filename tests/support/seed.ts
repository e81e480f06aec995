import { type SeedOptions, seedBookings } from "../../bench/fixture.js";
import { atLocal } from "../../src/core/calendar/zone.js";
import type { Store } from "../../src/store/store.js";
import { q } from "../helpers.js";

/**
 * bench/fixture.ts's `seedBookings` on either dialect. On SQLite it is that function (bulk inserts through the
 * handle). On PostgreSQL the same rows, drawn in the same order from the same `rnd`, go in multi-row INSERTs in one
 * transaction. Keep the draws here in step with bench/fixture.ts (tests/hotpaths.test.ts compares both dialects'
 * results with an in-memory reference, so a drift shows there only as a different fixture, never a wrong pass).
 */
export async function seedBookingsOn(store: Store, codes: string[], o: SeedOptions): Promise<void> {
  if (store.dialect === "sqlite") {
    seedBookings(store, codes, o);
    return;
  }
  const start0 = atLocal("2026-01-05", "07:30", "Asia/Ho_Chi_Minh").getTime();
  const bookings: unknown[][] = [];
  const endpoints: unknown[][] = [];
  const { rnd } = o;
  for (let i = 0; i < o.count; i++) {
    const day = rnd(o.days);
    const start = start0 + day * 86_400_000 + rnd(18) * 1_800_000;
    const end = start + (1 + rnd(4)) * 1_800_000;
    const code = o.code ? o.code(i) : `HTT-BENCH-${i}`;
    const used = new Set<string>();
    for (let k = 2 + rnd(4); k > 0; k--) used.add(codes[rnd(codes.length)]!);
    const created = start - 86_400_000 * 3;
    const status =
      o.rejectedEvery && i % o.rejectedEvery === 0
        ? "rejected"
        : o.reviewEvery && i % o.reviewEvery === 0
          ? "needs-review"
          : "confirmed";
    bookings.push([code, status, start, end, used.size, created, created, created]);
    for (const ep of used) endpoints.push([code, ep, start, end]);
  }
  const B = `INSERT INTO bookings (code,status,host,host_endpoint,title,start_at,end_at,contact_name,contact_phone,emergency,secret,recording,city_hall_room,unresolved,priority,ports,reasons,missing,channel,sender,received_at,sequence,created_at,updated_at) VALUES `;
  const bRow = `(?,?,'Sở Công Thương',NULL,'Phiên họp thử',?,?,'Thử','0900000000',0,0,0,0,'[]',1,?,'[]','[]','mail','bench@hanoi.gov.vn',?,1,?,?)`;
  const E = "INSERT INTO booking_endpoints (booking,endpoint,role,start_at,end_at) VALUES ";
  const eRow = "(?,?,'participant',?,?)";
  // PostgreSQL takes at most 65 535 parameters a statement: 500 rows of 8 stay far below.
  const CHUNK = 500;
  await store.tx(async (_r, c) => {
    for (let i = 0; i < bookings.length; i += CHUNK) {
      const rows = bookings.slice(i, i + CHUNK);
      await c.run(q(B + rows.map(() => bRow).join(","), ...rows.flat()));
    }
    for (let i = 0; i < endpoints.length; i += CHUNK) {
      const rows = endpoints.slice(i, i + CHUNK);
      await c.run(q(E + rows.map(() => eRow).join(","), ...rows.flat()));
    }
  });
}

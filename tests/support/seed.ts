import { type SeedOptions, seedBookings, seedBookingsPg } from "../../bench/fixture.js";
import type { Store } from "../../src/store/store.js";

/**
 * bench/fixture.ts's seeding on either dialect: the same rows, drawn in the same order from the same `rnd`
 * (`seedRows`), bulk-inserted through the SQLite handle or in multi-row INSERTs on PostgreSQL, the schedule's day
 * versions rebuilt after.
 */
export async function seedBookingsOn(store: Store, codes: string[], o: SeedOptions): Promise<void> {
  if (store.dialect === "sqlite") seedBookings(store, codes, o);
  else await seedBookingsPg(store, codes, o);
}

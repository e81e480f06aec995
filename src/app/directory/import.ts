import type { Booking, BookingStatus } from "../../core/booking/types.js";
import type { Directory } from "../../core/directory/types.js";
import type { Store } from "../../store/store.js";

/** Bookings still to happen: those that would lose an endpoint if the directory dropped it. */
const UPCOMING: BookingStatus[] = ["received", "needs-info", "needs-review", "confirmed", "checked", "live"];

export interface OrphanedBooking {
  code: string;
  start: Date;
  /** The endpoints of the booking the new directory no longer has. */
  endpoints: string[];
}

export interface ImportOutcome {
  imported: boolean;
  /** Bookings not yet over that use an endpoint the new directory drops. */
  orphaned: OrphanedBooking[];
}

/**
 * Replace the directory, unless that removes an endpoint a booking not yet over still uses: then nothing
 * changes and the bookings are named, so the operator moves them first or imports again with `force`.
 * The check and the replacement share one transaction, so no booking slips in between.
 */
export async function importDirectory(
  store: Store,
  dir: Directory,
  opts: { now: Date; force: boolean },
): Promise<ImportOutcome> {
  const codes = new Set(dir.endpoints.map((e) => e.code));
  return store.tx(async (r) => {
    // Sessions start before they end; a day back covers any session still live at `now`.
    const recent: Booking[] = await r.bookings.list({
      from: new Date(opts.now.getTime() - 24 * 3600_000),
      statuses: UPCOMING,
    });
    const orphaned = recent
      .filter((b) => (b.request.end ?? b.request.start ?? opts.now) > opts.now)
      .map((b) => ({
        code: b.code,
        start: b.request.start!,
        endpoints: [...new Set([b.hostEndpoint, ...b.request.participants])].filter(
          (e): e is string => !!e && !codes.has(e),
        ),
      }))
      .filter((o) => o.endpoints.length > 0);
    if (orphaned.length > 0 && !opts.force) return { imported: false, orphaned };
    await r.directory.replaceAll(dir);
    return { imported: true, orphaned };
  });
}

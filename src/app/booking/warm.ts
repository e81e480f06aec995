import { localDateOf } from "../../core/calendar/zone.js";
import type { Desk } from "../desk.js";

const DAY_MS = 86_400_000;

/**
 * Read the days clerks can book into the holders cache, a week at a time, yielding to the event loop between
 * weeks: from yesterday (a session may run past midnight) to the regulation's horizon. A desk runs it once after
 * its start, so that the first decision about a day does not pay for reading it or for its calendar (a rejection's search for
 * alternatives reads about two weeks: 7 ms for 1 800 bookings, 35 ms at worst, `bench/run.ts decisions`).
 * Correctness never depends on it: every decision still checks each day's version in its own transaction.
 * Returns how many days were read.
 */
export async function warmSchedule(
  desk: Desk,
  now: Date,
  signal?: AbortSignal,
  chunkDays = 7,
): Promise<number> {
  const from = now.getTime() - DAY_MS;
  // Months are at most 31 days: a little past the horizon, never short of it.
  const to = now.getTime() + (desk.reg.horizonMonths * 31 + 1) * DAY_MS;
  return warmDays(desk, new Date(from), new Date(to), signal, chunkDays);
}

/** What warmSchedule does, for any span of days (the decision bench warms the span of its requests). */
export async function warmDays(
  desk: Desk,
  from: Date,
  to: Date,
  signal?: AbortSignal,
  chunkDays = 7,
): Promise<number> {
  let days = 0;
  for (let t = from.getTime(); t < to.getTime(); t += chunkDays * DAY_MS) {
    if (signal?.aborted) break;
    const end = Math.min(t + chunkDays * DAY_MS, to.getTime());
    days += await desk.store.read((r) => r.bookings.warmHolders(new Date(t), new Date(end)));
    // And the holiday calendar's answers for those days (a year's lunar dates are computed on its first day).
    for (let d = t; d < end; d += DAY_MS) desk.holidays.isWorkingDay(localDateOf(new Date(d), desk.reg.zone));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return days;
}

import type { BookingRequest } from "../../core/booking/types.js";
import { atLocal, localDateOf } from "../../core/calendar/zone.js";
import type { Desk } from "../desk.js";
import { registerBooking } from "./register.js";

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

/** How many registrations warmDecisions rehearses by default. */
export const WARM_DECISIONS = 100;

/**
 * Rehearse `count` registrations of made-up requests (the directory's agencies and endpoints, the coming weeks'
 * working hours) through `registerBooking`, each in a transaction that is rolled back (Store.rehearse): nothing is
 * written, no code number is used up, and the holders cache is left empty (so it must run before warmSchedule).
 * Meant to take the first decisions' extra cost after a start (the JIT compiling the path; on PostgreSQL the
 * connection's first PREPAREs and plans) out of real registrations. Measured with the decision benches
 * (`PG_TRIPS_WARM=n`, `BENCH_WARMUP=1`) and not adopted by the service: it moves the slow calls out of the run's
 * first tenth, but PostgreSQL's p99 over the whole run did not improve (BENCHMARKS.md, «decisions on PostgreSQL»).
 * Yields to the event loop between registrations. Returns how many ran.
 */
export async function warmDecisions(
  desk: Desk,
  now: Date,
  signal?: AbortSignal,
  count = WARM_DECISIONS,
): Promise<number> {
  const { reg } = desk;
  const directory = await desk.store.read((r) => r.directory.snapshot());
  const endpoints = directory.directory.endpoints.map((e) => e.code);
  const hosts = directory.directory.agencies.filter((a) => directory.hostEndpoint(a.name) !== null);
  if (endpoints.length === 0 || hosts.length === 0) return 0;
  // A fixed sequence (a linear congruential generator): the same requests at every start.
  let seed = 0x2f6b_3d29;
  const pick = (n: number) => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return (seed >>> 8) % n;
  };
  let done = 0;
  await desk.store.rehearse(async (store) => {
    const view: Desk = { ...desk, store };
    for (let i = 0; i < count; i++) {
      if (signal?.aborted) break;
      const host = hosts[pick(hosts.length)]!;
      const date = localDateOf(new Date(now.getTime() + (7 + pick(40)) * DAY_MS), reg.zone);
      const minutes = 8 * 60 + pick(16) * 30;
      const start = atLocal(
        date,
        `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`,
        reg.zone,
      );
      const request: BookingRequest = {
        host: host.name,
        participants: [0, 1, 2].map(() => endpoints[pick(endpoints.length)]!),
        unresolved: [],
        start,
        end: new Date(start.getTime() + 90 * 60_000),
        title: "Khởi động đường quyết định (không lưu)",
        contact: { name: "Khởi động", phone: "0900000000" },
        emergency: false,
        secret: false,
        recording: false,
        cityHallRoom: false,
        otherSupport: null,
        receivedAt: now,
        channel: host.mailboxes[0] ? "mail" : "cli",
        sender: host.mailboxes[0] ?? "system",
      };
      await registerBooking(view, request, { now });
      done++;
      await new Promise((resolve) => setImmediate(resolve));
    }
  });
  return done;
}

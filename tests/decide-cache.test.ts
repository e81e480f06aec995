/**
 * Issue 12, decisions: the holders of a decision come from a per-day cache checked against `schedule_days`, whose
 * versions triggers bump in the same transaction as any write that changes a day's holders. These tests hold the
 * cache equal to a fresh read of the window (and every decision equal to the decision on the fresh read) over random
 * writes, and show that a second Store on the same database never decides on a stale cache. No timing here.
 */
import { join } from "node:path";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { mulberry32 } from "../bench/fixture.js";
import { cancelBooking, changeBooking, registerBooking } from "../src/app/booking/index.js";
import { decideWithAlternatives } from "../src/app/booking/settle.js";
import { warmDecisions, warmSchedule } from "../src/app/booking/warm.js";
import type { Desk } from "../src/app/desk.js";
import { decide, findAlternatives, occupiedEndpoints } from "../src/core/booking/decide.js";
import { plusMonthsMs } from "../src/core/booking/rules.js";
import type {
  Booking,
  BookingRequest,
  BookingStatus,
  Decision,
  Priority,
  SlotHolder,
} from "../src/core/booking/types.js";
import type { DirectorySnapshot } from "../src/store/directory-repo.js";
import type { Repos } from "../src/store/store.js";
import { at, makeDesk, q, request, sampleDirectory, storedBooking, tempDir } from "./helpers.js";

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

const STATUSES: BookingStatus[] = [
  "received",
  "needs-info",
  "needs-review",
  "confirmed",
  "rejected",
  "cancelled",
  "checked",
  "live",
  "ended",
];

const norm = (hs: SlotHolder[]) => hs.map((h) => ({ ...h, endpoints: [...h.endpoints].sort() }));

/**
 * The decision as it was made before the cache: the request's own window and the alternatives' wide window each
 * read fresh from the bookings (the old full holders query), the rules on the first, the search on the second.
 */
async function oldDecision(
  desk: Desk,
  r: Repos,
  req: BookingRequest,
  directory: DirectorySnapshot,
  now: Date,
): Promise<Decision> {
  const { reg } = desk;
  const read = (backMs: number, aheadMs: number) => {
    if (!req.start || !req.end) return Promise.resolve([]);
    const gap = reg.setupGapMinutes * MIN;
    return r.bookings.holdersFresh(
      new Date(req.start.getTime() - gap - backMs),
      new Date(req.end.getTime() + gap + aheadMs),
      occupiedEndpoints(req, { directory }),
    );
  };
  const ctx = { now, reg, directory, holders: await read(0, 0) };
  const decision = decide(req, ctx);
  if (decision.outcome !== "rejected" || !req.start || !req.end) return decision;
  if (decision.reasons.some((x) => x.code === "invalid-time")) return decision;
  const alternatives = findAlternatives(
    req,
    { ...ctx, holders: await read(2 * DAY, 8 * DAY) },
    { isWorkingDay: (d) => desk.holidays.isWorkingDay(d), days: 7, nearDays: 1 },
  );
  return { ...decision, alternatives };
}

describe("the per-day holders cache", () => {
  it("equals a fresh read of the window after random registrations, cancellations, changes and aborted writes, and so does every decision", async () => {
    const desk = await makeDesk();
    const rnd = mulberry32(2026);
    // Few endpoints, so that sessions share them and decisions turn on them.
    const eps = sampleDirectory.endpoints.map((e) => e.code).slice(30, 42);
    const days = ["2026-12-14", "2026-12-15", "2026-12-16", "2026-12-17", "2026-12-18"];
    const pick = <T>(xs: readonly T[]) => xs[rnd(xs.length)]!;
    const someEndpoints = () => [...new Set([pick(eps), pick(eps), pick(eps)].slice(0, 1 + rnd(3)))];
    /** A slot on one of the days; one in five runs late in the evening across midnight (Hanoi and UTC alike). */
    const slot = () => {
      const day = pick(days);
      if (rnd(5) === 0) {
        const start = at(day, pick(["22:00", "23:00", "23:30"])).getTime();
        return { start: new Date(start), end: new Date(start + (2 + rnd(6)) * 60 * MIN) };
      }
      const start = at(day, "07:30").getTime() + rnd(18) * 30 * MIN;
      return { start: new Date(start), end: new Date(start + (1 + rnd(5)) * 30 * MIN) };
    };
    const now = at("2026-12-07", "08:30");
    const codes: string[] = [];
    let seq = 0;
    const direct = (): Booking => {
      const { start, end } = slot();
      const participants = someEndpoints();
      return {
        code: `T-${++seq}`,
        status: pick(STATUSES),
        hostEndpoint: rnd(2) ? pick(eps) : null,
        priority: (1 + rnd(3)) as Priority,
        reasons: [],
        missing: [],
        sequence: 0,
        createdAt: new Date(now.getTime() - rnd(100) * MIN),
        updatedAt: now,
        request: request({ start, end, participants, cityHallRoom: rnd(4) === 0 }),
      };
    };
    const changed = (b: Booking): Booking => {
      switch (rnd(6)) {
        case 0:
          return { ...b, status: pick(STATUSES) };
        case 1:
          return { ...b, request: { ...b.request, ...slot() } };
        case 2:
          return { ...b, request: { ...b.request, participants: someEndpoints() } };
        case 3:
          return { ...b, priority: (1 + rnd(3)) as Priority, hostEndpoint: rnd(2) ? pick(eps) : null };
        case 4:
          return { ...b, request: { ...b.request, cityHallRoom: !b.request.cityHallRoom } };
        default:
          // Only what no holder carries: the cache stays valid (and must still equal the fresh read).
          return { ...b, request: { ...b.request, title: `Đổi nội dung ${seq}` }, updatedAt: new Date() };
      }
    };

    let compared = 0;
    let decisions = 0;
    let rejections = 0;
    const check = async (step: number) => {
      for (let k = 0; k < 3; k++) {
        const { start } = slot();
        const from = new Date(start.getTime() - (k === 2 ? 2 * DAY : 0));
        const to = new Date(start.getTime() + (k === 2 ? 8 * DAY : (1 + rnd(6)) * 30 * MIN));
        const wanted = someEndpoints();
        // Inside a writing transaction (where decisions are made) and a read, alternately.
        const run = step % 2 ? desk.store.tx.bind(desk.store) : desk.store.read.bind(desk.store);
        const [cached, fresh] = await run(async (r) => [
          await r.bookings.holders(from, to, wanted),
          await r.bookings.holdersFresh(from, to, wanted),
        ]);
        expect(norm(cached), `step ${step}, window ${k}`).toEqual(norm(fresh));
        compared += fresh.length;
      }
      const { start, end } = slot();
      const req = request({ start, end, participants: someEndpoints(), receivedAt: now });
      const [withCache, withFresh] = await desk.store.tx(async (r) => {
        const directory = await r.directory.snapshot();
        return [
          await decideWithAlternatives(desk, r, req, directory, now),
          await oldDecision(desk, r, req, directory, now),
        ];
      });
      expect(withCache, `decision at step ${step}`).toEqual(withFresh);
      decisions++;
      if (withFresh.outcome === "rejected") rejections++;
    };

    for (let step = 0; step < 90; step++) {
      const what = rnd(7);
      if (what === 0 || codes.length < 3) {
        const { start, end } = slot();
        const res = await registerBooking(desk, request({ start, end, participants: someEndpoints() }), {
          now,
        });
        if (!res.duplicate) codes.push(res.code);
      } else if (what === 1) {
        const b = direct();
        await desk.store.tx((r) => r.bookings.save(b));
        codes.push(b.code);
      } else if (what === 2) {
        const b = await desk.store.read((r) => r.bookings.get(pick(codes)));
        await desk.store.tx((r) => r.bookings.save(changed(b!)));
      } else if (what === 3) {
        await cancelBooking(desk, pick(codes), { id: "test", channel: "cli" }, "thử", now).catch(() => null);
      } else if (what === 4) {
        await changeBooking(desk, pick(codes), slot(), { id: "test", channel: "cli" }, { now }).catch(
          () => null,
        );
      } else if (what === 5) {
        // Rolled back after filling the cache under the version it bumped: the next committed write to the day
        // reaches the same version number with other holders.
        const b = await desk.store.read((r) => r.bookings.get(pick(codes)));
        const next = { ...b!, status: "confirmed" as const, request: { ...b!.request, ...slot() } };
        await desk.store
          .tx(async (r) => {
            await r.bookings.save(next);
            await r.bookings.holders(
              new Date(next.request.start!.getTime() - DAY),
              new Date(next.request.end!.getTime() + DAY),
              [],
            );
            throw new Error("rolled back");
          })
          .catch(() => null);
      } else {
        const b = direct();
        b.status = "confirmed";
        await desk.store.tx((r) => r.bookings.save(b));
        codes.push(b.code);
      }
      await check(step);
    }
    // The comparisons covered real holders, and the cache answered most days (it was used, not bypassed).
    expect(compared).toBeGreaterThan(300);
    expect(decisions).toBe(90);
    // Both paths were compared: decisions with and without an alternatives search.
    expect(rejections).toBeGreaterThan(10);
    expect(rejections).toBeLessThan(decisions);
    const stats = desk.store.holdersCache.stats();
    expect(stats.hits).toBeGreaterThan(stats.misses);
  }, 300_000);

  it("forgets what a rolled-back transaction read under the version it bumped", async () => {
    const desk = await makeDesk();
    const now = at("2026-12-07", "08:30");
    const from = at("2026-12-10", "08:00");
    const to = at("2026-12-10", "17:00");
    const booking = (code: string, participants: string[]): Booking =>
      storedBooking(code, "confirmed", request({ participants }), now, { hostEndpoint: null });
    const holders = (r: Repos) => r.bookings.holders(from, to, []);
    await desk.store.tx((r) => r.bookings.save(booking("T-X", ["CX-00008"])));
    expect((await desk.store.read(holders)).map((h) => h.code)).toEqual(["T-X"]);
    // Y is saved (the day's version goes up by one), read into the cache, and rolled back.
    await desk.store
      .tx(async (r) => {
        await r.bookings.save(booking("T-Y", ["CX-00025"]));
        expect((await holders(r)).map((h) => h.code)).toEqual(["T-X", "T-Y"]);
        throw new Error("rolled back");
      })
      .catch(() => null);
    // Z takes the day to the same version number, committed: its decision must see Z, not Y.
    const seen = await desk.store.tx(async (r) => {
      await r.bookings.save(booking("T-Z", ["CX-00070"]));
      return (await holders(r)).map((h) => h.code);
    });
    expect(seen).toEqual(["T-X", "T-Z"]);
  });

  it("after a bulk write that bypassed the triggers, rebuildScheduleDays makes the cache read the new rows", async () => {
    const desk = await makeDesk();
    const from = at("2026-12-10", "08:00");
    const to = at("2026-12-10", "17:00");
    const res = await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    if (res.duplicate) throw new Error("duplicate");
    expect((await desk.store.read((r) => r.bookings.holders(from, to, []))).map((h) => h.code)).toEqual([
      res.code,
    ]);
    // A write that bypasses the triggers, as a bulk seed with triggers off does: the booking is cancelled and
    // its day's version put back.
    await desk.store.tx(async (_r, c) => {
      const [row] = await c.all<{ version: number }>(
        q("SELECT version FROM schedule_days WHERE day = ?", Math.floor(from.getTime() / DAY)),
      );
      await c.run(q("UPDATE bookings SET status = ? WHERE code = ?", "cancelled", res.code));
      await c.run(
        q(
          "UPDATE schedule_days SET version = ? WHERE day = ?",
          Number(row!.version),
          Math.floor(from.getTime() / DAY),
        ),
      );
    });
    // The cache cannot know: it still answers with the cancelled booking (this is what the rebuild is for)…
    expect((await desk.store.read((r) => r.bookings.holders(from, to, []))).map((h) => h.code)).toEqual([
      res.code,
    ]);
    // …until the rebuild gives every day a new version.
    await desk.store.tx((r) => r.bookings.rebuildScheduleDays());
    expect(await desk.store.read((r) => r.bookings.holders(from, to, []))).toEqual([]);
  });
});

describe("two Stores on one database", () => {
  it("a booking written through one Store is seen by the other's next decision", async () => {
    const path = join(tempDir(), "shared.db");
    // Two desks: on SQLite two connections to one file, on PostgreSQL two pools on one database.
    const a: Desk = await makeDesk({}, path);
    await a.store.tx((r) => r.directory.replaceAll(sampleDirectory));
    const b: Desk = await makeDesk({}, path);
    expect(b.store).not.toBe(a.store);
    const now = at("2026-12-07", "08:30");
    const x = await registerBooking(a, request({ participants: ["CX-00008"] }), { now });
    if (x.duplicate) throw new Error("duplicate");
    expect(x.decision.outcome).toBe("confirmed");
    // A's cache now holds the day.
    const afternoon = { start: at("2026-12-10", "14:00"), end: at("2026-12-10", "15:00") };
    expect(
      (await a.store.read((r) => r.bookings.holders(afternoon.start, afternoon.end, []))).map((h) => h.code),
    ).toEqual([]);
    expect(a.store.holdersCache.stats().days).toBeGreaterThan(0);
    // B confirms the afternoon at CX-00025.
    const y = await registerBooking(b, request({ ...afternoon, participants: ["CX-00025"] }), { now });
    if (y.duplicate) throw new Error("duplicate");
    expect(y.decision.outcome).toBe("confirmed");
    // A's next decision sees it: the same slot at the same endpoint is refused, naming B's booking.
    const w = await registerBooking(a, request({ ...afternoon, participants: ["CX-00025"] }), { now });
    if (w.duplicate) throw new Error("duplicate");
    expect(w.decision.outcome).toBe("rejected");
    expect(w.decision.reasons.flatMap((r) => r.bookings ?? [])).toContain(y.code);
    // And A's holders for the afternoon now list it.
    expect(
      (await a.store.read((r) => r.bookings.holders(afternoon.start, afternoon.end, []))).map((h) => h.code),
    ).toEqual([y.code]);
  });
});

describe("a desk's own writes", () => {
  const day = { start: at("2026-12-10", "07:00"), end: at("2026-12-10", "18:00") };
  const now = at("2026-12-07", "08:30");
  const codesOf = (hs: SlotHolder[]) => hs.map((h) => h.code);
  // Endpoints of the sample directory that no other booking here uses.
  const [e1, e2, e3] = sampleDirectory.endpoints.slice(40, 43).map((e) => e.code);

  it("update its cached day, so that the next decision on the day reads nothing and sees them", async () => {
    const desk = await makeDesk();
    const first = await registerBooking(desk, request({ participants: [e1!] }), { now });
    if (first.duplicate) throw new Error("duplicate");
    // The day is in the cache now.
    expect(codesOf(await desk.store.read((r) => r.bookings.holders(day.start, day.end, [])))).toEqual([
      first.code,
    ]);
    const misses = desk.store.holdersCache.stats().misses;
    // Two confirmations on the day, one of them earlier than the first (the rows stay in start order), then one
    // cancelled: each a write of the day's holders.
    const later = await registerBooking(
      desk,
      request({
        participants: [e2!],
        start: at("2026-12-10", "14:00"),
        end: at("2026-12-10", "15:00"),
      }),
      { now },
    );
    const earlier = await registerBooking(
      desk,
      request({
        participants: [e3!],
        start: at("2026-12-10", "07:30"),
        end: at("2026-12-10", "08:00"),
      }),
      { now },
    );
    if (later.duplicate || earlier.duplicate) throw new Error("duplicate");
    expect([later.decision, earlier.decision].map((d) => [d.outcome, d.reasons.map((x) => x.code)])).toEqual([
      ["confirmed", []],
      ["confirmed", []],
    ]);
    await cancelBooking(desk, first.code, { id: "test", channel: "cli" }, "thử", now);
    const [cached, fresh] = await desk.store.read(async (r) => [
      await r.bookings.holders(day.start, day.end, [e2!]),
      await r.bookings.holdersFresh(day.start, day.end, [e2!]),
    ]);
    expect(norm(cached)).toEqual(norm(fresh));
    expect(codesOf(cached)).toEqual([earlier.code, later.code]);
    // The day was never read again, on either store (PostgreSQL reads the day's version around its writes in the
    // messages that carry them: see BookingRepo.pgOwnWrite).
    expect(desk.store.holdersCache.stats().misses).toBe(misses);
  });

  it("do not paper over another desk's write to the same day", async () => {
    const path = join(tempDir(), "own-writes.db");
    const a: Desk = await makeDesk({}, path);
    await a.store.tx((r) => r.directory.replaceAll(sampleDirectory));
    const b: Desk = await makeDesk({}, path);
    const x = await registerBooking(a, request({ participants: [e1!] }), { now });
    if (x.duplicate) throw new Error("duplicate");
    expect(codesOf(await a.store.read((r) => r.bookings.holders(day.start, day.end, [])))).toEqual([x.code]);
    // B writes the day, then A writes it again without reading it first (a cancellation decides nothing): A's
    // cached day is one version behind before A's write, so A's write must not be patched into it.
    const y = await registerBooking(
      b,
      request({
        participants: [e2!],
        start: at("2026-12-10", "14:00"),
        end: at("2026-12-10", "15:00"),
      }),
      { now },
    );
    if (y.duplicate) throw new Error("duplicate");
    await cancelBooking(a, x.code, { id: "test", channel: "cli" }, "thử", now);
    expect(codesOf(await a.store.read((r) => r.bookings.holders(day.start, day.end, [])))).toEqual([y.code]);
  });
});

describe("warming the bookable days after a start", () => {
  it("reads every day up to the horizon once, so that later decisions read no day; a later write by another desk is still seen", async () => {
    const path = join(tempDir(), "warm.db");
    const a: Desk = await makeDesk({}, path);
    await a.store.tx((r) => r.directory.replaceAll(sampleDirectory));
    const now = at("2026-12-07", "08:30");
    const x = await registerBooking(a, request({ participants: ["CX-00008"] }), { now });
    if (x.duplicate) throw new Error("duplicate");
    expect(x.decision.outcome).toBe("confirmed");
    // A second desk on the same database starts and warms: yesterday to the horizon, a week per read.
    const b: Desk = await makeDesk({}, path);
    const days = await warmSchedule(b, now);
    expect(days).toBeGreaterThanOrEqual(365);
    const warm = b.store.holdersCache.stats();
    expect(warm.days).toBe(days);
    // Warming twice reads nothing more.
    expect(await warmSchedule(b, now)).toBe(0);
    // A decision months ahead (its alternatives' window included) reads no day from the database.
    const far = { start: at("2027-05-12", "09:00"), end: at("2027-05-12", "10:00") };
    const y = await registerBooking(b, request({ ...far, participants: ["CX-00025"] }), { now });
    if (y.duplicate) throw new Error("duplicate");
    expect(y.decision.outcome).toBe("confirmed");
    expect(b.store.holdersCache.stats().misses).toBe(warm.misses);
    // A writes the slot B just warmed (and B's own write bumped): B's next decision sees it, not the warm rows.
    const slot = { start: at("2026-12-10", "14:00"), end: at("2026-12-10", "15:00") };
    const z = await registerBooking(a, request({ ...slot, participants: ["CX-00070"] }), { now });
    if (z.duplicate) throw new Error("duplicate");
    expect(z.decision.outcome).toBe("confirmed");
    const w = await registerBooking(b, request({ ...slot, participants: ["CX-00070"] }), { now });
    if (w.duplicate) throw new Error("duplicate");
    expect(w.decision.outcome).toBe("rejected");
    expect(w.decision.reasons.flatMap((r) => r.bookings ?? [])).toContain(z.code);
  });

  it("rehearses registrations before it without writing: no row, no code number used, the cache left empty", async () => {
    const desk = await makeDesk();
    const now = at("2026-12-07", "08:30");
    const x = await registerBooking(desk, request({ participants: ["CX-00008"] }), { now });
    if (x.duplicate) throw new Error("duplicate");
    const counts = () =>
      desk.store.conn.all<{ n: number }>(
        q(
          "SELECT (SELECT count(*) FROM bookings) + (SELECT count(*) FROM booking_endpoints) + (SELECT count(*) FROM booking_events) + (SELECT count(*) FROM outbox) + (SELECT count(*) FROM jobs) AS n",
        ),
      );
    const before = Number((await counts())[0]!.n);
    expect(await warmDecisions(desk, now, undefined, 12)).toBe(12);
    expect(Number((await counts())[0]!.n)).toBe(before);
    expect(desk.store.holdersCache.stats().days).toBe(0);
    // The next registration takes the number after the first one's.
    const y = await registerBooking(desk, request({ participants: ["CX-00025"] }), { now });
    if (y.duplicate) throw new Error("duplicate");
    expect(Number(y.code.slice(-4))).toBe(Number(x.code.slice(-4)) + 1);
  });

  it("a rehearsed registration leaves nothing in the cache that another desk's write of the day could meet", async () => {
    const path = join(tempDir(), "rehearse.db");
    const a: Desk = await makeDesk({}, path);
    await a.store.tx((r) => r.directory.replaceAll(sampleDirectory));
    const b: Desk = await makeDesk({}, path);
    const now = at("2026-12-07", "08:30");
    // Endpoints of the sample directory that no other booking here uses.
    const [e1, e2] = sampleDirectory.endpoints.slice(50, 52).map((e) => e.code);
    const slot = {
      start: at("2026-12-10", "14:00"),
      end: at("2026-12-10", "15:00"),
      participants: [e1!],
    };
    await warmSchedule(a, now);
    // A rehearses a confirmation of the slot: its write bumps the day (on SQLite to the next version) and is rolled
    // back, the code's number with it.
    const rehearsed = await a.store.rehearse((store) =>
      registerBooking({ ...a, store }, request(slot), { now }),
    );
    if (rehearsed.duplicate) throw new Error("duplicate");
    expect(rehearsed.decision.outcome).toBe("confirmed");
    // B writes the same day elsewhere, taking that next version.
    const morning = {
      start: at("2026-12-10", "08:00"),
      end: at("2026-12-10", "09:00"),
      participants: [e2!],
    };
    const z = await registerBooking(b, request(morning), { now });
    if (z.duplicate) throw new Error("duplicate");
    expect(z.code).toBe(rehearsed.code);
    expect([z.decision.outcome, JSON.stringify(z.decision.reasons)]).toEqual(["confirmed", "[]"]);
    // A's cache has B's booking and not the rehearsed one: the slot is free, and the day equals a fresh read.
    const w = await registerBooking(a, request(slot), { now });
    if (w.duplicate) throw new Error("duplicate");
    expect(w.decision.outcome).toBe("confirmed");
    const day = { start: at("2026-12-10", "07:00"), end: at("2026-12-10", "18:00") };
    const [cached, fresh] = await a.store.read(async (r) => [
      await r.bookings.holders(day.start, day.end, [e1!, e2!]),
      await r.bookings.holdersFresh(day.start, day.end, [e1!, e2!]),
    ]);
    expect(norm(cached)).toEqual(norm(fresh));
    expect(cached.map((h) => h.code).sort()).toEqual([z.code, w.code].sort());
  });

  it("stops between weeks when the desk stops", async () => {
    const desk = await makeDesk();
    const stop = new AbortController();
    stop.abort();
    expect(await warmSchedule(desk, at("2026-12-07", "08:30"), stop.signal)).toBe(0);
    expect(desk.store.holdersCache.stats().days).toBe(0);
  });
});

describe("the horizon rule's month arithmetic", () => {
  it("adds months as luxon does, in Hanoi and in zones with summer time", () => {
    const rnd = mulberry32(12);
    let compared = 0;
    for (const zone of ["Asia/Ho_Chi_Minh", "America/Los_Angeles", "Australia/Lord_Howe"]) {
      for (let i = 0; i < 3000; i++) {
        // Month ends (the 26th–31st) and all hours: the cases that clamp the day or cross a change of offset.
        const instant = new Date(
          Date.UTC(1990 + rnd(60), rnd(12), 26 + rnd(6), rnd(24), rnd(4) * 15, rnd(60)),
        );
        const months = 1 + rnd(24);
        const want = DateTime.fromJSDate(instant, { zone }).plus({ months }).toMillis();
        expect(plusMonthsMs(instant, months, zone), `${zone} ${instant.toISOString()} +${months}`).toBe(want);
        compared++;
      }
    }
    expect(compared).toBe(9000);
  });
});

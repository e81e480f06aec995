/**
 * Issue 12, hot paths: the faster queries must return what the old ones did. No timing here: each test pins a
 * result (the same holders and decisions as a plain in-memory reference, every row once across pages, a year
 * listed without "too many SQL variables"), and the benches measure the speed.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bigDirectory, mulberry32 } from "../bench/fixture.js";
import { registerBooking } from "../src/app/booking/index.js";
import { table } from "../src/app/cli/table.js";
import type { Desk } from "../src/app/desk.js";
import {
  decide,
  findAlternatives,
  occupiedEndpoints,
  slotFindings,
  withDefaultEnd,
} from "../src/core/booking/decide.js";
import {
  type DecisionContext,
  type Finding,
  mcuCapacity,
  peakLoad,
  peakLoadReference,
  type RuleState,
} from "../src/core/booking/rules.js";
import {
  type Booking,
  type BookingRequest,
  HOLDING_STATUSES,
  type SlotHolder,
} from "../src/core/booking/types.js";
import { addDays, atLocal, localDateOf, localTimeOf } from "../src/core/calendar/zone.js";
import { DEFAULT_REGULATION } from "../src/core/regulation.js";
import type { Cursor } from "../src/store/booking-repo.js";
import type { DirectorySnapshot } from "../src/store/directory-repo.js";
import { NOT_ENQUEUED } from "../src/store/queue-repos.js";
import { Store } from "../src/store/store.js";
import { at, makeDesk, openTestStore, TEST_DIALECT, tempDir, testDb } from "./helpers.js";
import { cliHere } from "./support/cli-here.js";
import { seedBookingsOn } from "./support/seed.js";

/** Tests of what only SQLite has (rowid, EXPLAIN QUERY PLAN, its variable and recursion limits at 40k–150k rows). */
const sqliteOnly = it.skipIf(TEST_DIALECT === "pg");

const DAY = 24 * 3600_000;

/** The holders as the old code defined them, computed in memory from every booking. */
function referenceHolders(all: Booking[], from: Date, to: Date, endpoints: readonly string[]): SlotHolder[] {
  const wanted = new Set(endpoints);
  return all
    .filter(
      (b) =>
        HOLDING_STATUSES.includes(b.status) &&
        b.request.start &&
        b.request.end &&
        b.request.start.getTime() >= from.getTime() - DAY &&
        b.request.start < to &&
        b.request.end > from,
    )
    .map((b) => ({
      code: b.code,
      priority: b.priority,
      ports: new Set([...(b.hostEndpoint ? [b.hostEndpoint] : []), ...b.request.participants]).size,
      start: b.request.start!,
      end: b.request.end!,
      cityHallRoom: b.request.cityHallRoom,
      createdAt: b.createdAt,
      endpoints: [
        ...new Set([...(b.hostEndpoint ? [b.hostEndpoint] : []), ...b.request.participants]),
      ].filter((e) => wanted.has(e)),
    }));
}

const norm = (hs: SlotHolder[]) => hs.map((h) => ({ ...h, endpoints: [...h.endpoints].sort() }));

/** A fixture: 1 000 endpoints, `count` bookings over `days` days (mulberry32, so a failure replays). */
async function fixtureDesk(
  count: number,
  days: number,
  reg = DEFAULT_REGULATION,
): Promise<Desk & { codes: string[] }> {
  const desk = await makeDesk(reg);
  const dir = bigDirectory();
  await desk.store.tx((r) => r.directory.replaceAll(dir));
  const codes = dir.endpoints.map((e) => e.code);
  await seedBookingsOn(desk.store, codes, { count, days, rnd: mulberry32(7), rejectedEvery: 10 });
  return { ...desk, codes };
}

describe("holders from booking_endpoints(endpoint, start, end)", () => {
  it("returns the same holders as the in-memory reference, for random windows and endpoints", async () => {
    const desk = await fixtureDesk(4000, 20);
    const all = await desk.store.read((r) => r.bookings.list());
    const rnd = mulberry32(99);
    const t0 = at("2026-01-05", "07:00").getTime();
    let nonEmpty = 0;
    for (let i = 0; i < 60; i++) {
      const from = new Date(t0 + rnd(20 * 48) * 1_800_000);
      const to = new Date(from.getTime() + (1 + rnd(8)) * 1_800_000 + (i % 10 === 0 ? 9 * DAY : 0));
      const eps = [desk.codes[rnd(60)]!, desk.codes[rnd(60)]!, desk.codes[rnd(desk.codes.length)]!];
      const got = await desk.store.read((r) => r.bookings.holders(from, to, eps));
      const want = referenceHolders(all, from, to, eps);
      expect(norm(got)).toEqual(norm(want));
      if (want.some((h) => h.endpoints.length > 0)) nonEmpty++;
    }
    // The comparison means something only if endpoints were actually shared in some windows.
    expect(nonEmpty).toBeGreaterThan(5);
  }, 180_000);

  sqliteOnly(
    "follows a booking whose slot and endpoints change, without rewriting unchanged endpoint rows",
    async () => {
      const desk = await makeDesk();
      const res = await registerBooking(
        desk,
        {
          ...baseRequest(),
          participants: ["CX-00008", "CX-00025"],
        },
        { now: at("2026-12-07", "08:30") },
      );
      if (res.duplicate) throw new Error("duplicate");
      const rowids = () =>
        desk.store.sqlite
          .prepare(
            "SELECT rowid, endpoint, start_at FROM booking_endpoints WHERE booking = ? ORDER BY endpoint",
          )
          .all(res.code) as { rowid: number; endpoint: string; start_at: number }[];
      const before = rowids();
      expect(before.length).toBe(3);
      // Saving the booking unchanged touches no endpoint row: the old save deleted and reinserted them all.
      await desk.store.tx((r) => r.bookings.save(res.booking));
      expect(rowids()).toEqual(before);
      // Moved two hours later, one participant more: the rows carry the new slot, the old rows stay in place.
      const moved: Booking = {
        ...res.booking,
        request: {
          ...res.booking.request,
          start: at("2026-12-10", "13:00"),
          end: at("2026-12-10", "15:00"),
          participants: [...res.booking.request.participants, "CX-00030"],
        },
      };
      await desk.store.tx((r) => r.bookings.save(moved));
      const after = rowids();
      expect(after.length).toBe(4);
      for (const row of before) expect(after.find((a) => a.endpoint === row.endpoint)?.rowid).toBe(row.rowid);
      expect(new Set(after.map((a) => a.start_at))).toEqual(new Set([at("2026-12-10", "13:00").getTime()]));
      const old = await desk.store.read((r) =>
        r.bookings.holders(at("2026-12-10", "09:00"), at("2026-12-10", "11:00"), ["CX-00008"]),
      );
      expect(old.map((h) => h.code)).not.toContain(res.code);
      const now = await desk.store.read((r) =>
        r.bookings.holders(at("2026-12-10", "14:00"), at("2026-12-10", "14:30"), ["CX-00030"]),
      );
      expect(now.find((h) => h.code === res.code)?.endpoints).toEqual(["CX-00030"]);
    },
  );
});

function baseRequest(): BookingRequest {
  return {
    host: "Sở Công Thương",
    participants: ["CX-00008"],
    unresolved: [],
    start: at("2026-12-10", "09:00"),
    end: at("2026-12-10", "11:00"),
    title: "Phiên thử",
    contact: { name: "Lâm Thị Ngọc", phone: "0983210456" },
    emergency: false,
    secret: false,
    recording: false,
    cityHallRoom: false,
    otherSupport: null,
    receivedAt: at("2026-12-07", "08:30"),
    channel: "cli",
    sender: "test",
  };
}

describe("registerBooking decides as before", () => {
  it("the same outcome, reasons, displaced and alternatives as the rules on reference holders (three windows)", async () => {
    // A small MCU so that both confirmations and rejections (with their alternatives search) occur.
    const reg = { ...DEFAULT_REGULATION, mcu: { ports: 60, conferences: 8 } };
    const desk = await fixtureDesk(1500, 20, reg);
    const rnd = mulberry32(5);
    const outcomes = new Set<string>();
    let withAlternatives = 0;
    for (let i = 0; i < 40; i++) {
      const start = at("2026-01-05", "08:00").getTime() + (2 + rnd(14)) * DAY + rnd(16) * 1_800_000;
      const req: BookingRequest = {
        ...baseRequest(),
        host: ["Sở Y tế", "Sở Nội vụ", "Sở Công Thương"][rnd(3)]!,
        participants: [desk.codes[rnd(80)]!, desk.codes[rnd(80)]!, desk.codes[rnd(desk.codes.length)]!],
        start: new Date(start),
        end: new Date(start + 5_400_000),
        emergency: rnd(5) === 0,
        receivedAt: new Date(start - 3 * DAY),
      };
      const now = req.receivedAt;
      // The expected decision: the old desk's steps, on holders computed in memory from every booking.
      const all = await desk.store.read((r) => r.bookings.list());
      const directory: DirectorySnapshot = await desk.store.read((r) => r.directory.snapshot());
      const full = withDefaultEnd(req, reg);
      const eps = occupiedEndpoints(full, { directory });
      const gap = reg.setupGapMinutes * 60_000;
      const window = (back: number, ahead: number) =>
        referenceHolders(
          all,
          new Date(full.start!.getTime() - gap - back),
          new Date(full.end!.getTime() + gap + ahead),
          eps,
        );
      const ctx = { now, reg, directory, holders: window(0, 0) };
      const expected = decide(full, ctx);
      if (expected.outcome === "rejected" && !expected.reasons.some((x) => x.code === "invalid-time")) {
        const isWorkingDay = (d: string) => desk.holidays.isWorkingDay(d);
        let alt = findAlternatives(
          full,
          { ...ctx, holders: window(2 * DAY, 2 * DAY) },
          { isWorkingDay, days: 1 },
        );
        if (alt.length < reg.alternatives) {
          alt = findAlternatives(
            full,
            { ...ctx, holders: window(2 * DAY, 8 * DAY) },
            { isWorkingDay, days: 7 },
          );
        }
        expected.alternatives = alt;
      }
      const res = await registerBooking(desk, req, { now });
      if (res.duplicate) throw new Error("duplicate");
      expect(res.decision).toEqual(expected);
      expect(res.booking.status).toBe(expected.outcome);
      outcomes.add(expected.outcome);
      if (expected.alternatives.length > 0) withAlternatives++;
    }
    expect(outcomes).toContain("confirmed");
    expect(outcomes).toContain("rejected");
    expect(withAlternatives).toBeGreaterThan(0);
  }, 180_000);

  it("writes the receipt, then the decision, in the audit trail, with the booking saved once in its final state", async () => {
    const desk = await makeDesk();
    const res = await registerBooking(desk, baseRequest(), { now: at("2026-12-07", "08:30") });
    if (res.duplicate) throw new Error("duplicate");
    const events = await desk.store.read((r) => r.bookings.events(res.code));
    expect(events.map((e) => [e.from, e.to])).toEqual([
      [null, "received"],
      ["received", res.decision.outcome],
    ]);
    const stored = await desk.store.read((r) => r.bookings.get(res.code));
    const { secretUnsure: _, ...request } = stored!.request;
    expect({ ...stored!, request }).toEqual(res.booking);
    expect(stored!.sequence).toBe(1);
  });
});

describe("lists over a year", () => {
  sqliteOnly(
    "a year of bookings lists without «too many SQL variables», and a huge table without a stack overflow",
    async () => {
      // 40 000 bookings in one year: the old list put every code in one IN list, over SQLite's 32 766 variables.
      const desk = await fixtureDesk(40_000, 360);
      const year = await desk.store.read((r) =>
        r.bookings.list({ from: at("2026-01-01", "00:00"), to: at("2027-01-01", "00:00") }),
      );
      expect(year.length).toBe(40_000);
      expect(year.every((b) => b.request.participants.length >= 1)).toBe(true);
      // 150 000 rows: Math.max(...rows) threw "Maximum call stack size exceeded".
      const rows = Array.from({ length: 150_000 }, (_, i) => [`HTT-${i}`, "x".repeat(i % 7)]);
      const text = table(["Mã", "Cột"], rows);
      expect(text.split("\n").length).toBe(150_002);
    },
    180_000,
  );

  it("paging returns every booking once, in start order", async () => {
    const desk = await fixtureDesk(1234, 30);
    const range = { from: at("2026-01-10", "00:00"), to: at("2026-01-30", "00:00") };
    const whole = await desk.store.read((r) => r.bookings.list(range));
    const total = await desk.store.read((r) => r.bookings.count(range));
    expect(total).toBe(whole.length);
    expect(total).toBeGreaterThan(500);
    const paged: Booking[] = [];
    for (let offset = 0; offset < total + 100; offset += 100) {
      paged.push(...(await desk.store.read((r) => r.bookings.list(range, { limit: 100, offset }))));
    }
    expect(paged.map((b) => b.code)).toEqual(whole.map((b) => b.code));
    expect(new Set(paged.map((b) => b.code)).size).toBe(total);
  }, 180_000);

  it("`booking list` and `schedule` page with --page and --limit, and refuse nonsense in Vietnamese", async () => {
    const db = join(tempDir(), "cli.db");
    const src = await fixtureDeskAt(db, 3000, 10);
    const env = { DESK_DB: db };
    // Codes in the table, not the footer's --after hint.
    const codesOf = (out: string): string[] =>
      out
        .split("\n")
        .filter((l) => !l.startsWith("Trang "))
        .join("\n")
        .match(/HTT-BENCH-\d+/g) ?? [];
    const seen: string[] = [];
    for (let page = 1; page <= 40; page++) {
      const r = await cliHere(["booking", "list", "--page", String(page), "--limit", "100"], env);
      expect(r.error).toBeNull();
      const codes = codesOf(r.out);
      if (codes.length === 0) break;
      seen.push(...codes);
      expect(r.out).toContain(`Trang ${page}/30`);
    }
    expect(seen.length).toBe(src);
    expect(new Set(seen).size).toBe(src);
    // The default page is 200 rows.
    const first = await cliHere(["booking", "list"], env);
    expect(codesOf(first.out).length).toBe(200);
    expect(first.out).toMatch(/Trang sau: --after HTT-BENCH-\d+\./);
    const day = await cliHere(["schedule", "--date", "2026-01-06", "--limit", "50", "--page", "2"], env);
    expect(day.error).toBeNull();
    expect(codesOf(day.out).length).toBeGreaterThan(0);
    expect(day.out).toMatch(/Trang 2\/\d+ — phiên 51–/);
    const bad = await cliHere(["booking", "list", "--page", "0"], env);
    expect(bad.error?.message).toContain("Giá trị --page=«0» không hợp lệ");
  }, 180_000);
});

describe("keyset pages (start, code)", () => {
  // 50 000 bookings through the CLI: SQLite only to keep the pg project quick; keyset paging on PostgreSQL is
  // the next test's.
  sqliteOnly(
    "--after pages cover a year of 50 000 bookings once each, in order, through the CLI",
    async () => {
      // A year of data: the old CLI refused --after; its --page walked every skipped row (offset).
      const db = join(tempDir(), "year.db");
      const src = await fixtureDeskAt(db, 50_000, 360);
      const env = { DESK_DB: db };
      const codesOf = (out: string): string[] =>
        out
          .split("\n")
          .filter((l) => !l.startsWith("Trang "))
          .join("\n")
          .match(/HTT-BENCH-\d+/g) ?? [];
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 1; page <= 60; page++) {
        const argv = ["booking", "list", "--from", "2026-01-01", "--to", "2026-12-31", "--limit", "1000"];
        const r = await cliHere(after ? [...argv, "--after", after] : argv, env);
        expect(r.error).toBeNull();
        const codes = codesOf(r.out);
        seen.push(...codes);
        const next = /Trang sau: --after (HTT-BENCH-\d+)\./.exec(r.out)?.[1] ?? null;
        if (!next) break;
        expect(r.out).toContain(`Trang ${page}/`);
        expect(next).toBe(codes.at(-1));
        after = next;
      }
      const whole = await readStore(db, (s) =>
        s.read((r) => r.bookings.list({ from: at("2026-01-01", "00:00"), to: at("2027-01-01", "00:00") })),
      );
      expect(whole.length).toBeGreaterThan(40_000);
      expect(seen).toEqual(whole.map((b) => b.code));
      expect(new Set(seen).size).toBe(whole.length);
      expect(src).toBe(50_000);
      // The schedule of one busy day pages the same way.
      const day1 = await cliHere(["schedule", "--date", "2026-06-10", "--limit", "50"], env);
      const last = /Trang sau: --after (HTT-BENCH-\d+)\./.exec(day1.out)?.[1];
      expect(last).toBeDefined();
      const day2 = await cliHere(
        ["schedule", "--date", "2026-06-10", "--limit", "50", "--after", last!],
        env,
      );
      expect(day2.error).toBeNull();
      expect(day2.out).toMatch(/Trang 2\/\d+ — phiên 51–/);
      expect(codesOf(day2.out).some((c) => codesOf(day1.out).includes(c))).toBe(false);
      const unknown = await cliHere(["booking", "list", "--after", "HTT-2026-9999"], env);
      expect(unknown.error?.message).toContain("Không có lịch họp mã HTT-2026-9999 (--after)");
      const both = await cliHere(["booking", "list", "--after", last!, "--page", "2"], env);
      expect(both.error?.message).toContain("Không dùng --page cùng với --after");
    },
    300_000,
  );

  it("keyset pages over the whole table, bookings without a time included, equal the unpaged list", async () => {
    const desk = await fixtureDesk(1500, 30);
    // Two bookings without a time (a registration still missing its slot): they list first on both dialects.
    await desk.store.tx(async (r) => {
      const b = await r.bookings.get("HTT-BENCH-5");
      for (const code of ["HTT-NOTIME-B", "HTT-NOTIME-A"]) {
        await r.bookings.save({ ...b!, code, request: { ...b!.request, start: null, end: null } });
      }
    });
    const whole = await desk.store.read((r) => r.bookings.list());
    expect(whole.slice(0, 2).map((b) => b.code)).toEqual(["HTT-NOTIME-A", "HTT-NOTIME-B"]);
    const paged: string[] = [];
    let after: Cursor | null = null;
    for (;;) {
      const page: Booking[] = await desk.store.read((r) => r.bookings.list({}, { limit: 101, after }));
      if (page.length === 0) break;
      paged.push(...page.map((b) => b.code));
      const last = page.at(-1)!;
      after = await desk.store.read((r) => r.bookings.cursorOf(last.code));
      expect(await desk.store.read((r) => r.bookings.countThrough({}, after!))).toBe(paged.length);
      // The footer's one-pass count: the same position and the whole table's total.
      expect(await desk.store.read((r) => r.bookings.position({}, after))).toEqual({
        before: paged.length,
        total: whole.length,
      });
    }
    expect(paged).toEqual(whole.map((b) => b.code));

    // A time range (the CLI's case: the plain order PostgreSQL reads from bookings_start, the seek on the cursor's
    // start): pages of 37, many of them cut between bookings that start at the same minute.
    const range = { from: at("2026-01-12", "00:00"), to: at("2026-01-24", "00:00") };
    const inRange = await desk.store.read((r) => r.bookings.list(range));
    const starts = inRange.map((b) => b.request.start!.getTime());
    expect(new Set(starts).size).toBeLessThan(starts.length);
    const ranged: string[] = [];
    after = null;
    for (;;) {
      const page: Booking[] = await desk.store.read((r) => r.bookings.list(range, { limit: 37, after }));
      if (page.length === 0) break;
      ranged.push(...page.map((b) => b.code));
      after = await desk.store.read((r) => r.bookings.cursorOf(page.at(-1)!.code));
      expect(await desk.store.read((r) => r.bookings.position(range, after))).toEqual({
        before: ranged.length,
        total: inRange.length,
      });
    }
    expect(ranged).toEqual(inRange.map((b) => b.code));
    expect(await desk.store.read((r) => r.bookings.position(range, null))).toEqual({
      before: 0,
      total: inRange.length,
    });
  }, 180_000);
});

/** Read a store file written by fixtureDeskAt. */
async function readStore<T>(path: string, fn: (s: Store) => Promise<T>): Promise<T> {
  const store = await Store.connect(await testDb(path));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** The fixture written into a given file (the CLI opens the file by path). Returns the booking count. */
async function fixtureDeskAt(path: string, count: number, days: number): Promise<number> {
  const store = await Store.connect(await testDb(path));
  const dir = bigDirectory();
  await store.tx((r) => r.directory.replaceAll(dir));
  await seedBookingsOn(
    store,
    dir.endpoints.map((e) => e.code),
    { count, days, rnd: mulberry32(3) },
  );
  await store.close();
  return count;
}

describe("outbox", () => {
  it("a deployment without chat does not enqueue group posts; mail and desk notices still go out", async () => {
    const path = join(tempDir(), "nochat.db");
    const chatless = await openTestStore(path, TEST_DIALECT, { chat: false });
    const now = at("2026-12-07", "08:30");
    const ids = await chatless.tx(async (r) => [
      await r.outbox.enqueue(
        { channel: "group", recipient: "support-group", kind: "booking-public", payload: {} },
        now,
      ),
      await r.outbox.enqueue(
        { channel: "mail", recipient: "a@hanoi.gov.vn", kind: "x", payload: { text: "t" } },
        now,
      ),
      await r.outbox.enqueue(
        { channel: "desk", recipient: "mcu-technician", kind: "x", payload: { text: "t" } },
        now,
      ),
    ]);
    expect(ids[0]).toBe(NOT_ENQUEUED);
    const rows = await chatless.read((r) => r.outbox.list());
    expect(rows.map((m) => m.channel).sort()).toEqual(["desk", "mail"]);
    await chatless.close();
    // With chat (the default), group posts are kept for the chat worker.
    const desk = await makeDesk();
    const res = await registerBooking(desk, baseRequest(), { now });
    if (res.duplicate) throw new Error("duplicate");
    const posts = await desk.store.read((r) => r.outbox.list({ booking: res.code }));
    expect(posts.some((m) => m.channel === "group")).toBe(true);
  });

  sqliteOnly(
    "the reply-cap count, the last thread by booking and the due scan use their indexes",
    async () => {
      const desk = await makeDesk();
      const plan = (sql: string) =>
        (desk.store.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
          .map((r) => r.detail)
          .join(" | ");
      expect(
        plan("SELECT count(*) FROM outbox WHERE channel = 'mail' AND recipient = 'a' AND created_at >= 0"),
      ).toContain("outbox_recipient");
      expect(plan("SELECT * FROM outbox WHERE booking = 'HTT-2026-0001' ORDER BY id")).toContain(
        "outbox_booking",
      );
      expect(
        plan(
          "SELECT * FROM outbox WHERE status = 'pending' AND available_at <= 0 AND channel IN ('mail') ORDER BY id LIMIT 100",
        ),
      ).toContain("outbox_due");
    },
  );
});

/**
 * The alternatives search as it was before it was made fast: the days around the request, then the week when
 * short, each candidate judged by the slot rules themselves (slotFindings) on the holders near it, with luxon's
 * calendar arithmetic.
 */
function referenceAlternatives(
  req: BookingRequest,
  ctx: Parameters<typeof findAlternatives>[1],
  isWorkingDay: (d: string) => boolean,
): { start: Date; end: Date }[] {
  const search = (days: number) => {
    const duration = req.end!.getTime() - req.start!.getTime();
    const { zone, workday } = ctx.reg;
    const gap = ctx.reg.setupGapMinutes * 60_000;
    const chair = decide(req, ctx).priority === 3;
    const lead = req.emergency ? ctx.reg.leadTimeMinutes.emergency : ctx.reg.leadTimeMinutes.normal;
    const earliest = Math.max(ctx.now.getTime(), req.receivedAt.getTime()) + (chair ? 0 : lead * 60_000);
    const first = localDateOf(req.start!, zone);
    const found: { start: Date; end: Date }[] = [];
    for (let d = -1; d <= days; d++) {
      const date = addDays(first, d);
      if (!isWorkingDay(date)) continue;
      const open = atLocal(date, workday.start, zone).getTime();
      const close = atLocal(date, workday.end, zone).getTime();
      const lunch = [ctx.reg.lunch.start, ctx.reg.lunch.end].map((x) => atLocal(date, x, zone).getTime());
      const min = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
      const asked = min(localTimeOf(req.start!, zone));
      const askedAcross =
        asked < min(ctx.reg.lunch.end) && asked + duration / 60_000 > min(ctx.reg.lunch.start);
      for (let t = open; t + duration <= close; t += 30 * 60_000) {
        if (t < earliest || t === req.start!.getTime()) continue;
        if (!askedAcross && t < lunch[1]! && t + duration > lunch[0]!) continue;
        const holders = ctx.holders.filter(
          (h) => h.start.getTime() < t + duration + gap && t < h.end.getTime() + gap,
        );
        const slot = { start: new Date(t), end: new Date(t + duration) };
        if (slotFindings({ ...req, ...slot }, { ...ctx, holders }).length === 0) found.push(slot);
      }
    }
    const target = req.start!.getTime();
    return found
      .sort(
        (a, b) =>
          Math.abs(a.start.getTime() - target) - Math.abs(b.start.getTime() - target) ||
          a.start.getTime() - b.start.getTime(),
      )
      .slice(0, ctx.reg.alternatives)
      .sort((a, b) => a.start.getTime() - b.start.getTime());
  };
  const near = search(1);
  return near.length >= ctx.reg.alternatives ? near : search(7);
}

describe("the alternatives search", () => {
  it("offers exactly the slots the slot rules find free, nearest first, over random holders and MCU sizes", async () => {
    const desk = await makeDesk();
    const directory = await desk.store.read((r) => r.directory.snapshot());
    const eps = ["CX-00008", "CX-00025", "CX-00031", "CX-00040", "CX-00052", "CX-00066"];
    const rnd = mulberry32(2024);
    const isWorkingDay = (d: string) => desk.holidays.isWorkingDay(d);
    const t0 = at("2026-12-07", "07:00").getTime();
    let nonEmpty = 0;
    let short = 0;
    let none = 0;
    let sampled = 0;
    for (let i = 0; i < 150; i++) {
      const reg = {
        ...DEFAULT_REGULATION,
        mcu: { conferences: 1 + rnd(6), ports: 6 + rnd(30) },
        alternatives: 1 + rnd(4),
      };
      // Holders over ten days: random endpoints, rooms, priorities and lengths (some back to back).
      const holders: SlotHolder[] = [];
      for (let k = 0, n = rnd(3) === 0 ? 100 + rnd(200) : rnd(100); k < n; k++) {
        const s = t0 - DAY + rnd(10) * DAY + rnd(20) * 1_800_000 + (rnd(4) === 0 ? 15 * 60_000 : 0);
        holders.push({
          code: `H-${k}`,
          priority: (1 + rnd(3)) as 1 | 2 | 3,
          ports: 1 + rnd(6),
          start: new Date(s),
          end: new Date(s + (1 + rnd(6)) * 1_800_000),
          cityHallRoom: rnd(6) === 0,
          createdAt: new Date(t0 - rnd(100) * 60_000),
          endpoints: rnd(3) === 0 ? [eps[rnd(eps.length)]!] : [],
        });
      }
      const start = t0 + rnd(5) * DAY + (2 + rnd(16)) * 1_800_000;
      const req = withDefaultEnd(
        {
          ...baseRequest(),
          host: ["Sở Y tế", "UBND Thành phố Hà Nội", "Sở Nội vụ"][rnd(3)]!,
          participants: [eps[rnd(eps.length)]!, eps[rnd(eps.length)]!],
          start: new Date(start),
          end: new Date(start + (1 + rnd(4)) * 1_800_000),
          emergency: rnd(4) === 0,
          cityHallRoom: rnd(3) === 0,
          receivedAt: new Date(start - (rnd(3) === 0 ? 3_600_000 : 3 * DAY)),
        },
        reg,
      );
      const ctx = {
        now: req.receivedAt,
        reg,
        directory,
        holders,
        // Sometimes the request is a change of one of the holders: it never blocks itself.
        ...(rnd(4) === 0 && holders.length ? { self: holders[rnd(holders.length)]!.code } : {}),
      };
      const want = referenceAlternatives(req, ctx, isWorkingDay);
      const got = findAlternatives(req, ctx, { isWorkingDay, days: 7, nearDays: 1 });
      expect(got).toEqual(want);
      if (want.length > 0) nonEmpty++;
      if (want.length > 0 && want.length < reg.alternatives) short++;
      if (want.length === 0) none++;
      if (want.some((s) => Math.abs(s.start.getTime() - start) > 2 * DAY)) sampled++;
    }
    // The comparison covers slots found, searches that come up short, and slots beyond the near days.
    expect(nonEmpty).toBeGreaterThan(20);
    expect(short + none).toBeGreaterThan(3);
    expect(sampled).toBeGreaterThan(3);
  });
});

describe("the alternatives window", () => {
  it("does not offer the morning of the day before when sessions hold it (a late request's window reaches back two days)", async () => {
    const desk = await makeDesk();
    const now = at("2026-12-01", "09:00");
    const book = async (date: string, from: string, to: string) => {
      const res = await registerBooking(
        desk,
        { ...baseRequest(), start: at(date, from), end: at(date, to), receivedAt: now },
        { now },
      );
      if (res.duplicate || res.decision.outcome !== "confirmed")
        throw new Error(`not confirmed: ${date} ${from}`);
    };
    // The day before: busy all day, in two sessions; the first ends more than a day before the request.
    await book("2026-12-09", "07:30", "14:15");
    await book("2026-12-09", "14:30", "17:00");
    // The request's day and the day after: busy all day.
    await book("2026-12-10", "07:30", "17:00");
    await book("2026-12-11", "07:30", "17:00");
    const res = await registerBooking(
      desk,
      { ...baseRequest(), start: at("2026-12-10", "15:00"), end: at("2026-12-10", "16:00"), receivedAt: now },
      { now },
    );
    if (res.duplicate) throw new Error("duplicate");
    expect(res.decision.outcome).toBe("rejected");
    const offered = res.decision.alternatives.map((s) => s.start.getTime());
    expect(offered.length).toBeGreaterThan(0);
    // Monday 14/12 is the first free working day; 9/12 morning (07:30–14:15) is held.
    for (const t of offered) expect(t).toBeGreaterThanOrEqual(at("2026-12-14", "07:30").getTime());
  });
});

/** The capacity rule as it was before its peak went to numbers: one peak per candidate, displaced one by one. */
function referenceCapacity(req: BookingRequest, ctx: DecisionContext, state: RuleState): Finding[] {
  const { ports, conferences } = ctx.reg.mcu;
  const need = state.endpoints.length;
  const overlapping = (h: SlotHolder) =>
    req.start!.getTime() < h.end.getTime() && h.start.getTime() < req.end!.getTime();
  const fits = (hs: SlotHolder[]) => {
    const load = peakLoadReference(hs, req.start!, req.end!);
    return load.conferences + 1 <= conferences && load.ports + need <= ports;
  };
  let remaining = ctx.holders.filter((h) => h.code !== ctx.self && !state.displaced.has(h.code));
  if (fits(remaining)) return [];
  const candidates = remaining
    .filter((h) => h.priority < state.priority && overlapping(h))
    .sort((a, b) => a.priority - b.priority || b.createdAt.getTime() - a.createdAt.getTime());
  const displaced: string[] = [];
  for (const h of candidates) {
    remaining = remaining.filter((x) => x.code !== h.code);
    displaced.push(h.code);
    if (fits(remaining)) return [{ severity: "note", displace: displaced } as Finding];
  }
  return [{ severity: "reject" } as Finding];
}

describe("the capacity rule", () => {
  /** Holders around one afternoon: random lengths, ports, priorities, back to back and at the same instants. */
  function randomHolders(rnd: (n: number) => number, t0: number, n: number): SlotHolder[] {
    return Array.from({ length: n }, (_, k) => {
      const s = t0 + rnd(16) * 900_000;
      return {
        code: `H-${k}`,
        priority: (1 + rnd(3)) as 1 | 2 | 3,
        ports: 1 + rnd(8),
        start: new Date(s),
        end: new Date(s + (rnd(12) === 0 ? 0 : 1 + rnd(8)) * 900_000),
        cityHallRoom: false,
        createdAt: new Date(t0 - rnd(50) * 60_000),
        endpoints: [],
      };
    });
  }

  it("peakLoad equals the plain event-object reference, over random holders and windows", () => {
    const rnd = mulberry32(77);
    const t0 = at("2026-12-08", "13:00").getTime();
    let busy = 0;
    for (let i = 0; i < 400; i++) {
      const holders = randomHolders(rnd, t0, rnd(5) === 0 ? 60 + rnd(80) : rnd(40));
      const s = t0 + rnd(16) * 900_000 - 900_000;
      // Some windows are empty or backwards (an end before the start is for the time rule to refuse).
      const e = s + (rnd(10) === 0 ? -rnd(4) : rnd(12)) * 900_000;
      const got = peakLoad(holders, new Date(s), new Date(e));
      expect(got).toEqual(peakLoadReference(holders, new Date(s), new Date(e)));
      if (got.conferences > 5) busy++;
    }
    expect(busy).toBeGreaterThan(50);
  });

  it("finds, rejects or displaces exactly as the one-by-one search, for normal, emergency and chair requests", async () => {
    const desk = await makeDesk();
    const directory = await desk.store.read((r) => r.directory.snapshot());
    const rnd = mulberry32(4242);
    const t0 = at("2026-12-08", "13:00").getTime();
    const seen = { fits: 0, reject: 0, displace: 0, several: 0 };
    for (let i = 0; i < 400; i++) {
      const reg = { ...DEFAULT_REGULATION, mcu: { conferences: 2 + rnd(8), ports: 10 + rnd(40) } };
      const holders = randomHolders(rnd, t0, rnd(60));
      const start = t0 + rnd(12) * 900_000;
      const req = {
        ...baseRequest(),
        start: new Date(start),
        end: new Date(start + (1 + rnd(8)) * 900_000),
      };
      const ctx: DecisionContext = {
        now: req.receivedAt,
        reg,
        directory,
        holders,
        ...(rnd(4) === 0 && holders.length ? { self: holders[rnd(holders.length)]!.code } : {}),
      };
      const state: RuleState = {
        priority: (1 + rnd(3)) as 1 | 2 | 3,
        endpoints: Array.from({ length: 1 + rnd(6) }, (_, k) => `E${k}`),
        displaced: new Set(holders.filter(() => rnd(10) === 0).map((h) => h.code)),
      };
      const want = referenceCapacity(req, ctx, state);
      const got = mcuCapacity.check(req, ctx, state);
      expect(got.map((f) => [f.severity, f.displace ?? null])).toEqual(
        want.map((f) => [f.severity, f.displace ?? null]),
      );
      if (want.length === 0) seen.fits++;
      else if (want[0]!.severity === "reject") seen.reject++;
      else {
        seen.displace++;
        if ((want[0]!.displace ?? []).length > 1) seen.several++;
      }
    }
    // The comparison covers each outcome, and displacements of more than one session.
    expect(seen.fits).toBeGreaterThan(30);
    expect(seen.reject).toBeGreaterThan(30);
    expect(seen.displace).toBeGreaterThan(30);
    expect(seen.several).toBeGreaterThan(10);
  });
});

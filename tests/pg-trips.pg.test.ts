/**
 * Issue 12 on PostgreSQL: what a registration costs in round trips (each is a wait on the network and the server,
 * the part of PostgreSQL's decision time SQLite does not pay). Counted by wrapping pg's `Client.query`, as
 * bench/pg-trips.ts does on 100 000 bookings; here on the sample directory, with the days warmed as a running desk
 * has them. And the transaction PostgreSQL's store runs by hand (BEGIN and the write lock in one message): it holds
 * the lock, rolls back, and hands its connection back clean. No timing here.
 */
import { join } from "node:path";
import { PgDatabase } from "drizzle-orm/pg-core";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { warmSchedule } from "../src/app/booking/warm.js";
import type { Desk } from "../src/app/desk.js";
import { at, makeDesk, openTestStore, q, request, sampleDirectory, tempDir } from "./helpers.js";

/** Statements sent while `on`: a prepared statement by its name, anything else by its text. */
const sent: string[] = [];
let on = false;
const original = pg.Client.prototype.query;

beforeEach(() => {
  sent.length = 0;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    if (on) {
      const a = args[0] as string | { name?: string; text?: string };
      sent.push(typeof a === "string" ? a : (a.name ?? a.text ?? "?"));
    }
    return (original as (...x: unknown[]) => unknown).apply(this, args);
  } as typeof pg.Client.prototype.query;
});
afterEach(() => {
  pg.Client.prototype.query = original;
  on = false;
});

async function counted<T>(fn: () => Promise<T>): Promise<{ out: T; trips: string[] }> {
  sent.length = 0;
  on = true;
  try {
    const out = await fn();
    return { out, trips: [...sent] };
  } finally {
    on = false;
  }
}

describe("round trips of a registration on PostgreSQL", () => {
  it("a confirmation and a rejection with alternatives read every requested endpoint in one statement per window", async () => {
    const desk: Desk = await makeDesk();
    const now = at("2026-12-07", "08:30");
    await warmSchedule(desk, now);
    // A first registration reads the directory into its cache, as a running desk has it, and holds the morning at
    // other endpoints: the windows below have a holder, so their endpoints are looked up.
    const first = await registerBooking(desk, request({ host: "Sở Tư pháp", participants: ["CX-00466"] }), {
      now,
    });
    if (first.duplicate || first.decision.outcome !== "confirmed")
      throw new Error(`the first is not confirmed: ${JSON.stringify(first)}`);
    const slot = { start: at("2026-12-10", "09:00"), end: at("2026-12-10", "10:00") };
    // Host endpoint and three participants: four endpoints to look up.
    const participants = ["CX-00008", "CX-00025", "CX-00679"];
    const ok = await counted(() => registerBooking(desk, request({ ...slot, participants }), { now }));
    if (ok.out.duplicate) throw new Error("duplicate");
    expect(ok.out.decision.outcome).toBe("confirmed");
    const no = await counted(() => registerBooking(desk, request({ ...slot, participants }), { now }));
    if (no.out.duplicate) throw new Error("duplicate");
    expect(no.out.decision.outcome).toBe("rejected");
    expect(no.out.decision.alternatives?.length ?? 0).toBeGreaterThan(0);

    const kinds = (trips: string[], name: string) => trips.filter((t) => t === name).length;
    // One read per registration: the days' versions of the whole span the alternatives would search, the booking
    // code's number and the requested endpoints' rows over that span in one statement; the rejection's second
    // (wide) window filters them (was a statement of its own, and before that one per window, one per endpoint).
    for (const t of [ok.trips, no.trips]) {
      expect(kinds(t, "bookings_at_endpoint"), t.join("\n")).toBe(0);
      expect(kinds(t, "bookings_at_endpoints")).toBe(0);
      expect(kinds(t, "bookings_at_endpoints_span")).toBe(0);
      expect(kinds(t, "bookings_versions_seq_endpoints")).toBe(1);
      expect(kinds(t, "bookings_versions_next_seq")).toBe(0);
      expect(kinds(t, "schedule_days_versions")).toBe(0);
      expect(kinds(t, "bookings_next_seq")).toBe(0);
      // BEGIN carries the write lock and the directory's version (was a statement of its own).
      expect(t[0]).toMatch(/^BEGIN; SELECT pg_advisory_xact_lock\(\d+\); SELECT value FROM meta/);
      expect(kinds(t, "directory_version")).toBe(0);
      // A new booking's endpoint rows are not read before they are written.
      expect(kinds(t, "bookings_endpoints_of")).toBe(0);
    }
    // Every statement that reads is a named (prepared) one. The writes whose results nobody reads (the booking, its
    // endpoint rows and trail, the timers, the answers) go together in COMMIT's message, each as an EXECUTE of a
    // statement the connection PREPAREd once (parsed and planned once, not per message), values as literals.
    const named = (t: string) => !/\s/.test(t);
    const parts = (t: string) => t.split(";\n");
    const commitMessage = (t: string) =>
      t.endsWith(";\nCOMMIT")
        ? parts(t)
            .filter((x) => !x.startsWith("PREPARE "))
            .map((x) => /^EXECUTE "deferred_(\w+)"|^(COMMIT)$/.exec(x))
            .map((m) => (m ? (m[1] ?? "commit") : "?"))
        : null;
    for (const t of [ok.trips, no.trips]) {
      expect(t.filter((x) => !named(x)).length, t.join("\n")).toBe(2);
      expect(t.at(-1)).toMatch(/;\nCOMMIT$/);
      // Every EXECUTE's statement was PREPAREd on this connection before: in this message or an earlier one.
      for (const x of parts(t.at(-1)!))
        expect(x).toMatch(/^(PREPARE "deferred_\w+" AS |EXECUTE "deferred_\w+"|COMMIT$)/);
    }
    // The second registration on the same connection prepares nothing again (the pool's one connection here
    // ran the first registration and the confirmation, which prepared every statement the rejection sends).
    expect(
      parts(no.trips.at(-1)!).filter((x) => x.startsWith("PREPARE ")),
      no.trips.at(-1),
    ).toEqual([]);
    // In all, the rejection (was 21 statements on the desk's days, 8 of them per endpoint; then 14, then 4): BEGIN,
    // one statement for the reads, and the writes with COMMIT. The day the confirmation just wrote is not read
    // again: its writes came between a locked read of the day's version and a second read, and the cache took its
    // own write in. A rejection holds no slot: it does not move its day's version, so it neither locks nor reads it.
    const shape = (trips: string[]) => trips.map((t) => commitMessage(t) ?? t.replace(/\(\d+\)/, "(…)"));
    expect(shape(no.trips)).toEqual([
      "BEGIN; SELECT pg_advisory_xact_lock(…); SELECT value FROM meta WHERE key = 'directory_version'",
      "bookings_versions_seq_endpoints",
      [
        "bookings_upsert",
        "bookings_insert_endpoints",
        "bookings_insert_events",
        // No update of jobs: a booking saved for the first time has no timers to disarm.
        "outbox_insert_later",
        "outbox_insert_later",
        "commit",
      ],
    ]);
    // The confirmation: the same reads (the first registration's write to its day was patched into the cache as
    // well), and its timers.
    expect(shape(ok.trips).slice(0, 2)).toEqual(shape(no.trips).slice(0, 2));
    expect(shape(ok.trips)[2]).toEqual([
      "schedule_days_touch",
      "schedule_days_version_locked",
      "bookings_upsert",
      "bookings_insert_endpoints",
      "schedule_days_version_after",
      "bookings_insert_events",
      "jobs_schedule",
      "jobs_schedule",
      "outbox_insert_later",
      "outbox_insert_later",
      "commit",
    ]);

    // What the fewer statements wrote is what the many wrote: the endpoint rows with the slot, the trail in order.
    const code = no.out.code;
    const rows = await desk.store.read((_r, c) =>
      c.all<{ endpoint: string; role: string; start_at: number; end_at: number }>(
        q(
          "SELECT endpoint, role, start_at, end_at FROM booking_endpoints WHERE booking = ? ORDER BY endpoint",
          code,
        ),
      ),
    );
    const b = no.out.booking;
    expect(rows.map((r) => [r.endpoint, r.role, Number(r.start_at), Number(r.end_at)])).toEqual(
      [[b.hostEndpoint ?? "", "host"], ...participants.map((p) => [p, "participant"])]
        .sort((x, y) => (x[0]! < y[0]! ? -1 : 1))
        .map(([e, role]) => [e, role, slot.start.getTime(), slot.end.getTime()]),
    );
    const trail = await desk.store.read((r) => r.bookings.events(code));
    expect(trail.map((e) => [e.from, e.to])).toEqual([
      [null, "received"],
      ["received", "rejected"],
    ]);
  });
});

describe("the store's hand-run transaction on PostgreSQL", () => {
  it("holds the desk-wide write lock from its first message, and a claim (serialize: false) holds none", async () => {
    const store = await openTestStore(join(tempDir(), "lock.db"));
    const held = (serialize: boolean) =>
      store.tx(
        async (_r, c) => {
          const [row] = await c.all<{ n: number }>(
            q(
              "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = ? AND pid = pg_backend_pid() AND granted",
              31250002,
            ),
          );
          return Number(row?.n);
        },
        { serialize },
      );
    expect(await held(true)).toBe(1);
    expect(await held(false)).toBe(0);
  });

  it("rolls a failed transaction back and gives its connection back clean to the next one", async () => {
    const path = join(tempDir(), "rollback.db");
    const { Store } = await import("../src/store/store.js");
    const { testDb } = await import("./helpers.js");
    // One connection in the pool: the next transaction gets the very connection the failed one used.
    const store = await Store.openPg(await testDb(path), { max: 1 });
    try {
      await store.tx((r) => r.directory.replaceAll(sampleDirectory));
      await expect(
        store.tx(async (r) => {
          await r.meta.set("pg-trips-test", "viết rồi hỏng");
          throw new Error("hỏng giữa chừng");
        }),
      ).rejects.toThrow("hỏng giữa chừng");
      // A statement error inside the transaction (the server aborts it) rolls back too.
      await expect(
        store.tx(async (r, c) => {
          await r.meta.set("pg-trips-test", "lần hai");
          await c.run(q("SELECT 1 / 0"));
        }),
      ).rejects.toThrow();
      expect(await store.read((r) => r.meta.get("pg-trips-test"))).toBeNull();
      await store.tx((r) => r.meta.set("pg-trips-test", "được"));
      expect(await store.read((r) => r.meta.get("pg-trips-test"))).toBe("được");
      // And the connection is not left inside a transaction: a plain statement after it commits on its own.
      const [state] = await store.read((_r, c) =>
        c.all<{ n: number }>(
          q("SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'idle in transaction (aborted)'"),
        ),
      );
      expect(Number(state?.n)).toBe(0);
    } finally {
      await store.close();
    }
  });

  it("sends deferred writes before the transaction's next statement, values intact, and rolls them back with it", async () => {
    const store = await openTestStore(join(tempDir(), "deferred.db"));
    const now = at("2026-12-07", "08:30");
    // Quotes, a backslash, Vietnamese, JSON: what the inlined literals must carry unchanged.
    const text = "Lịch 'HTT' \\ \"đã\" xác nhận; $1 -- không phải tham số";
    const counted2 = await counted(() =>
      store.tx(async (r) => {
        await r.outbox.post(
          { channel: "desk", recipient: "mcu-technician", kind: "k", payload: { text } },
          now,
        );
        // The deferred insert goes out before this read, which sees it.
        const seen = await r.outbox.list({});
        return seen.map((m) => m.payload.text);
      }),
    );
    expect(counted2.out).toEqual([text]);
    // BEGIN, the deferred insert, the read, COMMIT: the insert did not wait for COMMIT because a read came first.
    expect(counted2.trips.length).toBe(4);
    expect(counted2.trips[1]).toMatch(/^PREPARE "deferred_outbox_insert_later" AS insert into "outbox"/);
    expect(counted2.trips[1]).toMatch(/;\nEXECUTE "deferred_outbox_insert_later"\('desk', /);
    expect(counted2.trips[3]).toBe("COMMIT");
    // A deferred write that fails (here: a timer for a kind of NULL) fails at COMMIT and takes the whole
    // transaction with it; the connection is clean for the next one.
    await expect(
      store.tx(async (r) => {
        await r.outbox.post({ channel: "desk", recipient: "x", kind: "rolled-back", payload: {} }, now);
        await r.jobs.schedule({ kind: null as unknown as string, key: "k", runAt: now }, now);
      }),
    ).rejects.toThrow();
    const after = await store.read((r) => r.outbox.list({}));
    expect(after.map((m) => m.kind)).toEqual(["k"]);
    await store.tx((r) => r.meta.set("deferred-test", "được"));
    expect(await store.read((r) => r.meta.get("deferred-test"))).toBe("được");
  });

  it("prepares a deferred statement once per connection, and knows what a failed message prepared", async () => {
    const path = join(tempDir(), "prepared.db");
    const { Store } = await import("../src/store/store.js");
    const { testDb } = await import("./helpers.js");
    // One connection: every transaction below runs on the same session.
    const store = await Store.openPg(await testDb(path), { max: 1 });
    const now = at("2026-12-07", "08:30");
    const post = (kind: string, text: string) =>
      store.tx((r) => r.outbox.post({ channel: "desk", recipient: "x", kind, payload: { text } }, now));
    const prepares = (trips: string[]) =>
      trips.flatMap((t) => t.split(";\n")).filter((x) => x.startsWith("PREPARE "));
    const sessionHas = async () =>
      (
        await store.read((_r, c) =>
          c.all<{ name: string }>(q("SELECT name FROM pg_prepared_statements WHERE from_sql ORDER BY name")),
        )
      ).map((r) => r.name);
    try {
      // A failed message whose PREPARE ran before the failing EXECUTE: the session keeps the statement (PREPARE is
      // not undone by ROLLBACK), so the store must not PREPARE it again (that would fail every later transaction).
      await expect(
        store.tx(async (r) => {
          await r.outbox.post({ channel: "desk", recipient: "x", kind: "k0", payload: {} }, now);
          await r.jobs.schedule({ kind: null as unknown as string, key: "k", runAt: now }, now);
        }),
      ).rejects.toThrow();
      expect(await sessionHas()).toEqual(["deferred_jobs_schedule", "deferred_outbox_insert_later"]);
      const first = await counted(() => post("k1", "một"));
      const second = await counted(() => post("k2", "hai"));
      expect(prepares(first.trips)).toEqual([]);
      expect(prepares(second.trips)).toEqual([]);
      expect(second.trips.at(-1)).toMatch(/^EXECUTE "deferred_outbox_insert_later"\(.*\);\nCOMMIT$/);
      const kinds = (await store.read((r) => r.outbox.list({}))).map((m) => m.kind).sort();
      expect(kinds).toEqual(["k1", "k2"]);
    } finally {
      await store.close();
    }
  });
});

describe("query building on PostgreSQL", () => {
  it("a registration on a warm store builds no query: a transaction's repositories take their statements from the Store's cache", async () => {
    const desk: Desk = await makeDesk();
    const now = at("2026-12-07", "08:30");
    await warmSchedule(desk, now);
    const first = await registerBooking(desk, request({ participants: ["CX-00466"] }), { now });
    if (first.duplicate) throw new Error("duplicate");
    // Every builder a repository could start from: counted while the second registration runs.
    const proto = PgDatabase.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
    const names = ["select", "insert", "update", "delete"] as const;
    const saved = names.map((n) => proto[n]!);
    const built: string[] = [];
    names.forEach((n, i) => {
      proto[n] = function (this: unknown, ...a: unknown[]) {
        built.push(n);
        return saved[i]!.apply(this, a);
      };
    });
    try {
      const slot = { start: at("2026-12-10", "14:00"), end: at("2026-12-10", "15:00") };
      const res = await registerBooking(desk, request({ ...slot, participants: ["CX-00008"] }), { now });
      if (res.duplicate) throw new Error("duplicate");
    } finally {
      names.forEach((n, i) => {
        proto[n] = saved[i]!;
      });
    }
    expect(built).toEqual([]);
  });
});

/**
 * PostgreSQL: a transaction's connection runs one statement at a time. Code inside `Store.tx` or `Store.read` may ask
 * for several at once (a `Promise.all` of reads, as tests/sessions.test.ts does): the store queues them itself.
 * Handing them to pg together made pg 8 print "Calling client.query() when the client is already executing a query
 * is deprecated" (pg 9 will throw), and with writes deferred (Conn.deferred) each waiting statement flushed them.
 * Watched here by wrapping pg's `Client.query` (a statement sent while its client is still busy) and by collecting
 * the process's DeprecationWarnings. No timing here.
 */
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import type { Desk } from "../src/app/desk.js";
import { at, makeDesk, request } from "./helpers.js";

/** Statements sent to a client that had not answered its previous one yet. */
const overlaps: string[] = [];
const busy = new WeakMap<object, number>();
const warnings: string[] = [];
const onWarning = (w: Error) => {
  if (w.name === "DeprecationWarning") warnings.push(w.message);
};
const original = pg.Client.prototype.query;

beforeEach(() => {
  overlaps.length = 0;
  warnings.length = 0;
  process.on("warning", onWarning);
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const a = args[0] as string | { name?: string; text?: string };
    const n = busy.get(this) ?? 0;
    if (n > 0) overlaps.push(typeof a === "string" ? a : (a.name ?? a.text ?? "?"));
    busy.set(this, n + 1);
    const out = (original as (...x: unknown[]) => unknown).apply(this, args);
    const done = () => busy.set(this, (busy.get(this) ?? 1) - 1);
    if (out && typeof (out as Promise<unknown>).then === "function")
      (out as Promise<unknown>).then(done, done);
    else done();
    return out;
  } as typeof pg.Client.prototype.query;
});
afterEach(() => {
  pg.Client.prototype.query = original;
  process.off("warning", onWarning);
});

/** The process's warnings are emitted on the next tick: let them arrive before looking. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

async function desk3(): Promise<{ desk: Desk; codes: string[] }> {
  const desk = await makeDesk();
  const now = at("2026-12-07", "08:30");
  const codes: string[] = [];
  for (const [i, p] of ["CX-00008", "CX-00025", "CX-00070", "CX-00466"].entries()) {
    const start = at("2026-12-10", `${String(8 + i).padStart(2, "0")}:00`);
    const res = await registerBooking(
      desk,
      request({ participants: [p], start, end: new Date(start.getTime() + 30 * 60_000) }),
      { now },
    );
    if (res.duplicate) throw new Error("duplicate");
    codes.push(res.code);
  }
  return { desk, codes };
}

describe("one statement at a time on a transaction's connection (PostgreSQL)", () => {
  it("reads asked for together in a read or a write transaction go one after the other, with the deferred writes flushed once before them", async () => {
    const { desk, codes } = await desk3();
    overlaps.length = 0;
    const read = await desk.store.read((r) =>
      Promise.all(codes.map(async (c) => (await r.bookings.get(c))!.code)),
    );
    expect(read).toEqual(codes);
    // A write deferred into the next message, then reads together: the first one's turn flushes it, and every read
    // sees it.
    const titles = await desk.store.tx(async (r) => {
      const b = (await r.bookings.get(codes[0]!))!;
      await r.bookings.save({ ...b, request: { ...b.request, title: "Đổi tên cùng lúc" } });
      return Promise.all(codes.map(async (c) => (await r.bookings.get(c))!.request.title));
    });
    expect(titles[0]).toBe("Đổi tên cùng lúc");
    expect(titles.slice(1)).toEqual(codes.slice(1).map(() => request().title));
    expect((await desk.store.read((r) => r.bookings.get(codes[0]!)))!.request.title).toBe("Đổi tên cùng lúc");
    await settled();
    expect(overlaps).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it("a failing statement among several rolls the transaction back after the others, and the connection comes back clean", async () => {
    const { desk, codes } = await desk3();
    overlaps.length = 0;
    const failed = desk.store.tx(async (r, c) => {
      const b = (await r.bookings.get(codes[1]!))!;
      await r.bookings.save({ ...b, request: { ...b.request, title: "Không được lưu" } });
      return Promise.all([
        r.bookings.get(codes[0]!),
        c.all(sql`SELECT 1 / 0 AS x`),
        r.bookings.get(codes[2]!),
      ]);
    });
    await expect(failed).rejects.toThrow(/SELECT 1 \/ 0/);
    // Nothing of it landed, and the next transactions (on the pool's connections, that one among them) work.
    for (let i = 0; i < 3; i++) {
      const got = await desk.store.tx(async (r) =>
        Promise.all(codes.map(async (c) => (await r.bookings.get(c))!.request.title)),
      );
      expect(got[1]).toBe(request().title);
    }
    await settled();
    expect(overlaps).toEqual([]);
    expect(warnings).toEqual([]);
  });
});

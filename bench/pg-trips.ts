/**
 * `npx tsx bench/pg-trips.ts [postgres://…]`: what a registration costs on PostgreSQL, round trip by round trip.
 * Seeds the decision bench's fixture (100 000 bookings, 1 000 endpoints, mulberry32) into a fresh database, warms
 * the holders cache as a running desk does, then wraps `pg.Client.prototype.query` and runs N registrations
 * (PG_TRIPS_N, default 200) of the default MCU (mostly rejections) and N of a large one (mostly confirmations).
 * Prints round trips per registration by outcome, and per statement kind: calls, and the time from sending to
 * the rows parsed (server + network + pg's row parsing), p50 and total. Without a URL a throwaway PostgreSQL 15
 * cluster is started (tests/support/postgres.ts) and stopped afterwards.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import pg from "pg";
import { registerBooking } from "../src/app/booking/index.js";
import { warmDays, warmDecisions } from "../src/app/booking/warm.js";
import { loadHolidayCalendar, ROOT } from "../src/app/config.js";
import type { Desk } from "../src/app/desk.js";

import { atLocal } from "../src/core/calendar/zone.js";
import { DEFAULT_REGULATION, type Regulation } from "../src/core/regulation.js";
import { Store } from "../src/store/store.js";
import { freshDatabase, startPostgres } from "../tests/support/postgres.js";
import { bigDirectory, LARGE_MCU, mulberry32, sampleRequest, seedBookingsPg } from "./fixture.js";
import { load, pct } from "./sections.js";

const zone = DEFAULT_REGULATION.zone;
/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS = 100;
/** User + system CPU ticks of a process, 0 when it is gone. */
function procTicks(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return 0;
  }
}
const N = Number(process.env.PG_TRIPS_N ?? 200);
const LARGE = LARGE_MCU;
/** A statement's kind: its prepared name, or its text's start with literals and placeholders folded. */
function kindOf(q: unknown): string {
  if (typeof q === "string") {
    // A message of deferred writes (Conn.deferred), with or without COMMIT: counted as one, by its size.
    const parts = q.split(";\n");
    if (parts.length > 1 && !q.startsWith("BEGIN"))
      return `${parts.at(-1) === "COMMIT" ? "COMMIT with" : "before a read:"} ${parts.length - (parts.at(-1) === "COMMIT" ? 1 : 0)} deferred statements`;
    return q.replace(/\s+/g, " ").slice(0, 70);
  }
  const c = q as { name?: string; text?: string };
  if (c.name) return `[${c.name}]`;
  return (c.text ?? "?")
    .replace(/\s+/g, " ")
    .replace(/\(\$\d+(, ?\$\d+)*\)(, ?\(\$\d+(, ?\$\d+)*\))*/g, "(…)")
    .slice(0, 70);
}

interface Trip {
  kind: string;
  ms: number;
}
let trips: Trip[] | null = null;
const original = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const out = (original as (...a: unknown[]) => unknown).apply(this, args);
  if (trips && out && typeof (out as Promise<unknown>).then === "function") {
    const rec = trips;
    const t0 = performance.now();
    const kind = kindOf(args[0]);
    (out as Promise<unknown>).then(
      () => rec.push({ kind, ms: performance.now() - t0 }),
      () => rec.push({ kind: `${kind} (failed)`, ms: performance.now() - t0 }),
    );
  }
  return out;
} as typeof pg.Client.prototype.query;

/** How many of `indices` (of N) fall in each tenth of the run: whether the slow calls are the first ones. */
function deciles(indices: number[]): string {
  const out = new Array<number>(10).fill(0);
  for (const i of indices) out[Math.min(9, Math.floor((i * 10) / N))]!++;
  return out.join(" ");
}

/** The server settings that decide what a commit waits for. */
async function settings(store: Store): Promise<string> {
  const rows = await store.conn.all<{ name: string; setting: string }>(
    sql`SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes') ORDER BY name`,
  );
  return rows.map((r) => `${r.name}=${r.setting}`).join(" ");
}

/**
 * PG_TRIPS_PROF=/tmp/x: a CPU profile of the registrations alone (not the seeding), one per MCU size, written to
 * /tmp/x-default.cpuprofile and /tmp/x-large.cpuprofile (Chrome DevTools opens them).
 */
async function startProfile(): Promise<(file: string) => Promise<void>> {
  const { Session } = await import("node:inspector/promises");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  return async (file) => {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

/** PG_TRIPS_HEAP=/tmp/x: a sampling heap profile of the registrations alone (what they allocate, by function). */
async function startHeapProfile(): Promise<(file: string) => Promise<void>> {
  const { Session } = await import("node:inspector/promises");
  const session = new Session();
  session.connect();
  await session.post("HeapProfiler.enable");
  await session.post("HeapProfiler.startSampling", {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return async (file) => {
    const { profile } = await session.post("HeapProfiler.stopSampling");
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

const server = process.argv[2]
  ? { url: process.argv[2], dir: "", stop: async () => undefined }
  : // PG_TRIPS_DURABLE=1: what production runs, fsync, synchronous_commit and full_page_writes on (PostgreSQL's
    // defaults); the test cluster has them off. Each commit then waits for its WAL to reach this machine's disk.
    await startPostgres({ durable: !!process.env.PG_TRIPS_DURABLE });
// PG_TRIPS_SOCKET=1: over the throwaway cluster's unix socket instead of loopback TCP (a sender's TCP write on
// loopback runs the receiving side's network stack in the sender's process: CPU the desk pays per round trip).
const serverUrl =
  process.env.PG_TRIPS_SOCKET && server.dir
    ? `postgres://postgres@localhost:${new URL(server.url).port}/postgres?host=${encodeURIComponent(server.dir)}`
    : server.url;
console.log(`over ${serverUrl.includes("?host=") ? "the unix socket" : "TCP"}`);
let db: Awaited<ReturnType<typeof freshDatabase>> | null = null;
let store: Store | null = null;
try {
  db = await freshDatabase(serverUrl);
  store = await Store.openPg(db.url);
  const dir = bigDirectory();
  await store.tx((r) => r.directory.replaceAll(dir));
  const codes = dir.endpoints.map((e) => e.code);
  await seedBookingsPg(store, codes, { count: 100_000, days: 700, rnd: mulberry32(42), rejectedEvery: 10 });
  await store.conn.run(sql`ANALYZE`);
  const holidays = loadHolidayCalendar(join(ROOT, "data/calendar"));
  const first = atLocal("2026-01-05", "00:00", zone).getTime() + 28 * 86_400_000;
  for (const [reg, name] of [
    [DEFAULT_REGULATION, "default MCU"],
    [LARGE, "large MCU"],
  ] as [Regulation, string][]) {
    const desk: Desk = { store, reg, holidays };
    // PG_TRIPS_WARM=n: first rehearse n registrations (warmDecisions: rolled back, the cache left empty). Measured
    // and not adopted by the service (BENCHMARKS.md, «decisions on PostgreSQL»).
    const rehearsed = await warmDecisions(
      desk,
      new Date(first),
      undefined,
      Number(process.env.PG_TRIPS_WARM ?? 0),
    );
    console.log(`${name}: ${rehearsed} registrations rehearsed before the run`);
    await warmDays(desk, new Date(first), new Date(first + 640 * 86_400_000));
    const rnd = mulberry32(7);
    // CPU of the desk (this process) and of the server (every backend of the bench's database, from /proc: the
    // cluster runs on this machine) over the N registrations: what waiting for a core does not inflate.
    const backends = await store.conn.all<{ pid: number }>(
      sql`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`,
    );
    const serverTicks = () => backends.reduce((a, b) => a + procTicks(Number(b.pid)), 0);
    const profiler = process.env.PG_TRIPS_PROF ? await startProfile() : null;
    const heap = process.env.PG_TRIPS_HEAP ? await startHeapProfile() : null;
    // WAL written over the run: what the server writes and flushes per registration, the same under any load.
    const lsn = async () =>
      (await store!.conn.all<{ lsn: string }>(sql`SELECT pg_current_wal_lsn()::text AS lsn`))[0]!.lsn;
    const walBytes = (a: string, b: string) => {
      const n = (x: string) => {
        const [hi, lo] = x.split("/");
        return Number.parseInt(hi!, 16) * 2 ** 32 + Number.parseInt(lo!, 16);
      };
      return n(b) - n(a);
    };
    const lsn0 = await lsn();
    const cpu0 = process.cpuUsage();
    const srv0 = serverTicks();
    const perOutcome = new Map<string, { regs: number; trips: number; wall: number[] }>();
    const all: Trip[] = [];
    const regs: { wall: number; cpu: number; sys: number; trips: Trip[]; i: number }[] = [];
    for (let i = 0; i < N; i++) {
      const req = sampleRequest(rnd, codes);
      trips = [];
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const res = await registerBooking(desk, req, { now: req.receivedAt });
      const wall = performance.now() - t0;
      const c1 = process.cpuUsage(c0);
      const mine = trips;
      trips = null;
      regs.push({ wall, cpu: (c1.user + c1.system) / 1000, sys: c1.system / 1000, trips: mine, i });
      if (res.duplicate) throw new Error("unexpected duplicate");
      const o = res.decision.outcome === "rejected" ? "rejected" : "confirmed or in review";
      const s = perOutcome.get(o) ?? { regs: 0, trips: 0, wall: [] };
      s.regs++;
      s.trips += mine.length;
      s.wall.push(wall);
      perOutcome.set(o, s);
      all.push(...mine);
    }
    const cpu = process.cpuUsage(cpu0);
    await profiler?.(`${process.env.PG_TRIPS_PROF}-${name.split(" ")[0]}.cpuprofile`);
    await heap?.(`${process.env.PG_TRIPS_HEAP}-${name.split(" ")[0]}.heapprofile`);
    const srvMs = ((serverTicks() - srv0) * 1000) / TICKS;
    const wal = walBytes(lsn0, await lsn());
    console.log(`\n${name}, ${N} registrations, load ${load()}, ${await settings(store)}`);
    console.log(
      `  CPU per registration: desk ${((cpu.user + cpu.system) / 1000 / N).toFixed(2)} ms (user ${(cpu.user / 1000 / N).toFixed(2)}), server ${(srvMs / N).toFixed(2)} ms (${backends.length} backends); WAL ${(wal / N).toFixed(0)} bytes`,
    );
    for (const [o, s] of perOutcome)
      console.log(
        `  ${o}: ${s.regs}, ${(s.trips / s.regs).toFixed(1)} round trips each; wall p50 ${pct(s.wall, 50).toFixed(2)} ms, p99 ${pct(s.wall, 99).toFixed(2)} ms`,
      );
    // The slowest 2 % against the rest: their wall time split into the round trips (sending to rows parsed: the
    // server, the network, pg's parsing, and waiting for a core meanwhile), the desk's CPU outside them, and the
    // remainder (waiting for a core, the event loop).
    const cut = pct(
      regs.map((r) => r.wall),
      98,
    );
    for (const [label, group] of [
      ["slowest 2 %", regs.filter((r) => r.wall >= cut)],
      ["the rest", regs.filter((r) => r.wall < cut)],
    ] as const) {
      const mean = (f: (r: (typeof regs)[number]) => number) =>
        group.reduce((a, r) => a + f(r), 0) / Math.max(1, group.length);
      const tripMs = (r: (typeof regs)[number]) => r.trips.reduce((a, t) => a + t.ms, 0);
      const kinds = new Map<string, number>();
      for (const r of group) for (const t of r.trips) kinds.set(t.kind, (kinds.get(t.kind) ?? 0) + t.ms);
      const top = [...kinds]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([k, ms]) => `${(ms / group.length).toFixed(2)} ${k.slice(0, 40)}`)
        .join("; ");
      console.log(
        `  ${label} (${group.length}): wall ${mean((r) => r.wall).toFixed(2)} ms = round trips ${mean(tripMs).toFixed(2)} + rest ${mean((r) => r.wall - tripMs(r)).toFixed(2)} (desk CPU ${mean((r) => r.cpu).toFixed(2)} in all, system ${mean((r) => r.sys).toFixed(2)}); trips: ${top}; in the run's deciles ${deciles(group.map((r) => r.i))}`,
      );
    }
    // The first tenth against the rest: the JIT's share shows in the desk's CPU, the server's in the COMMIT message.
    const tenth = Math.floor(N / 10);
    for (const [label, group] of [
      ["first tenth", regs.slice(0, tenth)],
      ["the rest", regs.slice(tenth)],
    ] as const) {
      const mean = (f: (r: (typeof regs)[number]) => number) =>
        group.reduce((a, r) => a + f(r), 0) / Math.max(1, group.length);
      const commit = (r: (typeof regs)[number]) =>
        r.trips.filter((t) => t.kind.startsWith("COMMIT")).reduce((a, t) => a + t.ms, 0);
      console.log(
        `  ${label} (${group.length}): wall mean ${mean((r) => r.wall).toFixed(2)} ms, p50 ${pct(
          group.map((r) => r.wall),
          50,
        ).toFixed(
          2,
        )}; desk CPU mean ${mean((r) => r.cpu).toFixed(2)}; COMMIT message mean ${mean(commit).toFixed(2)}`,
      );
    }
    const byKind = new Map<string, number[]>();
    for (const t of all) byKind.set(t.kind, [...(byKind.get(t.kind) ?? []), t.ms]);
    const rows = [...byKind].sort(
      (a, b) => b[1].reduce((x, y) => x + y, 0) - a[1].reduce((x, y) => x + y, 0),
    );
    console.log("  calls/reg   p50 ms   total ms  statement");
    for (const [k, xs] of rows)
      console.log(
        `  ${(xs.length / N).toFixed(2).padStart(9)} ${pct(xs, 50).toFixed(3).padStart(8)} ${xs
          .reduce((a, b) => a + b, 0)
          .toFixed(1)
          .padStart(10)}  ${k}`,
      );
  }
} finally {
  await store?.close();
  await db?.drop();
  await server.stop();
}

/**
 * `npm run bench`: figures for the foundation, written to BENCHMARKS.md. Medians and percentiles of many
 * runs in one process, side by side; no assertion on time anywhere in the tests.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { registerBooking } from "../src/app/booking/index.js";
import { warmDays, warmDecisions } from "../src/app/booking/warm.js";
import { loadHolidayCalendar, ROOT } from "../src/app/config.js";
import type { Desk } from "../src/app/desk.js";
import { runDueJobs } from "../src/app/scheduler.js";
import { decide, occupiedEndpoints } from "../src/core/booking/decide.js";
import { HOLDING_STATUSES } from "../src/core/booking/types.js";
import { atLocal } from "../src/core/calendar/zone.js";
import { DEFAULT_REGULATION, type Regulation } from "../src/core/regulation.js";
import { Store } from "../src/store/store.js";
import { diskSyncLatency } from "./disk-sync.js";
import {
  bigDirectory,
  LARGE_MCU,
  mulberry32,
  sampleRequest,
  seedBookings,
  seedBookingsPg,
} from "./fixture.js";
import { load, machine, pct, underServiceFlags, verdict, writeSection } from "./sections.js";

/** The service's node flags, this process's own: the bench re-runs itself under them (see underServiceFlags). */
const nodeFlags = underServiceFlags();
const zone = DEFAULT_REGULATION.zone;
/**
 * The regulation as a desk holds it: config.ts spreads DEFAULT_REGULATION into a new object, and LARGE_MCU is made
 * the same way, so both runs see one hidden class. DEFAULT_REGULATION itself, a literal, has another: a run on it
 * after one on LARGE_MCU (or before) deoptimized every rule that reads the regulation, which no desk does.
 */
const DESK_REG: Regulation = { ...DEFAULT_REGULATION };
// ~143 sessions a day in the fixture: an MCU of the default size (6 conferences, 150 ports) refuses most new
// requests, which then search for alternatives. Both are measured: the default, and one sized like a large MCU.
const LARGE = LARGE_MCU;
const tmp = mkdtempSync(join(tmpdir(), "desk-bench-"));
let rnd = mulberry32(42);
const ms3 = (x: number) => `${x.toFixed(3)} ms`;

/** Bytes of the database (main file and WAL alike) per table and index, from SQLite's dbstat. */
function sizes(store: Store): { total: number; byName: Map<string, number> } {
  if (store.dialect === "pg") return { total: 0, byName: new Map() };
  const rows = store.sqlite.prepare("SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name").all() as {
    name: string;
    bytes: number;
  }[];
  return {
    total: rows.reduce((a, r) => a + r.bytes, 0),
    byName: new Map(rows.map((r) => [r.name, r.bytes])),
  };
}

/** The PostgreSQL server of `--pg`: a URL given, or a throwaway cluster (tests/support/postgres.ts) when none. */
let pgServer: { url: string; dir?: string; stop(): Promise<void> } | null = null;

let opened = 0;
async function openBenchStore(name: string, pg: boolean): Promise<Store> {
  // As the service opens it: WAL checkpoints in a worker thread (BENCH_INLINE_CHECKPOINT=1: in the commits, as
  // SQLite does by default, for the side-by-side figure).
  if (!pg)
    // A new file per run: sqlite-vs-pg runs each MCU size once per round.
    return Store.open(join(tmp, `decide-${name}-${++opened}.db`), {
      checkpointer: !process.env.BENCH_INLINE_CHECKPOINT,
    });
  const { freshDatabase } = await import("../tests/support/postgres.js");
  const db = await freshDatabase(pgServer!.url);
  const store = await Store.openPg(db.url);
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    await db.drop();
  };
  return store;
}

async function benchDecisions(reg: Regulation, name: string, pg = false) {
  rnd = mulberry32(42);
  const loadBefore = load();
  const store = await openBenchStore(name, pg);
  const dir = bigDirectory();
  await store.tx((r) => r.directory.replaceAll(dir));
  const codes = dir.endpoints.map((e) => e.code);
  const t0 = performance.now();
  if (pg) await seedBookingsPg(store, codes, { count: 100_000, days: 700, rnd, rejectedEvery: 10 });
  else seedBookings(store, codes, { count: 100_000, days: 700, rnd, rejectedEvery: 10 });
  const seedMs = performance.now() - t0;
  const [spreadRow] = await store.conn.all<{ n: number }>(
    sql`SELECT COUNT(DISTINCT endpoint) AS n FROM booking_endpoints`,
  );
  const spread = Number(spreadRow?.n ?? 0);
  const seeded = sizes(store);
  const desk: Desk = { store, reg, holidays: loadHolidayCalendar(join(ROOT, "data/calendar")) };
  // A running desk has read its bookable days into the holders cache, and their holiday answers, in the background
  // after its start (warmSchedule). The requests here span ~600 days, more than a desk's horizon, so the bench
  // warms their whole span, a week at a time as the desk does. BENCH_COLD=1 leaves both cold: every first visit
  // of a day reads it.
  let warmMs = 0;
  let rehearsed = 0;
  if (!process.env.BENCH_COLD) {
    const w0 = performance.now();
    const first = atLocal("2026-01-05", "00:00", zone).getTime() + 28 * 86_400_000;
    // BENCH_WARMUP=1: first rehearse registrations (warmDecisions: rolled back, the cache left empty). Measured and
    // not adopted by the service (BENCHMARKS.md, «decisions on PostgreSQL»).
    if (process.env.BENCH_WARMUP) rehearsed = await warmDecisions(desk, new Date(first));
    await warmDays(desk, new Date(first), new Date(first + 640 * 86_400_000));
    warmMs = performance.now() - w0;
  }
  const full: number[] = [];
  const rejected: number[] = [];
  const pure: number[] = [];
  const fullCpu: number[] = [];
  const rejectedCpu: number[] = [];
  const outcomes: Record<string, number> = {};
  /** Per call: its window, its cache misses, for attributing the slow ones (GC, first visits of a day). */
  const calls: { hr: number[]; at: number; took: number; misses: number; rejected: boolean }[] = [];
  const requests = Array.from({ length: 2_000 }, () => sampleRequest(rnd, codes));
  // The pure pipeline alone, on the holders the store returns, in a pass of its own before the registrations: its
  // uncached reads (so that it does not fill the cache the use case then reads) made garbage that the use case's
  // calls then collected, which no desk does.
  const snapshot = await store.repos.directory.snapshot();
  for (const req of requests) {
    const holders = await store.repos.bookings.holdersFresh(
      new Date(req.start!.getTime() - 900_000),
      new Date(req.end!.getTime() + 900_000),
      occupiedEndpoints(req, { directory: snapshot }),
    );
    const p0 = performance.now();
    decide(req, { now: req.receivedAt, reg, directory: snapshot, holders });
    pure.push(performance.now() - p0);
  }
  const gcs: { start: number; duration: number; kind: number }[] = [];
  const gcWatch = new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      gcs.push({
        start: e.startTime,
        duration: e.duration,
        kind: (e as unknown as { detail: { kind: number } }).detail.kind,
      });
  });
  gcWatch.observe({ entryTypes: ["gc"] });
  const heap = process.env.BENCH_HEAP_OUT ? await sampleHeap() : null;
  const before = sizes(store);
  for (const req of requests) {
    const now = req.receivedAt;
    // The whole use case: transaction, load, decide, alternatives on rejection, write, outbox, timers.
    const m0 = store.holdersCache.stats().misses;
    const h0 = process.hrtime.bigint();
    const f0 = performance.now();
    const c0 = process.cpuUsage();
    const res = await registerBooking(desk, req, { now });
    const took = performance.now() - f0;
    const cpu = process.cpuUsage(c0);
    if (res.duplicate) throw new Error("unexpected duplicate");
    calls.push({
      hr: [Number(h0 / 1000n), Number(process.hrtime.bigint() / 1000n)],
      at: f0,
      took,
      misses: store.holdersCache.stats().misses - m0,
      rejected: res.decision.outcome === "rejected",
    });
    (res.decision.outcome === "rejected" ? rejected : full).push(took);
    (res.decision.outcome === "rejected" ? rejectedCpu : fullCpu).push((cpu.user + cpu.system) / 1000);
    outcomes[res.decision.outcome] = (outcomes[res.decision.outcome] ?? 0) + 1;
  }
  await new Promise((r) => setTimeout(r, 50));
  gcWatch.disconnect();
  if (heap) await heap.stop(`${process.env.BENCH_HEAP_OUT}-${name}.heapprofile`);
  // For attributing the slow calls in a CPU profile (node --cpu-prof): their windows, in the profile's clock (µs).
  if (process.env.BENCH_SLOW_OUT) {
    const cut = pct(
      calls.map((c) => c.took),
      98,
    );
    writeFileSync(
      `${process.env.BENCH_SLOW_OUT}-${name}.json`,
      JSON.stringify({
        slow: calls.filter((c) => c.took >= cut).map((c) => c.hr),
        all: calls.map((c) => c.hr),
      }),
    );
  }
  const after = sizes(store);
  const cache = store.holdersCache.stats();
  const checkpoints = store.dialect === "sqlite" ? (store.checkpointer?.stats() ?? "inline") : "—";
  await store.close();
  return {
    loadBefore,
    loadAfter: load(),
    name,
    reg,
    seedMs,
    spread,
    seeded,
    before,
    after,
    full,
    rejected,
    fullCpu,
    rejectedCpu,
    pure,
    outcomes,
    cache,
    checkpoints,
    warmMs,
    rehearsed,
    tail: attributeTail(calls, gcs),
  };
}

/**
 * BENCH_HEAP_OUT=/tmp/x: V8's sampling heap profiler over the registrations, counting what the minor GCs
 * collect too (garbage is what makes the scavenges). Writes a .heapprofile (Chrome DevTools opens it) and prints
 * the functions that allocate most themselves.
 */
async function sampleHeap() {
  const { Session } = await import("node:inspector/promises");
  const session = new Session();
  session.connect();
  await session.post("HeapProfiler.startSampling", {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return {
    async stop(file: string) {
      const { profile } = await session.post("HeapProfiler.stopSampling");
      session.disconnect();
      writeFileSync(file, JSON.stringify(profile));
      type Node = (typeof profile)["head"];
      const self = new Map<string, number>();
      const walk = (n: Node) => {
        const f = n.callFrame;
        const key = `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*\/(src|bench|node_modules)\//, "$1/")}:${f.lineNumber + 1}`;
        self.set(key, (self.get(key) ?? 0) + n.selfSize);
        for (const c of n.children) walk(c);
      };
      walk(profile.head);
      const total = [...self.values()].reduce((a, b) => a + b, 0);
      console.log(`  heap sampled ${(total / 2 ** 20).toFixed(0)} MiB; top self:`);
      for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20))
        console.log(`    ${(v / 2 ** 20).toFixed(1).padStart(7)} MiB  ${k}`);
    },
  };
}

/**
 * What the slowest 2 % of calls have in common: a garbage collection inside the call (V8's kinds: 1 scavenge,
 * 2 mark-compact, 4 incremental marking, 8 weak callbacks), a first visit of a day (cache miss), or neither.
 */
function attributeTail(
  calls: { at: number; took: number; misses: number; rejected: boolean }[],
  gcs: { start: number; duration: number; kind: number }[],
) {
  const cut = pct(
    calls.map((c) => c.took),
    98,
  );
  const slow = calls.filter((c) => c.took >= cut);
  const gcIn = (c: (typeof calls)[number]) =>
    gcs.filter((g) => g.start < c.at + c.took && g.start + g.duration > c.at);
  const withGc = slow.filter((c) => gcIn(c).length > 0);
  const gcMs = (c: (typeof calls)[number]) => gcIn(c).reduce((a, g) => a + g.duration, 0);
  const rest = calls.filter((c) => c.took < cut);
  return {
    cut,
    slow: slow.length,
    withGc: withGc.length,
    withMajorGc: slow.filter((c) => gcIn(c).some((g) => g.kind === 2)).length,
    gcShareOfSlow: slow.reduce((a, c) => a + gcMs(c), 0) / slow.reduce((a, c) => a + c.took, 0),
    withMiss: slow.filter((c) => c.misses > 0).length,
    missRateSlow: slow.filter((c) => c.misses > 0).length / Math.max(1, slow.length),
    missRateRest: rest.filter((c) => c.misses > 0).length / Math.max(1, rest.length),
    neither: slow.filter((c) => c.misses === 0 && gcIn(c).length === 0).length,
    // Where in the run the slow calls fall, by tenths: the first tenth is where the JIT and first plans show.
    deciles: Array.from(
      { length: 10 },
      (_, d) =>
        slow.filter((c) => Math.min(9, Math.floor((calls.indexOf(c) * 10) / calls.length)) === d).length,
    ).join(" "),
    gcCounts: [1, 2, 4, 8].map((k) => gcs.filter((g) => g.kind === k).length),
    // A scavenge's pause is as long as what it copies: with pretenured allocation sites, dead old objects keep
    // young ones alive (BENCHMARKS.md, «SQLite against PostgreSQL»).
    scavengeMs: [50, 100].map((p) =>
      pct(
        gcs.filter((g) => g.kind === 1).map((g) => g.duration),
        p,
      ).toFixed(2),
    ),
    majorGcMs: pct(
      gcs.filter((g) => g.kind === 2).map((g) => g.duration),
      50,
    ),
  };
}

/** `booking list` and `schedule` over a year of 50 000 bookings: one page of 200, and the page count. */
async function benchLists() {
  const store = Store.open(join(tmp, "lists.db"));
  const dir = bigDirectory();
  await store.tx((r) => r.directory.replaceAll(dir));
  seedBookings(
    store,
    dir.endpoints.map((e) => e.code),
    { count: 50_000, days: 360, rnd: mulberry32(11) },
  );
  const year = { from: atLocal("2026-01-01", "00:00", zone), to: atLocal("2027-01-01", "00:00", zone) };
  const timed = async (fn: () => Promise<unknown>) => {
    const xs: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t0 = performance.now();
      await fn();
      xs.push(performance.now() - t0);
    }
    return xs;
  };
  const lastPage = Math.ceil((await store.repos.bookings.count(year)) / 200) - 1;
  const out = {
    firstPage: await timed(async () => {
      await store.repos.bookings.list(year, { limit: 200, offset: 0 });
      await store.repos.bookings.count(year);
    }),
    lastPage: await timed(async () => {
      await store.repos.bookings.list(year, { limit: 200, offset: lastPage * 200 });
      await store.repos.bookings.count(year);
    }),
    day: await timed(async () => {
      const from = atLocal("2026-06-10", "00:00", zone);
      const range = { from, to: new Date(from.getTime() + 86_400_000), statuses: [...HOLDING_STATUSES] };
      await store.repos.bookings.list(range, { limit: 200, offset: 0 });
      await store.repos.bookings.count(range);
    }),
    wholeYear: [] as number[],
  };
  const t0 = performance.now();
  await store.repos.bookings.list(year);
  out.wholeYear.push(performance.now() - t0);
  store.close();
  return out;
}

/** The outbox scans at 210 000 rows: reply-cap count, the last thread by booking, the due scan. */
async function benchOutbox() {
  const store = Store.open(join(tmp, "outbox.db"));
  const r = mulberry32(5);
  const ins = store.sqlite.prepare(
    "INSERT INTO outbox (channel,recipient,kind,payload,booking,status,attempts,available_at,created_at) VALUES (?,?,?,?,?,?,0,?,?)",
  );
  const t0 = Date.UTC(2026, 0, 1);
  store.sqlite.transaction(() => {
    for (let i = 0; i < 210_000; i++) {
      const at = t0 + i * 150_000;
      const channel = ["mail", "group", "desk", "direct"][r(4)]!;
      ins.run(
        channel,
        channel === "mail" ? `vanthu.x${r(1000)}@hanoi.gov.vn` : "support-group",
        "booking-confirmed",
        JSON.stringify({ text: "Lịch họp", thread: { subject: "Đăng ký", inReplyTo: null, references: [] } }),
        `HTT-2026-${r(60_000)}`,
        i > 209_900 ? "pending" : "sent",
        at,
        at,
      );
    }
  })();
  const end = new Date(t0 + 210_000 * 150_000);
  const timed = async (fn: (i: number) => Promise<unknown>) => {
    const xs: number[] = [];
    for (let i = 0; i < 200; i++) {
      const s0 = performance.now();
      await fn(i);
      xs.push(performance.now() - s0);
    }
    return xs;
  };
  const out = {
    cap: await timed((i) =>
      store.repos.outbox.countSince(
        "mail",
        `vanthu.x${i}@hanoi.gov.vn`,
        new Date(end.getTime() - 86_400_000),
      ),
    ),
    thread: await timed((i) => store.repos.outbox.list({ booking: `HTT-2026-${i * 97}` })),
    due: await timed(() => store.repos.outbox.due(end, 100, ["mail", "direct"])),
  };
  store.close();
  return out;
}

async function benchJobs() {
  const store = Store.open(join(tmp, "jobs.db"));
  const desk: Desk = {
    store,
    reg: DEFAULT_REGULATION,
    holidays: loadHolidayCalendar(join(ROOT, "data/calendar")),
  };
  const now = new Date("2026-12-07T01:00:00Z");
  await store.tx(async (r) => {
    for (let i = 0; i < 10_000; i++) await r.jobs.schedule({ kind: "noop", key: String(i), runAt: now }, now);
  });
  const handlers = {
    noop: async (job: { key: string }, r: import("../src/store/store.js").Repos, at: Date) => {
      await r.outbox.enqueue(
        { channel: "desk", recipient: "admin", kind: "noop", payload: { key: job.key } },
        at,
      );
    },
  };
  const t0 = performance.now();
  let done = 0;
  for (;;) {
    const rep = await runDueJobs(desk, handlers, now, { limit: 500 });
    if (rep.done === 0) break;
    done += rep.done;
  }
  const secs = (performance.now() - t0) / 1000;
  store.close();
  return { done, perSecond: done / secs };
}

const only = process.argv[2];
if (only === "sqlite-vs-pg") {
  await sqliteVsPg(process.argv[3]);
  process.exit(0);
}
const loadStart = load();
const startedAt = new Date().toISOString().slice(0, 16).replace("T", " ");
const runs = [await benchDecisions(DESK_REG, "default"), await benchDecisions(LARGE, "large")];
if (only === "decisions") {
  for (const d of runs) {
    console.log(d.name, d.outcomes, "spread", d.spread);
    const p3 = (xs: number[]) => [50, 95, 99].map((p) => ms3(pct(xs, p))).join(" / ");
    console.log(`  load ${d.loadBefore} → ${d.loadAfter}; holders cache`, d.cache);
    console.log(`  full (${d.full.length}) wall p50/p95/p99 ${p3(d.full)}; CPU ${p3(d.fullCpu)}`);
    console.log(
      `  rejected (${d.rejected.length}) wall p50/p95/p99 ${p3(d.rejected)}; CPU ${p3(d.rejectedCpu)}`,
    );
    console.log("  bytes/booking", (d.seeded.total / 100_000).toFixed(0));
    console.log("  slowest 2 %:", d.tail, "checkpoints", d.checkpoints, "warm ms", d.warmMs.toFixed(0));
  }
  process.exit(0);
}
const lists = await benchLists();
const ob = await benchOutbox();
const j = await benchJobs();
rmSync(tmp, { recursive: true, force: true });

const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
const row = (label: string, xs: number[], cpu: number[]) =>
  xs.length
    ? `| ${label} (${xs.length}) | ${ms3(pct(xs, 50))} | ${ms3(pct(xs, 95))} | ${ms3(pct(xs, 99))} | ${ms3(pct(cpu, 50))} | ${ms3(pct(cpu, 99))} | ${verdict(pct(xs, 99), 5)} |`
    : `| ${label} (0) | — | — | — | — | — | none of this outcome at this MCU size |`;
const decisionTable = (
  d: (typeof runs)[number],
) => `#### MCU ${d.reg.mcu.conferences} conferences, ${d.reg.mcu.ports} ports (${d.name === "default" ? "the default" : "a large MCU"})
Outcomes of the 2 000 registrations: ${Object.entries(d.outcomes)
  .map(([k, v]) => `${k} ${v}`)
  .join(", ")}.

Load average (1 / 5 / 15 min) at its start ${d.loadBefore}, at its end ${d.loadAfter}.

| measure | p50 wall | p95 wall | p99 wall | p50 CPU | p99 CPU | aim p99 ≤ 5 ms (wall) |
|---|---|---|---|---|---|---|
${row("whole use case `registerBooking`, confirmed or in review", d.full, d.fullCpu)}
${row("whole use case, rejected, with the search for the nearest free slots", d.rejected, d.rejectedCpu)}
| pure rule pipeline \`decide\` alone (${d.pure.length}) | ${ms3(pct(d.pure, 50))} | ${ms3(pct(d.pure, 95))} | ${ms3(pct(d.pure, 99))} | | | — |
`;
const d = runs[0]!;
const perBooking = (name: string) => (d.seeded.byName.get(name) ?? 0) / 100_000;
const bookingTables = [
  "bookings",
  "sqlite_autoindex_bookings_1",
  "bookings_start",
  "bookings_status_start",
  "booking_endpoints",
  ...[...d.seeded.byName.keys()].filter((k) => k.startsWith("booking_endpoints_")),
  "sqlite_autoindex_booking_endpoints_1",
];
const grown = (x: (typeof runs)[number]) => x.after.total - x.before.total;
const section = `## Foundation (issue 2)
Run ${startedAt} UTC; load average (1 / 5 / 15 min) ${loadStart} at the start, ${load()} at the end (each decision
table gives its own). Command: \`npx tsx bench/run.ts\`, run again by itself under the service's node flags (\`${nodeFlags.join(" ") || "V8's defaults"}\`).

Machine: ${machine()}. One run of \`npm run bench\`; the machine is small and shared, so read ratios more than absolutes.

### Decision time, 100 000 bookings and 1 000 endpoints in the store
Fixture: 100 000 bookings over ~2 years bulk-inserted in ${(d.seedMs / 1000).toFixed(1)} s, 2–5 endpoints each, spread over
${d.spread} endpoints (mulberry32; the old generator put them on 170); 2 000 new registrations at random times, the
same requests for both MCU sizes.

${runs.map(decisionTable).join("\n")}
### Database size per booking
${kib(d.seeded.total / 100_000)} per booking in the seeded store (${(d.seeded.total / 2 ** 20).toFixed(1)} MiB for 100 000, directory included).
Of it: ${bookingTables
  .filter((t) => d.seeded.byName.has(t))
  .map((t) => `${t} ${perBooking(t).toFixed(0)} B`)
  .join(
    ", ",
  )}. A registration through the use case (booking, endpoints, audit events, outbox rows, timers) adds
${kib(grown(d) / 2_000)} (default MCU) and ${kib(grown(runs[1]!) / 2_000)} (large MCU: more confirmations, more timers).

### Outbox scans, 210 000 rows
| scan (200 calls each) | p50 | p99 |
|---|---|---|
| reply-cap count \`(channel, recipient, created_at)\` | ${ms3(pct(ob.cap, 50))} | ${ms3(pct(ob.cap, 99))} |
| a booking's rows for its last mail thread \`(booking, id)\` | ${ms3(pct(ob.thread, 50))} | ${ms3(pct(ob.thread, 99))} |
| due scan of the mail sender \`(status, channel, available_at)\` | ${ms3(pct(ob.due, 50))} | ${ms3(pct(ob.due, 99))} |

### Lists over a year, 50 000 bookings
| \`booking list\` / \`schedule\` store work (15 runs) | median | max | aim ≤ 200 ms |
|---|---|---|---|
| year, first page of 200 + total count | ${ms3(pct(lists.firstPage, 50))} | ${ms3(Math.max(...lists.firstPage))} | ${Math.max(...lists.firstPage) <= 200 ? "met" : "**not met**"} |
| year, last page of 200 + total count | ${ms3(pct(lists.lastPage, 50))} | ${ms3(Math.max(...lists.lastPage))} | ${Math.max(...lists.lastPage) <= 200 ? "met" : "**not met**"} |
| one day's schedule, first page + count | ${ms3(pct(lists.day, 50))} | ${ms3(Math.max(...lists.day))} | ${Math.max(...lists.day) <= 200 ? "met" : "**not met**"} |
| the whole year unpaged (\`--json\` without \`--page\`), once | ${ms3(lists.wholeYear[0]!)} | | not an aim |

### Job table
${j.done} due jobs, each enqueuing one outbox message in its own transaction: **${j.perSecond.toFixed(0)} jobs/s**.

### Start-up
Measured as a whole process from spawn (\`npm start\`) in its own section, «Start-up (issue 12)»
(\`bench/startup.ts\`).
`;
writeSection("## Foundation (issue 2)", section.replace(/^## Foundation \(issue 2\)[^\n]*\n/, ""));

/**
 * `npx tsx bench/run.ts sqlite-vs-pg [postgres://…]`: the decision bench on SQLite and on PostgreSQL in one run,
 * each MCU size on each store, ROUNDS times (default 2), written as the «SQLite against PostgreSQL» section.
 * Without a URL a throwaway PostgreSQL 15 cluster is started (tests/support/postgres.ts) and stopped afterwards.
 */
async function sqliteVsPg(url: string | undefined) {
  if (url) pgServer = { url, stop: async () => undefined };
  else {
    // What production runs: PostgreSQL's defaults, fsync, synchronous_commit and full_page_writes on (the tests'
    // cluster has them off). BENCH_PG_FAST=1: the tests' settings, for comparison only.
    const { startPostgres } = await import("../tests/support/postgres.js");
    pgServer = await startPostgres({ durable: !process.env.BENCH_PG_FAST });
  }
  const pgSettings = url
    ? "at the URL given"
    : process.env.BENCH_PG_FAST
      ? "15, a throwaway cluster on loopback started by the bench with the tests' settings (tests/support/postgres.ts: fsync, synchronous_commit and full_page_writes off; not what production runs)"
      : "15, a throwaway cluster on loopback started by the bench with production's settings: fsync, synchronous_commit and full_page_writes on (PostgreSQL's defaults; each commit waits for its WAL on this machine's disk)";
  const rounds = Number(process.env.ROUNDS ?? 2);
  const startedAt = new Date().toISOString().slice(0, 16).replace("T", " ");
  const loadStart = load();
  type Run = Awaited<ReturnType<typeof benchDecisions>>;
  const all: { round: number; store: string; run: Run }[] = [];
  const disk: { round: number; name: string; ms: number[] }[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const [store, pg] of [
      ["SQLite", false],
      ["PostgreSQL", true],
    ] as const) {
      for (const [reg, name] of [
        [DESK_REG, "default"],
        [LARGE, "large"],
      ] as const) {
        // The disk's own flush just before each PostgreSQL run: the floor under its commits' tail.
        if (pg) disk.push({ round, name, ms: diskSyncLatency(pgServer.dir ?? tmpdir()) });
        const run = await benchDecisions(reg, name, pg);
        const p3 = (xs: number[]) => [50, 95, 99].map((p) => ms3(pct(xs, p))).join(" / ");
        console.log(round, store, name, run.outcomes, `load ${run.loadBefore}`, run.cache);
        console.log(`  rejected wall ${p3(run.rejected)}; CPU ${p3(run.rejectedCpu)}`);
        console.log(`  confirmed wall ${p3(run.full)}; CPU ${p3(run.fullCpu)}`);
        console.log("  slowest 2 %:", run.tail, "rehearsed", run.rehearsed);
        if (pg) console.log(`  disk flush before it ${p3(disk.at(-1)!.ms)}`);
        all.push({ round, store, run });
      }
    }
  }
  await pgServer.stop();
  rmSync(tmp, { recursive: true, force: true });
  const cell = (xs: number[]) =>
    xs.length ? `${pct(xs, 50).toFixed(2)} / ${pct(xs, 95).toFixed(2)} / ${pct(xs, 99).toFixed(2)}` : "—";
  const lines: string[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const [label, name, pick, cpu] of [
      ["default MCU, rejected", "default", (r: Run) => r.rejected, (r: Run) => r.rejectedCpu],
      ["large MCU, confirmed", "large", (r: Run) => r.full, (r: Run) => r.fullCpu],
      ["large MCU, rejected", "large", (r: Run) => r.rejected, (r: Run) => r.rejectedCpu],
    ] as const) {
      const of = (store: string) =>
        all.find((a) => a.round === round && a.store === store && a.run.name === name)!;
      const lite = pick(of("SQLite").run);
      const pgx = pick(of("PostgreSQL").run);
      const ratio = lite.length && pgx.length ? (pct(pgx, 50) / pct(lite, 50)).toFixed(1) : "—";
      lines.push(
        `| ${round} | ${label} (${lite.length} / ${pgx.length}) | ${cell(lite)} | ${cell(cpu(of("SQLite").run))} | ${cell(pgx)} | ${cell(cpu(of("PostgreSQL").run))} | ${cell(disk.find((x) => x.round === round && x.name === name)?.ms ?? [])} | ${ratio}× | ${of("SQLite").run.loadBefore} · ${of("PostgreSQL").run.loadBefore} |`,
      );
    }
  }
  const seeds = all
    .map((a) => `${a.store} ${a.run.name} ${(a.run.seedMs / 1000).toFixed(1)} s`)
    .slice(0, 4)
    .join(", ");
  writeSection(
    "## SQLite against PostgreSQL (issue 12)",
    `Run ${startedAt} UTC on ${machine()}; load average (1 / 5 / 15 min) ${loadStart} at the start, ${load()} at the
end. Command: \`npx tsx bench/run.ts sqlite-vs-pg\`, run again by itself under the service's node flags (\`${nodeFlags.join(" ") || "V8's defaults"}\`; PostgreSQL ${pgSettings}).

The decision bench of «Foundation» on both stores in one process, side by side: the same fixture (100 000 bookings,
mulberry32, the same 2 000 requests) seeded into each store, for the default MCU (6 conferences, 150 ports) and a
large one (80, 2 000). ${rounds} rounds, each round SQLite then PostgreSQL; wall time of the whole \`registerBooking\`,
milliseconds, p50 / p95 / p99, and the process CPU time of each call (what the neighbours disturb least). Ratio:
PostgreSQL's wall p50 over SQLite's. Disk flush: 2 000 × (8 KiB write + \`fdatasync\`) in the cluster's directory just
before that PostgreSQL run (\`bench/disk-sync.ts\`): a commit waits for at least one, so its p99 is a floor under
PostgreSQL's. Seeding (not measured as a figure): ${seeds}.

| round | registerBooking (n SQLite / n PostgreSQL) | SQLite wall p50 / p95 / p99 | SQLite CPU | PostgreSQL wall p50 / p95 / p99 | PostgreSQL CPU | disk flush p50 / p95 / p99 | PG ÷ SQLite p50 | load at start (SQLite · PG) |
|---|---|---|---|---|---|---|---|---|
${lines.join("\n")}

Mail and web benches are not in this table: they open SQLite only (see the summary).`,
  );
}

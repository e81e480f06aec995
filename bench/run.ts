/**
 * `npm run bench`: figures for the foundation, written to BENCHMARKS.md. Medians and percentiles of many
 * runs in one process, side by side; no assertion on time anywhere in the tests.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { registerBooking } from "../src/app/booking/index.js";
import { loadHolidayCalendar, ROOT } from "../src/app/config.js";
import type { Desk } from "../src/app/desk.js";
import { readDirectoryCsv } from "../src/app/directory/csv.js";
import { runDueJobs } from "../src/app/scheduler.js";
import { decide, occupiedEndpoints } from "../src/core/booking/decide.js";
import type { BookingRequest } from "../src/core/booking/types.js";
import { atLocal } from "../src/core/calendar/zone.js";
import type { Directory } from "../src/core/directory/types.js";
import { DEFAULT_REGULATION } from "../src/core/regulation.js";
import { Store } from "../src/store/store.js";
import { machine, pct, writeSection } from "./sections.js";

const zone = DEFAULT_REGULATION.zone;
// ~143 sessions a day in the fixture: an MCU of the default size would refuse nearly everything, so the bench
// sizes it like a large one and measures the rules, not the refusals.
const REG = { ...DEFAULT_REGULATION, mcu: { ports: 2000, conferences: 80 } };
const tmp = mkdtempSync(join(tmpdir(), "desk-bench-"));
let seed = 42;
const rnd = (n: number) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
};
const ms3 = (x: number) => `${x.toFixed(3)} ms`;

/** The sample directory widened to 1 000 endpoints with synthetic communes. */
function bigDirectory(): Directory {
  const dir = readDirectoryCsv(join(ROOT, "data/sample-directory"));
  for (let i = dir.endpoints.length; i < 1000; i++) {
    const agency = `UBND xã Thử Nghiệm ${i}`;
    dir.agencies.push({
      name: agency,
      kind: "commune",
      mailboxes: [`vanthu.x${i}@hanoi.gov.vn`],
      aliases: [],
      approvedQuota: null,
      approvalRef: null,
    });
    dir.endpoints.push({
      code: `BX-${i}`,
      name: `Xã Thử Nghiệm ${i}`,
      level: "commune",
      agency,
      aliases: [],
      control: false,
      vpnToken: null,
      dial: null,
    });
  }
  return dir;
}

/** 100 000 bookings over 2026–2027, bulk-inserted with SQL: the fixture, not the thing measured. */
function seedBookings(store: Store, codes: string[]) {
  const start0 = atLocal("2026-01-05", "07:30", zone).getTime();
  const insB = store.sqlite.prepare(
    `INSERT INTO bookings (code,status,host,host_endpoint,title,start_at,end_at,contact_name,contact_phone,emergency,secret,recording,city_hall_room,unresolved,priority,ports,reasons,missing,channel,sender,received_at,sequence,created_at,updated_at)
     VALUES (?,?,?,?,?,?,?,?,?,0,0,0,0,'[]',1,?,'[]','[]','mail','bench@hanoi.gov.vn',?,1,?,?)`,
  );
  const insE = store.sqlite.prepare("INSERT INTO booking_endpoints (booking,endpoint,role) VALUES (?,?,?)");
  store.sqlite.transaction(() => {
    for (let i = 0; i < 100_000; i++) {
      const day = rnd(700);
      const start = start0 + day * 86_400_000 + rnd(18) * 1_800_000;
      const end = start + (1 + rnd(4)) * 1_800_000;
      const code = `HTT-BENCH-${i}`;
      const used = new Set<string>();
      for (let k = 2 + rnd(4); k > 0; k--) used.add(codes[rnd(codes.length)]!);
      const created = start - 86_400_000 * 3;
      const status = i % 10 === 0 ? "rejected" : "confirmed";
      insB.run(
        code,
        status,
        "Sở Công Thương",
        null,
        "Phiên họp thử",
        start,
        end,
        "Thử",
        "0900000000",
        used.size,
        created,
        created,
        created,
      );
      for (const ep of used) insE.run(code, ep, "participant");
    }
  })();
}

const HOSTS = [
  "Sở Tư pháp",
  "Sở Y tế",
  "Sở Nội vụ",
  "Sở Tài chính",
  "Sở Xây dựng",
  "Sở Du lịch",
  "Sở Công Thương",
];

function sampleRequest(codes: string[]): BookingRequest {
  const day = 30 + rnd(600);
  const start = atLocal("2026-01-05", "08:00", zone).getTime() + day * 86_400_000 + rnd(16) * 1_800_000;
  return {
    host: HOSTS[rnd(HOSTS.length)]!,
    participants: [codes[rnd(codes.length)]!, codes[rnd(codes.length)]!, codes[rnd(codes.length)]!],
    unresolved: [],
    start: new Date(start),
    end: new Date(start + 5_400_000),
    title: "Đo hiệu năng",
    contact: { name: "Thử", phone: "0912345678" },
    emergency: false,
    secret: false,
    recording: false,
    cityHallRoom: false,
    otherSupport: null,
    receivedAt: new Date(start - 5 * 86_400_000),
    channel: "cli",
    sender: "bench",
  };
}

async function benchDecisions() {
  const store = Store.open(join(tmp, "decide.db"));
  const dir = bigDirectory();
  await store.tx((r) => r.directory.replaceAll(dir));
  const codes = dir.endpoints.map((e) => e.code);
  const t0 = performance.now();
  seedBookings(store, codes);
  const seedMs = performance.now() - t0;
  const desk: Desk = { store, reg: REG, holidays: loadHolidayCalendar(join(ROOT, "data/calendar")) };
  const full: number[] = [];
  const rejected: number[] = [];
  const pure: number[] = [];
  const outcomes: Record<string, number> = {};
  for (let i = 0; i < 2_000; i++) {
    const req = sampleRequest(codes);
    const now = req.receivedAt;
    // The pure pipeline alone, on the holders the store returns.
    const snapshot = await store.repos.directory.snapshot();
    const holders = await store.repos.bookings.holders(
      new Date(req.start!.getTime() - 900_000),
      new Date(req.end!.getTime() + 900_000),
      occupiedEndpoints(req, { directory: snapshot }),
    );
    const p0 = performance.now();
    decide(req, { now, reg: REG, directory: snapshot, holders });
    pure.push(performance.now() - p0);
    // The whole use case: transaction, load, decide, alternatives on rejection, write, outbox, timers.
    const f0 = performance.now();
    const res = await registerBooking(desk, req, { now });
    const took = performance.now() - f0;
    if (res.duplicate) throw new Error("unexpected duplicate");
    (res.decision.outcome === "rejected" ? rejected : full).push(took);
    outcomes[res.decision.outcome] = (outcomes[res.decision.outcome] ?? 0) + 1;
  }
  store.close();
  return { seedMs, full, rejected, pure, outcomes };
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

async function benchStartup() {
  const path = join(tmp, "startup.db");
  const store = Store.open(path);
  const dir = readDirectoryCsv(join(ROOT, "data/sample-directory"));
  const now = new Date();
  await store.tx(async (r) => {
    await r.directory.replaceAll(dir);
    for (let i = 0; i < 10_000; i++) {
      await r.jobs.schedule(
        { kind: "technical-check", key: `HTT-2027-${i}`, runAt: new Date(now.getTime() + (i + 1) * 60_000) },
        now,
      );
    }
  });
  store.close();
  const script = join(ROOT, "bench/startup-probe.ts");
  const runs: number[] = [];
  for (let i = 0; i < 7; i++) {
    const out = execFileSync(process.execPath, ["--import", "tsx", script], {
      env: { ...process.env, DESK_DB: path },
      encoding: "utf8",
    });
    runs.push(Number(JSON.parse(out).ms));
  }
  return { runs };
}

const d = await benchDecisions();
const j = await benchJobs();
const s = await benchStartup();
rmSync(tmp, { recursive: true, force: true });

const section = `## Foundation (issue 2)
Run ${new Date().toISOString().slice(0, 10)}.

Machine: ${machine()}. One run of \`npm run bench\`; the machine is small and shared, so read ratios more than absolutes.

### Decision time, 100 000 bookings and 1 000 endpoints in the store
Fixture: 100 000 bookings over ~2 years bulk-inserted in ${(d.seedMs / 1000).toFixed(1)} s; 2 000 new registrations at random times
(outcomes: ${Object.entries(d.outcomes)
  .map(([k, v]) => `${k} ${v}`)
  .join(", ")}).

| measure | p50 | p99 |
|---|---|---|
| whole use case \`registerBooking\`, confirmed or in review (${d.full.length}): transaction, overlap query, rules, writes, outbox, timers | ${ms3(pct(d.full, 50))} | ${ms3(pct(d.full, 99))} |
| whole use case, rejected (${d.rejected.length}): the same plus the search for the nearest free slots (the days around first, the week when needed) | ${d.rejected.length ? ms3(pct(d.rejected, 50)) : "—"} | ${d.rejected.length ? ms3(pct(d.rejected, 99)) : "—"} |
| pure rule pipeline \`decide\` alone (all ${d.pure.length}) | ${ms3(pct(d.pure, 50))} | ${ms3(pct(d.pure, 99))} |

Aim: p99 under 5 ms. MCU sized at ${REG.mcu.conferences} conferences and ${REG.mcu.ports} ports for this fixture.

### Job table
${j.done} due jobs, each enqueuing one outbox message in its own transaction: **${j.perSecond.toFixed(0)} jobs/s**.

### Start-up with 10 000 pending jobs
A fresh process opens the store (migrations checked), loads the directory, counts pending jobs and runs the first
scheduler tick. Median of ${s.runs.length} runs: **${ms3(pct(s.runs, 50))}** (min ${ms3(Math.min(...s.runs))}, max ${ms3(Math.max(...s.runs))}). Aim: under 1 s.
`;
writeSection("## Foundation (issue 2)", section.replace(/^## Foundation \(issue 2\)[^\n]*\n/, ""));

/**
 * The public schedule's cost: `/lich.ics` over a year of bookings (aim: under 200 ms), its 304 answer, the `/lich`
 * page and a `/metrics` scrape, each served in process by the Hono sub-apps (no network in the figures).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../src/app/config.js";
import { readDirectoryCsv } from "../src/app/directory/csv.js";
import { Health } from "../src/app/ops/health.js";
import { ChatCounters } from "../src/app/ops/metrics.js";
import { atLocal } from "../src/core/calendar/zone.js";
import { DEFAULT_REGULATION } from "../src/core/regulation.js";
import { Store } from "../src/store/store.js";
import { opsRoutes } from "../src/web/public/ops-routes.js";
import { publicRoutes } from "../src/web/public/routes.js";
import { machine, ms, pct, writeSection } from "./sections.js";

const ZONE = DEFAULT_REGULATION.zone;
const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const PER_DAY = 24;
const RUNS = Number(process.env.RUNS ?? 30);
const today = "2026-12-07";
const now = atLocal(today, "07:00", ZONE);
const tmp = mkdtempSync(join(tmpdir(), "desk-bench-public-"));
// BENCH_DB=FILE keeps the seeded database in FILE (for profiling); it must not exist yet.
const store = Store.open(process.env.BENCH_DB ?? join(tmp, "desk.db"));
const directory = readDirectoryCsv(join(ROOT, "data/sample-directory"));
await store.tx((r) => r.directory.replaceAll(directory));

const seedStart = performance.now();
const db = store.sqlite;
const insert = db.prepare(
  `INSERT INTO bookings (code, status, host, host_endpoint, title, start_at, end_at, contact_name, contact_phone,
     emergency, secret, recording, city_hall_room, unresolved, priority, ports, reasons, missing, channel, sender,
     received_at, sequence, created_at, updated_at)
   VALUES (?, ?, ?, ?, ?, ?, ?, 'Nguyễn Văn A', '0912345678', 0, ?, 0, 0, '[]', 1, ?, '[]', '[]', 'mail',
     'vanthu@hanoi.gov.vn', ?, ?, ?, ?)`,
);
const endpoint = db.prepare("INSERT INTO booking_endpoints (booking, endpoint, role) VALUES (?, ?, ?)");
const event = db.prepare(
  "INSERT INTO booking_events (booking, at, from_status, to_status, actor, channel, reason) VALUES (?, ?, 'received', ?, 'system', 'system', 'x')",
);
const hosts = directory.endpoints.filter((e) => e.level === "city");
const communes = directory.endpoints.filter((e) => e.level !== "city");
let n = 0;
for (let d = 0; d < DAYS; d++) {
  db.transaction(() => {
    const date = new Date(Date.parse(`${today}T00:00:00Z`) + d * 86_400_000).toISOString().slice(0, 10);
    for (let i = 0; i < PER_DAY; i++) {
      n++;
      const code = `HTT-BENCH-${String(n).padStart(5, "0")}`;
      const host = hosts[n % hosts.length]!;
      const start = atLocal(date, `${String(7 + (i % 10)).padStart(2, "0")}:${i % 2 ? "30" : "00"}`, ZONE);
      const status = n % 20 === 0 ? "cancelled" : n % 25 === 0 ? "needs-review" : "confirmed";
      const parts = [0, 1, 2, 3, 4].map((k) => communes[(n * 5 + k) % communes.length]!.code);
      const t = now.getTime() - (n % 1000) * 60_000;
      insert.run(
        code,
        status,
        host.agency,
        host.code,
        `Hội nghị trực tuyến số ${n} về triển khai nhiệm vụ`,
        start.getTime(),
        start.getTime() + 2 * 3600_000,
        n % 33 === 0 ? 1 : 0,
        parts.length + 1,
        t,
        n % 3,
        t,
        t,
      );
      endpoint.run(code, host.code, "host");
      for (const p of parts) endpoint.run(code, p, "participant");
      event.run(code, t, status === "needs-review" ? "needs-review" : "confirmed");
    }
  })();
}
const seedMs = performance.now() - seedStart;

const pub = publicRoutes({
  desk: { store, reg: { zone: ZONE } },
  config: { mail: { messageIdDomain: "kythuat.hanoi.gov.vn" } },
  now: () => now,
});
const ops = opsRoutes({
  desk: { store },
  config: { metricsToken: null },
  health: new Health({ imap: true, smtp: true, chat: true, mcu: true, jobs: true }),
  chatCounters: new ChatCounters(),
  now: () => now,
});

async function time(
  label: string,
  run: () => Response | Promise<Response>,
): Promise<{ label: string; xs: number[]; bytes: number }> {
  let bytes = 0;
  const xs: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const t0 = performance.now();
    const res = await run();
    const body = await res.text();
    const dt = performance.now() - t0;
    if (i >= 3) xs.push(dt); // the first runs warm the JIT and SQLite's page cache
    bytes = body.length;
    if (res.status !== 200 && res.status !== 304) throw new Error(`${label}: HTTP ${res.status}`);
  }
  return { label, xs, bytes };
}

const load0 = loadavg()[0]!;
const full = await pub.request("/lich.ics");
const etag = full.headers.get("etag")!;
const events = ((await full.text()).match(/BEGIN:VEVENT/g) ?? []).length;
const rows = [
  await time("`/lich.ics` (whole city, default window: a month back, a year ahead)", () =>
    pub.request("/lich.ics"),
  ),
  await time("`/lich.ics` with `If-None-Match` (304)", () =>
    pub.request("/lich.ics", { headers: { "If-None-Match": etag } }),
  ),
  await time("`/lich/diem-cau/{code}.ics` (one endpoint, a year)", () =>
    pub.request(`/lich/diem-cau/${hosts[0]!.code}.ics`),
  ),
  await time("`/lich` (this week's page)", () => pub.request("/lich")),
  await time("`/metrics` scrape (loopback)", () =>
    ops.request("/metrics", {}, { incoming: { socket: { remoteAddress: "127.0.0.1" } } }),
  ),
];
const load1 = loadavg()[0]!;
store.close();
rmSync(tmp, { recursive: true, force: true });

writeSection(
  "## Public schedule and metrics (issues 10, 14)",
  `
Run ${new Date().toISOString().slice(0, 10)} on ${machine()}; 1-min load average ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end (the machine is shared). A year of bookings: ${DAYS} days × ${PER_DAY} = ${n} bookings with 6 endpoints each (5 % cancelled, 4 % in review, 3 % secret), seeded in ${(seedMs / 1000).toFixed(1)} s (not measured); the city feed holds ${events} events. ${RUNS} requests each after 3 warm-up runs, served in process by the Hono sub-apps (\`app.request\`).

| request | median | p95 | body |
|---|---|---|---|
${rows.map((r) => `| ${r.label} | ${ms(pct(r.xs, 50))} | ${ms(pct(r.xs, 95))} | ${(r.bytes / 1024).toFixed(0)} KiB |`).join("\n")}

Aim: \`/lich.ics\` for a year under 200 ms.
`,
);

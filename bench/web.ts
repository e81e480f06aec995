/**
 * The web desk's pages with 100 000 bookings in the store (issue 10; aim: p95 under 100 ms), each served in process
 * by the Hono app (`app.request`, no network), signed in as the desk's admin.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { loadHolidayCalendar, ROOT } from "../src/app/config.js";
import { atLocal } from "../src/core/calendar/zone.js";
import { DEFAULT_REGULATION } from "../src/core/regulation.js";
import { Store } from "../src/store/store.js";
import { setPassword } from "../src/web/auth/accounts.js";
import { webApp } from "../src/web/server.js";
import { DEFAULT_WEB_SETTINGS } from "../src/web/settings.js";
import { bigDirectory, mulberry32, seedBookings } from "./fixture.js";
import { machine, ms, pct, writeSection } from "./sections.js";

const ZONE = DEFAULT_REGULATION.zone;
const COUNT = Number(process.env.BENCH_BOOKINGS ?? 100_000);
const RUNS = Number(process.env.RUNS ?? 40);
const now = atLocal("2026-12-07", "08:30", ZONE);
const tmp = mkdtempSync(join(tmpdir(), "desk-bench-web-"));
// BENCH_DB=FILE keeps the seeded database in FILE and reuses it on the next run (for profiling).
const reuse = Boolean(process.env.BENCH_DB && existsSync(process.env.BENCH_DB));
const store = Store.open(process.env.BENCH_DB ?? join(tmp, "desk.db"));
const dir = bigDirectory();
const t0 = performance.now();
if (!reuse) {
  await store.tx((r) => r.directory.replaceAll(dir));
  // 100k bookings over 700 days from 2026-01-05: ≈140 a day, every 10th rejected, every 97th waiting for review.
  seedBookings(
    store,
    dir.endpoints.map((e) => e.code),
    {
      count: COUNT,
      days: 700,
      rnd: mulberry32(11),
      rejectedEvery: 10,
      reviewEvery: 97,
      code: (i) => `HTT-2026-${String(i + 1).padStart(6, "0")}`,
    },
  );
}
const seedMs = performance.now() - t0;
const desk = { store, reg: DEFAULT_REGULATION, holidays: loadHolidayCalendar(join(ROOT, "data/calendar")) };
const admin = dir.people.find((p) => p.role === "admin")!;
const login = admin.email ?? admin.name;
const password = `bench-${Math.random().toString(36).slice(2)}`;
await setPassword(desk, login, password, now);
const app = webApp({ desk, settings: DEFAULT_WEB_SETTINGS, clock: () => now });
// The login form takes posts from the desk's own page only (login CSRF): say so, as a browser would.
const res = await app.request("/dang-nhap", {
  method: "POST",
  body: new URLSearchParams({ login, password }),
  headers: { origin: "http://localhost" },
});
const token = /desk_session=([0-9a-f]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1];
if (!token) throw new Error(`login failed: HTTP ${res.status}`);
const cookie = `desk_session=${token}`;
const day = store.sqlite
  .prepare("SELECT code FROM bookings WHERE start_at >= ? ORDER BY start_at LIMIT 1")
  .get(now.getTime()) as { code: string };

const only = process.env.BENCH_PAGES?.split(",");
const pages = (
  [
    ["Hôm nay", "/hom-nay"],
    ["Chờ xử lý", "/cho-xu-ly"],
    ["Lịch, tuần", "/lich-noi-bo"],
    ["Lịch, ngày", "/lich-noi-bo?xem=ngay&ngay=2026-12-07"],
    ["Lịch, tuần, cấp xã", "/lich-noi-bo?cap=commune"],
    ["Sự cố", "/su-co"],
    ["Đặt lịch (one booking)", `/dat-lich/${day.code}`],
    ["Danh bạ (1 000 endpoints)", "/danh-ba"],
    ["Cấu hình", "/cau-hinh"],
  ] as [string, string][]
).filter(([, path]) => !only || only.some((o) => path.startsWith(o)));
const load0 = loadavg()[0]!;
const rows: { label: string; path: string; xs: number[]; bytes: number }[] = [];
for (const [label, path] of pages) {
  const xs: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS + 3; i++) {
    const t = performance.now();
    const r = await app.request(path, { headers: { cookie } });
    const body = await r.text();
    const dt = performance.now() - t;
    if (r.status !== 200) throw new Error(`${path}: HTTP ${r.status}`);
    if (i >= 3) xs.push(dt); // warm-up: JIT and SQLite's page cache
    bytes = body.length;
  }
  rows.push({ label, path, xs, bytes });
}
const load1 = loadavg()[0]!;
const counts = store.sqlite
  .prepare("SELECT count(*) AS n, sum(status = 'needs-review') AS review FROM bookings")
  .get() as { n: number; review: number };
app.ctx.feed.stop();
store.close();
rmSync(tmp, { recursive: true, force: true });

writeSection(
  "## Web desk pages (issue 10)",
  `
Run ${new Date().toISOString().slice(0, 10)} on ${machine()}; 1-min load average ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end. The store holds ${counts.n.toLocaleString("en")} bookings over 700 days (≈140 a day, ${counts.review} in review) on a 1 000-endpoint directory, seeded in ${(seedMs / 1000).toFixed(1)} s (not measured). Each page ${RUNS} times after 3 warm-up requests, signed in as an admin, served in process by the Hono app (\`app.request\`; session lookup, CSRF token and the page's queries included). Command: \`npx tsx bench/web.ts\`.

| page | path | median | p95 | body |
|---|---|---|---|---|
${rows.map((r) => `| ${r.label} | \`${r.path}\` | ${ms(pct(r.xs, 50))} | ${ms(pct(r.xs, 95))} | ${(r.bytes / 1024).toFixed(0)} KiB |`).join("\n")}

Aim: p95 under 100 ms on every page.
`,
);

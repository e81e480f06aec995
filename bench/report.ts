/**
 * The yearly report over 50 000 bookings (issue 11; aim: under 2 s). The fixture is bulk-inserted with SQL and
 * looks like a year the desk wrote: each booking with its endpoints, audit events (received → decision → live →
 * ended → handed over), an answer mail in the outbox (a few KB of payload, as real answers with an invite have),
 * a technical-check notice, and an incident on every 20th session.
 *
 * Before/after in one run: `REPORT_BASELINE=/path/to/old/checkout npx tsx bench/report.ts` also loads that
 * checkout's `buildReport`, runs it interleaved with the current one on the same database, and checks that both
 * give the same report (every figure). Without it only the current code is measured.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { loadHolidayCalendar, ROOT } from "../src/app/config.js";
import type { Desk } from "../src/app/desk.js";
import { readDirectoryCsv } from "../src/app/directory/csv.js";
import { reportCharts, sessionsByMonthChart } from "../src/app/report/charts.js";
import { buildReport, periodOf, reportSettings, reportWindow } from "../src/app/report/report.js";
import { reportWorkbook } from "../src/app/report/workbook.js";
import { atLocal } from "../src/core/calendar/zone.js";
import { DEFAULT_REGULATION } from "../src/core/regulation.js";
import { computeReport, type Report } from "../src/core/report/compute.js";
import { loadReportRows } from "../src/store/report-repo.js";
import { Store } from "../src/store/store.js";
import { machine, ms, pct, writeSection } from "./sections.js";

const N = 50_000;
const RUNS = Number(process.env.RUNS ?? 7);
const BASELINE = process.env.REPORT_BASELINE ? resolve(process.env.REPORT_BASELINE) : null;
const zone = DEFAULT_REGULATION.zone;
const tmp = mkdtempSync(join(tmpdir(), "desk-bench-report-"));
// REPORT_BENCH_DB=FILE keeps the seeded database in FILE and reuses it on the next run (for profiling).
const KEEP = process.env.REPORT_BENCH_DB ? resolve(process.env.REPORT_BENCH_DB) : null;
const reuse = KEEP !== null && existsSync(KEEP);

/** mulberry32: a small PRNG with a full 2^32 period, exact in 32-bit integer arithmetic. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(7);
const rnd = (n: number) => Math.floor(random() * n);

mkdirSync(join(ROOT, "docs"), { recursive: true });
const store = Store.open(KEEP ?? join(tmp, "bench.db"));
const dir = readDirectoryCsv(join(ROOT, "data/sample-directory"));
if (!reuse) await store.tx((r) => r.directory.replaceAll(dir));
const hosts = dir.agencies.filter((a) => dir.endpoints.some((e) => e.agency === a.name));
const codes = dir.endpoints.map((e) => e.code);
const hostEndpoint = new Map<string, string>();
for (const e of dir.endpoints) if (!hostEndpoint.has(e.agency)) hostEndpoint.set(e.agency, e.code);

const t0 = performance.now();
const s = store.sqlite;
const insB = s.prepare(
  `INSERT INTO bookings (code,status,host,host_endpoint,title,start_at,end_at,contact_name,contact_phone,emergency,secret,recording,city_hall_room,unresolved,priority,ports,reasons,missing,channel,sender,received_at,sequence,created_at,updated_at)
   VALUES (?,?,?,?,?,?,?,'Nguyễn Văn Thử','0900000000',?,?,?,0,'[]',?,?,?,'[]',?,'vanthu@hanoi.gov.vn',?,1,?,?)`,
);
const insE = s.prepare("INSERT INTO booking_endpoints (booking,endpoint,role) VALUES (?,?,?)");
const insEv = s.prepare(
  "INSERT INTO booking_events (booking,at,from_status,to_status,actor,channel,reason) VALUES (?,?,?,?,'system','system',?)",
);
const insO = s.prepare(
  "INSERT INTO outbox (channel,recipient,kind,payload,booking,status,available_at,created_at) VALUES (?,?,?,?,?,'sent',?,?)",
);
const insI = s.prepare(
  "INSERT INTO incidents (code,endpoint,booking,category,route,status,reporter,text,opened_at,updated_at) VALUES (?,?,?,?,?,'resolved',?,'thử',?,?)",
);
const insIE = s.prepare(
  "INSERT INTO incident_events (incident,at,actor,channel,action) VALUES (?,?,'x','telegram',?)",
);
const CATS = ["audio", "video", "network", "power", "equipment"];
// An answer mail with its invite: what the outbox really holds for most bookings (the report skips it).
const answerPayload = JSON.stringify({
  subject: "Re: Đăng ký họp trực tuyến",
  text: "Kính gửi Quý cơ quan, Trung tâm xác nhận lịch họp trực tuyến. ".repeat(30),
  ics: `BEGIN:VCALENDAR\r\n${"X-PAD:0123456789abcdef\r\n".repeat(40)}END:VCALENDAR`,
});
const year0 = atLocal("2026-01-01", "07:30", zone).getTime();
s.transaction(() => {
  for (let i = 0; i < (reuse ? 0 : N); i++) {
    const start = year0 + rnd(364) * 86_400_000 + rnd(20) * 1_800_000;
    const end = start + (1 + rnd(4)) * 1_800_000;
    const received = start - (1 + rnd(5)) * 86_400_000;
    const code = `HTT-2026-B${i}`;
    const host = hosts[rnd(hosts.length)]!;
    const used = new Set<string>();
    for (let k = 2 + rnd(5); k > 0; k--) used.add(codes[rnd(codes.length)]!);
    const roll = rnd(20);
    const status = roll === 0 ? "rejected" : roll === 1 ? "cancelled" : roll < 4 ? "handed-over" : "ended";
    const decision = roll === 0 ? "rejected" : "confirmed";
    const recording = status === "handed-over" ? 1 : 0;
    insB.run(
      code,
      status,
      host.name,
      hostEndpoint.get(host.name) ?? null,
      `Phiên họp chuyên đề số ${i}`,
      start,
      end,
      roll === 5 ? 1 : 0,
      i % 97 === 0 ? 1 : 0,
      recording,
      roll === 6 ? 3 : 1,
      used.size,
      roll === 0 ? '["endpoint-busy"]' : "[]",
      i % 7 === 0 ? "telegram" : "mail",
      received,
      received,
      received,
    );
    for (const ep of used) insE.run(code, ep, "participant");
    insEv.run(code, received, null, "received", "tiếp nhận đăng ký");
    insEv.run(
      code,
      received + 60_000,
      "received",
      decision,
      roll === 0 ? "endpoint-busy" : "đủ điều kiện theo Quy chế",
    );
    insO.run(
      "mail",
      "vanthu@hanoi.gov.vn",
      "booking-answer",
      answerPayload,
      code,
      received,
      received + 60_000,
    );
    if (status === "rejected") continue;
    if (status === "cancelled") {
      insEv.run(code, received + 3_600_000, "confirmed", "cancelled", "đơn vị đề nghị hủy");
      continue;
    }
    insO.run(
      "group",
      "support-group",
      "technical-check",
      '{"text":"Kiểm tra kỹ thuật"}',
      code,
      start - 7_200_000,
      start - 7_200_000 + (rnd(25) === 0 ? 600_000 : 0),
    );
    for (const ep of used)
      if (rnd(3) > 0)
        insEv.run(code, start - 3_600_000, "confirmed", "confirmed", `điểm cầu ${ep} sẵn sàng (Điều 12.2c)`);
    insEv.run(code, start, "confirmed", "live", "phiên bắt đầu trên MCU (simulator)");
    insEv.run(code, end, "live", "ended", "kết thúc");
    if (status === "handed-over")
      insEv.run(
        code,
        end + (10 + rnd(60)) * 3_600_000,
        "ended",
        "handed-over",
        "đã bàn giao bản ghi (Điều 14.2)",
      );
    if (i % 20 === 0) {
      const inc = `SC-2026-B${i}`;
      const ep = [...used][0]!;
      insI.run(
        inc,
        ep,
        code,
        CATS[rnd(CATS.length)],
        rnd(2) ? "mcu" : "wan",
        rnd(3) ? "telegram:1" : "system",
        start + 600_000,
        start + 600_000,
      );
      insIE.run(inc, start + 600_000, "opened");
      insIE.run(inc, start + 600_000 + rnd(30) * 60_000, "nhan");
      insIE.run(inc, start + 600_000 + (30 + rnd(90)) * 60_000, "xong");
    }
  }
})();
s.pragma("optimize");
const seeded = performance.now() - t0;

const desk: Desk = {
  store,
  reg: DEFAULT_REGULATION,
  holidays: loadHolidayCalendar(join(ROOT, "data/calendar")),
};
const period = periodOf({ year: "2026" });
const now = atLocal("2027-01-15", "09:00", zone);
type Build = (desk: Desk, period: ReturnType<typeof periodOf>, filter: object, now: Date) => Promise<Report>;
const baseline: Build | null = BASELINE
  ? ((await import(join(BASELINE, "src/app/report/report.ts"))) as { buildReport: Build }).buildReport
  : null;

const loadAtStart = loadavg()[0]!;
const m = {
  report: [] as number[],
  reportCpu: [] as number[],
  oldCpu: [] as number[],
  read: [] as number[],
  compute: [] as number[],
  old: [] as number[],
  wb: [] as number[],
  chart: [] as number[],
};
let held = 0;
/** CPU time of this process since `c` (user + system): on a shared machine it varies far less than wall time. */
const cpuMs = (c: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(c);
  return (u.user + u.system) / 1000;
};
for (let run = 0; run < RUNS; run++) {
  let a = performance.now();
  let c = process.cpuUsage();
  const report = await buildReport(desk, period, {}, now);
  m.report.push(performance.now() - a);
  m.reportCpu.push(cpuMs(c));
  // The two halves of buildReport, timed apart.
  a = performance.now();
  const { from, to } = reportWindow(period, zone);
  const rows = await store.read((_r, c) => loadReportRows(c, from, to));
  let b = performance.now();
  computeReport(rows, period, {}, reportSettings(desk), now);
  m.read.push(b - a);
  m.compute.push(performance.now() - b);
  if (baseline) {
    a = performance.now();
    c = process.cpuUsage();
    const old = await baseline(desk, period, {}, now);
    m.old.push(performance.now() - a);
    m.oldCpu.push(cpuMs(c));
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(old)), JSON.parse(JSON.stringify(report))))
      throw new Error("the baseline and the current buildReport disagree");
  }
  a = performance.now();
  await reportWorkbook(report, zone).xlsx.writeBuffer();
  b = performance.now();
  reportCharts(report);
  m.wb.push(b - a);
  m.chart.push(performance.now() - b);
  held = report.sessions.held;
  // The README's example chart: sessions per month by level over the synthetic year.
  if (run === 0) writeFileSync(join(ROOT, "docs/report-sessions-by-month.svg"), sessionsByMonthChart(report));
}
store.close();
rmSync(tmp, { recursive: true, force: true });

const row = (name: string, xs: number[], cpu?: number[]) =>
  `| ${name} | ${ms(pct(xs, 50))} | ${ms(Math.max(...xs))} | ${cpu ? ms(pct(cpu, 50)) : "–"} |`;
writeSection(
  "## Reports (issue 11)",
  `
Yearly report (\`report --year 2026\`) over ${N.toLocaleString("en")} bookings in one SQLite file (${held.toLocaleString("en")} sessions held, with endpoints, audit events, answer mails and check notices in the outbox, and ${N / 20} incidents; fixture from a mulberry32 PRNG, ${reuse ? "reused from REPORT_BENCH_DB" : `seeded in ${(seeded / 1000).toFixed(1)} s`}, not measured). ${RUNS} runs in one process${baseline ? ", the previous code interleaved with the current one on the same database (both gave the same report)" : ""}; run ${new Date().toISOString().slice(0, 10)} on ${machine()}, ${process.arch}; 1-min load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end (the machine is shared).

| step | median | max | median CPU time |
|---|---|---|---|
${baseline ? `${row("`buildReport` before (previous code)", m.old, m.oldCpu)}\n` : ""}${row("`buildReport` (read rows + compute every figure)", m.report, m.reportCpu)}
${row("… read rows (`loadReportRows`)", m.read)}
${row("… compute (`computeReport`)", m.compute)}
${row("workbook (exceljs, to a buffer)", m.wb)}
${row("four SVG charts (ECharts SSR)", m.chart)}

Aim: the yearly report under 2 s. Median \`buildReport\`: ${ms(pct(m.report, 50))}; with workbook and charts: ${ms(pct(m.report, 50) + pct(m.wb, 50) + pct(m.chart, 50))}.
`,
);

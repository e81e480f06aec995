/**
 * Database size per booking, and its growth over a simulated year with everything a year writes: inbound mail
 * (raw source kept), bookings and their endpoint rows, audit events, outbox rows (answers, desk notices), timers.
 * The year runs in one process on a virtual clock through the desk's own mail use case (MailDesk.handle), the
 * bench's realistic mail mix (bench/mail-mix.ts), GROWTH_PER_DAY requests a working day (default 12); each
 * evening the due outbox rows are marked sent and the due timers run. Sizes from SQLite's dbstat at each month's
 * end; at the year's end once more after the retention pass (DESK_RETAIN_* defaults).
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, loadHolidayCalendar, ROOT } from "../src/app/config.js";
import type { Desk } from "../src/app/desk.js";
import { readDirectoryCsv } from "../src/app/directory/csv.js";
import { MailDesk, mailDeskOptions } from "../src/app/mail-desk.js";
import { pruneAll } from "../src/app/ops/retention.js";
import { runDueJobs, sessionJobHandlers } from "../src/app/scheduler.js";
import { Store } from "../src/store/store.js";
import { offlineDns, TEST_AUTHSERV_ID } from "../tests/support/service.js";
import { makeMix } from "./mail-mix.js";
import { load, machine, writeSection } from "./sections.js";

const PER_DAY = Number(process.env.GROWTH_PER_DAY ?? 12);
const tmp = mkdtempSync(join(tmpdir(), "desk-bench-growth-"));
const path = join(tmp, "year.db");
const config = loadConfig({
  DESK_DB: path,
  DESK_MAIL_AUTHSERV_ID: TEST_AUTHSERV_ID,
  DESK_REPLY_CAP_PER_SENDER: "100000",
});
const store = Store.open(path);
await store.tx((r) => r.directory.replaceAll(readDirectoryCsv(join(ROOT, "data/sample-directory"))));
const desk: Desk = { store, reg: config.reg, holidays: loadHolidayCalendar(join(ROOT, "data/calendar")) };
const mailDesk = new MailDesk(desk, mailDeskOptions(config.mail, offlineDns));
const handlers = sessionJobHandlers(desk);

const GROUPS: [string, RegExp][] = [
  ["bookings + endpoint rows", /^(bookings|booking_endpoints|sqlite_autoindex_booking)/],
  ["audit events", /^booking_events/],
  ["inbound (raw mail)", /^inbound/],
  ["outbox", /^outbox/],
  ["jobs", /^jobs/],
];
function sizes(): Map<string, number> {
  const rows = store.sqlite.prepare("SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name").all() as {
    name: string;
    bytes: number;
  }[];
  const out = new Map<string, number>([...GROUPS.map(([g]) => [g, 0] as [string, number]), ["other", 0]]);
  for (const r of rows) {
    const g = GROUPS.find(([, re]) => re.test(r.name))?.[0] ?? "other";
    out.set(g, out.get(g)! + r.bytes);
  }
  return out;
}
const countOf = (table: string) =>
  (store.sqlite.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

// The requests of the year: sessions asked for from 2027-01-11 on, each mail received a week before its session.
const loadBefore = load();
const t0 = performance.now();
const days = 261; // working days in a year
const mails = makeMix("year", days * PER_DAY, { from: new Date(Date.UTC(2027, 0, 11)), perDay: PER_DAY });
const DAY = 86_400_000;
let now = new Date(Date.UTC(2027, 0, 4, 1, 0)); // 08:00 in Hanoi
let dayStart = now.getTime();
const months: { month: string; bookings: number; sizes: Map<string, number> }[] = [];
let handled = 0;
const outcomes: Record<string, number> = {};
async function evening(at: Date) {
  const due = await store.read((r) => r.outbox.due(at, 100_000));
  await store.tx(async (r) => {
    for (const m of due) await r.outbox.markSent(m.id, at);
  });
  for (;;) {
    const rep = await runDueJobs(desk, handlers, at, { limit: 500 });
    if (rep.done === 0) break;
  }
}
for (const [i, m] of mails.entries()) {
  // PER_DAY mails a working day, a few minutes apart from 08:00.
  if (i > 0 && i % PER_DAY === 0) {
    await evening(new Date(dayStart + 10 * 3600_000));
    const prev = new Date(dayStart);
    dayStart += DAY;
    while ([0, 6].includes(new Date(dayStart + 7 * 3600_000).getUTCDay())) dayStart += DAY;
    const next = new Date(dayStart);
    if (next.getUTCMonth() !== prev.getUTCMonth())
      months.push({ month: prev.toISOString().slice(0, 7), bookings: countOf("bookings"), sizes: sizes() });
  }
  now = new Date(dayStart + (i % PER_DAY) * 20 * 60_000);
  const res = await mailDesk.handle(m.raw, now);
  outcomes[res.kind] = (outcomes[res.kind] ?? 0) + 1;
  handled++;
}
await evening(new Date(dayStart + 10 * 3600_000));
months.push({
  month: new Date(dayStart).toISOString().slice(0, 7),
  bookings: countOf("bookings"),
  sizes: sizes(),
});
const simSecs = (performance.now() - t0) / 1000;
const counts = Object.fromEntries(
  ["bookings", "booking_endpoints", "booking_events", "inbound_messages", "outbox", "jobs"].map((t) => [
    t,
    countOf(t),
  ]),
);
const fileBytes = () => {
  store.sqlite.pragma("wal_checkpoint(TRUNCATE)");
  return statSync(path).size;
};
const yearFile = fileBytes();
// The retention pass a desk runs nightly, at the year's end plus the longest retention (everything prunable).
const s = config.ops.retention;
const pruneAt = new Date(dayStart + Math.max(s.mailDays, s.outboxDays, s.jobDays) * DAY + DAY);
const pruned = await pruneAll((fn) => store.tx((_, c) => fn(c)), s, pruneAt);
const afterPrune = sizes();
store.sqlite.exec("VACUUM");
const vacuumed = fileBytes();
const loadAfter = load();
store.close();
rmSync(tmp, { recursive: true, force: true });

const mib = (b: number) => (b / 2 ** 20).toFixed(2);
const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
const last = months.at(-1)!;
const perBooking = total(last.sizes) / last.bookings;
const head = `| month end | bookings | ${[...last.sizes.keys()].join(" | ")} | total MiB | bytes per booking |`;
const sep = `|${"---|".repeat(last.sizes.size + 4)}`;
const rows = months
  .map(
    (m) =>
      `| ${m.month} | ${m.bookings} | ${[...m.sizes.values()].map(mib).join(" | ")} | ${mib(total(m.sizes))} | ${(total(m.sizes) / m.bookings).toFixed(0)} |`,
  )
  .join("\n");
writeSection(
  "## Database growth over a year (issue 12)",
  `Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${machine()}; load average (1 / 5 / 15 min)
${loadBefore} at the start, ${loadAfter} at the end. Command: \`npx tsx bench/growth.ts\` (GROWTH_PER_DAY=${PER_DAY}).

A simulated year: ${handled} mails (${PER_DAY} a working day for ${days} working days; the bench's mail mix: forms,
HTML tables, prose, no diacritics, replies that change or cancel, auto-replies) through the desk's own mail use
case on a virtual clock; each evening the due outbox rows are marked sent and the due timers run. Outcomes:
${Object.entries(outcomes)
  .map(([k, v]) => `${k} ${v}`)
  .join(", ")}. Simulated in ${simSecs.toFixed(0)} s (not an aim). Rows at the year's end: ${Object.entries(
    counts,
  )
    .map(([k, v]) => `${k} ${v}`)
    .join(", ")}. Sizes in MiB from SQLite's dbstat (tables with their indexes).

${head}
${sep}
${rows}

**Per booking: ${(perBooking / 1024).toFixed(1)} KiB** over a year with its inbound mail (raw source kept), audit
events, answers and timers; ${mib(total(last.sizes))} MiB for the year, file ${mib(yearFile)} MiB. No aim is set
for size; for scale, 10 years at this rate are ${((10 * total(last.sizes)) / 2 ** 30).toFixed(2)} GiB without pruning.
After the retention pass (mail sources after ${s.mailDays} days, sent outbox rows after ${s.outboxDays} days,
finished timers after ${s.jobDays} days: ${pruned.mailRaw} raw mails nulled, ${pruned.outbox} outbox rows and
${pruned.jobs} job rows deleted): ${mib(total(afterPrune))} MiB in pages (${[...afterPrune.entries()]
    .map(([k, v]) => `${k} ${mib(v)}`)
    .join(
      ", ",
    )}), file ${mib(vacuumed)} MiB after VACUUM, i.e. ${(total(afterPrune) / last.bookings / 1024).toFixed(1)} KiB per booking kept for good.`,
);

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  cancelBooking,
  registerBooking,
  reviewBooking,
  workingDaysDeadline,
} from "../src/app/booking/index.js";
import { type ChatEvent, handleChatEvent, incidentJobHandlers } from "../src/app/chat/conversation.js";
import { loadHolidayCalendar, ROOT } from "../src/app/config.js";
import type { Desk } from "../src/app/desk.js";
import { reportCharts } from "../src/app/report/charts.js";
import { buildReport, periodOf } from "../src/app/report/report.js";
import { reportSummary } from "../src/app/report/summary.js";
import { reportWorkbook } from "../src/app/report/workbook.js";
import { runDueJobs, sessionJobHandlers } from "../src/app/scheduler.js";
import { SessionRunner } from "../src/app/session-runner.js";
import type { BookingRequest } from "../src/core/booking/types.js";
import { DEFAULT_REGULATION } from "../src/core/regulation.js";
import { percentile, type Report } from "../src/core/report/compute.js";
import { SimulatorMcu } from "../src/mcu/simulator.js";
import { Store } from "../src/store/store.js";
import { at, CALENDAR_DIR, request, sampleDirectory, TEST_DIALECT, tempDir, ZONE } from "./helpers.js";
import { freshDatabase } from "./support/postgres.js";

const SECRET_TITLE = "Phương án tác chiến khu vực phòng thủ XK-77";
const MIN = 60_000;

/**
 * The fixture year 2026, driven through the desk's own use cases in virtual time: registrations by mail and CLI,
 * a late one reviewed late, one that needs more information, a cancellation, an emergency displacing a session,
 * overlapping sessions, MCU drops raised by the monitor, a fault reported by staff in chat, readiness
 * confirmations, a technical check delayed by a scheduler outage, recordings handed over on time, late and never.
 */
interface Fixture {
  desk: Desk;
  dbPath: string;
  root: string;
  now: Date;
  /** Registrations received in H1 with the decision the use case returned. */
  registered: { code: string; channel: string; outcome: string; receivedAt: Date }[];
  cancelled: string;
  displaced: string;
  emergency: string;
  secret: string;
  lateAnswer: string;
  lateCheck: string;
  lateHandover: string;
  neverHandedOver: string;
  readyConfirmations: number;
}

const dir = sampleDirectory;
const hostAgencies = dir.agencies.filter(
  (a) => a.mailboxes.length > 0 && dir.endpoints.some((e) => e.agency === a.name),
);
const firstEndpoint = (agency: string) =>
  dir.endpoints.filter((e) => e.agency === agency).sort((a, b) => a.code.localeCompare(b.code))[0]!;
const cityHosts = hostAgencies.filter((a) => firstEndpoint(a.name).level === "city").slice(0, 5);
const communeHosts = hostAgencies.filter((a) => firstEndpoint(a.name).level === "commune").slice(0, 3);
const hosts = [...cityHosts, ...communeHosts];
const hostEps = new Set(hosts.map((h) => firstEndpoint(h.name).code));
const participants = dir.endpoints
  .filter((e) => e.level === "commune" && !hostEps.has(e.code))
  .map((e) => e.code);

async function buildFixture(): Promise<Fixture> {
  // Shared by every test in the file: kept out of the per-test cleanup, removed in afterAll.
  const root = mkdtempSync(join(tmpdir(), "desk-report-"));
  const dbPath = join(root, "year.db");
  // In the pg project the fixture year lives in a fresh PostgreSQL database (its URL is DESK_DB for the CLI).
  let dbTarget = dbPath;
  if (TEST_DIALECT === "pg") {
    const db = await freshDatabase(inject("pgUrl"), "desk_template");
    dbTarget = db.url;
    dropPg = db.drop;
  }
  const desk: Desk = {
    store: await Store.connect(dbTarget),
    reg: DEFAULT_REGULATION,
    holidays: loadHolidayCalendar(CALENDAR_DIR),
  };
  await desk.store.tx((r) => r.directory.replaceAll(dir));
  const mcu = new SimulatorMcu({ recordingDir: tempDir() });
  const runner = new SessionRunner(desk, mcu);
  const handlers = { ...sessionJobHandlers(desk), ...incidentJobHandlers() };
  const mcuTech = dir.people.find((p) => p.role === "mcu-technician")!;
  const actions: { at: number; run: () => Promise<unknown> }[] = [];
  const windows: { from: number; to: number }[] = [];
  const outages: { from: number; to: number }[] = [];
  const registered: Fixture["registered"] = [];
  const codes: string[] = [];
  let updates = 0;
  const chat = (userId: string, text: string, now: Date) =>
    handleChatEvent(
      desk,
      {
        platform: "telegram",
        chatId: "-1",
        chatType: "group",
        userId,
        userName: "x",
        text,
        button: null,
        updateId: `u${++updates}`,
      } satisfies ChatEvent,
      now,
    );
  const register = async (req: BookingRequest) => {
    const res = await registerBooking(desk, req, { now: req.receivedAt });
    if (res.duplicate) throw new Error("duplicate");
    if (req.receivedAt < at("2026-07-01", "00:00"))
      registered.push({
        code: res.code,
        channel: req.channel,
        outcome: res.decision.outcome,
        receivedAt: req.receivedAt,
      });
    return res;
  };
  const later = (when: Date, run: () => Promise<unknown>) => actions.push({ at: when.getTime(), run });
  const session = (start: Date, end: Date) =>
    windows.push({ from: start.getTime() - 180 * MIN, to: end.getTime() + 5 * MIN });

  // 24 sessions, two a month; in January, April, July and October the pair overlaps on one morning.
  const fixture: Partial<Fixture> = { readyConfirmations: 0 };
  for (let i = 0; i < 24; i++) {
    const month = String(1 + (i % 12)).padStart(2, "0");
    const overlap = i >= 12 && (i - 12) % 3 === 0;
    const day = `2026-${month}-${overlap ? "10" : i < 12 ? "10" : "17"}`;
    const start = at(day, overlap ? "09:30" : "09:00");
    const end = at(day, overlap ? "11:00" : "10:30");
    const host = hosts[i % hosts.length]!;
    const req = request({
      host: host.name,
      participants: [
        participants[(2 * i) % participants.length]!,
        participants[(2 * i + 1) % participants.length]!,
      ],
      start,
      end,
      title: i === 3 ? SECRET_TITLE : `Giao ban chuyên đề số ${i + 1}`,
      secret: i === 3,
      recording: i % 4 === 0,
      receivedAt: new Date(start.getTime() - 3 * 24 * 60 * MIN),
      channel: i === 5 ? "cli" : "mail",
      sender: i === 5 ? "cli:admin" : host.mailboxes[0]!,
    });
    later(req.receivedAt, async () => {
      const res = await register(req);
      codes[i] = res.code;
      if (i === 3) fixture.secret = res.code;
    });
    session(start, end);
    const min = (m: number) => new Date(start.getTime() + m * MIN);
    // MCU monitor: a leg drops 10 minutes in and comes back 10 minutes later (sessions 2 and 14).
    if (i === 1 || i === 13) {
      later(min(10), async () => {
        const id = await desk.store.read((r) => r.meta.get(`mcu:conference:${codes[i]}`));
        mcu.drop(id!, req.participants[0]!);
      });
      later(min(20), async () => {
        const id = await desk.store.read((r) => r.meta.get(`mcu:conference:${codes[i]}`));
        mcu.recover(id!, req.participants[0]!);
      });
    }
    // Staff report a sound fault in chat in session 3; the MCU technician takes it 5 min later, fixes it 25 min after.
    if (i === 2) {
      const ep = req.participants[1]!;
      const tech = dir.people.find((p) => p.endpoint === ep && p.telegramId)!;
      later(min(15), () => chat(tech.telegramId!, "Điểm cầu bị mất tiếng, không nghe được chủ trì", min(15)));
      const incident = async () => (await desk.store.read((r) => r.incidents.list())).at(-1)!.code;
      later(min(20), async () => chat(mcuTech.telegramId!, `/nhan ${await incident()}`, min(20)));
      later(min(40), async () =>
        chat(mcuTech.telegramId!, `/xong ${await incident()} đã thay micro`, min(40)),
      );
    }
    // Readiness: in session 5 every endpoint with a linked technician confirms.
    if (i === 4) {
      const eps = [firstEndpoint(host.name).code, ...req.participants];
      for (const ep of eps) {
        const tech = dir.people.find((p) => p.endpoint === ep && p.role === "technician" && p.telegramId);
        if (!tech) continue;
        fixture.readyConfirmations!++;
        later(min(-150), async () => {
          await chat(tech.telegramId!, `/sansang ${codes[i]}`, min(-150));
        });
      }
    }
    // Session 15's technical check is held up by a scheduler outage from 3 h to 1 h before the start.
    if (i === 14) outages.push({ from: min(-181).getTime(), to: min(-60).getTime() });
    // Recordings: session 1 handed over late (a day after the deadline), session 5 never, others next morning.
    if (req.recording) {
      const deadline = workingDaysDeadline(desk, end, 2);
      if (i === 0)
        later(new Date(deadline.getTime() + 16 * 60 * MIN), async () => {
          await chat(
            mcuTech.telegramId!,
            `/bangiao ${codes[i]}`,
            new Date(deadline.getTime() + 16 * 60 * MIN),
          );
          fixture.lateHandover = codes[i];
        });
      else if (i === 4)
        later(end, async () => {
          fixture.neverHandedOver = codes[i];
        });
      else {
        const next = new Date(end.getTime() + 23 * 60 * MIN);
        later(next, () => chat(mcuTech.telegramId!, `/bangiao ${codes[i]}`, next).then(() => undefined));
      }
    }
  }
  // A late registration (10 h ahead) goes to review and is confirmed 2.5 h after receipt: the answer is late.
  {
    const host = cityHosts.find((a) => !DEFAULT_REGULATION.chairKinds.includes(a.kind))!;
    const start = at("2026-03-20", "14:00");
    const end = at("2026-03-20", "15:00");
    const req = request({
      host: host.name,
      sender: host.mailboxes[0]!,
      participants: [participants[60]!],
      start,
      end,
      title: "Họp gấp về phòng cháy",
      receivedAt: at("2026-03-20", "04:00"),
    });
    later(req.receivedAt, async () => {
      const res = await register(req);
      fixture.lateAnswer = res.code;
    });
    later(at("2026-03-20", "06:30"), async () => {
      await reviewBooking(
        desk,
        fixture.lateAnswer!,
        "confirmed",
        { id: "cli:kt", channel: "cli" },
        "đồng ý",
        at("2026-03-20", "06:30"),
      );
    });
    session(start, end);
  }
  // A registration with no title: the desk asks for more (never completed).
  later(at("2026-02-02", "08:00"), async () => {
    await register(
      request({
        host: cityHosts[2]!.name,
        sender: cityHosts[2]!.mailboxes[0]!,
        participants: [participants[61]!],
        title: null,
        start: at("2026-02-10", "14:00"),
        end: at("2026-02-10", "15:00"),
        receivedAt: at("2026-02-02", "08:00"),
      }),
    );
  });
  // A session registered then cancelled by its agency.
  later(at("2026-05-04", "08:00"), async () => {
    const res = await register(
      request({
        host: cityHosts[3]!.name,
        sender: cityHosts[3]!.mailboxes[0]!,
        participants: [participants[62]!],
        start: at("2026-05-12", "14:00"),
        end: at("2026-05-12", "15:00"),
        receivedAt: at("2026-05-04", "08:00"),
      }),
    );
    fixture.cancelled = res.code;
    await cancelBooking(
      desk,
      res.code,
      { id: "cli:kt", channel: "cli" },
      "đơn vị đề nghị hủy",
      at("2026-05-05", "08:00"),
    );
  });
  // An emergency on 2026-06-10 takes session 6's endpoints at 09:00 and displaces it (Điều 11).
  {
    const start = at("2026-06-10", "09:00");
    const end = at("2026-06-10", "10:00");
    later(at("2026-06-10", "02:00"), async () => {
      const victim = (await desk.store.read((r) => r.bookings.get(codes[5]!)))!;
      const res = await register(
        request({
          host: communeHosts[0]!.name,
          sender: communeHosts[0]!.mailboxes[0]!,
          emergency: true,
          participants: victim.request.participants,
          start,
          end,
          title: "Ứng phó khẩn cấp ngập lụt",
          receivedAt: at("2026-06-10", "02:00"),
        }),
      );
      if (res.decision.displaced[0] !== codes[5]) throw new Error(`expected to displace ${codes[5]}`);
      fixture.emergency = res.code;
      fixture.displaced = codes[5];
    });
    session(start, end);
  }
  // Session 15's outage code, known once registered.
  later(at("2026-07-01", "00:00"), async () => {
    fixture.lateCheck = codes[14];
  });
  // A session at 00:30 on 1 July, Hanoi time: still 30 June in UTC and in the test's TZ, but it belongs to H2.
  {
    const start = at("2026-07-01", "00:30");
    const end = at("2026-07-01", "01:30");
    const req = request({
      host: cityHosts[4]!.name,
      sender: cityHosts[4]!.mailboxes[0]!,
      participants: [participants[63]!],
      start,
      end,
      title: "Trực ban đêm",
      receivedAt: at("2026-06-25", "08:00"),
    });
    later(req.receivedAt, async () => void (await register(req)));
    session(start, end);
  }

  // Drive virtual time: every action at its instant, then due jobs (unless the scheduler is down) and the runner.
  const steps = new Set<number>(actions.map((a) => a.at));
  for (const w of windows) for (let t = w.from; t <= w.to; t += 5 * MIN) steps.add(t);
  const now = at("2027-01-15", "12:00");
  for (const t of [...steps].sort((a, b) => a - b)) {
    const when = new Date(t);
    for (const a of actions.filter((x) => x.at === t)) await a.run();
    if (!outages.some((o) => t >= o.from && t < o.to)) await runDueJobs(desk, handlers, when);
    await runner.tick(when);
  }
  return { ...(fixture as Fixture), desk, dbPath: dbTarget, root, now, registered };
}

let fx: Fixture;
let dropPg: (() => Promise<void>) | null = null;
let report: Report;

beforeAll(async () => {
  fx = await buildFixture();
  report = await buildReport(fx.desk, periodOf({ half: "2026H1" }), {}, fx.now);
}, 120_000);

afterAll(async () => {
  await fx?.desk.store.close();
  await dropPg?.();
  if (fx) rmSync(fx.root, { recursive: true, force: true });
});

/** The reference: plain SQL over the raw rows, not the report's queries. */
async function sql<T>(q: string, ...params: unknown[]): Promise<T[]> {
  const pool = fx.desk.store.pgPool;
  if (!pool) return fx.desk.store.sqlite.prepare(q).all(...params) as T[];
  let n = 0;
  const res = await pool.query(
    q.replace(/\?/g, () => `$${++n}`),
    params,
  );
  return res.rows as T[];
}
const H1 = () => [at("2026-01-01", "00:00").getTime(), at("2026-07-01", "00:00").getTime()] as const;

describe("the H1 2026 report over a fixture year driven by the desk's use cases", () => {
  it("counts sessions held, cancelled and displaced, with hours, connections and levels", async () => {
    const [f, t] = H1();
    const held = await sql<{
      code: string;
      host: string;
      start_at: number;
      end_at: number;
      ports: number;
      emergency: number;
      secret: number;
      priority: number;
      host_endpoint: string;
    }>(
      "SELECT * FROM bookings WHERE start_at >= ? AND start_at < ? AND status IN ('ended','handed-over')",
      f,
      t,
    );
    // By hand: 12 regular sessions in H1, minus the displaced one, plus the late one and the emergency (not the
    // one at 00:30 on 1 July).
    expect(held.length).toBe(12 - 1 + 2);
    expect(held.some((b) => b.start_at === at("2026-07-01", "00:30").getTime())).toBe(false);
    expect(report.sessions.held).toBe(held.length);
    expect(report.sessions.cancelled).toBe(1);
    expect(report.sessions.displaced).toBe(1);
    expect(report.sessions.emergencies).toBe(1);
    expect(report.sessions.secret).toBe(1);
    const chairKinds = new Set<string>(DEFAULT_REGULATION.chairKinds);
    const kind = new Map(dir.agencies.map((a) => [a.name, a.kind]));
    expect(report.sessions.chairNotified).toBe(held.filter((b) => chairKinds.has(kind.get(b.host)!)).length);
    // Runner ticks fall on the scheduled start and end, so hours online equal the scheduled durations.
    const hours = held.reduce((s, b) => s + (b.end_at - b.start_at) / 3_600_000, 0);
    expect(report.sessions.hoursOnline).toBeCloseTo(hours, 2);
    const connections = (
      await sql<{ n: number }>(
        `SELECT COUNT(*) AS n FROM booking_endpoints WHERE booking IN (SELECT code FROM bookings WHERE start_at >= ? AND start_at < ? AND status IN ('ended','handed-over'))`,
        f,
        t,
      )
    )[0]!.n;
    expect(report.sessions.connections).toBe(connections);
    expect(report.sessions.meanEndpoints).toBeCloseTo(connections / held.length, 2);
    const level = new Map(dir.endpoints.map((e) => [e.code, e.level]));
    const byLevel = (l: string) => held.filter((b) => level.get(b.host_endpoint) === l).length;
    expect(report.sessions.byLevel.map((l) => [l.level, l.held])).toEqual([
      ["city", byLevel("city")],
      ["district", 0],
      ["commune", byLevel("commune")],
    ]);
    expect(report.sessions.byMonth.map((m) => m.city + m.district + m.commune)).toEqual(
      ["01", "02", "03", "04", "05", "06"].map(
        (m) =>
          held.filter((b) => new Date(b.start_at + 7 * 3_600_000).toISOString().slice(5, 7) === m).length,
      ),
    );
    for (const a of report.sessions.byAgency) expect(a.held + a.cancelled).toBeGreaterThan(0);
  });

  it("splits registrations by channel and decision with the reasons, as the use case decided them", () => {
    const h1 = fx.registered;
    expect(report.registrations.total).toBe(h1.length);
    for (const outcome of ["confirmed", "needs-info", "needs-review", "rejected"] as const)
      expect(report.registrations.byDecision[outcome]).toBe(h1.filter((r) => r.outcome === outcome).length);
    expect(report.registrations.byDecision["needs-info"]).toBeGreaterThanOrEqual(1);
    const byChannel = Object.fromEntries(report.registrations.byChannel.map((c) => [c.channel, c.total]));
    expect(byChannel).toEqual({
      mail: h1.filter((r) => r.channel === "mail").length,
      cli: h1.filter((r) => r.channel === "cli").length,
    });
    expect(report.registrations.reasons.map((r) => r.key)).toContain("missing-fields");
    expect(report.registrations.reasons.map((r) => r.key)).toContain("late");
  });

  it("lists each service-level miss with its booking code", () => {
    const { answer, check, handover } = report.sla;
    expect(answer.misses.map((m) => m.booking)).toEqual([fx.lateAnswer]);
    expect(answer.misses[0]!.lateMinutes).toBe(30);
    expect(answer).toMatchObject({ total: fx.registered.length, met: fx.registered.length - 1 });
    expect(check.misses.map((m) => m.booking)).toEqual([fx.lateCheck]);
    expect(check).toMatchObject({ total: report.sessions.held, met: report.sessions.held - 1 });
    // Recorded sessions held in H1: 1, 5, 13 and 17 (every fourth); 1 handed over late, 5 never.
    expect(handover.misses.map((m) => [m.booking, m.done === null])).toEqual([
      [fx.lateHandover, false],
      [fx.neverHandedOver, true],
    ]);
    expect(handover).toMatchObject({ total: 4, met: 2, pending: 0 });
  });

  it("counts incidents by category, route, reporter and times to acknowledge and resolve", () => {
    const inc = report.incidents;
    expect(inc).toMatchObject({ total: 3, byStaff: 1, byMonitor: 2 });
    expect(inc.byCategory).toEqual([
      { key: "network", count: 2 },
      { key: "audio", count: 1 },
    ]);
    expect(inc.byRoute).toEqual([
      { key: "wan", count: 2 },
      { key: "mcu", count: 1 },
    ]);
    // By hand: monitor incidents close themselves after 10 min; the chat one is taken after 5, fixed after 25.
    expect(inc.ackMinutes).toEqual({ n: 3, p50: 10, p90: 10 });
    expect(inc.resolveMinutes).toEqual({ n: 3, p50: 10, p90: 25 });
    expect(percentile([5, 10, 10], 50)).toBe(10);
  });

  it("finds the MCU peak, readiness and endpoints never used", async () => {
    const [f, t] = H1();
    const held = await sql<{ start_at: number; end_at: number; ports: number }>(
      "SELECT start_at, end_at, ports FROM bookings WHERE start_at >= ? AND start_at < ? AND status IN ('ended','handed-over')",
      f,
      t,
    );
    let peakPorts = 0;
    let peakConf = 0;
    for (const a of held) {
      const live = held.filter((b) => b.start_at <= a.start_at && a.start_at < b.end_at);
      peakConf = Math.max(peakConf, live.length);
      peakPorts = Math.max(
        peakPorts,
        live.reduce((s, b) => s + b.ports, 0),
      );
    }
    expect(peakConf).toBe(2);
    expect(report.mcu).toMatchObject({ peakConferences: peakConf, peakPorts });
    expect(report.endpoints.ready).toBe(fx.readyConfirmations);
    expect(fx.readyConfirmations).toBeGreaterThan(0);
    const used = new Set(
      (
        await sql<{ endpoint: string }>(
          `SELECT endpoint FROM booking_endpoints WHERE booking IN (SELECT code FROM bookings WHERE start_at >= ? AND start_at < ? AND status IN ('ended','handed-over'))`,
          f,
          t,
        )
      ).map((r) => r.endpoint),
    );
    expect(report.endpoints.neverUsed.map((e) => e.code)).toEqual(
      dir.endpoints
        .map((e) => e.code)
        .filter((c) => !used.has(c))
        .sort(),
    );
  });

  it("filters by agency and by level", async () => {
    const agency = cityHosts[0]!.name;
    const one = await buildReport(fx.desk, periodOf({ half: "2026H1" }), { agency }, fx.now);
    const [f, t] = H1();
    const expected = (
      await sql<{ n: number }>(
        "SELECT COUNT(*) AS n FROM bookings WHERE host = ? AND start_at >= ? AND start_at < ? AND status IN ('ended','handed-over')",
        agency,
        f,
        t,
      )
    )[0]!.n;
    expect(one.sessions.held).toBe(expected);
    expect(one.sessions.byAgency.map((a) => a.agency)).toEqual([agency]);
    const communes = await buildReport(fx.desk, periodOf({ half: "2026H1" }), { level: "commune" }, fx.now);
    expect(communes.sessions.held).toBe(report.sessions.byLevel.find((l) => l.level === "commune")!.held);
    expect(communes.endpoints.neverUsed.every((e) => e.level === "commune")).toBe(true);
  });

  it("writes a workbook with a cover, Vietnamese headers, frozen rows and every SLA miss; no secret title anywhere", async () => {
    const file = join(tempDir(), "h1.xlsx");
    await reportWorkbook(report, ZONE).xlsx.writeFile(file);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      "Bìa",
      "Tổng hợp",
      "Theo cơ quan",
      "Theo cấp",
      "Theo tháng",
      "Đăng ký",
      "Lý do",
      "Chỉ tiêu dịch vụ",
      "Vi phạm chỉ tiêu",
      "Sự cố",
      "MCU ngày cao điểm",
      "MCU khung giờ",
      "Điểm cầu chưa dùng",
    ]);
    const cover = wb.getWorksheet("Bìa")!;
    const coverText = cover.getSheetValues().flat().map(String).join("\n");
    expect(coverText).toContain("3125/QĐ-UBND");
    expect(coverText).toContain("Trả lời trong 2 giờ (Điều 12.2b)");
    expect(cover.getCell("B5").value).toBe("2026H1");
    expect((cover.getCell("B3").value as Date).toISOString()).toBe("2026-01-01T00:00:00.000Z");
    const misses = wb.getWorksheet("Vi phạm chỉ tiêu")!;
    expect(misses.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(misses.getRow(1).values).toEqual([
      undefined,
      "Chỉ tiêu",
      "Mã lịch họp",
      "Cơ quan chủ trì",
      "Hạn",
      "Thực hiện lúc",
      "Trễ (phút)",
    ]);
    const missCodes = [];
    for (let r = 2; r <= misses.rowCount; r++) missCodes.push(misses.getCell(r, 2).value);
    expect(missCodes).toEqual([fx.lateAnswer, fx.lateCheck, fx.lateHandover, fx.neverHandedOver]);
    // The late answer was due 2 h after receipt at 04:00 Hanoi time: shown as 06:00 wall-clock.
    expect((misses.getCell(2, 4).value as Date).toISOString()).toBe("2026-03-20T06:00:00.000Z");
    expect(misses.getColumn(4).numFmt).toBe("dd/mm/yyyy hh:mm");
    const summary = wb.getWorksheet("Tổng hợp")!;
    expect(summary.getCell("A2").value).toBe("Phiên họp đã tổ chức");
    expect(summary.getCell("B2").value).toBe(report.sessions.held);
    expect(summary.getColumn(1).width).toBeGreaterThanOrEqual("Thời gian khắc phục sự cố P90 (phút)".length);

    const everything = [
      JSON.stringify(report),
      reportSummary(report, ZONE),
      ...Object.values(reportCharts(report)),
      ...wb.worksheets.flatMap((w) => w.getSheetValues().flat().map(String)),
    ].join("\n");
    expect(everything).not.toContain(SECRET_TITLE);
    expect(everything).not.toContain("XK-77");
    // …but the secret session itself is counted.
    expect(report.sessions.secret).toBe(1);
  });

  it("renders the four charts as SVG with the figures in them", () => {
    const charts = reportCharts(report);
    expect(Object.keys(charts)).toEqual([
      "phien-theo-thang.svg",
      "su-co-theo-loai.svg",
      "chi-tieu-dich-vu.svg",
      "mcu-cao-diem.svg",
    ]);
    for (const svg of Object.values(charts)) expect(svg).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(charts["su-co-theo-loai.svg"]).toContain("Đường truyền");
    expect(charts["mcu-cao-diem.svg"]).toContain(`Năng lực (${DEFAULT_REGULATION.mcu.ports} cổng)`);
  });

  it("the CLI makes the H1 workbook and charts in one command, and --json prints the same report", () => {
    const out = tempDir();
    const cli = (args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/app/cli/main.ts"), ...args], {
        cwd: ROOT,
        env: { ...process.env, DESK_DB: fx.dbPath },
        encoding: "utf8",
      });
    const res = cli([
      "report",
      "--half",
      "2026H1",
      "--xlsx",
      join(out, "h1.xlsx"),
      "--charts",
      join(out, "charts"),
    ]);
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
    expect(res.stdout).toContain(
      `Đã tổ chức ${report.sessions.held}, bị hủy 1, bị nhường cho phiên ưu tiên 1.`,
    );
    expect(existsSync(join(out, "h1.xlsx"))).toBe(true);
    expect(readFileSync(join(out, "charts", "phien-theo-thang.svg"), "utf8")).toContain("<svg");
    const json = JSON.parse(
      cli(["report", "--from", "2026-01-01", "--to", "2026-06-30", "--json"]).stdout,
    ) as Report;
    expect(json.sessions).toEqual(report.sessions);
    expect(json.sla.check.misses).toEqual(report.sla.check.misses);
    expect(() => periodOf({ half: "2026H3" })).toThrow("Giá trị --half=«2026H3» không hợp lệ");
    expect(() => periodOf({ year: "2026", from: "2026-01-01" })).toThrow("Hãy chọn đúng một kỳ báo cáo");
    // The CLI takes the web desk's range: a typo's year is no year of the desk's data.
    expect(() => periodOf({ year: "1900" })).toThrow("Năm 1900 nằm ngoài phạm vi báo cáo (2000–2099).");
    expect(() => periodOf({ from: "2026-01-01", to: "9999-12-31" })).toThrow(
      "Năm 9999 nằm ngoài phạm vi báo cáo",
    );
    expect(() => periodOf({ half: "1999H2" })).toThrow("Năm 1999 nằm ngoài phạm vi báo cáo");
  }, 120_000);
});

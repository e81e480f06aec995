import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { DateTime } from "luxon";
import { STATUS_VI } from "../../core/booking/state.js";
import { atLocal, formatRangeVi, formatVi, isoLocal } from "../../core/calendar/zone.js";
import { checkDirectory } from "../../core/directory/check.js";
import type { Directory } from "../../core/directory/types.js";
import { classify, routeOf } from "../../core/incident/classify.js";
import type { Report } from "../../core/report/compute.js";
import { readMail } from "../../mail/extract.js";
import { MailReader, parseJson } from "../../mail/parse-file.js";
import { MCU_FACTORIES, type McuKind, mcuCheck } from "../../mcu/factory.js";
import type { McuAdapter } from "../../mcu/port.js";
import { Store } from "../../store/store.js";
import { type Config, loadHolidayCalendar } from "../config.js";
import { cancelBooking, type Desk, DeskError, reviewBooking } from "../desk.js";
import { directoryToCsv, readDirectoryCsv } from "../directory/csv.js";
import { MailDesk } from "../mail-desk.js";
import { table } from "./table.js";

/** A mistake the person at the terminal can fix; the message says how. Exit code 2 for usage, 1 otherwise. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export interface Io {
  out(text: string): void;
  now(): Date;
  /** All of standard input, for commands that read it. */
  stdin?(): Promise<string>;
}

export const USAGE = `Cách dùng: npm run cli -- <lệnh> [tùy chọn]

  directory import DIR                 nhập danh bạ từ DIR/agencies.csv, endpoints.csv, people.csv
  directory export DIR                 xuất danh bạ hiện có ra DIR theo cùng định dạng
  directory check [--directory DIR] [--json]
                                       liệt kê vi phạm Điều 7, 10, 19.3 (trong CSDL hoặc trong DIR)
  booking list [--from NGÀY] [--to NGÀY] [--json]
                                       các lịch họp bắt đầu trong khoảng (NGÀY dạng YYYY-MM-DD)
  booking show MÃ                      chi tiết và nhật ký của một lịch họp
  booking review MÃ confirm|reject --reason "..."   cán bộ kỹ thuật quyết định lịch chờ xem xét
  booking cancel MÃ --reason "..."     hủy một lịch họp
  schedule [--date NGÀY]               các phiên họp trong ngày, dạng bảng (mặc định hôm nay)
  jobs [--all]                         các hẹn giờ đang chờ (và đã dừng do lỗi)
  calendar [--year NĂM]                ngày nghỉ lễ, nghỉ bù và ngày làm bù trong năm
  mcu check [--kind simulator|janus|cms] [--url URL]
                                       kiểm tra nhanh kết nối MCU: tạo phòng thử, đọc trạng thái, kết thúc
  incident classify [--json]           phân loại các phản ánh sự cố (mỗi dòng một phản ánh, từ đầu vào chuẩn)
  mail parse --directory DIR [--json] TỆP.eml...
                                       đọc thư đăng ký và in các trường theo Điều 12.2a
  booking decide --directory DIR [--json] TỆP.eml...
                                       quyết định các thư theo thứ tự, trên CSDL trống chỉ có danh bạ DIR
  report (--from NGÀY --to NGÀY | --half 2026H1 | --year 2026) [--agency TÊN] [--level city|district|commune]
         [--json] [--xlsx TỆP.xlsx] [--charts THƯ_MỤC]
                                       báo cáo sử dụng hệ thống (Điều 15.2c, 19.6): tóm tắt, JSON, sổ Excel, biểu đồ SVG`;

function args(
  argv: string[],
  options: ParseArgsConfig["options"],
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true }) as {
      values: Record<string, string | boolean | undefined>;
      positionals: string[];
    };
  } catch (err) {
    throw new CliError(`Tham số không hợp lệ: ${(err as Error).message}\n\n${USAGE}`, 2);
  }
}

function parseDay(value: string, flag: string, zone: string): string {
  const dt = DateTime.fromISO(value, { zone });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !dt.isValid) {
    throw new CliError(
      `Giá trị ${flag}=«${value}» không phải ngày hợp lệ; hãy dùng dạng YYYY-MM-DD, ví dụ 2026-12-10.`,
      2,
    );
  }
  return value;
}

function openDesk(config: Config): Desk {
  return {
    store: Store.open(config.dbPath),
    reg: config.reg,
    holidays: loadHolidayCalendar(config.calendarDir),
  };
}

async function directoryCommand(config: Config, argv: string[], io: Io): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === "import" || sub === "export") {
    const { positionals } = args(rest, {});
    const dir = positionals[0];
    if (!dir) throw new CliError(`Thiếu thư mục: npm run cli -- directory ${sub} DIR`, 2);
    const desk = openDesk(config);
    try {
      if (sub === "import") {
        const parsed = readDirectoryCsv(dir);
        await desk.store.tx((r) => r.directory.replaceAll(parsed));
        const violations = checkDirectory(parsed, config.reg);
        io.out(
          `Đã nhập ${parsed.agencies.length} cơ quan, ${parsed.endpoints.length} điểm cầu, ${parsed.people.length} người.` +
            (violations.length
              ? ` Có ${violations.length} vi phạm Quy chế: chạy «directory check» để xem.`
              : ""),
        );
      } else {
        const dirData = await desk.store.read((r) => r.directory.load());
        mkdirSync(dir, { recursive: true });
        for (const [file, text] of Object.entries(directoryToCsv(dirData)))
          writeFileSync(join(dir, file), text);
        io.out(`Đã xuất danh bạ ra ${dir}.`);
      }
    } finally {
      desk.store.close();
    }
    return;
  }
  if (sub === "check") {
    const { values } = args(rest, { directory: { type: "string" }, json: { type: "boolean" } });
    let dirData: Directory;
    if (values.directory) dirData = readDirectoryCsv(values.directory as string);
    else {
      const desk = openDesk(config);
      try {
        dirData = await desk.store.read((r) => r.directory.load());
      } finally {
        desk.store.close();
      }
      if (dirData.agencies.length === 0) {
        throw new CliError(
          "Danh bạ trong cơ sở dữ liệu đang trống. Hãy chạy «npm run cli -- directory import DIR» trước.",
        );
      }
    }
    const violations = checkDirectory(dirData, config.reg);
    if (values.json) io.out(JSON.stringify(violations, null, 2));
    else if (violations.length === 0) io.out("Danh bạ không có vi phạm nào theo Điều 7, 10 và 19.3.");
    else {
      io.out(
        table(
          ["Điều", "Cơ quan", "Điểm cầu", "Nội dung"],
          violations.map((v) => [v.article, v.agency, v.endpoints.join(", "), v.message]),
        ),
      );
      io.out(`\nTổng cộng ${violations.length} vi phạm.`);
    }
    return;
  }
  throw new CliError(`Lệnh «directory ${sub ?? ""}» không tồn tại.\n\n${USAGE}`, 2);
}

async function bookingCommand(config: Config, argv: string[], io: Io): Promise<void> {
  const [sub, ...rest] = argv;
  const zone = config.reg.zone;
  const desk = openDesk(config);
  try {
    if (sub === "list") {
      const { values } = args(rest, {
        from: { type: "string" },
        to: { type: "string" },
        json: { type: "boolean" },
      });
      const from = values.from
        ? atLocal(parseDay(values.from as string, "--from", zone), "00:00", zone)
        : undefined;
      const to = values.to
        ? new Date(
            atLocal(parseDay(values.to as string, "--to", zone), "00:00", zone).getTime() + 24 * 3600_000,
          )
        : undefined;
      const list = await desk.store.read((r) => r.bookings.list({ from, to }));
      if (values.json) {
        io.out(
          JSON.stringify(
            list.map((b) => ({
              code: b.code,
              status: b.status,
              host: b.request.host,
              start: b.request.start ? isoLocal(b.request.start, zone) : null,
              end: b.request.end ? isoLocal(b.request.end, zone) : null,
              title: b.request.secret ? null : b.request.title,
              participants: b.request.participants,
              secret: b.request.secret,
            })),
            null,
            2,
          ),
        );
        return;
      }
      if (list.length === 0) return io.out("Không có lịch họp nào trong khoảng này.");
      io.out(
        table(
          ["Mã", "Trạng thái", "Thời gian", "Cơ quan chủ trì", "Số điểm cầu"],
          list.map((b) => [
            b.code,
            STATUS_VI[b.status],
            b.request.start && b.request.end ? formatRangeVi(b.request.start, b.request.end, zone) : "—",
            b.request.host ?? "—",
            String(b.request.participants.length),
          ]),
        ),
      );
      return;
    }
    if (sub === "decide") {
      desk.store.close();
      return decideCommand(config, rest, io);
    }
    if (sub === "show") {
      const code = (rest[0] ?? "").toUpperCase();
      if (!code) throw new CliError("Thiếu mã lịch họp: npm run cli -- booking show HTT-2026-0042", 2);
      const [b, events] = await desk.store.read(
        async (r) => [await r.bookings.get(code), await r.bookings.events(code)] as const,
      );
      if (!b) throw new CliError(`Không tìm thấy lịch họp ${code}.`);
      const q = b.request;
      io.out(
        [
          `${b.code} — ${STATUS_VI[b.status]}`,
          `Cơ quan chủ trì: ${q.host ?? "—"}`,
          `Thời gian: ${q.start && q.end ? formatRangeVi(q.start, q.end, zone) : "—"}`,
          `Nội dung: ${q.secret ? "(nội dung mật, không hiển thị)" : (q.title ?? "—")}`,
          `Điểm cầu: ${[b.hostEndpoint, ...q.participants].filter(Boolean).join(", ") || "—"}`,
          `Liên hệ: ${q.contact ? `${q.contact.name} ${q.contact.phone}` : "—"}`,
          "",
          table(
            ["Lúc", "Từ", "Sang", "Ai", "Kênh", "Lý do"],
            events.map((e) => [
              formatVi(e.at, zone),
              e.from ? STATUS_VI[e.from] : "—",
              STATUS_VI[e.to],
              e.actor,
              e.channel,
              e.reason,
            ]),
          ),
        ].join("\n"),
      );
      return;
    }
    if (sub === "review" || sub === "cancel") {
      const { values, positionals } = args(rest, { reason: { type: "string" }, by: { type: "string" } });
      const code = (positionals[0] ?? "").toUpperCase();
      const reason = (values.reason as string | undefined)?.trim();
      if (!code || !reason) {
        throw new CliError(
          sub === "review"
            ? 'Cách dùng: npm run cli -- booking review MÃ confirm|reject --reason "lý do"'
            : 'Cách dùng: npm run cli -- booking cancel MÃ --reason "lý do"',
          2,
        );
      }
      const actor = { id: `cli:${(values.by as string | undefined) ?? "kythuat"}`, channel: "cli" as const };
      try {
        if (sub === "review") {
          const verdict = positionals[1];
          if (verdict !== "confirm" && verdict !== "reject") {
            throw new CliError("Quyết định phải là «confirm» (xác nhận) hoặc «reject» (từ chối).", 2);
          }
          const b = await reviewBooking(
            desk,
            code,
            verdict === "confirm" ? "confirmed" : "rejected",
            actor,
            reason,
            io.now(),
          );
          io.out(`${b.code}: ${STATUS_VI[b.status]}.`);
        } else {
          // Without an inbound key the cancellation always happens (or throws).
          const b = (await cancelBooking(desk, code, actor, reason, io.now()))!;
          io.out(`${b.code}: ${STATUS_VI[b.status]}.`);
        }
      } catch (err) {
        if (err instanceof DeskError) throw new CliError(err.message);
        throw err;
      }
      return;
    }
    throw new CliError(`Lệnh «booking ${sub ?? ""}» không tồn tại.\n\n${USAGE}`, 2);
  } finally {
    desk.store.close();
  }
}

async function scheduleCommand(config: Config, argv: string[], io: Io): Promise<void> {
  const { values } = args(argv, { date: { type: "string" } });
  const zone = config.reg.zone;
  const day = values.date
    ? parseDay(values.date as string, "--date", zone)
    : DateTime.fromJSDate(io.now(), { zone }).toISODate()!;
  const from = atLocal(day, "00:00", zone);
  const to = new Date(from.getTime() + 24 * 3600_000);
  const desk = openDesk(config);
  try {
    const list = await desk.store.read((r) =>
      r.bookings.list({
        from,
        to,
        statuses: ["needs-review", "confirmed", "checked", "live", "ended", "handed-over"],
      }),
    );
    io.out(`Lịch họp trực tuyến ngày ${day.split("-").reverse().join("/")}`);
    if (list.length === 0) return io.out("Không có phiên họp nào.");
    io.out(
      table(
        ["Giờ", "Mã", "Trạng thái", "Chủ trì", "Nội dung", "Điểm cầu"],
        list.map((b) => [
          `${DateTime.fromJSDate(b.request.start!, { zone }).toFormat("HH:mm")}–${DateTime.fromJSDate(b.request.end!, { zone }).toFormat("HH:mm")}`,
          b.code,
          STATUS_VI[b.status],
          b.request.host ?? "—",
          b.request.secret ? "(mật)" : (b.request.title ?? "—"),
          String([b.hostEndpoint, ...b.request.participants].filter(Boolean).length),
        ]),
      ),
    );
  } finally {
    desk.store.close();
  }
}

async function jobsCommand(config: Config, argv: string[], io: Io): Promise<void> {
  const { values } = args(argv, { all: { type: "boolean" } });
  const desk = openDesk(config);
  try {
    const list = await desk.store.read((r) =>
      r.jobs.list(values.all ? ["pending", "parked", "done", "cancelled"] : ["pending", "parked"]),
    );
    if (list.length === 0) return io.out("Không có hẹn giờ nào đang chờ.");
    io.out(
      table(
        ["Lúc", "Loại", "Đối tượng", "Trạng thái", "Lần thử", "Lỗi gần nhất"],
        list.map((j) => [
          formatVi(j.runAt, config.reg.zone),
          j.kind,
          j.key,
          j.status,
          String(j.attempts),
          j.lastError ?? "",
        ]),
      ),
    );
  } finally {
    desk.store.close();
  }
}

async function calendarCommand(config: Config, argv: string[], io: Io): Promise<void> {
  const { values } = args(argv, { year: { type: "string" } });
  const year = values.year
    ? Number(values.year)
    : DateTime.fromJSDate(io.now(), { zone: config.reg.zone }).year;
  if (!Number.isInteger(year) || year < 2000 || year > 2100) {
    throw new CliError(`Năm «${values.year}» không hợp lệ (2000–2100).`, 2);
  }
  const cal = loadHolidayCalendar(config.calendarDir);
  io.out(
    table(
      ["Ngày", "", "Lý do"],
      cal
        .listYear(year)
        .map((d) => [d.date.split("-").reverse().join("/"), d.working ? "làm việc" : "nghỉ", d.name]),
    ),
  );
}

function mailArgs(argv: string[], usage: string) {
  const { values, positionals } = args(argv, { directory: { type: "string" }, json: { type: "boolean" } });
  if (!values.directory || positionals.length === 0) throw new CliError(`Cách dùng: ${usage}`, 2);
  for (const f of positionals) if (!existsSync(f)) throw new CliError(`Không tìm thấy tệp ${f}.`);
  return {
    dir: readDirectoryCsv(values.directory as string),
    files: positionals,
    json: Boolean(values.json),
  };
}

function own(config: Config) {
  return { addresses: [config.mail.address], messageIdDomain: config.mail.messageIdDomain };
}

async function mailParseCommand(config: Config, argv: string[], io: Io): Promise<void> {
  const { dir, files, json } = mailArgs(argv, "npm run cli -- mail parse --directory DIR --json TỆP.eml...");
  const reader = new MailReader(dir, config.reg, own(config));
  for (const file of files) {
    let line: ReturnType<typeof parseJson>;
    try {
      line = parseJson(file, (await reader.readFile(file)).parsed, config.reg.zone);
    } catch (err) {
      throw new CliError(`Không đọc được thư ${file}: ${(err as Error).message}`);
    }
    io.out(json ? JSON.stringify(line) : JSON.stringify(line, null, 2));
  }
}

/** `booking decide`: an empty store holding the directory; each file decided at its Date header, in order. */
async function decideCommand(config: Config, argv: string[], io: Io): Promise<void> {
  const { dir, files, json } = mailArgs(
    argv,
    "npm run cli -- booking decide --directory DIR --json TỆP.eml...",
  );
  const tmp = mkdtempSync(join(tmpdir(), "desk-decide-"));
  const store = Store.open(join(tmp, "decide.db"));
  try {
    await store.tx((r) => r.directory.replaceAll(dir));
    const desk: Desk = { store, reg: config.reg, holidays: loadHolidayCalendar(config.calendarDir) };
    const mailDesk = new MailDesk(desk, {
      own: own(config),
      officialDomains: config.mail.officialDomains,
      requireAuth: config.mail.requireAuth,
      maxBytes: config.mail.maxBytes,
      replyCapPerSender: Number.MAX_SAFE_INTEGER,
      replyCapPerBooking: Number.MAX_SAFE_INTEGER,
    });
    for (const file of files) {
      const raw = readFileSync(file);
      const date = (await readMail(raw, own(config)).catch(() => null))?.date ?? io.now();
      const o = await mailDesk.handle(raw, date);
      const line =
        o.kind === "registered" || o.kind === "changed" || o.kind === "change-refused"
          ? {
              file,
              decision: o.decision.outcome,
              code: o.code,
              reasons: [...new Set(o.decision.reasons.map((r) => r.code))],
              displaced: o.decision.displaced,
            }
          : o.kind === "refused"
            ? {
                file,
                decision: "rejected",
                code: null,
                reasons: [
                  o.reason === "not-booking-agency"
                    ? "not-official-sender"
                    : o.reason === "not-authenticated"
                      ? "not-official-sender"
                      : o.reason,
                ],
                displaced: [],
              }
            : o.kind === "cancelled"
              ? { file, decision: "cancelled", code: o.code, reasons: [], displaced: [] }
              : { file, decision: "ignored", code: null, reasons: [], displaced: [] };
      io.out(json ? JSON.stringify(line) : JSON.stringify(line, null, 2));
    }
  } finally {
    store.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** `incident classify --json`: one fault report per input line → `{"text","category","route"}` per line. */
async function classifyCommand(argv: string[], io: Io): Promise<void> {
  const { values } = args(argv, { json: { type: "boolean" } });
  const input = io.stdin ? await io.stdin() : "";
  for (const text of input.split(/\r?\n/)) {
    if (!text.trim()) continue;
    const category = classify(text);
    const line = { text, category, route: routeOf(category) };
    io.out(values.json ? JSON.stringify(line) : `${category}\t${line.route}\t${text}`);
  }
}

/** `mcu check`: flags override the configured MCU; the CMS account comes only from the environment. */
async function mcuCheckCommand(config: Config, argv: string[], io: Io): Promise<void> {
  const { values } = args(argv, { kind: { type: "string" }, url: { type: "string" } });
  const kind = (values.kind as string | undefined) ?? config.mcu.kind;
  if (!(kind in MCU_FACTORIES)) {
    throw new CliError(`Loại MCU «${kind}» không được hỗ trợ (simulator, janus, cms).`, 2);
  }
  const base: Record<string, unknown> = kind === config.mcu.kind ? config.mcu.settings : {};
  const url =
    (values.url as string | undefined) ??
    (base.url as string | undefined) ??
    (kind === "janus" ? "http://127.0.0.1:8088/janus" : undefined);
  let mcu: McuAdapter;
  try {
    mcu = MCU_FACTORIES[kind as McuKind]({ ...base, ...(url ? { url } : {}) });
  } catch (err) {
    const issues = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
    const detail = issues
      ? issues.map((i) => `\n- ${i.path.join(".")}: ${i.message}`).join("")
      : ` ${(err as Error).message}`;
    throw new CliError(`Cấu hình MCU không hợp lệ:${detail}`, 2);
  }
  io.out(`Kiểm tra MCU loại ${kind}${values.url ? ` tại ${values.url}` : ""}:`);
  const ok = await mcuCheck(mcu, (s) => io.out(`  ${s.ok ? "✓" : "✗"} ${s.step}: ${s.detail}`));
  if (!ok) throw new CliError("Kiểm tra MCU không đạt: xem bước lỗi ở trên.");
  io.out("Kiểm tra MCU đạt.");
}

// --- report (issue 11) ---
async function reportCommand(config: Config, argv: string[], io: Io): Promise<void> {
  const { values } = args(argv, {
    from: { type: "string" },
    to: { type: "string" },
    half: { type: "string" },
    year: { type: "string" },
    agency: { type: "string" },
    level: { type: "string" },
    json: { type: "boolean" },
    xlsx: { type: "string" },
    charts: { type: "string" },
  });
  const str = (k: string) => values[k] as string | undefined;
  // Loaded on demand: echarts and exceljs are large, and every other command would pay for them at start-up.
  const { buildReport, levelOf, periodOf, ReportInputError } = await import("../report/report.js");
  const { reportSummary } = await import("../report/summary.js");
  const desk = openDesk(config);
  try {
    let report: Report;
    try {
      const period = periodOf({ from: str("from"), to: str("to"), half: str("half"), year: str("year") });
      report = await buildReport(
        desk,
        period,
        { agency: str("agency"), level: levelOf(str("level")) },
        io.now(),
      );
    } catch (err) {
      if (err instanceof ReportInputError) throw new CliError(err.message, 2);
      throw err;
    }
    const zone = config.reg.zone;
    if (values.json) io.out(JSON.stringify(report, null, 2));
    else io.out(reportSummary(report, zone));
    const xlsx = str("xlsx");
    if (xlsx) {
      const { writeReportWorkbook } = await import("../report/workbook.js");
      await writeReportWorkbook(report, zone, xlsx);
      if (!values.json) io.out(`Đã ghi sổ Excel: ${xlsx}`);
    }
    const dir = str("charts");
    if (dir) {
      mkdirSync(dir, { recursive: true });
      const { reportCharts } = await import("../report/charts.js");
      const charts = reportCharts(report);
      for (const [file, svg] of Object.entries(charts)) writeFileSync(join(dir, file), svg);
      if (!values.json) io.out(`Đã ghi ${Object.keys(charts).length} biểu đồ SVG vào ${dir}`);
    }
  } finally {
    desk.store.close();
  }
}

export async function runCli(argv: string[], config: Config, io: Io): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case "directory":
      return directoryCommand(config, rest, io);
    case "booking":
      return bookingCommand(config, rest, io);
    case "schedule":
      return scheduleCommand(config, rest, io);
    case "jobs":
      return jobsCommand(config, rest, io);
    case "calendar":
      return calendarCommand(config, rest, io);
    case "incident":
      if (rest[0] !== "classify")
        throw new CliError(`Lệnh «incident ${rest[0] ?? ""}» không tồn tại.\n\n${USAGE}`, 2);
      return classifyCommand(rest.slice(1), io);
    case "mcu":
      if (rest[0] !== "check")
        throw new CliError(`Lệnh «mcu ${rest[0] ?? ""}» không tồn tại.\n\n${USAGE}`, 2);
      return mcuCheckCommand(config, rest.slice(1), io);
    case "mail":
      if (rest[0] !== "parse")
        throw new CliError(`Lệnh «mail ${rest[0] ?? ""}» không tồn tại.\n\n${USAGE}`, 2);
      return mailParseCommand(config, rest.slice(1), io);
    case "report":
      return reportCommand(config, rest, io);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      io.out(USAGE);
      return;
    default:
      throw new CliError(`Lệnh «${command}» không tồn tại.\n\n${USAGE}`, 2);
  }
}

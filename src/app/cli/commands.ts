import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { DateTime } from "luxon";
import { OUTCOME_VI } from "../../core/booking/messages.js";
import { STATUS_VI } from "../../core/booking/state.js";
import { type Booking, type BookingStatus, REASON_VI, type ReasonCode } from "../../core/booking/types.js";
import { atLocal, dateVi, formatRangeVi, formatVi, isoLocal } from "../../core/calendar/zone.js";
import { chairWarnings, checkDirectory } from "../../core/directory/check.js";
import type { Directory } from "../../core/directory/types.js";
import { classify, routeOf } from "../../core/incident/classify.js";
import { DEFAULT_RETRY, nextAttemptAt } from "../../core/jobs/backoff.js";
import type { Report } from "../../core/report/compute.js";
import { readMail } from "../../mail/extract.js";
import { MailReader, parseJson } from "../../mail/parse-file.js";
import { smtpSender } from "../../mail/smtp-sender.js";
import { MCU_FACTORIES, type McuKind, mcuCheck } from "../../mcu/factory.js";
import type { McuAdapter } from "../../mcu/port.js";
import type { BookingRange } from "../../store/booking-repo.js";
import { isPostgresUrl, maskUrl, maskUrlsIn } from "../../store/pg/url.js";
import { type Repos, Store } from "../../store/store.js";
import {
  cancelBooking,
  changeBooking,
  declassifyBooking,
  reviewBooking,
  slotFromInput,
} from "../booking/index.js";
import { type Config, loadHolidayCalendar } from "../config.js";
import { type Desk, DeskError } from "../desk.js";
import { DirectoryCsvError, directoryToCsv, readDirectoryCsv } from "../directory/csv.js";
import { importDirectory, readDirectoryRoster } from "../directory/import.js";
import { domainsVi, type OutsideMailbox } from "../directory/mailbox-changes.js";
import { checkInputFile, InputFileError, readInputFile } from "../input-file.js";
import { MailDesk, type MailOutcome, mailDeskOptions } from "../mail-desk.js";
import { backupDatabase, RestoreRefused, restoreDatabase } from "../ops/backup.js";
import { newCorrelationId, withCorrelation } from "../ops/context.js";
import { PermanentSendError } from "../outbox-worker.js";
import { parseArgsErrorVi } from "./args-vi.js";
import { DUTY_USAGE_CLI, dutyCommand } from "./duty.js";
import { endpointCount, JOB_STATUS_VI, jobKindVi } from "./labels.js";
import { QUARANTINE_USAGE, quarantineCommand } from "./quarantine.js";
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
  /** A secret typed at a terminal without echo (main.ts on a TTY); otherwise `stdin` is read. */
  password?(prompt: string): Promise<string>;
}

export const USAGE = `Cách dùng: npm run cli -- <lệnh> [tùy chọn]

  directory import DIR|TỆP.xlsx [--force] [--truc TỆP.csv]
                                       nhập danh bạ từ DIR/agencies.csv, endpoints.csv, people.csv
                                       hoặc từ sổ Excel TỆP.xlsx (ba trang agencies, endpoints, people)
                                       (và lịch trực DIR/duty.csv hoặc TỆP.csv nếu có, như «truc nhap»)
                                       (--force: nhập cả khi lịch họp sắp tới mất điểm cầu)
  directory export DIR|TỆP.xlsx [--force]
                                       xuất danh bạ hiện có ra DIR theo cùng định dạng, hoặc ra sổ Excel
                                       TỆP.xlsx (ô dạng văn bản: giữ số 0 đầu của token VPN, mã tài khoản)
                                       (--force: ghi đè các tệp CSV, sổ Excel đã có)
  directory check [--directory DIR|TỆP.xlsx] [--json]
                                       liệt kê vi phạm Điều 7, 10, 19.3 (trong CSDL, trong DIR hoặc sổ Excel)
  booking list [--from NGÀY] [--to NGÀY] [--page N | --after MÃ] [--limit M] [--json]
                                       các lịch họp bắt đầu trong khoảng (NGÀY dạng YYYY-MM-DD), từng trang
                                       M lịch (mặc định 200); --json không chia trang nếu không ghi --page/--limit;
                                       --after MÃ: trang ngay sau lịch MÃ (mã in ở cuối trang trước)
  booking show MÃ                      chi tiết và nhật ký của một lịch họp
  booking review MÃ confirm|reject --reason "..."   cán bộ kỹ thuật quyết định lịch chờ xem xét
  booking cancel MÃ --reason "..."     hủy một lịch họp
  booking move MÃ --ngay NGÀY --tu HH:MM --den HH:MM
                                       đổi thời gian một lịch họp (Quy chế được xét lại; không bố trí được
                                       thì lịch giữ nguyên và không gửi thư nào)
  booking declassify MÃ --reason "..." bỏ đánh dấu mật (Điều 5.2) khi dấu hiệu mật bị nhận nhầm
  schedule [--date NGÀY] [--page N | --after MÃ] [--limit M]
                                       các phiên họp trong ngày, dạng bảng (mặc định hôm nay), từng trang
  jobs [--all]                         các hẹn giờ đang chờ (và đã dừng do lỗi)
  calendar [--year NĂM]                ngày nghỉ lễ, nghỉ bù và ngày làm bù trong năm
  mcu check [--kind simulator|janus|cms] [--url URL]
                                       kiểm tra nhanh kết nối MCU: tạo phòng thử, đọc trạng thái, kết thúc
  incident classify [--json]           phân loại các phản ánh sự cố (mỗi dòng một phản ánh, từ đầu vào chuẩn)
  mail parse --directory DIR [--json] TỆP.eml...
                                       đọc thư đăng ký và in các trường theo Điều 12.2a
  booking decide --directory DIR [--json] TỆP.eml...
                                       quyết định các thư theo thứ tự, trên CSDL trống chỉ có danh bạ DIR
  mail ingest TỆP.eml...               xử lý thư đã lưu (chuyển từ điện thoại, lưu từ Outlook) như thư đến qua
                                       IMAP, vào CSDL; trả lời qua SMTP nếu đã cấu hình, nếu không thì in ra
${QUARANTINE_USAGE}
  db backup TỆP                        sao lưu CSDL đang chạy ra TỆP (nhất quán, không cần dừng dịch vụ;
                                       PostgreSQL: pg_dump -Fc)
  db restore TỆP [--to ĐƯỜNG_DẪN|postgres://…] [--force]
                                       khôi phục TỆP vào CSDL mới (mặc định DESK_DB), kiểm tra và đếm bản ghi;
                                       PostgreSQL: pg_restore vào một CSDL trống
  db copy --from TỆP --to postgres://…  chép CSDL SQLite TỆP sang một CSDL PostgreSQL trống, đếm và so số dòng
  user password TÊN                    đặt mật khẩu bàn kỹ thuật trên web cho một người trong danh bạ (quản trị
                                       viên, kỹ thuật MCU, trực ban WAN); TÊN là địa chỉ thư hoặc họ tên;
                                       mật khẩu đọc từ đầu vào chuẩn (không hiện khi gõ)
  doctor                               kiểm tra cấu hình, CSDL, thư, Telegram, Zalo, MCU, ổ đĩa, sao lưu
  report (--from NGÀY --to NGÀY | --half 2026H1 | --year 2026) [--agency TÊN] [--level city|district|commune]
         [--json] [--xlsx TỆP.xlsx] [--charts THƯ_MỤC] [--force]
                                       báo cáo sử dụng hệ thống (Điều 15.2c, 19.6): tóm tắt, JSON, sổ Excel, biểu đồ SVG
                                       (--force: ghi đè sổ Excel, biểu đồ đã có)
${DUTY_USAGE_CLI}`;

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
    throw new CliError(`Tham số không hợp lệ: ${parseArgsErrorVi(err)}\n\n${USAGE}`, 2);
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

/** Rows per page of `booking list` and `schedule` when --limit is not given. */
const DEFAULT_PAGE_LIMIT = 200;
const PAGING_OPTIONS = {
  page: { type: "string" },
  limit: { type: "string" },
  after: { type: "string" },
} as const;

interface Paging {
  page: number;
  limit: number;
  /** --after MÃ: the page after that booking (keyset: a seek on the start index, however deep the page). */
  after?: string;
}

/** --page N, --limit M (positive integers) and --after MÃ; null when none is given. */
function parsePaging(values: Record<string, string | boolean | undefined>): Paging | null {
  if (values.after !== undefined) {
    if (values.page !== undefined) {
      throw new CliError("Không dùng --page cùng với --after; --after đã chỉ rõ trang tiếp theo.", 2);
    }
    const after = String(values.after).trim().toUpperCase();
    if (!after) throw new CliError("Thiếu mã lịch họp sau --after, ví dụ --after HTT-2026-0042.", 2);
    return { ...(parsePaging({ limit: values.limit }) ?? { page: 1, limit: DEFAULT_PAGE_LIMIT }), after };
  }
  if (values.page === undefined && values.limit === undefined) return null;
  const positive = (flag: "page" | "limit", fallback: number) => {
    const v = values[flag];
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!/^\d+$/.test(String(v)) || !Number.isSafeInteger(n) || n < 1) {
      throw new CliError(
        `Giá trị --${flag}=«${v}» không hợp lệ; hãy dùng số nguyên dương, ví dụ --${flag} 2.`,
        2,
      );
    }
    return n;
  };
  return { page: positive("page", 1), limit: positive("limit", DEFAULT_PAGE_LIMIT) };
}

/**
 * Where a page sits in the whole list (`before`: rows ahead of it), and how to get the next one: `--after` the
 * page's last booking, a keyset seek that costs the same on the last page as on the first.
 */
function pageFooter(
  before: number,
  shown: number,
  limit: number,
  total: number,
  what: string,
  lastCode: string | undefined,
): string {
  const pages = Math.max(1, Math.ceil(total / limit));
  const page = Math.min(pages, Math.floor(before / limit) + 1);
  const first = before + 1;
  const last = before + shown;
  const range = shown === 0 ? "không có dòng nào ở trang này" : `${what} ${first}–${last}`;
  const next = last < total && lastCode ? ` Trang sau: --after ${lastCode}.` : "";
  return `Trang ${page}/${pages} — ${range} trên tổng số ${total}.${next}`;
}

/** One page of a range: by keyset after --after's booking, else by --page; with the rows ahead of it. */
async function listPage(
  r: Repos,
  range: BookingRange,
  paging: Paging,
): Promise<{ list: Booking[]; before: number; total: number }> {
  if (paging.after) {
    const after = await r.bookings.cursorOf(paging.after);
    if (!after) {
      throw new CliError(
        `Không có lịch họp mã ${paging.after} (--after); hãy dùng mã in ở cuối trang trước.`,
        1,
      );
    }
    // The page is a seek; the footer's total and position come from one scan of the range's index entries.
    const list = await r.bookings.list(range, { limit: paging.limit, after });
    return { list, ...(await r.bookings.position(range, after)) };
  }
  const offset = (paging.page - 1) * paging.limit;
  return {
    list: await r.bookings.list(range, { limit: paging.limit, offset }),
    before: offset,
    total: (await r.bookings.position(range, null)).total,
  };
}

async function openDesk(config: Config): Promise<Desk> {
  let store: Store;
  try {
    store = await Store.connect(config.dbPath, { chat: Boolean(config.telegram || config.zalo) });
  } catch (err) {
    // PostgreSQL unreachable, refused or unknown database: the operator's fix, not a bug. The URL is shown masked.
    if (!isPostgresUrl(config.dbPath)) throw err;
    throw new CliError(
      `Không kết nối được cơ sở dữ liệu ${maskUrl(config.dbPath)}: ${maskUrlsIn((err as Error).message)}. ` +
        "Hãy kiểm tra DESK_DB (máy chủ, cổng, tên cơ sở dữ liệu, người dùng, mật khẩu) và máy chủ PostgreSQL.",
    );
  }
  return { store, reg: config.reg, holidays: loadHolidayCalendar(config.calendarDir) };
}

/**
 * The CLI's word on official mailboxes outside DESK_OFFICIAL_DOMAINS: imported, but each named (mail from it books,
 * changes and cancels the agency's sessions).
 */
function outsideNotice(list: OutsideMailbox[], domains: readonly string[]): string {
  return [
    `Cảnh báo: ${list.length} hòm thư công vụ nằm ngoài miền thư công vụ (${domainsVi(domains)}); thư từ các hòm thư này đăng ký, đổi, hủy lịch thay cơ quan. Hãy xác minh với từng cơ quan:`,
    ...list.map((o) => `- ${o.agency}: ${o.mailbox}${o.added ? " (mới)" : ""}`),
  ].join("\n");
}

async function directoryCommand(config: Config, argv: string[], io: Io): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === "import" || sub === "export") {
    const { values, positionals } = args(
      rest,
      sub === "import"
        ? { force: { type: "boolean" }, truc: { type: "string" } }
        : { force: { type: "boolean" } },
    );
    const dir = positionals[0];
    if (!dir) throw new CliError(`Thiếu thư mục: npm run cli -- directory ${sub} DIR`, 2);
    const desk = await openDesk(config);
    try {
      // A file given to import is read as a workbook (an old .xls or a CSV is then named for what it is); a
      // name ending in .xlsx is one to write on export.
      const xlsx = /\.xlsx$/i.test(dir) || (sub === "import" && isFile(dir));
      if (sub === "import") {
        // The stored directory, against which a token Excel stripped of its leading zeros is recognised.
        const known = await desk.store.read((r) => r.directory.load());
        // exceljs is loaded on demand, as for `report --xlsx`.
        const parsed = xlsx
          ? await import("../directory/xlsx.js").then((m) =>
              m.readDirectoryXlsx(readBounded(dir, m.MAX_XLSX_BYTES, m.XLSX_FILE), { known }),
            )
          : readDirectoryCsv(dir, { known });
        // A duty roster comes along: DIR/duty.csv, or the file of --truc; a bad row imports nothing.
        const roster = readDirectoryRoster(dir, values.truc as string | undefined);
        if (roster?.errors.length)
          throw new CliError(
            `Lịch trực ${roster.file} không hợp lệ, không nhập gì (cả danh bạ):\n${roster.errors.join("\n")}`,
          );
        const outcome = await importDirectory(desk.store, parsed, {
          now: io.now(),
          force: Boolean(values.force),
          ...(roster ? { roster: roster.shifts } : {}),
          by: `CLI, tài khoản máy chủ ${cliUser()}`,
          officialDomains: config.mail.officialDomains,
        });
        if (outcome.unknownOnDuty?.length)
          throw new CliError(
            `Không nhập danh bạ: lịch trực ${roster!.file} nêu người không có trong danh bạ mới với vai trò tương ứng: ${outcome.unknownOnDuty.join(", ")}.`,
          );
        const orphans = outcome.orphaned.map(
          (o) => `- ${o.code} (${formatVi(o.start, config.reg.zone)}): ${o.endpoints.join(", ")}`,
        );
        if (!outcome.imported) {
          throw new CliError(
            `Không nhập danh bạ: danh bạ mới bỏ điểm cầu mà lịch họp sắp tới còn dùng:\n${orphans.join("\n")}\n` +
              "Hãy đổi hoặc hủy các lịch họp này trước, hoặc chạy lại với --force nếu chắc chắn.",
          );
        }
        const violations = checkDirectory(parsed, config.reg);
        const warnings = chairWarnings(parsed);
        io.out(
          `Đã nhập ${parsed.agencies.length} cơ quan, ${parsed.endpoints.length} điểm cầu, ${parsed.people.length} người${roster ? `, ${roster.shifts.length} ca trực` : ""}.` +
            (violations.length
              ? ` Có ${violations.length} vi phạm Quy chế: chạy «directory check» để xem.`
              : "") +
            (warnings.length
              ? ` Có ${warnings.length} cảnh báo về cơ quan chủ trì (Điều 11.1): chạy «directory check» để xem.`
              : ""),
        );
        if (orphans.length) {
          io.out(`Đã nhập dù các lịch họp sau mất điểm cầu (--force):\n${orphans.join("\n")}`);
        }
        if (outcome.outside?.length) io.out(outsideNotice(outcome.outside, config.mail.officialDomains));
        if (outcome.closedAccounts?.length)
          io.out(
            `Đã đóng tài khoản web của người không còn ở bàn kỹ thuật trong danh bạ mới: ${outcome.closedAccounts.join(", ")}. Nếu cần, đặt lại mật khẩu bằng «npm run cli -- user password TÊN».`,
          );
      } else {
        const dirData = await desk.store.read((r) => r.directory.load());
        if (xlsx) {
          if (!values.force) refuseOverwrite([dir]);
          const bytes = await (await import("../directory/xlsx.js")).directoryToXlsx(dirData);
          await writing(dir, async () => {
            writeFileSync(dir, bytes, { mode: 0o600 });
            chmodSync(dir, 0o600);
          });
          io.out(`Đã xuất danh bạ ra sổ Excel ${dir}.`);
          return;
        }
        const files = Object.entries(directoryToCsv(dirData));
        // The CSVs in a folder are often the operator's edited copy, waiting for an import: never lost unasked.
        if (!values.force) refuseOverwrite(files.map(([file]) => join(dir, file)));
        mkdirSync(dir, { recursive: true });
        // Phones and VPN tokens: readable by the operator's account only, as a quarantined mail is.
        // The mode applies only when a file is created: one overwritten with --force is narrowed too.
        for (const [file, text] of files) {
          writeFileSync(join(dir, file), text, { mode: 0o600 });
          chmodSync(join(dir, file), 0o600);
        }
        io.out(`Đã xuất danh bạ ra ${dir}.`);
      }
    } finally {
      await desk.store.close();
    }
    return;
  }
  if (sub === "check") {
    const { values } = args(rest, { directory: { type: "string" }, json: { type: "boolean" } });
    let dirData: Directory;
    let noPeople = false;
    if (values.directory) {
      const folder = values.directory as string;
      if (/\.xlsx$/i.test(folder) || isFile(folder)) {
        const m = await import("../directory/xlsx.js");
        dirData = await m.readDirectoryXlsx(readBounded(folder, m.MAX_XLSX_BYTES, m.XLSX_FILE));
      } else {
        noPeople = existsSync(join(folder, "agencies.csv")) && !existsSync(join(folder, "people.csv"));
        dirData = readDirectoryCsv(folder, { peopleOptional: true });
      }
    } else {
      const desk = await openDesk(config);
      try {
        dirData = await desk.store.read((r) => r.directory.load());
      } finally {
        await desk.store.close();
      }
      if (dirData.agencies.length === 0) {
        throw new CliError(
          "Danh bạ trong cơ sở dữ liệu đang trống. Hãy chạy «npm run cli -- directory import DIR» trước.",
        );
      }
    }
    const violations = checkDirectory(dirData, config.reg);
    const warnings = chairWarnings(dirData);
    if (values.json) {
      io.out(JSON.stringify([...violations, ...warnings.map((w) => ({ ...w, warning: true }))], null, 2));
      return;
    }
    if (noPeople) {
      io.out(
        `Không có tệp people.csv trong ${values.directory}: mọi điểm cầu đều chưa có lãnh đạo phụ trách và cán bộ kỹ thuật (Điều 19.3).`,
      );
    }
    if (violations.length === 0) io.out("Danh bạ không có vi phạm nào theo Điều 7, 10 và 19.3.");
    else {
      io.out(
        table(
          ["Điều", "Cơ quan", "Điểm cầu", "Nội dung"],
          violations.map((v) => [v.article, v.agency, v.endpoints.join(", "), v.message]),
        ),
      );
      io.out(`\nTổng cộng ${violations.length} vi phạm.`);
    }
    if (warnings.length) {
      io.out(`\nCảnh báo (Điều 11.1):\n${warnings.map((w) => `- ${w.message}`).join("\n")}`);
    }
    return;
  }
  throw new CliError(`Lệnh «directory ${sub ?? ""}» không tồn tại.\n\n${USAGE}`, 2);
}

async function bookingCommand(config: Config, argv: string[], io: Io): Promise<void> {
  const [sub, ...rest] = argv;
  const zone = config.reg.zone;
  const desk = await openDesk(config);
  try {
    if (sub === "list") {
      const { values } = args(rest, {
        from: { type: "string" },
        to: { type: "string" },
        json: { type: "boolean" },
        ...PAGING_OPTIONS,
      });
      // People read pages; a JSON consumer gets the whole range unless it asks for a page.
      const paging = parsePaging(values) ?? (values.json ? null : { page: 1, limit: DEFAULT_PAGE_LIMIT });
      const from = values.from
        ? atLocal(parseDay(values.from as string, "--from", zone), "00:00", zone)
        : undefined;
      const to = values.to
        ? new Date(
            atLocal(parseDay(values.to as string, "--to", zone), "00:00", zone).getTime() + 24 * 3600_000,
          )
        : undefined;
      if (from && to && from >= to) {
        throw new CliError(
          `Khoảng ngày không hợp lệ: --from ${values.from} sau --to ${values.to}. Hãy đặt ngày bắt đầu trước hoặc bằng ngày kết thúc.`,
          2,
        );
      }
      const range = { from, to };
      const { list, before, total } = await desk.store.read(async (r) =>
        paging ? listPage(r, range, paging) : { list: await r.bookings.list(range), before: 0, total: 0 },
      );
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
      if (total === 0) return io.out("Không có lịch họp nào trong khoảng này.");
      if (paging && (total > paging.limit || before > 0)) {
        io.out(pageFooter(before, list.length, paging.limit, total, "lịch", list.at(-1)?.code));
      }
      if (list.length === 0) return;
      io.out(
        table(
          ["Mã", "Trạng thái", "Thời gian", "Cơ quan chủ trì", "Số điểm cầu"],
          list.map((b) => [
            b.code,
            STATUS_VI[b.status],
            b.request.start && b.request.end ? formatRangeVi(b.request.start, b.request.end, zone) : "—",
            b.request.host ?? "—",
            String(endpointCount(b)),
          ]),
        ),
      );
      return;
    }
    if (sub === "decide") {
      await desk.store.close();
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
          `Độ mật: ${q.secretUnsure ? "có dấu hiệu mật chưa rõ — xử lý như phiên mật cho đến khi cán bộ kỹ thuật xác định (review … confirm giữ mật; declassify bỏ mật)" : q.secret ? "mật (Điều 5.2): điểm cầu được liên hệ qua kênh bảo mật" : "thường"}`,
          `Yêu cầu: ${requestNeedsVi(q)}`,
          `Điểm cầu: ${[b.hostEndpoint, ...q.participants].filter(Boolean).join(", ") || "—"}`,
          // The list chat does not carry for a secret session (Điều 5.2): who has not confirmed readiness.
          `Chưa xác nhận sẵn sàng: ${
            [b.hostEndpoint, ...q.participants]
              .filter((e): e is string => Boolean(e))
              .filter((e) => !events.some((x) => x.reason.startsWith(`điểm cầu ${e} sẵn sàng`)))
              .join(", ") || "—"
          }`,
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
              auditReasonVi(e.reason),
            ]),
          ),
        ].join("\n"),
      );
      return;
    }
    if (sub === "review" || sub === "cancel" || sub === "declassify") {
      const { values, positionals } = args(rest, { reason: { type: "string" }, by: { type: "string" } });
      const code = (positionals[0] ?? "").toUpperCase();
      const reason = (values.reason as string | undefined)?.trim();
      if (!code || !reason) {
        throw new CliError(
          sub === "review"
            ? 'Cách dùng: npm run cli -- booking review MÃ confirm|reject --reason "lý do"'
            : `Cách dùng: npm run cli -- booking ${sub} MÃ --reason "lý do"`,
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
        } else if (sub === "declassify") {
          const b = await declassifyBooking(desk, code, actor, reason, io.now());
          io.out(`${b.code}: đã bỏ đánh dấu mật (${STATUS_VI[b.status]}); nhật ký đã ghi lý do.`);
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
    if (sub === "move") {
      const { values, positionals } = args(rest, {
        ngay: { type: "string" },
        tu: { type: "string" },
        den: { type: "string" },
        by: { type: "string" },
      });
      const code = (positionals[0] ?? "").toUpperCase();
      if (!code || !values.ngay || !values.tu || !values.den)
        throw new CliError(
          "Cách dùng: npm run cli -- booking move MÃ --ngay 2026-12-10 --tu 14:00 --den 15:30",
          2,
        );
      const slot = slotFromInput(values.ngay as string, values.tu as string, values.den as string, zone);
      if ("error" in slot) throw new CliError(slot.error, 2);
      const actor = { id: `cli:${(values.by as string | undefined) ?? "kythuat"}`, channel: "cli" as const };
      try {
        // A refused slot changes nothing and mails nobody: the operator reads why here.
        const res = await changeBooking(desk, code, slot, actor, { now: io.now(), refuseQuietly: true });
        if (!res.duplicate)
          io.out(
            `${code}: ${formatRangeVi(slot.start, slot.end, zone)} — ${STATUS_VI[res.booking.status]}; thư trả lời cho cơ quan đăng ký và tin nhóm đang chờ gửi.`,
          );
      } catch (err) {
        if (err instanceof DeskError) throw new CliError(err.message);
        throw err;
      }
      return;
    }
    throw new CliError(`Lệnh «booking ${sub ?? ""}» không tồn tại.\n\n${USAGE}`, 2);
  } finally {
    await desk.store.close();
  }
}

async function scheduleCommand(config: Config, argv: string[], io: Io): Promise<void> {
  const { values } = args(argv, { date: { type: "string" }, ...PAGING_OPTIONS });
  const paging = parsePaging(values) ?? { page: 1, limit: DEFAULT_PAGE_LIMIT };
  const zone = config.reg.zone;
  const day = values.date
    ? parseDay(values.date as string, "--date", zone)
    : DateTime.fromJSDate(io.now(), { zone }).toISODate()!;
  const from = atLocal(day, "00:00", zone);
  const to = new Date(from.getTime() + 24 * 3600_000);
  const desk = await openDesk(config);
  try {
    const range = {
      from,
      to,
      statuses: ["needs-review", "confirmed", "checked", "live", "ended", "handed-over"] as BookingStatus[],
    };
    const { list, before, total } = await desk.store.read((r) => listPage(r, range, paging));
    io.out(`Lịch họp trực tuyến ngày ${dateVi(day)}`);
    if (total === 0) return io.out("Không có phiên họp nào.");
    if (total > paging.limit || before > 0)
      io.out(pageFooter(before, list.length, paging.limit, total, "phiên", list.at(-1)?.code));
    if (list.length === 0) return;
    io.out(
      table(
        ["Giờ", "Mã", "Trạng thái", "Chủ trì", "Nội dung", "Điểm cầu"],
        list.map((b) => [
          `${DateTime.fromJSDate(b.request.start!, { zone }).toFormat("HH:mm")}–${DateTime.fromJSDate(b.request.end!, { zone }).toFormat("HH:mm")}`,
          b.code,
          STATUS_VI[b.status],
          b.request.host ?? "—",
          `${b.request.emergency ? "[KHẨN] " : ""}${b.request.secret ? "(mật)" : (b.request.title ?? "—")}`,
          String(endpointCount(b)),
        ]),
      ),
    );
  } finally {
    await desk.store.close();
  }
}

async function jobsCommand(config: Config, argv: string[], io: Io): Promise<void> {
  const { values } = args(argv, { all: { type: "boolean" } });
  const desk = await openDesk(config);
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
          jobKindVi(j.kind),
          j.key,
          JOB_STATUS_VI[j.status],
          String(j.attempts),
          j.lastError ?? "",
        ]),
      ),
    );
  } finally {
    await desk.store.close();
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
      cal.listYear(year).map((d) => [dateVi(d.date), d.working ? "làm việc" : "nghỉ", d.name]),
    ),
  );
}

function mailArgs(argv: string[], usage: string) {
  const { values, positionals } = args(argv, { directory: { type: "string" }, json: { type: "boolean" } });
  if (!values.directory || positionals.length === 0) throw new CliError(`Cách dùng: ${usage}`, 2);
  for (const f of positionals) checkReadable(f);
  return {
    dir: readDirectoryCsv(values.directory as string),
    files: positionals,
    json: Boolean(values.json),
  };
}

function own(config: Config) {
  return {
    addresses: [config.mail.address, ...config.mail.aliases],
    messageIdDomain: config.mail.messageIdDomain,
  };
}

async function mailParseCommand(config: Config, argv: string[], io: Io): Promise<void> {
  const { dir, files, json } = mailArgs(argv, "npm run cli -- mail parse --directory DIR --json TỆP.eml...");
  const reader = new MailReader(dir, config.reg, own(config));
  for (const file of files) {
    let line: ReturnType<typeof parseJson>;
    try {
      line = parseJson(file, (await reader.read(readInputFile(file))).parsed, config.reg.zone);
    } catch (err) {
      if (err instanceof InputFileError) throw new CliError(err.message);
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
      // Replays saved files offline: what the rules decide, not who sent them (no DNS, no boundary header).
      requireAuth: false,
      maxBytes: config.mail.maxBytes,
      replyCapPerSender: Number.MAX_SAFE_INTEGER,
      replyCapPerBooking: Number.MAX_SAFE_INTEGER,
    });
    for (const file of files) {
      const raw = readInputFile(file);
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
              : o.kind === "postponed"
                ? { file, decision: "needs-review", code: o.code, reasons: [], displaced: [] }
                : { file, decision: "ignored", code: null, reasons: [], displaced: [] };
      io.out(json ? JSON.stringify(line) : JSON.stringify(line, null, 2));
    }
  } finally {
    await store.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

const REFUSAL_VI: Record<Extract<MailOutcome, { kind: "refused" }>["reason"], string> = {
  "not-official-sender": "người gửi không phải hòm thư công vụ của cơ quan trong danh bạ",
  "not-authenticated":
    "thư không được xác thực (DMARC của tên miền người gửi không đạt); thư lưu từ Outlook cần giữ nguyên tiêu đề Authentication-Results của máy chủ biên",
  "not-booking-agency": "hòm thư này không thuộc cơ quan đã đăng ký lịch họp",
};

/** The audit trail keeps decisions' reason codes (reports count them); a person reads their Vietnamese labels. */
function auditReasonVi(reason: string): string {
  const parts = reason.split(", ");
  return parts.every((p) => p in REASON_VI)
    ? parts.map((p) => REASON_VI[p as ReasonCode]).join("; ")
    : reason;
}

/** What became of an ingested mail, in one Vietnamese line. */
function ingestSummary(o: MailOutcome): string {
  switch (o.kind) {
    case "duplicate":
      return `thư ${o.key} đã được xử lý trước đó; không làm gì thêm.`;
    case "ignored":
      return `thư tự động (${o.reason}); không trả lời.`;
    case "quarantined":
      return `không xử lý tự động được (${o.reason}); đã cách ly và báo cán bộ kỹ thuật.`;
    case "refused":
      return `từ chối: ${REFUSAL_VI[o.reason]}${o.replied ? "; có thư trả lời" : "; không trả lời"}.`;
    case "registered":
    case "changed":
    case "change-refused": {
      const what = {
        registered: "đăng ký mới",
        changed: "thay đổi",
        "change-refused": "thay đổi không thực hiện được",
      }[o.kind];
      return `${what} ${o.code}: ${OUTCOME_VI[o.decision.outcome]}.`;
    }
    case "cancelled":
      return `đã hủy lịch họp ${o.code}.`;
    case "postponed":
      return `đề nghị hoãn lịch họp ${o.code}: chờ cán bộ kỹ thuật xem xét.`;
    case "error":
      return `không thực hiện được: ${o.message}`;
  }
}

/**
 * `mail ingest`: a saved .eml (a clerk's mail forwarded by phone, one pulled from Outlook) goes through
 * `MailDesk.handle` exactly as IMAP intake does, so a Message-ID already processed (by IMAP or an earlier ingest)
 * changes nothing. The answers this mail produced are sent by SMTP when it is configured (a failure stays in the
 * outbox for the service to retry); otherwise they are printed for the operator to pass on, and marked handled so
 * that a later start does not send them a second time.
 */
async function mailIngestCommand(config: Config, argv: string[], io: Io): Promise<void> {
  const { positionals } = args(argv, {});
  if (positionals.length === 0) throw new CliError("Cách dùng: npm run cli -- mail ingest TỆP.eml...", 2);
  for (const f of positionals) checkReadable(f);
  const desk = await openDesk(config);
  const smtp = config.mail.smtp ? smtpSender(config.mail.smtp) : null;
  try {
    const dir = await desk.store.read((r) => r.directory.load());
    if (dir.agencies.length === 0) {
      throw new CliError(
        "Danh bạ trong cơ sở dữ liệu đang trống nên không biết thư của cơ quan nào. Hãy chạy «npm run cli -- directory import DIR» trước.",
      );
    }
    const mailDesk = new MailDesk(desk, mailDeskOptions(config.mail));
    for (const file of positionals) {
      // One correlation id per mail, as for IMAP intake: the log lines of its decision and answers share it.
      const cid = newCorrelationId("m");
      await withCorrelation(cid, async () => {
        const raw = readInputFile(file);
        const now = io.now();
        const lastId = (await desk.store.read((r) => r.outbox.list())).at(-1)?.id ?? 0;
        const outcome = await mailDesk.handle(raw, now);
        io.out(`${file}: ${ingestSummary(outcome)} (mã theo dõi trong nhật ký: ${cid})`);
        const answers = (await desk.store.read((r) => r.outbox.due(now, 1000, ["mail"]))).filter(
          (m) => m.id > lastId,
        );
        for (const m of answers) {
          if (smtp) {
            try {
              await smtp.send(m);
              await desk.store.tx((r) => r.outbox.markSent(m.id, now));
              io.out(`  Đã gửi thư trả lời tới ${m.recipient} qua SMTP.`);
            } catch (err) {
              const message = (err as Error).message;
              const retryAt = err instanceof PermanentSendError ? null : nextAttemptAt(now, 1, DEFAULT_RETRY);
              await desk.store.tx((r) => r.outbox.fail(m.id, message, retryAt));
              io.out(
                `  Chưa gửi được thư trả lời tới ${m.recipient} (${message}); ${retryAt ? "dịch vụ sẽ gửi lại." : "đề nghị kiểm tra địa chỉ và gửi thủ công."}`,
              );
            }
          } else {
            io.out(
              `  Chưa cấu hình SMTP (DESK_SMTP_HOST): đề nghị chuyển thư trả lời dưới đây tới ${m.recipient}.\n` +
                `  ---\n${String(m.payload.text ?? "")
                  .split("\n")
                  .map((l) => `  ${l}`)
                  .join("\n")}\n  ---`,
            );
            await desk.store.tx((r) => r.outbox.markSent(m.id, now));
          }
        }
      });
    }
  } finally {
    smtp?.close();
    await desk.store.close();
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
const WRITE_ERROR_VI: Record<string, string> = {
  ENOENT: "thư mục chứa nó không tồn tại",
  ENOTDIR: "một phần của đường dẫn không phải thư mục",
  EACCES: "không có quyền ghi",
  EPERM: "không có quyền ghi",
  EISDIR: "đó là một thư mục",
  EROFS: "ổ đĩa chỉ đọc",
  ENOSPC: "ổ đĩa đã đầy",
  EEXIST: "đã có một tệp cùng tên",
};

/** An export to files that already exist is refused, naming them, unless `--force`. */
function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/** A file named on the command line: refused before the desk is opened when it cannot be read (a folder too). */
function checkReadable(file: string): void {
  try {
    checkInputFile(file);
  } catch (err) {
    if (err instanceof InputFileError) throw new CliError(err.message);
    throw err;
  }
}

/** A directory workbook's bytes; one larger than any directory is refused before it is read into memory. */
function readBounded(file: string, max: number, name: string): Buffer {
  if (!existsSync(file) || statSync(file).isDirectory()) throw new CliError(`Không tìm thấy tệp «${file}».`);
  if (statSync(file).size > max)
    throw new DirectoryCsvError([
      {
        file: name,
        line: 0,
        column: "-",
        message: `tệp quá lớn (tối đa ${max / 1024 / 1024} MB): đây không phải sổ danh bạ.`,
      },
    ]);
  return readFileSync(file);
}

function refuseOverwrite(paths: string[]): void {
  // A folder under the name is not overwritten by anything: writing says so in its own words (EISDIR).
  const taken = paths.filter((p) => existsSync(p) && !statSync(p).isDirectory());
  if (taken.length)
    throw new CliError(
      `Đã có ${taken.map((p) => `«${p}»`).join(", ")}: không ghi đè. Hãy chọn đường dẫn khác, hoặc thêm --force nếu muốn ghi đè.`,
    );
}

/** Writes to a path the operator gave; a file-system refusal becomes a Vietnamese CliError naming the path. */
async function writing(path: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (err) {
    const why = WRITE_ERROR_VI[(err as NodeJS.ErrnoException).code ?? ""];
    if (!why) throw err;
    throw new CliError(`Không ghi được «${path}»: ${why}. Hãy chọn đường dẫn khác.`, 1);
  }
}

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
    force: { type: "boolean" },
  });
  const str = (k: string) => values[k] as string | undefined;
  // Loaded on demand: echarts and exceljs are large, and every other command would pay for them at start-up.
  const { buildReport, levelOf, periodOf, ReportInputError } = await import("../report/report.js");
  const { reportSummary } = await import("../report/summary.js");
  const desk = await openDesk(config);
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
    // The files first: a path that cannot be written is the operator's to fix, said before any summary.
    const done: string[] = [];
    const xlsx = str("xlsx");
    const dir = str("charts");
    const charts = dir ? (await import("../report/charts.js")).reportCharts(report) : {};
    if (!values.force)
      refuseOverwrite([
        ...(xlsx ? [xlsx] : []),
        ...(dir ? Object.keys(charts).map((f) => join(dir, f)) : []),
      ]);
    if (xlsx) {
      const { writeReportWorkbook } = await import("../report/workbook.js");
      await writing(xlsx, () => writeReportWorkbook(report, zone, xlsx));
      done.push(`Đã ghi sổ Excel: ${xlsx}`);
    }
    if (dir) {
      await writing(dir, async () => {
        mkdirSync(dir, { recursive: true });
        for (const [file, svg] of Object.entries(charts)) writeFileSync(join(dir, file), svg);
      });
      done.push(`Đã ghi ${Object.keys(charts).length} biểu đồ SVG vào ${dir}`);
    }
    if (values.json) io.out(JSON.stringify(report, null, 2));
    else io.out([reportSummary(report, zone), ...done].join("\n"));
  } finally {
    await desk.store.close();
  }
}

/**
 * The lines of USAGE about one command (`booking`) or one of its subcommands (`booking show`), with the usage
 * header; all of USAGE when none names it.
 */
export function usageOf(words: string[]): string {
  const [header, , ...body] = USAGE.split("\n");
  const entries: string[][] = [];
  for (const line of body) {
    if (/^ {2}\S/.test(line)) entries.push([line]);
    else if (line.trim()) entries.at(-1)?.push(line);
  }
  for (let n = words.length; n > 0; n--) {
    const name = words.slice(0, n).join(" ");
    const found = entries.filter((e) => e[0]!.slice(2) === name || e[0]!.slice(2).startsWith(`${name} `));
    if (found.length) return [header, "", ...found.flat()].join("\n");
  }
  return USAGE;
}

const HELP = new Set(["--help", "-h", "help"]);

export async function runCli(argv: string[], config: Config, io: Io): Promise<void> {
  try {
    await dispatch(argv, config, io);
  } catch (err) {
    // A file the operator named that cannot be read (missing, a folder, too large): said as any other mistake.
    if (err instanceof InputFileError) throw new CliError(err.message);
    // A directory that cannot be read stops an import with «không có gì được nhập» (main.ts); «directory check»,
    // «mail parse --directory», «booking decide --directory» import nothing, and said so as if they had tried.
    if (err instanceof DirectoryCsvError && !(argv[0] === "directory" && argv[1] === "import"))
      throw new CliError(`Danh bạ không hợp lệ:\n${err.message}`);
    throw err;
  }
}

async function dispatch(argv: string[], config: Config, io: Io): Promise<void> {
  const [command, ...rest] = argv;
  // «report --help», «booking show -h»: what the command takes, not a refusal of an unknown option (exit 0).
  if (command && !HELP.has(command) && rest.some((a) => a === "--help" || a === "-h")) {
    io.out(usageOf([command, ...rest.filter((a) => !a.startsWith("-")).slice(0, 1)]));
    return;
  }
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
      if (rest[0] === "ingest") return mailIngestCommand(config, rest.slice(1), io);
      if (rest[0] === "quarantine") {
        const desk = await openDesk(config);
        try {
          return await quarantineCommand(rest.slice(1), {
            store: desk.store,
            zone: desk.reg.zone,
            out: io.out,
            fail: (message, exitCode) => {
              throw new CliError(message, exitCode);
            },
          });
        } finally {
          await desk.store.close();
        }
      }
      if (rest[0] !== "parse")
        throw new CliError(`Lệnh «mail ${rest[0] ?? ""}» không tồn tại.\n\n${USAGE}`, 2);
      return mailParseCommand(config, rest.slice(1), io);
    case "db":
      return dbCommand(config, rest, io);
    case "doctor":
      return doctorCommand(() => config, io);
    case "user":
      return userCommand(config, rest, io);
    case "report":
      return reportCommand(config, rest, io);
    case "truc": {
      const desk = await openDesk(config);
      try {
        return await dutyCommand(rest, {
          tx: (fn) => desk.store.tx(fn),
          now: io.now(),
          out: io.out,
          zone: desk.reg.zone,
          user: userInfo().username,
          fail: (message, exitCode) => {
            throw new CliError(message, exitCode);
          },
        });
      } finally {
        await desk.store.close();
      }
    }
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

/**
 * What the session asks of the desk beyond the slot, as `booking show` prints it: an emergency is prepared first
 * (Điều 11), a recording must be handed over (Điều 14.2), the city hall room booked.
 */
function requestNeedsVi(q: {
  emergency: boolean;
  recording: boolean;
  cityHallRoom: boolean;
  otherSupport: string | null;
}): string {
  const needs = [
    q.emergency ? "khẩn (Điều 11)" : null,
    q.recording ? "ghi hình, bàn giao bản ghi trong 2 ngày làm việc (Điều 14.2)" : null,
    q.cityHallRoom ? "phòng họp trực tuyến UBND TP" : null,
    q.otherSupport ? `hỗ trợ khác: ${q.otherSupport}` : null,
  ].filter(Boolean);
  return needs.join("; ") || "không có";
}

/** `user password NAME`: the web desk's password of a desk person (src/web/auth/accounts.ts). */
async function userCommand(config: Config, argv: string[], io: Io): Promise<void> {
  const [sub, ...names] = argv;
  const name = names.join(" ").trim();
  if (sub !== "password" || !name)
    throw new CliError(`Cách dùng: user password TÊN (địa chỉ thư hoặc họ tên trong danh bạ)\n\n${USAGE}`, 2);
  const { AccountError, ROLE_VI, setPassword } = await import("../../web/auth/accounts.js");
  const typed = io.password ? await io.password(`Mật khẩu mới cho ${name}: `) : ((await io.stdin?.()) ?? "");
  // The first line only: `echo "…" | npm run cli -- user password …` ends with a newline that is no part of it.
  const password = typed.split(/\r?\n/)[0] ?? "";
  if (!password)
    throw new CliError("Chưa nhận được mật khẩu: hãy gõ mật khẩu hoặc chuyển nó vào đầu vào chuẩn.");
  const desk = await openDesk(config);
  try {
    const person = await setPassword(desk, name, password, io.now());
    io.out(
      `Đã đặt mật khẩu bàn kỹ thuật trên web cho ${person.name} (${ROLE_VI[person.role] ?? person.role}); tên đăng nhập: ${person.login}. Các phiên đăng nhập cũ của tài khoản này đã kết thúc.`,
    );
  } catch (err) {
    if (err instanceof AccountError) throw new CliError(err.message);
    throw err;
  } finally {
    await desk.store.close();
  }
}

async function dbCommand(config: Config, argv: string[], io: Io): Promise<void> {
  const [sub, ...rest] = argv;
  // Loaded on demand: the PostgreSQL driver is needed by this command only.
  if (sub === "copy") return (await import("./db-copy.js")).dbCopyCommand(rest, io);
  const { values, positionals } = args(rest, { to: { type: "string" }, force: { type: "boolean" } });
  const file = positionals[0];
  if ((sub !== "backup" && sub !== "restore") || !file || positionals.length > 1) {
    throw new CliError(`Cách dùng: db backup TỆP | db restore TỆP [--to ĐƯỜNG_DẪN] [--force]\n\n${USAGE}`, 2);
  }
  if (sub === "backup") {
    const pgUrl = isPostgresUrl(config.dbPath) ? config.dbPath : null;
    const shown = pgUrl ? maskUrl(pgUrl) : config.dbPath;
    try {
      const res = pgUrl
        ? await (await import("../ops/pg-backup.js")).backupPostgres(pgUrl, file)
        : await backupDatabase(config.dbPath, file);
      io.out(
        `Đã sao lưu ${shown} ra ${res.file} (${(res.bytes / 1024).toFixed(0)} KiB, ${Math.round(res.ms)} ms).`,
      );
      if (pgUrl) io.out(`Số dòng trong bản sao lưu: ${res.check.counts.reduce((n, c) => n + c.rows, 0)}.`);
    } catch (err) {
      throw new CliError(
        `Không sao lưu được: ${maskUrlsIn((err as Error).message)}. Kiểm tra DESK_DB và quyền ghi.`,
      );
    }
    return;
  }
  const target = typeof values.to === "string" ? values.to : config.dbPath;
  const toPg = isPostgresUrl(target);
  const shown = toPg ? maskUrl(target) : target;
  let report: Awaited<ReturnType<typeof restoreDatabase>>;
  try {
    if (toPg) {
      report = await (await import("../ops/pg-backup.js")).restorePostgres(file, target, {
        force: values.force === true,
      });
    } else {
      const { isPgDump } = await import("../ops/pg-backup.js");
      if (isPgDump(file)) {
        throw new RestoreRefused(
          `Tệp ${file} là bản sao lưu PostgreSQL (pg_dump): hãy khôi phục vào một CSDL PostgreSQL trống bằng --to postgres://…`,
        );
      }
      report = await restoreDatabase(file, target, { force: values.force === true });
    }
  } catch (err) {
    if (err instanceof RestoreRefused) throw new CliError(maskUrlsIn(err.message));
    throw new CliError(`Không khôi phục được: ${maskUrlsIn((err as Error).message)}`);
  }
  const ok = report.integrity.join() === "ok";
  io.out(`Đã khôi phục ${file} vào ${shown}.`);
  io.out(
    toPg
      ? `Kiểm tra (bảng drizzle.__drizzle_migrations, số dòng): ${ok ? "đạt" : report.integrity.join("; ")}`
      : `Kiểm tra toàn vẹn (integrity_check): ${ok ? "đạt" : report.integrity.join("; ")}`,
  );
  io.out("Số bản ghi:");
  io.out(
    table(
      ["Bảng", "Số dòng"],
      report.counts.map((c) => [c.table, String(c.rows)]),
    ),
  );
  if (!ok) throw new CliError("CSDL sau khôi phục không toàn vẹn; đừng khởi động dịch vụ trên nó.");
}

export async function doctorCommand(load: () => Config, io: Io): Promise<void> {
  // Loaded on demand: the IMAP and SMTP clients would slow every other command's start.
  const { formatDoctor, runDoctor } = await import("../ops/doctor.js");
  const results = await runDoctor(load, io.now());
  io.out(formatDoctor(results));
  const fails = results.filter((r) => r.verdict === "fail").length;
  if (fails) throw new CliError(`Phát hiện ${fails} lỗi.`);
}

/** The server account that runs the CLI, for the desk's notice of what an import changed. */
function cliUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "không rõ";
  }
}

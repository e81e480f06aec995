import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { distance } from "fastest-levenshtein";
import { inferAgencyKind } from "../../core/directory/kind.js";
import {
  AGENCY_KINDS,
  type Agency,
  type Directory,
  ENDPOINT_LEVELS,
  type Endpoint,
  type EndpointLevel,
  type Person,
  ROLES,
  type Role,
} from "../../core/directory/types.js";
import type { AgencyKind } from "../../core/regulation.js";
import { fold, nfc, normalizePhone } from "../../core/text/fold.js";

/** One problem in a directory CSV, located the way a spreadsheet user finds it. */
export interface CsvProblem {
  file: string;
  line: number;
  column: string;
  message: string;
}

export class DirectoryCsvError extends Error {
  constructor(readonly problems: CsvProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "DirectoryCsvError";
  }
}

export function formatProblem(p: CsvProblem): string {
  return `${p.file}, dòng ${p.line}, cột ${p.column}: ${p.message}`;
}

interface Sheet {
  name: SheetName;
  required: string[];
  optional: string[];
}

const AGENCIES: Sheet = {
  name: "agencies",
  required: ["name", "mailboxes", "aliases"],
  optional: ["kind", "approved_quota", "approval_ref", "notifies_for"],
};
const ENDPOINTS: Sheet = {
  name: "endpoints",
  required: ["code", "name", "level", "agency", "aliases"],
  optional: ["control", "vpn_token", "dial"],
};
const PEOPLE: Sheet = {
  name: "people",
  required: ["name", "phone", "email", "endpoint", "role"],
  optional: ["telegram_id", "zalo_id"],
};

type Record_ = { line: number; get(col: string): string };

/** Excel saves "CSV" with the list separator of its locale: `;` in Vietnamese Windows, `,` elsewhere. */
const DELIMITERS = [",", ";", "\t"] as const;

function detectDelimiter(headerLine: string): string {
  let best: string = ",";
  let most = 0;
  for (const d of DELIMITERS) {
    const n = headerLine.split(d).length - 1;
    if (n > most) {
      best = d;
      most = n;
    }
  }
  return best;
}

/** A missing required column and the unknown one that is most likely it, renamed (`mailbox` for `mailboxes`). */
function renamedFrom(missing: string, unknown: string[], onlyPair: boolean): string | null {
  const key = (c: string) => fold(c).replace(/ /g, "_");
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const u of unknown) {
    if (!key(u)) continue;
    const d = distance(key(u), missing);
    const close =
      d <= Math.max(2, Math.floor(missing.length / 3)) ||
      key(u).includes(missing) ||
      missing.includes(key(u));
    if (close && d < bestDistance) {
      best = u;
      bestDistance = d;
    }
  }
  return best ?? (onlyPair ? unknown[0]! : null);
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });
export const SAVE_AS_UTF8 =
  "hãy lưu lại tệp dưới dạng UTF-8 (Excel: «Lưu thành» → «CSV UTF-8 (Comma delimited)»; LibreOffice: bộ ký tự Unicode (UTF-8)).";

/**
 * The file's text, or null (with one problem) when it is not UTF-8: Excel's plain CSV on Vietnamese Windows is
 * Windows-1258, its «Unicode Text» UTF-16, and read as UTF-8 either turns every accented name into «�», which an
 * import would store consistently garbled.
 */
function utf8Of(bytes: Buffer, file: string, problems: CsvProblem[]): string | null {
  // Saved from Excel as a workbook and given the CSV's name (or picked in the CSV's field): its bytes are a zip.
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50) {
    problems.push({
      file,
      line: 1,
      column: "-",
      message:
        "tệp là sổ Excel (.xlsx), không phải CSV: hãy nhập cả sổ bằng ô «Sổ Excel danh bạ» trên trang Danh bạ (hoặc lệnh «directory import TỆP.xlsx»), hoặc lưu lại từng trang dưới dạng «CSV UTF-8 (Comma delimited)».",
    });
    return null;
  }
  const bom16 =
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  if (bom16) {
    problems.push({
      file,
      line: 1,
      column: "-",
      message: `tệp được lưu dạng UTF-16, không phải UTF-8: ${SAVE_AS_UTF8}`,
    });
    return null;
  }
  try {
    return STRICT_UTF8.decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    const loose = bytes.toString("utf8");
    const line = loose.slice(0, Math.max(0, loose.indexOf("\uFFFD"))).split("\n").length;
    problems.push({
      file,
      line,
      column: "-",
      message: `tệp không phải UTF-8 (có lẽ là bảng mã Windows-1258 của Excel), chữ có dấu sẽ bị hỏng: ${SAVE_AS_UTF8}`,
    });
    return null;
  }
}

/**
 * One sheet as its source gives it: the header's cells, then (only asked for once the header is good, so a broken
 * header is one problem, whatever the lines below look like) each non-empty row with its line number, or null
 * when the rows cannot be read (the problem recorded).
 */
export interface RawTable {
  header: string[];
  rows(): { line: number; record: Record<string, string> }[] | null;
}

/** Where a directory's three sheets come from: a folder of CSV files, or one .xlsx workbook (xlsx.ts). */
export interface SheetSource {
  /** How problems and messages name the sheet `name` («agencies.csv», «trang agencies»). */
  label(name: SheetName): string;
  /** The sheet's table, or null when it is missing (a problem recorded unless `optional`) or unusable. */
  table(name: SheetName, problems: CsvProblem[], optional: boolean): RawTable | null;
}

export type SheetName = "agencies" | "endpoints" | "people";

/** The three CSV files of a folder, as `directory import DIR` reads them. */
function csvFolder(dir: string): SheetSource {
  const label = (name: SheetName) => `${name}.csv`;
  return {
    label,
    table(name, problems, optional) {
      const file = label(name);
      const path = join(dir, file);
      if (!existsSync(path)) {
        if (!optional)
          problems.push({ file, line: 0, column: "-", message: `không tìm thấy tệp trong thư mục ${dir}.` });
        return null;
      }
      const text = utf8Of(readFileSync(path), file, problems);
      if (text === null) return null;
      const headerLine = text.split(/\r?\n/, 1)[0] ?? "";
      const delimiter = detectDelimiter(headerLine);
      let header: string[];
      try {
        header = (parse(headerLine, { delimiter, to_line: 1 }) as string[][])[0] ?? [];
      } catch {
        header = headerLine.split(delimiter);
      }
      return {
        header,
        rows() {
          try {
            const rows: { record: Record<string, string>; info: { lines: number } }[] = parse(text, {
              delimiter,
              columns: (h: string[]) => h.map((c) => c.trim()),
              skip_empty_lines: true,
              trim: true,
              info: true,
            });
            return rows.map(({ record, info }) => ({ line: info.lines, record }));
          } catch (err) {
            const e = err as { lines?: number; message: string };
            problems.push({
              file,
              line: e.lines ?? 0,
              column: "-",
              message: `không đọc được CSV (${e.message}).`,
            });
            return null;
          }
        },
      };
    },
  };
}

/**
 * Read one sheet. Returns null when the file or its header is unusable (the problem is recorded once, for
 * the column, not once per line); the caller then skips the checks that depend on it.
 */
function readSheet(
  source: SheetSource,
  sheet: Sheet,
  problems: CsvProblem[],
  optional = false,
): Record_[] | null {
  const file = source.label(sheet.name);
  const table = source.table(sheet.name, problems, optional);
  if (!table) return null;
  const header = table.header.map((c) => c.trim());
  const missing = sheet.required.filter((c) => !header.includes(c));
  let unknown = header.filter((c) => !sheet.required.includes(c) && !sheet.optional.includes(c));
  for (const c of missing) {
    const renamed = renamedFrom(c, unknown, missing.length === 1 && unknown.length === 1);
    if (renamed) unknown = unknown.filter((u) => u !== renamed);
    problems.push({
      file,
      line: 1,
      column: c,
      message: renamed
        ? `thiếu cột bắt buộc; cột «${renamed}» có lẽ là cột này bị đổi tên: hãy đặt lại tiêu đề «${c}».`
        : "thiếu cột bắt buộc.",
    });
  }
  for (const c of unknown) {
    problems.push({
      file,
      line: 1,
      column: c,
      message: `cột không được hỗ trợ; các cột hợp lệ: ${[...sheet.required, ...sheet.optional].join(", ")}.`,
    });
  }
  if (missing.length || unknown.length) return null;
  const rows = table.rows();
  if (!rows) return null;
  // A leading apostrophe before what guardCell guards on export (= + - @ tab CR) is its guard: read it back off.
  const unguard = (v: string) => (/^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v);
  return rows.map(({ record, line }) => ({
    line,
    get: (col: string) => nfc(unguard(record[col] ?? "")),
  }));
}

/** A number as Excel's General format shows (and saves) one of more than 11 digits: «5.42006E+18», «5,42006E+18». */
const SCIENTIFIC = /^\d+(?:[.,]\d+)?E\+?\d+$/i;

function list(value: string): string[] {
  return value
    .split("|")
    .map((s) => s.trim())
    .filter(Boolean);
}

function yes(value: string): boolean | null {
  const v = value.toLowerCase();
  if (["", "no", "false", "0", "không"].includes(v)) return false;
  if (["yes", "true", "1", "có"].includes(v)) return true;
  return null;
}

export interface ReadOptions {
  /** `directory check` reads a folder without `people.csv`: every endpoint then lacks its staff (Điều 19.3). */
  peopleOptional?: boolean;
  /**
   * The directory in the store, when there is one: a VPN token or dial string that is the stored one without its
   * leading zeros is what Excel does to a digit-only cell of a CSV it opens, and is refused rather than imported.
   */
  known?: Directory;
}

/**
 * Excel opens a CSV's digit-only cell as a number: «00123» becomes 123 and saves so, and a value of more than 15
 * digits shows (and saves) as «1,23457E+15». Decidable only against what is known: the same endpoint's stored value.
 */
function excelMangled(value: string, stored: string | null | undefined): "zeros" | "scientific" | null {
  if (SCIENTIFIC.test(value)) return "scientific";
  if (stored && /^\d+$/.test(value) && /^0+\d/.test(stored) && stored.replace(/^0+/, "") === value)
    return "zeros";
  return null;
}

/**
 * Read `agencies.csv`, `endpoints.csv` and `people.csv` from a folder and check them against each other.
 * Throws a DirectoryCsvError naming every problem by file, line and column; returns nothing half-read.
 * An agency without a `kind` (no column, or an empty cell) gets the kind its name and aliases show, so a
 * directory kept with the three documented columns still knows the city's chairs (Điều 7.1, 11.1).
 */
export function readDirectoryCsv(dir: string, options: ReadOptions = {}): Directory {
  return readDirectoryFrom(csvFolder(dir), options);
}

/**
 * Read a directory's three sheets from `source` (a CSV folder, an .xlsx workbook) with every check of
 * `readDirectoryCsv`; throws a DirectoryCsvError naming every problem, returns nothing half-read.
 */
export function readDirectoryFrom(source: SheetSource, options: ReadOptions = {}): Directory {
  const problems: CsvProblem[] = [];
  const at = (file: string, line: number, column: string, message: string) =>
    problems.push({ file, line, column, message });

  const agencies: Agency[] = [];
  const mailboxOwner = new Map<string, string>();
  const agencyRows = readSheet(source, AGENCIES, problems);
  for (const r of agencyRows ?? []) {
    const f = source.label("agencies");
    const name = r.get("name");
    if (!name) at(f, r.line, "name", "tên cơ quan không được để trống.");
    else if (agencies.some((a) => a.name === name)) at(f, r.line, "name", `cơ quan «${name}» bị lặp.`);
    const kind = (r.get("kind") || inferAgencyKind(name, list(r.get("aliases")))) as AgencyKind;
    if (!AGENCY_KINDS.includes(kind))
      at(f, r.line, "kind", `giá trị «${kind}» không hợp lệ (${AGENCY_KINDS.join(", ")}).`);
    const mailboxes = list(r.get("mailboxes")).map((m) => m.toLowerCase());
    for (const m of mailboxes) {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(m))
        at(f, r.line, "mailboxes", `địa chỉ thư «${m}» không hợp lệ.`);
      else if (mailboxOwner.has(m))
        at(f, r.line, "mailboxes", `hòm thư ${m} đã thuộc «${mailboxOwner.get(m)}».`);
      else mailboxOwner.set(m, name);
    }
    const quotaText = r.get("approved_quota");
    const approvedQuota = quotaText ? Number(quotaText) : null;
    if (approvedQuota !== null && !(Number.isInteger(approvedQuota) && approvedQuota > 0)) {
      at(f, r.line, "approved_quota", `«${quotaText}» không phải số nguyên dương.`);
    }
    const approvalRef = r.get("approval_ref") || null;
    if (approvedQuota && !approvalRef) {
      at(
        f,
        r.line,
        "approval_ref",
        "có số điểm cầu được chấp thuận thì phải ghi số văn bản chấp thuận (Điều 7.3).",
      );
    }
    const notifiesFor = r.get("notifies_for") || null;
    if (notifiesFor && notifiesFor === name)
      at(f, r.line, "notifies_for", "cơ quan không thể là văn phòng thông báo lịch họp của chính mình.");
    agencies.push({
      name,
      kind,
      mailboxes,
      aliases: list(r.get("aliases")),
      approvedQuota,
      approvalRef,
      notifiesFor,
    });
  }
  // Điều 11.1: an office notifies for a chair of this same file, named exactly as in its `name` column.
  for (const r of agencyRows ?? []) {
    const chair = r.get("notifies_for");
    if (chair && chair !== r.get("name") && !agencies.some((a) => a.name === chair))
      at(
        source.label("agencies"),
        r.line,
        "notifies_for",
        `không có cơ quan «${chair}» trong ${source.label("agencies")} (ghi đúng cột name).`,
      );
  }

  const agencyNames = new Set(agencies.map((a) => a.name));
  const endpoints: Endpoint[] = [];
  const endpointRows = readSheet(source, ENDPOINTS, problems);
  for (const r of endpointRows ?? []) {
    const f = source.label("endpoints");
    const code = r.get("code").toUpperCase();
    if (!/^[A-Z0-9][A-Z0-9-]{1,31}$/.test(code)) {
      at(
        f,
        r.line,
        "code",
        `mã điểm cầu «${r.get("code")}» không hợp lệ (chữ, số và dấu gạch ngang, tối đa 32 ký tự).`,
      );
    } else if (endpoints.some((e) => e.code === code)) at(f, r.line, "code", `mã điểm cầu ${code} bị lặp.`);
    const name = r.get("name");
    if (!name) at(f, r.line, "name", "tên điểm cầu không được để trống.");
    const level = r.get("level") as EndpointLevel;
    if (!ENDPOINT_LEVELS.includes(level)) {
      at(f, r.line, "level", `giá trị «${level}» không hợp lệ (phải là city, district hoặc commune).`);
    }
    const agency = r.get("agency");
    // With agencies.csv unreadable its problem is already reported once; no line repeats it.
    if (agencyRows && !agencyNames.has(agency))
      at(f, r.line, "agency", `cơ quan «${agency}» không có trong ${source.label("agencies")}.`);
    const control = yes(r.get("control"));
    if (control === null)
      at(f, r.line, "control", `giá trị «${r.get("control")}» không hợp lệ (yes hoặc no).`);
    const stored = options.known?.endpoints.find((e) => e.code === code);
    for (const [col, value, was] of [
      ["vpn_token", r.get("vpn_token"), stored?.vpnToken],
      ["dial", r.get("dial"), stored?.dial],
    ] as const) {
      const mangled = excelMangled(value, was);
      // The value itself is not repeated: a VPN token is a secret, and the message may be read over a shoulder.
      if (mangled === "zeros")
        at(
          f,
          r.line,
          col,
          `giá trị ngắn hơn giá trị đang lưu của điểm cầu ${code} đúng bằng các chữ số 0 ở đầu: có lẽ Excel đã bỏ chúng khi mở tệp CSV. Hãy định dạng cột ${col} là «Văn bản» (Text), nhập lại đủ rồi lưu (hoặc dùng sổ Excel danh-ba.xlsx xuất từ bàn kỹ thuật).`,
        );
      else if (mangled === "scientific")
        at(
          f,
          r.line,
          col,
          `giá trị đã bị Excel đổi sang dạng số mũ, mất các chữ số cuối; hãy định dạng cột ${col} là «Văn bản» (Text), nhập lại đủ rồi lưu.`,
        );
    }
    endpoints.push({
      code,
      name,
      level,
      agency,
      aliases: list(r.get("aliases")),
      control: control ?? false,
      vpnToken: r.get("vpn_token") || null,
      dial: r.get("dial") || null,
    });
  }

  const endpointCodes = new Set(endpoints.map((e) => e.code));
  const people: Person[] = [];
  const chatIds = new Map<string, number>();
  for (const r of readSheet(source, PEOPLE, problems, options.peopleOptional) ?? []) {
    const f = source.label("people");
    const name = r.get("name");
    if (!name) at(f, r.line, "name", "họ tên không được để trống.");
    const rawPhone = r.get("phone");
    const phone = rawPhone ? normalizePhone(rawPhone) : null;
    if (rawPhone && !phone) at(f, r.line, "phone", `số điện thoại «${rawPhone}» không hợp lệ.`);
    const email = r.get("email").toLowerCase() || null;
    if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
      at(f, r.line, "email", `địa chỉ thư «${email}» không hợp lệ.`);
    const role = r.get("role") as Role;
    if (!ROLES.includes(role)) at(f, r.line, "role", `vai trò «${role}» không hợp lệ (${ROLES.join(", ")}).`);
    const endpoint = r.get("endpoint").toUpperCase() || null;
    if (endpoint && endpointRows && !endpointCodes.has(endpoint)) {
      at(f, r.line, "endpoint", `điểm cầu ${endpoint} không có trong ${source.label("endpoints")}.`);
    }
    if ((role === "leader" || role === "technician") && !endpoint) {
      at(
        f,
        r.line,
        "endpoint",
        "lãnh đạo và cán bộ kỹ thuật điểm cầu phải gắn với một điểm cầu (Điều 19.3).",
      );
    }
    const telegramId = r.get("telegram_id") || null;
    const zaloId = r.get("zalo_id") || null;
    for (const [col, id] of [
      ["telegram_id", telegramId],
      ["zalo_id", zaloId],
    ] as const) {
      if (!id) continue;
      // Excel shows a number of more than 11 digits (a Zalo user id has 16 to 19) as «5,42006E+18» and saves the
      // CSV so: the person would be imported with an id no chat account has, and their reports read as a stranger's.
      if (SCIENTIFIC.test(id)) {
        at(
          f,
          r.line,
          col,
          `mã tài khoản «${id}» đã bị Excel đổi sang dạng số mũ, mất các chữ số cuối; hãy định dạng cột ${col} là «Văn bản» (Text), nhập lại đủ mã rồi lưu.`,
        );
        continue;
      }
      const key = `${col}:${id}`;
      if (chatIds.has(key))
        at(f, r.line, col, `tài khoản ${id} đã gắn với người ở dòng ${chatIds.get(key)}.`);
      else chatIds.set(key, r.line);
    }
    people.push({ name, phone, email, endpoint, role, telegramId, zaloId });
  }

  if (problems.length > 0) throw new DirectoryCsvError(problems);
  return { agencies, endpoints, people };
}

/**
 * Spreadsheets run a cell that starts with = + - @ (or a tab, a carriage return) as a formula (CSV injection): the
 * export prefixes such a cell with an apostrophe, which Excel and LibreOffice show as text; the import strips it.
 */
export function guardCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The directory's three sheets as the files carry them: the columns in order, then one row of text per entry. */
export function directorySheets(dir: Directory): Record<SheetName, { columns: string[]; rows: string[][] }> {
  const table = (sheet: Sheet, rows: Record<string, string | number>[]) => {
    const columns = [...sheet.required, ...sheet.optional];
    return { columns, rows: rows.map((r) => columns.map((c) => String(r[c] ?? ""))) };
  };
  return {
    agencies: table(
      AGENCIES,
      dir.agencies.map((a) => ({
        name: a.name,
        mailboxes: a.mailboxes.join("|"),
        aliases: a.aliases.join("|"),
        kind: a.kind,
        approved_quota: a.approvedQuota ?? "",
        approval_ref: a.approvalRef ?? "",
        notifies_for: a.notifiesFor ?? "",
      })),
    ),
    endpoints: table(
      ENDPOINTS,
      dir.endpoints.map((e) => ({
        code: e.code,
        name: e.name,
        level: e.level,
        agency: e.agency,
        aliases: e.aliases.join("|"),
        control: e.control ? "yes" : "no",
        vpn_token: e.vpnToken ?? "",
        dial: e.dial ?? "",
      })),
    ),
    people: table(
      PEOPLE,
      dir.people.map((p) => ({
        name: p.name,
        phone: p.phone ?? "",
        email: p.email ?? "",
        endpoint: p.endpoint ?? "",
        role: p.role,
        telegram_id: p.telegramId ?? "",
        zalo_id: p.zaloId ?? "",
      })),
    ),
  };
}

/**
 * Write the directory back as the three CSV files, in the same format the import reads. Each starts with a
 * UTF-8 byte order mark: without it Excel reads the file as the ANSI code page and garbles every accent. Every
 * formula-like cell is guarded, for the CLI's export as for the web's.
 */
export function directoryToCsv(dir: Directory): Record<string, string> {
  return Object.fromEntries(
    Object.entries(directorySheets(dir)).map(([name, { columns, rows }]) => [
      `${name}.csv`,
      `\uFEFF${stringify([columns, ...rows], { cast: { string: guardCell } })}`,
    ]),
  );
}

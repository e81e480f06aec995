import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
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
import { nfc, normalizePhone } from "../../core/text/fold.js";

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
  file: string;
  required: string[];
  optional: string[];
}

const AGENCIES: Sheet = {
  file: "agencies.csv",
  required: ["name", "mailboxes", "aliases"],
  optional: ["kind", "approved_quota", "approval_ref"],
};
const ENDPOINTS: Sheet = {
  file: "endpoints.csv",
  required: ["code", "name", "level", "agency", "aliases"],
  optional: ["control", "vpn_token", "dial"],
};
const PEOPLE: Sheet = {
  file: "people.csv",
  required: ["name", "phone", "email", "endpoint", "role"],
  optional: ["telegram_id", "zalo_id"],
};

type Record_ = { line: number; get(col: string): string };

function readSheet(dir: string, sheet: Sheet, problems: CsvProblem[]): Record_[] {
  const path = join(dir, sheet.file);
  if (!existsSync(path)) {
    problems.push({
      file: sheet.file,
      line: 0,
      column: "-",
      message: `không tìm thấy tệp trong thư mục ${dir}.`,
    });
    return [];
  }
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parse(readFileSync(path, "utf8"), {
      bom: true,
      columns: (header: string[]) => header.map((h) => h.trim()),
      skip_empty_lines: true,
      trim: true,
      info: true,
    });
  } catch (err) {
    const e = err as { lines?: number; message: string };
    problems.push({
      file: sheet.file,
      line: e.lines ?? 0,
      column: "-",
      message: `không đọc được CSV (${e.message}).`,
    });
    return [];
  }
  const header = readFileSync(path, "utf8")
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/, 1)[0]!
    .split(",")
    .map((h) => h.trim());
  const missing = sheet.required.filter((c) => !header.includes(c));
  const unknown = header.filter((c) => !sheet.required.includes(c) && !sheet.optional.includes(c));
  for (const c of missing)
    problems.push({ file: sheet.file, line: 1, column: c, message: "thiếu cột bắt buộc." });
  for (const c of unknown) {
    problems.push({
      file: sheet.file,
      line: 1,
      column: c,
      message: `cột không được hỗ trợ; các cột hợp lệ: ${[...sheet.required, ...sheet.optional].join(", ")}.`,
    });
  }
  if (missing.length || unknown.length) return [];
  return rows.map(({ record, info }) => ({ line: info.lines, get: (col: string) => nfc(record[col] ?? "") }));
}

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

/**
 * Read `agencies.csv`, `endpoints.csv` and `people.csv` from a folder and check them against each other.
 * Throws a DirectoryCsvError naming every problem by file, line and column; returns nothing half-read.
 */
export function readDirectoryCsv(dir: string): Directory {
  const problems: CsvProblem[] = [];
  const at = (file: string, line: number, column: string, message: string) =>
    problems.push({ file, line, column, message });

  const agencies: Agency[] = [];
  const mailboxOwner = new Map<string, string>();
  for (const r of readSheet(dir, AGENCIES, problems)) {
    const f = AGENCIES.file;
    const name = r.get("name");
    if (!name) at(f, r.line, "name", "tên cơ quan không được để trống.");
    else if (agencies.some((a) => a.name === name)) at(f, r.line, "name", `cơ quan «${name}» bị lặp.`);
    const kind = (r.get("kind") || "other") as AgencyKind;
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
    agencies.push({ name, kind, mailboxes, aliases: list(r.get("aliases")), approvedQuota, approvalRef });
  }

  const agencyNames = new Set(agencies.map((a) => a.name));
  const endpoints: Endpoint[] = [];
  for (const r of readSheet(dir, ENDPOINTS, problems)) {
    const f = ENDPOINTS.file;
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
    if (!agencyNames.has(agency)) at(f, r.line, "agency", `cơ quan «${agency}» không có trong agencies.csv.`);
    const control = yes(r.get("control"));
    if (control === null)
      at(f, r.line, "control", `giá trị «${r.get("control")}» không hợp lệ (yes hoặc no).`);
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
  for (const r of readSheet(dir, PEOPLE, problems)) {
    const f = PEOPLE.file;
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
    if (endpoint && !endpointCodes.has(endpoint)) {
      at(f, r.line, "endpoint", `điểm cầu ${endpoint} không có trong endpoints.csv.`);
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

/** Write the directory back as the three CSV files, in the same format the import reads. */
export function directoryToCsv(dir: Directory): Record<string, string> {
  return {
    "agencies.csv": stringify(
      dir.agencies.map((a) => ({
        name: a.name,
        mailboxes: a.mailboxes.join("|"),
        aliases: a.aliases.join("|"),
        kind: a.kind,
        approved_quota: a.approvedQuota ?? "",
        approval_ref: a.approvalRef ?? "",
      })),
      { header: true, columns: [...AGENCIES.required, ...AGENCIES.optional] },
    ),
    "endpoints.csv": stringify(
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
      { header: true, columns: [...ENDPOINTS.required, ...ENDPOINTS.optional] },
    ),
    "people.csv": stringify(
      dir.people.map((p) => ({
        name: p.name,
        phone: p.phone ?? "",
        email: p.email ?? "",
        endpoint: p.endpoint ?? "",
        role: p.role,
        telegram_id: p.telegramId ?? "",
        zalo_id: p.zaloId ?? "",
      })),
      { header: true, columns: [...PEOPLE.required, ...PEOPLE.optional] },
    ),
  };
}

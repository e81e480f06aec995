import { and, eq, gte, lt } from "drizzle-orm";
import { DateTime, Info, type Zone } from "luxon";
import {
  computeReport,
  LEVELS,
  type Level,
  type Report,
  type ReportFilter,
  type ReportPeriod,
  type ReportSettings,
} from "../../core/report/compute.js";
import { B, FLAG } from "../../core/report/rows.js";
import { loadReportRows } from "../../store/report-repo.js";
import type { Desk } from "../desk.js";

/** A period or filter the person asked for that makes no sense; the message says how to fix it. */
export class ReportInputError extends Error {
  override name = "ReportInputError";
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** How messages name the inputs: the CLI's flags by default; the web page passes its field labels. */
export interface InputNames {
  from: string;
  to: string;
  half: string;
  year: string;
  level: string;
  /** The message when not exactly one kind of period is given. */
  one: string;
}

export const CLI_NAMES: InputNames = {
  from: "--from",
  to: "--to",
  half: "--half",
  year: "--year",
  level: "--level",
  one: "Hãy chọn đúng một kỳ báo cáo: --from NGÀY --to NGÀY, hoặc --half 2026H1, hoặc --year 2026.",
};

/** `--from/--to`, `--half 2026H1` or `--year 2026` as one period of whole local days. */
/** The years a report may cover: the desk's own data, not a typo's «1900» or «9999» (a year of empty rows). */
export const REPORT_YEARS = { first: 2000, last: 2099 } as const;

export function periodOf(
  opts: { from?: string; to?: string; half?: string; year?: string },
  names: InputNames = CLI_NAMES,
  /**
   * "read": `from`/`to` are real days and `year` four digits already (the web page's query parser read them and
   * said what was wrong in its own words), so their forms are not checked a second time here.
   */
  forms: "check" | "read" = "check",
): ReportPeriod {
  const period = readPeriod(opts, names, forms === "check");
  for (const day of [period.from, period.to]) {
    const year = Number(day.slice(0, 4));
    if (year < REPORT_YEARS.first || year > REPORT_YEARS.last)
      throw new ReportInputError(
        `Năm ${year} nằm ngoài phạm vi báo cáo (${REPORT_YEARS.first}–${REPORT_YEARS.last}).`,
      );
  }
  return period;
}

function readPeriod(
  opts: { from?: string; to?: string; half?: string; year?: string },
  names: InputNames,
  checkForms: boolean,
): ReportPeriod {
  const given = [opts.from || opts.to ? 1 : 0, opts.half ? 1 : 0, opts.year ? 1 : 0].reduce(
    (a, b) => a + b,
    0,
  );
  if (given !== 1) throw new ReportInputError(names.one);
  if (opts.half) {
    const m = /^(\d{4})H([12])$/i.exec(opts.half);
    if (!m)
      throw new ReportInputError(
        `Giá trị ${names.half}=«${opts.half}» không hợp lệ; hãy dùng dạng 2026H1 hoặc 2026H2.`,
      );
    const h = m[2] === "1";
    return {
      from: `${m[1]}-${h ? "01-01" : "07-01"}`,
      to: `${m[1]}-${h ? "06-30" : "12-31"}`,
      label: `${m[1]}H${m[2]}`,
    };
  }
  if (opts.year) {
    if (checkForms && !/^\d{4}$/.test(opts.year))
      throw new ReportInputError(`Giá trị ${names.year}=«${opts.year}» không hợp lệ; hãy dùng dạng 2026.`);
    return { from: `${opts.year}-01-01`, to: `${opts.year}-12-31`, label: opts.year };
  }
  for (const [flag, v] of [
    [names.from, opts.from],
    [names.to, opts.to],
  ] as const) {
    // «report --from 2026-12-01» alone: say what is missing, not that an empty value is no date.
    if (!v)
      throw new ReportInputError(
        `Thiếu ${flag}; hãy cho cả ${names.from} và ${names.to} (dạng YYYY-MM-DD), hoặc ${names.half}, hoặc ${names.year}.`,
      );
    if (checkForms && (!DAY_RE.test(v) || !DateTime.fromISO(v).isValid))
      throw new ReportInputError(
        `Giá trị ${flag}=«${v ?? ""}» không phải ngày hợp lệ; hãy dùng dạng YYYY-MM-DD, ví dụ 2026-06-30.`,
      );
  }
  if (opts.from! > opts.to!)
    throw new ReportInputError(`Ngày bắt đầu ${opts.from} sau ngày kết thúc ${opts.to}.`);
  return { from: opts.from!, to: opts.to!, label: `${opts.from}..${opts.to}` };
}

export function levelOf(value: string | undefined, name = CLI_NAMES.level): Level | undefined {
  if (value === undefined) return undefined;
  if (!(LEVELS as readonly string[]).includes(value))
    throw new ReportInputError(
      `Giá trị ${name}=«${value}» không hợp lệ; hãy dùng city, district hoặc commune.`,
    );
  return value as Level;
}

/**
 * The report for a period and optional agency or level (Điều 15.2c, 19.6): the rows are read in one read of the
 * store, every figure is computed by the pure core.
 *
 * `secret: "omit"` (every web role but admin) leaves secret sessions out entirely, as if they had not happened:
 * their bookings and the incidents tied to them are dropped before the core counts anything. A count of them,
 * even by agency and day, would tell that the agency hosted a secret session then. `"count"` (admin, the CLI)
 * counts them without describing them.
 */
export async function buildReport(
  desk: Desk,
  period: ReportPeriod,
  filter: ReportFilter,
  now: Date,
  opts: { secret?: "count" | "omit" } = {},
): Promise<Report> {
  const { from, to } = reportWindow(period, desk.reg.zone);
  if (filter.agency) {
    const known = await desk.store.read((r) => r.directory.snapshot());
    if (!known.agency(filter.agency))
      throw new ReportInputError(`Không có cơ quan «${filter.agency}» trong danh bạ.`);
    filter = { ...filter, agency: known.agency(filter.agency)!.name };
  }
  const omit = opts.secret === "omit";
  const rows = await desk.store.read(async (_r, c) => {
    const all = await loadReportRows(c, from, to);
    if (!omit) return all;
    const { incidents, bookings } = c.t;
    const tied = await c.db
      .select({ code: incidents.code })
      .from(incidents)
      .innerJoin(bookings, eq(incidents.booking, bookings.code))
      .where(and(eq(bookings.secret, true), gte(incidents.openedAt, from), lt(incidents.openedAt, to)));
    const secretIncidents = new Set(tied.map((r) => r.code));
    return {
      ...all,
      bookings: all.bookings.filter((b) => !(b[B.flags] & FLAG.secret)),
      incidents: all.incidents.filter((i) => !secretIncidents.has(i.code)),
    };
  });
  const report = computeReport(rows, period, filter, reportSettings(desk), now);
  return omit ? { ...report, secretOmitted: true } : report;
}

/** The period as instants: [00:00 of its first local day, 00:00 after its last local day). */
export function reportWindow(period: ReportPeriod, zone: string): { from: Date; to: Date } {
  return {
    from: DateTime.fromISO(period.from, { zone }).startOf("day").toJSDate(),
    to: DateTime.fromISO(period.to, { zone }).plus({ days: 1 }).startOf("day").toJSDate(),
  };
}

/** The regulation's numbers the report judges against. */
export function reportSettings(desk: Desk): ReportSettings {
  const zone = Info.normalizeZone(desk.reg.zone)!;
  const working = new Map<string, boolean>();
  return {
    zone: desk.reg.zone,
    answerWithinMinutes: desk.reg.answerWithinMinutes,
    technicalCheckBeforeMinutes: desk.reg.technicalCheckBeforeMinutes,
    mcu: desk.reg.mcu,
    // As workingDaysDeadline, from the local day the session ended: the n-th working day strictly after it (as
    // the calendar's addWorkingDays, with each day's working status asked once per report).
    handoverDeadline: (endDay) => {
      let day = endDay;
      for (let left = desk.reg.recordingHandoverWorkingDays; left > 0; ) {
        day = nextDay(day);
        let work = working.get(day);
        if (work === undefined) {
          work = desk.holidays.isWorkingDay(day);
          working.set(day, work);
        }
        if (work) left--;
      }
      return localInstant(day, desk.reg.workday.end, zone);
    },
  };
}

/** The calendar day after an ISO day (YYYY-MM-DD). */
function nextDay(day: string): string {
  const t =
    Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) + 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/**
 * `atLocal` for a valid day and HH:MM, without parsing through luxon (a yearly report asks for ~365 deadlines, and
 * luxon's parse cost more than the rest of the day's work). The offset is found as luxon finds it (its
 * `fixOffset`), so the instant is the same for every local time that exists exactly once in the zone.
 */
export function localInstant(day: string, time: string, zone: Zone): Date {
  const [h, m] = time.split(":").map(Number);
  const local = Date.UTC(
    Number(day.slice(0, 4)),
    Number(day.slice(5, 7)) - 1,
    Number(day.slice(8, 10)),
    h,
    m,
  );
  const o = zone.offset(local);
  let guess = local - o * 60_000;
  const o2 = zone.offset(guess);
  if (o === o2) return new Date(guess);
  guess -= (o2 - o) * 60_000;
  const o3 = zone.offset(guess);
  return new Date(o2 === o3 ? guess : local - Math.min(o2, o3) * 60_000);
}

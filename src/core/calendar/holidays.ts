import { CalendarVietnamese } from "date-chinese";
import { addDays, isoWeekday, type LocalDate } from "./zone.js";

/**
 * Vietnamese public holidays (Bộ luật Lao động 2019, Điều 112) and each year's official swaps.
 *
 * The statutory days are computed: Tết Dương lịch, Tết Nguyên đán (the last day of the lunar year and the
 * first four of the new one), Giỗ Tổ Hùng Vương (10/3 lunar), 30/4, 1/5, 2/9 and one adjacent day.
 * The lunar dates use the Vietnamese calendar (meridian UTC+7), which differs from the Chinese one in some
 * years (Tết 1985 and 2007, for example).
 *
 * Every year the government publishes which days are given off in compensation and which Saturdays are
 * worked in exchange. Those come from a yearly data file; for a year without a file, a holiday that falls on
 * a weekend is compensated on the next working day (Điều 112.3), and the 2/9 adjacent day is guessed.
 */

export interface YearSwaps {
  year: number;
  /** Where the file's facts come from, for the operator who keeps it. */
  source?: string;
  /** The day given off next to 2/9, as decided that year. */
  nationalDayAdjacent?: LocalDate;
  /** Extra days off: compensation and swapped days. */
  off: { date: LocalDate; name: string }[];
  /** Saturdays or Sundays worked in exchange. */
  work: { date: LocalDate; name: string }[];
}

export interface Holiday {
  date: LocalDate;
  name: string;
}

// Lunar conversions take tens of milliseconds each: computed once per year.
const lunarCache = new Map<number, { tetEve: LocalDate; tet: LocalDate; hungKings: LocalDate }>();

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function lunarDays(year: number): { tetEve: LocalDate; tet: LocalDate; hungKings: LocalDate } {
  const cached = lunarCache.get(year);
  if (cached) return cached;
  const cal = new CalendarVietnamese();
  cal.fromJDE(cal.newYear(year));
  const g = cal.toGregorian();
  const tet = `${g.year}-${pad(g.month)}-${pad(g.day)}`;
  const [cycle, lunarYear] = cal.get();
  cal.set(cycle, lunarYear, 3, false, 10);
  const h = cal.toGregorian();
  const result = { tetEve: addDays(tet, -1), tet, hungKings: `${h.year}-${pad(h.month)}-${pad(h.day)}` };
  lunarCache.set(year, result);
  return result;
}

function isWeekend(date: LocalDate): boolean {
  return isoWeekday(date) >= 6;
}

/** The 2/9 adjacent day when no file decides it: the one that joins the holiday to a weekend. */
function guessNationalDayAdjacent(year: number): LocalDate {
  const day = `${year}-09-02`;
  const wd = isoWeekday(day);
  return wd === 1 || wd === 4 ? `${year}-09-03` : `${year}-09-01`;
}

/** The statutory holidays of a year, before any compensation or swap. */
export function statutoryHolidays(year: number, nationalDayAdjacent?: LocalDate): Holiday[] {
  const { tetEve, tet, hungKings } = lunarDays(year);
  const days: Holiday[] = [{ date: `${year}-01-01`, name: "Tết Dương lịch" }];
  days.push({ date: tetEve, name: "Tết Nguyên đán (ngày cuối năm Âm lịch)" });
  for (let i = 0; i < 4; i++) days.push({ date: addDays(tet, i), name: `Tết Nguyên đán (mùng ${i + 1})` });
  days.push({ date: hungKings, name: "Giỗ Tổ Hùng Vương (10/3 Âm lịch)" });
  days.push({ date: `${year}-04-30`, name: "Ngày Chiến thắng (30/4)" });
  days.push({ date: `${year}-05-01`, name: "Ngày Quốc tế Lao động (1/5)" });
  days.push({ date: `${year}-09-02`, name: "Quốc khánh (2/9)" });
  days.push({
    date: nationalDayAdjacent ?? guessNationalDayAdjacent(year),
    name: "Quốc khánh (ngày liền kề)",
  });
  return days;
}

/** The first year whose holidays are computed (the lunar calendar's tables start before it). */
const MIN_YEAR = 1000;

export class HolidayCalendar {
  private readonly years = new Map<number, { off: Map<LocalDate, string>; work: Map<LocalDate, string> }>();

  constructor(private readonly swaps: readonly YearSwaps[] = []) {}

  private year(year: number) {
    let y = this.years.get(year);
    if (y) return y;
    // A year the lunar tables and the 4-digit dates do not reach (a typed «10/12/0000»): no holidays, only
    // weekends. Computing them threw, and a mail that throws is read again at every IMAP round.
    if (!(year >= MIN_YEAR && year <= 9999)) {
      y = { off: new Map(), work: new Map() };
      this.years.set(year, y);
      return y;
    }
    const file = this.swaps.find((s) => s.year === year);
    const off = new Map<LocalDate, string>();
    const work = new Map<LocalDate, string>();
    const statutory = statutoryHolidays(year, file?.nationalDayAdjacent);
    for (const h of statutory) off.set(h.date, h.name);
    if (file) {
      for (const d of file.off) off.set(d.date, d.name);
      for (const d of file.work) work.set(d.date, d.name);
    } else {
      // Điều 112.3: a holiday on a weekly rest day is given back on the next working day.
      for (const h of statutory) {
        if (!isWeekend(h.date)) continue;
        let d = addDays(h.date, 1);
        while (isWeekend(d) || off.has(d)) d = addDays(d, 1);
        off.set(d, `Nghỉ bù ${h.name}`);
      }
    }
    y = { off, work };
    this.years.set(year, y);
    return y;
  }

  /** The reason a day is not worked (holiday, compensation), or null for a working day or plain weekend. */
  holidayName(date: LocalDate): string | null {
    return this.year(Number(date.slice(0, 4))).off.get(date) ?? null;
  }

  /** Answers per date, remembered: the search for alternatives asks about the same weeks again and again. */
  private readonly working = new Map<LocalDate, boolean>();

  isWorkingDay(date: LocalDate): boolean {
    let known = this.working.get(date);
    if (known === undefined) {
      const y = this.year(Number(date.slice(0, 4)));
      known = y.work.has(date) ? true : y.off.has(date) ? false : !isWeekend(date);
      if (this.working.size > 20_000) this.working.clear();
      this.working.set(date, known);
    }
    return known;
  }

  /** The `n`-th working day strictly after `date`. */
  addWorkingDays(date: LocalDate, n: number): LocalDate {
    let d = date;
    let left = n;
    while (left > 0) {
      d = addDays(d, 1);
      if (this.isWorkingDay(d)) left--;
    }
    return d;
  }

  /** All non-working weekdays and worked weekend days of a year, for the operator's review. */
  listYear(year: number): { date: LocalDate; name: string; working: boolean }[] {
    const y = this.year(year);
    const rows = [...y.off].map(([date, name]) => ({ date, name, working: false }));
    rows.push(...[...y.work].map(([date, name]) => ({ date, name, working: true })));
    return rows.sort((a, b) => a.date.localeCompare(b.date));
  }
}

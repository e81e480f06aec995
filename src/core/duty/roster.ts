import type { HolidayCalendar } from "../calendar/holidays.js";
import { addDays, atLocal, isoWeekday, type LocalDate, localDateOf, localTimeOf } from "../calendar/zone.js";

/** The desk roles a roster covers: the MCU technician and the WAN duty. */
export const DUTY_ROLES = ["mcu", "wan"] as const;
export type DutyRole = (typeof DUTY_ROLES)[number];

/** The directory role behind a duty role. */
export const DIRECTORY_ROLE: Record<DutyRole, string> = { mcu: "mcu-technician", wan: "wan-duty" };

export function dutyRoleOf(directoryRole: string): DutyRole | null {
  if (directoryRole === "mcu-technician") return "mcu";
  if (directoryRole === "wan-duty") return "wan";
  return null;
}

/** One shift of the weekly roster: weekday 1 (Monday) … 7 (Sunday), local minutes [from, to); to < from runs past midnight. */
export interface Shift {
  role: DutyRole;
  weekday: number;
  fromMinute: number;
  toMinute: number;
  /** The person's name, as in the directory. */
  person: string;
}

/** "Today's duty": the person on duty for a role for the whole of one local date. */
export interface DutyOverride {
  date: LocalDate;
  role: DutyRole;
  person: string;
}

const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether a shift covers local `weekday` at `minute` (a shift past midnight covers the next day's morning). */
export function covers(s: Shift, weekday: number, minute: number): boolean {
  if (s.fromMinute < s.toMinute)
    return s.weekday === weekday && minute >= s.fromMinute && minute < s.toMinute;
  const prev = weekday === 1 ? 7 : weekday - 1;
  return (s.weekday === weekday && minute >= s.fromMinute) || (s.weekday === prev && minute < s.toMinute);
}

/**
 * Who is on duty for `role` at `at`: today's override when an admin set one for the local date, else the roster's
 * shift covering the local weekday and time (the first one listed, when shifts overlap), else nobody.
 */
export function onDuty(
  shifts: readonly Shift[],
  overrides: readonly DutyOverride[],
  role: DutyRole,
  at: Date,
  zone: string,
): string | null {
  const date = localDateOf(at, zone);
  const override = overrides.filter((o) => o.role === role && o.date === date).at(-1);
  if (override) return override.person;
  const weekday = isoWeekday(date);
  const minute = minuteOf(localTimeOf(at, zone));
  return shifts.find((s) => s.role === role && covers(s, weekday, minute))?.person ?? null;
}

/** `HH:mm` of a minute of the day (1440 reads 24:00). */
export function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
}

/** Parse `HH:mm` (00:00–24:00) into a minute of the day, or null. */
export function parseMinute(text: string): number | null {
  const m = /^(\d{1,2})[:hg](\d{2})?$/i.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2] ?? 0);
  if (h > 24 || min > 59 || (h === 24 && min > 0)) return null;
  return h * 60 + min;
}

/**
 * The instant `minutes` of working time after `from`: only office hours (`workday`, local) of working days count
 * (weekends, holidays and compensation days skipped, worked weekend days counted). Starting outside office hours,
 * the count starts at the next opening.
 */
export function addWorkingMinutes(
  from: Date,
  minutes: number,
  calendar: HolidayCalendar,
  zone: string,
  workday: { start: string; end: string },
): Date {
  let left = minutes * 60_000;
  let day: LocalDate = localDateOf(from, zone);
  let cursor = from.getTime();
  // A year of days is enough for any configured delay; stop there rather than loop on a broken calendar.
  for (let i = 0; i < 400; i++) {
    if (calendar.isWorkingDay(day)) {
      const open = atLocal(day, workday.start, zone).getTime();
      const close = atLocal(day, workday.end, zone).getTime();
      const start = Math.max(cursor, open);
      if (start < close) {
        if (start + left <= close) return new Date(start + left);
        left -= close - start;
      }
    }
    day = addDays(day, 1);
    cursor = atLocal(day, "00:00", zone).getTime();
  }
  return new Date(cursor + left);
}

/**
 * When an incident outside a session reminds (or escalates): an urgent class counts wall-clock minutes, any other
 * class counts working minutes (office hours of working days).
 */
export function offSessionDue(
  from: Date,
  minutes: number,
  urgent: boolean,
  calendar: HolidayCalendar,
  zone: string,
  workday: { start: string; end: string },
): Date {
  return urgent
    ? new Date(from.getTime() + minutes * 60_000)
    : addWorkingMinutes(from, minutes, calendar, zone, workday);
}

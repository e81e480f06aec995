import { DateTime } from "luxon";

/** A calendar day as `YYYY-MM-DD`, always meant in the regulation's zone. */
export type LocalDate = string;

const WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"] as const;

export function toLocal(instant: Date, zone: string): DateTime {
  return DateTime.fromJSDate(instant, { zone });
}

const QUARTER_HOUR = 15 * 60_000;
const offsets = new Map<string, number>();

/**
 * The zone's UTC offset at `instant`, in milliseconds. Remembered per zone and quarter hour: every offset in the tz
 * database since 1970 is a whole number of quarter hours, so a transition falls on a quarter-hour instant and one
 * quarter hour has one offset. Luxon computes it through Intl (≈10 µs); a page of a thousand times paid that each.
 */
export function zoneOffsetMs(instant: Date, zone: string): number {
  const t = instant.getTime();
  const key = `${zone}|${Math.floor(t / QUARTER_HOUR)}`;
  let off = offsets.get(key);
  if (off === undefined) {
    if (offsets.size > 50_000) offsets.clear();
    off = DateTime.fromMillis(t, { zone }).offset * 60_000;
    offsets.set(key, off);
  }
  return off;
}

/** The wall clock of `instant` in `zone`, as a Date whose UTC fields read that wall clock. */
function wall(instant: Date, zone: string): Date {
  return new Date(instant.getTime() + zoneOffsetMs(instant, zone));
}

const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));

export function localDateOf(instant: Date, zone: string): LocalDate {
  return wall(instant, zone).toISOString().slice(0, 10);
}

/** `HH:mm` of `instant` in `zone`. */
export function localTimeOf(instant: Date, zone: string): string {
  const w = wall(instant, zone);
  return `${TWO[w.getUTCHours()]}:${TWO[w.getUTCMinutes()]}`;
}

/** The instant at `HH:mm` on `date` in `zone`. Throws on a malformed date: callers validate input first. */
export function atLocal(date: LocalDate, time: string, zone: string): Date {
  const dt = DateTime.fromISO(`${date}T${time}`, { zone });
  if (!dt.isValid) throw new RangeError(`invalid local time ${date} ${time}: ${dt.invalidExplanation}`);
  return dt.toJSDate();
}

/** ISO 8601 with the zone's offset, e.g. `2026-12-10T09:00:00+07:00`. */
export function isoLocal(instant: Date, zone: string): string {
  return toLocal(instant, zone).toISO({ suppressMilliseconds: true })!;
}

/** `09:00 Thứ Năm, 10/12/2026`, the way the desk writes a time. From the cached offset: no luxon per call. */
export function formatVi(instant: Date, zone: string): string {
  const w = wall(instant, zone);
  return `${TWO[w.getUTCHours()]}:${TWO[w.getUTCMinutes()]} ${WEEKDAYS[(w.getUTCDay() + 6) % 7]}, ${TWO[w.getUTCDate()]}/${TWO[w.getUTCMonth() + 1]}/${String(w.getUTCFullYear()).padStart(4, "0")}`;
}

/** `09:00–11:00 Thứ Năm, 10/12/2026`, or with both dates when the range spans days. */
export function formatRangeVi(start: Date, end: Date, zone: string): string {
  if (localDateOf(start, zone) === localDateOf(end, zone))
    return `${localTimeOf(start, zone)}–${localTimeOf(end, zone)} ${formatVi(start, zone).slice(6)}`;
  return `${formatVi(start, zone)} – ${formatVi(end, zone)}`;
}

export function weekdayVi(date: LocalDate): string {
  return WEEKDAYS[DateTime.fromISO(date).weekday - 1]!;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return DateTime.fromISO(date, { zone: "UTC" }).plus({ days }).toISODate()!;
}

/** ISO weekday of a local date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  return DateTime.fromISO(date, { zone: "UTC" }).weekday;
}

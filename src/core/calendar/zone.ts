import { DateTime } from "luxon";

/** A calendar day as `YYYY-MM-DD`, always meant in the regulation's zone. */
export type LocalDate = string;

const WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"] as const;

export function toLocal(instant: Date, zone: string): DateTime {
  return DateTime.fromJSDate(instant, { zone });
}

export function localDateOf(instant: Date, zone: string): LocalDate {
  return toLocal(instant, zone).toISODate()!;
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

/** `09:00 Thứ Năm, 10/12/2026`, the way the desk writes a time. */
export function formatVi(instant: Date, zone: string): string {
  const dt = toLocal(instant, zone);
  return `${dt.toFormat("HH:mm")} ${WEEKDAYS[dt.weekday - 1]}, ${dt.toFormat("dd/MM/yyyy")}`;
}

/** `09:00–11:00 Thứ Năm, 10/12/2026`, or with both dates when the range spans days. */
export function formatRangeVi(start: Date, end: Date, zone: string): string {
  const s = toLocal(start, zone);
  const e = toLocal(end, zone);
  if (s.hasSame(e, "day"))
    return `${s.toFormat("HH:mm")}–${e.toFormat("HH:mm")} ${formatVi(start, zone).slice(6)}`;
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

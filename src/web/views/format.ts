import { DateTime } from "luxon";
import { localDateOf, localTimeOf } from "../../core/calendar/zone.js";

/** Hanoi time of an instant: "08:30". */
export function hhmm(d: Date | null, zone: string): string {
  return d ? localTimeOf(d, zone) : "--:--";
}

/** "08:30 29/11/2026". */
export function dateTime(d: Date | null, zone: string): string {
  if (!d) return "chưa rõ";
  const day = localDateOf(d, zone);
  return `${localTimeOf(d, zone)} ${day.slice(8)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
}

/**
 * A session's slot: "09:00–10:00 11/12/2026", or both ends in full when it runs past midnight
 * ("22:00 10/12/2026 – 01:00 11/12/2026"); "chưa rõ" without a start.
 */
export function slot(start: Date | null, end: Date | null, zone: string): string {
  if (!start) return "chưa rõ";
  if (!end) return dateTime(start, zone);
  return localDateOf(start, zone) === localDateOf(end, zone)
    ? `${hhmm(start, zone)}–${dateTime(end, zone)}`
    : `${dateTime(start, zone)} – ${dateTime(end, zone)}`;
}

/** "Chủ nhật, 29/11/2026". */
export function longDate(d: Date, zone: string): string {
  return DateTime.fromJSDate(d).setZone(zone).setLocale("vi").toFormat("cccc, dd/MM/yyyy");
}

/** "còn 1 giờ 12 phút" / "quá hạn 5 phút". */
export function countdown(deadline: Date, now: Date): string {
  const ms = deadline.getTime() - now.getTime();
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const text = minutes >= 60 ? `${Math.floor(minutes / 60)} giờ ${minutes % 60} phút` : `${minutes} phút`;
  return ms >= 0 ? `còn ${text}` : `quá hạn ${text}`;
}

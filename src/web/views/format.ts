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

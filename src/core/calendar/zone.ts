import { DateTime } from "luxon";

/** A calendar day as `YYYY-MM-DD`, always meant in the regulation's zone. */
export type LocalDate = string;

const WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"] as const;

export function toLocal(instant: Date, zone: string): DateTime {
  return DateTime.fromJSDate(instant, { zone });
}

const QUARTER_HOUR = 15 * 60_000;
const DAY = 86_400_000;
/** Per zone: UTC day → the offset the whole day has, or NaN when it changes that day. */
const dayOffsets = new Map<string, Map<number, number>>();
/** Per zone: quarter hour → offset, for the days on which the offset changes. */
const quarterOffsets = new Map<string, Map<number, number>>();

function luxonOffsetMs(t: number, zone: string): number {
  return DateTime.fromMillis(t, { zone }).offset * 60_000;
}

function perZone(maps: Map<string, Map<number, number>>, zone: string): Map<number, number> {
  let m = maps.get(zone);
  if (!m) {
    m = new Map();
    maps.set(zone, m);
  }
  if (m.size > 50_000) m.clear();
  return m;
}

/**
 * The zone's UTC offset at `instant`, in milliseconds. Remembered per zone and UTC day: a day whose first and last
 * quarter hours have the same offset has it throughout (no zone in the tz database changes its offset twice in a
 * day and back). A day with a change is remembered per quarter hour instead: every offset since 1970 is a whole
 * number of quarter hours, so a transition falls on a quarter-hour instant. Luxon computes an offset through Intl
 * (≈ 10 µs); with this, once or twice per zone and day.
 */
export function zoneOffsetMs(instant: Date, zone: string): number {
  return offsetAtMs(instant.getTime(), zone);
}

/** zoneOffsetMs of the instant `t` (milliseconds since the epoch). */
function offsetAtMs(t: number, zone: string): number {
  const day = Math.floor(t / DAY);
  const days = perZone(dayOffsets, zone);
  let off = days.get(day);
  if (off === undefined) {
    const first = luxonOffsetMs(day * DAY, zone);
    off = first === luxonOffsetMs(day * DAY + DAY - QUARTER_HOUR, zone) ? first : Number.NaN;
    days.set(day, off);
  }
  if (!Number.isNaN(off)) return off;
  const quarters = perZone(quarterOffsets, zone);
  const q = Math.floor(t / QUARTER_HOUR);
  let exact = quarters.get(q);
  if (exact === undefined) {
    exact = luxonOffsetMs(q * QUARTER_HOUR, zone);
    quarters.set(q, exact);
  }
  return exact;
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

/**
 * The zone's offset when it is the same throughout [lo, hi] (every UTC day in it has one offset, the same one),
 * or NaN when it changes in there.
 */
function steadyOffsetMs(lo: number, hi: number, zone: string): number {
  const first = offsetAtMs(lo, zone);
  for (let day = Math.floor(lo / DAY); day <= Math.floor(hi / DAY); day++) {
    offsetAtMs(day * DAY, zone);
    if (perZone(dayOffsets, zone).get(day) !== first) return Number.NaN;
  }
  return first;
}

const FOURTEEN_HOURS = 14 * 3_600_000;

/** The instant at `HH:mm` on `date` in `zone`. Throws on a malformed date: callers validate input first. */
export function atLocal(date: LocalDate, time: string, zone: string): Date {
  // The wall clock read as UTC, less the zone's offset: exact when the offset is the same 14 hours either side
  // (no zone is further than 14 hours from UTC), so that no DST gap or overlap is near. Otherwise luxon decides.
  const day = utcDay(date);
  if (!Number.isNaN(day) && /^([01]\d|2[0-3]):[0-5]\d$/.test(time)) {
    const wallAsUtc = day + Number(time.slice(0, 2)) * 3_600_000 + Number(time.slice(3, 5)) * 60_000;
    const off = steadyOffsetMs(wallAsUtc - FOURTEEN_HOURS, wallAsUtc + FOURTEEN_HOURS, zone);
    if (!Number.isNaN(off)) return new Date(wallAsUtc - off);
  }
  const dt = DateTime.fromISO(`${date}T${time}`, { zone });
  if (!dt.isValid) throw new RangeError(`invalid local time ${date} ${time}: ${dt.invalidExplanation}`);
  return dt.toJSDate();
}

/**
 * `atLocal` on numbers: the day as its midnight UTC (`Date.UTC` of the local date) and the time as minutes after
 * midnight, the instant in milliseconds. For hot loops over days (the alternatives' search): no strings, no Dates.
 */
export function atLocalMs(dayUtcMs: number, minutes: number, zone: string): number {
  const wallAsUtc = dayUtcMs + minutes * 60_000;
  const off = steadyOffsetMs(wallAsUtc - FOURTEEN_HOURS, wallAsUtc + FOURTEEN_HOURS, zone);
  if (!Number.isNaN(off)) return wallAsUtc - off;
  const date = new Date(dayUtcMs).toISOString().slice(0, 10);
  return atLocal(date, `${TWO[Math.floor(minutes / 60)]}:${TWO[minutes % 60]}`, zone).getTime();
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

/** Midnight UTC of a `YYYY-MM-DD` date, or NaN when it is not one (Date.parse reads 2026-02-30 as 2 March). */
export function utcDay(date: LocalDate): number {
  if (date.length !== 10 || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return Number.NaN;
  const t = Date.parse(`${date}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === date ? t : Number.NaN;
}

/** «Thứ Hai» … «Chủ nhật» for an ISO weekday (1 = Monday … 7 = Sunday), as a clerk writes it. */
export function weekdayNameVi(isoDay: number): string | undefined {
  return WEEKDAYS[isoDay - 1];
}

export function weekdayVi(date: LocalDate): string {
  const t = utcDay(date);
  if (Number.isNaN(t)) return WEEKDAYS[DateTime.fromISO(date).weekday - 1]!;
  return WEEKDAYS[(new Date(t).getUTCDay() + 6) % 7]!;
}

/** `24/12/2026`: a local day's date the way the desk writes it. */
export function dateVi(date: LocalDate): string {
  return date.split("-").reverse().join("/");
}

/** `Thứ Năm, 24/12/2026`: a local day the way the desk writes it (formatVi without the hour). */
export function dayVi(date: LocalDate): string {
  return `${weekdayVi(date)}, ${dateVi(date)}`;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const t = utcDay(date);
  // Whole days only through the arithmetic; anything else as luxon reads it.
  if (Number.isNaN(t) || !Number.isInteger(days) || Math.abs(days) > 1_000_000)
    return DateTime.fromISO(date, { zone: "UTC" }).plus({ days }).toISODate()!;
  const out = new Date(t + days * DAY).toISOString();
  return out.length === 24
    ? out.slice(0, 10)
    : DateTime.fromISO(date, { zone: "UTC" }).plus({ days }).toISODate()!;
}

/** ISO weekday of a local date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  const t = utcDay(date);
  if (Number.isNaN(t)) return DateTime.fromISO(date, { zone: "UTC" }).weekday;
  return ((new Date(t).getUTCDay() + 6) % 7) + 1;
}

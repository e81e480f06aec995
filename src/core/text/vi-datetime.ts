import { DateTime } from "luxon";

/**
 * Dates and times as Vietnamese clerks write them: `02/12/2026`, `2/12`, `ngày 03 tháng 12 năm 2026`,
 * `thứ Năm`, `thứ 5`, `thứ Năm tuần sau`, `hôm nay`, `chiều nay`, `sáng mai`; `14h00`, `14h`, `14g30`, `14:00`, `14 giờ 00 phút`, `2 giờ chiều`,
 * `8h30 sáng`; ranges with `từ … đến …`, `-` or `–`. Pure: the reference instant and zone come in.
 */

export interface TimeOfDay {
  hour: number;
  minute: number;
  index: number;
}

export interface DatePhrase {
  date: string;
  index: number;
  /** ISO weekday named next to the date, when one was. */
  weekday: number | null;
}

/** Strip diacritics and lower-case, keeping every other character in place: indices match the input. */
export function foldKeepingIndex(text: string): string {
  let out = "";
  for (const ch of text) {
    const f =
      ch === "đ" || ch === "Đ"
        ? "d"
        : ch
            .normalize("NFD")
            .replace(/[\u0300-\u036f]/g, "")
            .toLowerCase();
    out +=
      f.length === ch.length
        ? f
        : ch.length === 1
          ? (f[0] ?? "?")
          : f.padEnd(ch.length, " ").slice(0, ch.length);
  }
  return out;
}

export function hasDiacritics(text: string): boolean {
  return /[\u00C0-\u1EF9]/u.test(text.normalize("NFC"));
}

const TIME_RE =
  /(?<![\d.,/:])([01]?\d|2[0-3])\s*(?:h|g|gio|:)(?:\s*([0-5]\d))?(?:\s*phut)?(?:\s*,?\s*(sang|trua|chieu|toi))?(?![a-z\d/])/g;

/** Every time of day in `folded` text, in order. An hour up to 5 with no "sáng" is taken as afternoon. */
export function findTimes(folded: string): TimeOfDay[] {
  const out: TimeOfDay[] = [];
  for (const m of folded.matchAll(TIME_RE)) {
    let hour = Number(m[1]);
    const minute = m[2] ? Number(m[2]) : 0;
    const period = m[3];
    if ((period === "chieu" || period === "toi") && hour < 12) hour += 12;
    else if (!period && hour >= 1 && hour <= 5) hour += 12;
    out.push({ hour, minute, index: m.index });
  }
  // "9-11h", "từ 14 đến 16 giờ": the bare first number of a range takes the hour marker (and the period) of the second.
  for (const m of folded.matchAll(RANGE_START)) {
    const end = out.find((t) => t.index === m.index + m[0].length);
    if (!end) continue;
    let hour = Number(m[1]);
    if (end.hour >= 12 && hour < 12 && hour + 12 <= end.hour) hour += 12;
    else if (hour >= 1 && hour <= 5) hour += 12;
    out.push({ hour, minute: 0, index: m.index });
  }
  return out.sort((a, b) => a.index - b.index);
}

const RANGE_START =
  /(?<![\d.,/:]|\d\s*(?:h|g|gio)\s*)([01]?\d|2[0-3])(?!\s*(?:h|g|gio|:|[/.]\d))\s*(?:-|–|den)\s*/g;

const WEEKDAY_WORDS: Record<string, number> = {
  hai: 1,
  "2": 1,
  ba: 2,
  "3": 2,
  tu: 3,
  "4": 3,
  nam: 4,
  "5": 4,
  sau: 5,
  "6": 5,
  bay: 6,
  "7": 6,
};

/**
 * The weekday named at a position, if any. With diacritics present, the original must say `thứ Tư`, not
 * `thứ tự` (order) — folded text alone cannot tell them apart.
 */
function weekdayAt(original: string, folded: string, index: number): number | null {
  const m = /^thu\s+(hai|ba|tu|nam|sau|bay|[2-7])(?![a-z\d])|^chu nhat(?![a-z])/.exec(folded.slice(index));
  if (!m) return null;
  const raw = original.slice(index, index + m[0].length).toLowerCase();
  if (hasDiacritics(original)) {
    if (m[0].startsWith("chu") ? !raw.startsWith("chủ") : !raw.startsWith("thứ")) return null;
    if (m[1] === "tu" && !/tư$/.test(raw)) return null;
    if (m[1] === "nam" && !/năm$/.test(raw)) return null;
    if (m[1] === "sau" && !/sáu$/.test(raw)) return null;
    if (m[1] === "bay" && !/bảy$/.test(raw)) return null;
  }
  return m[0].startsWith("chu") ? 7 : (WEEKDAY_WORDS[m[1]!] ?? null);
}

export function findWeekdays(original: string, folded: string): { weekday: number; index: number }[] {
  const out: { weekday: number; index: number }[] = [];
  for (const m of folded.matchAll(/\b(?:thu|chu)\s/g)) {
    const w = weekdayAt(original, folded, m.index);
    if (w) out.push({ weekday: w, index: m.index });
  }
  return out;
}

/**
 * An hour marker right before a number makes that number minutes ("8h30 - 10h30", "8 giờ 30 - 10 giờ 30"), never
 * a day; "9h 10/12" and "9 giờ, 10/12" are an hour and a date.
 */
const AFTER_HOUR = String.raw`\d\s*(?:h|g|:)|\d\s*gio\s*(?=\d{1,2}\s*[-–])`;
/** An hour marker right after a number makes it an hour ("30-11h00", "03 - 10 giờ"), never a month or day. */
const BEFORE_HOUR = String.raw`\s*(?:h|g|gio|:)(?:\s*\d|\b|$)`;
/**
 * `d/m`, `d.m`, `d-m`, optionally with a year. Neither the day nor the month may touch an hour marker, and the
 * month may not be followed by more digits or a colon.
 */
const NUMERIC_DATE = new RegExp(
  String.raw`(?<![\d.:,]|${AFTER_HOUR})(\d{1,2})(?!${BEFORE_HOUR})\s*([/.-]|–)\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}|\d{2})(?![\d:]))?(?![\d:]|${BEFORE_HOUR}|\s*[/.-]\s*\d)`,
  "g",
);
/** What may stand right before a dashed date with no year: "ngày 10-12", "thứ Năm 10-12", "(10-12". */
const DATE_CONTEXT = /(?:\bngay|\bthu\s+(?:hai|ba|tu|nam|sau|bay|[2-7])|\bchu nhat|\()[\s,]*$/;

function fullYear(y: string | undefined, ref: DateTime, month: number, day: number): number {
  if (y) return y.length === 2 ? 2000 + Number(y) : Number(y);
  // A date with no year belongs to the mail's year, unless it would lie well before the mail: then next year.
  const guess = DateTime.fromObject({ year: ref.year, month, day }, { zone: ref.zone });
  return guess.isValid && guess < ref.minus({ days: 60 }) ? ref.year + 1 : ref.year;
}

/** A week named right after a weekday: "thứ Năm tuần sau", "thu 5 tuan toi", "chủ nhật tuần này". */
const WEEK_AFTER_WEEKDAY =
  /^(?:thu\s+(?:hai|ba|tu|nam|sau|bay|[2-7])|chu nhat)[\s,]+tuan\s+(sau|toi|nay)(?![a-z])/;

/** Every explicit or relative date in the text, in order, resolved against `reference` in `zone`. */
export function findDates(original: string, folded: string, reference: Date, zone: string): DatePhrase[] {
  const ref = DateTime.fromJSDate(reference, { zone }).startOf("day");
  const out: DatePhrase[] = [];
  const push = (year: number, month: number, day: number, index: number) => {
    const dt = DateTime.fromObject({ year, month, day }, { zone });
    if (dt.isValid) out.push({ date: dt.toISODate()!, index, weekday: null });
  };
  for (const m of folded.matchAll(NUMERIC_DATE)) {
    const day = Number(m[1]);
    const month = Number(m[3]);
    if (month < 1 || month > 12 || day < 1 || day > 31) continue;
    // "8-10" is as likely a range of hours as a date: a dash makes a date only with a year or after "ngày"/a weekday.
    if (m[2] !== "/" && m[2] !== "." && !m[4] && !DATE_CONTEXT.test(folded.slice(0, m.index))) continue;
    push(fullYear(m[4], ref, month, day), month, day, m.index);
  }
  for (const m of folded.matchAll(/ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})(?:\s+nam\s+(\d{4}))?/g)) {
    const day = Number(m[1]);
    const month = Number(m[2]);
    push(fullYear(m[3], ref, month, day), month, day, m.index);
  }
  for (const m of folded.matchAll(
    /\b(hom nay|sang nay|trua nay|chieu nay|toi nay|ngay mai|sang mai|trua mai|chieu mai|toi mai|ngay kia)\b/g,
  )) {
    const plus = m[1]!.endsWith(" nay") ? 0 : m[1] === "ngay kia" ? 2 : 1;
    const d = ref.plus({ days: plus });
    push(d.year, d.month, d.day, m.index);
  }
  // A weekday just before a date qualifies it; a weekday alone means its next occurrence.
  const weekdays = findWeekdays(original, folded);
  for (const w of weekdays) {
    const next = out.find((d) => d.index > w.index && d.index - w.index <= 20);
    if (next) next.weekday = w.weekday;
    else {
      // "thứ Năm tuần sau" / "tuần tới" is that day of next week (weeks run Monday to Sunday); "tuần này" this week's.
      const week = WEEK_AFTER_WEEKDAY.exec(folded.slice(w.index))?.[1];
      let d = ref.plus({ days: 1 });
      if (week) d = ref.startOf("week").plus({ weeks: week === "nay" ? 0 : 1, days: w.weekday - 1 });
      else while (d.weekday !== w.weekday) d = d.plus({ days: 1 });
      out.push({ date: d.toISODate()!, index: w.index, weekday: w.weekday });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/** Whether a relative phrase said morning: "sáng mai". */
export function saidMorning(folded: string): boolean {
  return /\bsang mai\b/.test(folded);
}

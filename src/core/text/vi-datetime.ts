import { localDateOf, zoneOffsetMs } from "../calendar/zone.js";

/**
 * Dates and times as Vietnamese clerks write them: `02/12/2026`, `2/12`, `ngày 03 tháng 12 năm 2026`, `mùng 5 tháng 12`,
 * `ngày mười tháng mười hai`,
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

/** One code point of `foldKeepingIndex`, as it was computed per character; remembered for non-ASCII ones. */
function foldChar(ch: string): string {
  const f =
    ch === "đ" || ch === "Đ"
      ? "d"
      : ch
          .normalize("NFD")
          .replace(/[\u0300-\u036f]/g, "")
          .toLowerCase();
  return f.length === ch.length
    ? f
    : ch.length === 1
      ? (f[0] ?? "?")
      : f.padEnd(ch.length, " ").slice(0, ch.length);
}

const NON_ASCII = /[^ -~\t\n\r]/;
const foldedChars = new Map<string, string>();
/** The last texts folded: one mail's reading folds the same body and field several times. */
const recentFolds = new Map<string, string>();

/** Strip diacritics and lower-case, keeping every other character in place: indices match the input. */
export function foldKeepingIndex(text: string): string {
  const known = recentFolds.get(text);
  if (known !== undefined) return known;
  let out: string;
  // Printable ASCII, tabs and line breaks fold to their lower case, one character for one.
  if (!NON_ASCII.test(text)) out = text.toLowerCase();
  else {
    out = "";
    for (const ch of text) {
      if (ch.charCodeAt(0) < 0x80) {
        out += ch.toLowerCase();
        continue;
      }
      let f = foldedChars.get(ch);
      if (f === undefined) {
        f = foldChar(ch);
        if (foldedChars.size > 20_000) foldedChars.clear();
        foldedChars.set(ch, f);
      }
      out += f;
    }
  }
  if (recentFolds.size >= 16) recentFolds.delete(recentFolds.keys().next().value!);
  recentFolds.set(text, out);
  return out;
}

/** «thay vì», «thay cho», «chứ không phải» (folded): what follows is the value replaced, not a new one. */
const REPLACED = /\b(?:thay vi|thay cho|chu (?:khong|ko) phai)\b/g;
/** Where the replaced value's words end: a mark, or a word that opens another clause. */
const REPLACED_END = /[,;!?\n()]|\.(?=\s|$)|\s(?:va|nhung|nhu|theo|de|vi|do)\s/;

/**
 * `text` with each replaced time or day blanked, indices kept: «kết thúc lúc 11h30 thay vì 11h00», «chuyển sang
 * ngày 12/12 thay vì 11/12», «9h30 chứ không phải 9h00». The old value was read as a second hour or another day.
 * Words after «thay cho» that name no time or day («thay cho đ/c Bình») stay.
 */
export function withoutReplacedTimes(text: string): string {
  const folded = foldKeepingIndex(text);
  const blanks: [number, number][] = [];
  for (const m of folded.matchAll(REPLACED)) {
    const from = m.index + m[0].length;
    const rest = folded.slice(from, from + 60);
    const end = rest.search(REPLACED_END);
    const clause = end < 0 ? rest : rest.slice(0, end);
    if (!/\d|\b(?:thu (?:hai|ba|tu|nam|sau|bay)|chu nhat|hom nay|ngay mai)\b/.test(clause)) continue;
    blanks.push([m.index, from + clause.length]);
  }
  // «điều chỉnh giờ họp: từ 9h00 đến 11h00 thành từ 13h30 đến 15h30», «đổi từ 9h sang 14h»: the hours before
  // «thành» or «sang» in their clause (at most 80 characters back) are the old ones (the reply was told nothing
  // needed changing). Only «sang» written with its marks: «9h sáng 14/12» folds the same.
  const marks = hasDiacritics(text);
  for (const m of folded.matchAll(/\s(?:thanh|sang)\s+(?:(?:tu|luc|vao|ngay)\s+)?(?=\d)/g)) {
    const word = text.slice(m.index + 1, m.index + 5).toLowerCase();
    if (word !== "thàn" && word !== "sang" && !(word === "than" && !marks)) continue;
    const before = folded.slice(Math.max(0, m.index - 80), m.index);
    const clause = before.slice(Math.max(...[..."\n:.;!?"].map((c) => before.lastIndexOf(c))) + 1);
    const old = /\d/.exec(clause);
    if (old) blanks.push([m.index - clause.length + old.index, m.index]);
  }
  if (!blanks.length) return text;
  let out = "";
  let at = 0;
  for (const [from, to] of blanks.sort((a, b) => a[0] - b[0])) {
    if (to <= at) continue;
    const start = Math.max(from, at);
    out += text.slice(at, start) + " ".repeat(to - start);
    at = to;
  }
  return out + text.slice(at);
}

export function hasDiacritics(text: string): boolean {
  return /[\u00C0-\u1EF9]/u.test(text.normalize("NFC"));
}

// «8h», «8h30», «8 giờ 30 phút», «14:00», «9 giờ kém 15», each with an optional «sáng/trưa/chiều/tối». A colon
// needs its minutes: «bão số 3: …», «Phiên 1: 8h00», «Mục 2: …» are a label's number, no 3 o'clock. A period word
// after a comma belongs to the hour only when no time follows it: in «sáng từ 8h00, chiều từ 14h00» the «chiều»
// opens the afternoon's phrase, it does not make 8h00 20:00. «9 rưỡi», «9h rưỡi», «9 giờ rưỡi» are half past
// («từ 9 rưỡi đến 11 giờ» was booked from 11:00, the «9 rưỡi» unread).
const TIME_RE =
  /(?<![\d.,/:])([01]?\d|2[0-3])\s*(?:(?:h|g|gio)(?:\s*([0-5]\d|ruoi)|\s*kem\s*([0-5]?\d))?|:([0-5]\d)|(ruoi))(?:\s*phut)?(?:\s*(sang|trua|chieu|toi)|\s*,\s*(sang|trua|chieu|toi)(?!\s*(?:tu|luc|bat dau|\d)))?(?![a-z\d/])/g;

/** Every time of day in `folded` text, in order. An hour up to 5 with no "sáng" is taken as afternoon. */
export function findTimes(folded: string): TimeOfDay[] {
  const out: TimeOfDay[] = [];
  for (const m of folded.matchAll(TIME_RE)) {
    let hour = Number(m[1]);
    const half = m[2] === "ruoi" || m[5] !== undefined;
    let minute = half ? 30 : Number(m[2] ?? m[4] ?? 0);
    const before = m[3] ? Number(m[3]) : 0; // «kém 15»: fifteen minutes before the hour
    if (before > 0) {
      hour = (hour + 23) % 24;
      minute = 60 - before;
    }
    const period = m[6] ?? m[7];
    if ((period === "chieu" || period === "toi") && hour < 12) hour += 12;
    else if (!period && hour >= 1 && hour <= 5) hour += 12;
    out.push({ hour, minute, index: m.index });
  }
  // «08.30», «14.00 - 16.00», «8.30 sáng»: an hour written with a dot, when it can be no date («10.12» is 10/12)
  // and looks like a clock («1.50» is no 13:50, a price may read so). A comma or full stop after it ends the
  // phrase («08.30 - 11.00, ngày 10/12»); one before a digit is a number going on («1.500.000»). The clerk was asked for an hour written.
  for (const m of folded.matchAll(DOTTED_TIME)) {
    let hour = Number(m[1]);
    const minute = Number(m[2]);
    if (minute >= 1 && minute <= 12) continue;
    if (m[1]!.length < 2 && minute % 15 !== 0) continue;
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

const DOTTED_TIME =
  /(?<![\d.,/:]|\b(?:dieu|khoan|muc|phu luc|so)\s+)([01]?\d|2[0-3])\.([0-5]\d)(?![\d/:]|[.,]\d|\s*(?:%|d\b|dong|trieu|ty|usd|vnd))(?:\s*,?\s*(sang|trua|chieu|toi)\b)?/g;

/**
 * The numeric dates of a folded text. «ngày 10/12/2026: buổi sáng …»: a colon after a four-digit year ends a phrase,
 * it starts no minutes; the date was not read and the clerk was told «chưa thấy ngày họp». Same length, so indices
 * hold.
 */
function numericDates(folded: string) {
  return folded.replace(/(\d{4}):(?=\s|$)/g, "$1 ").matchAll(NUMERIC_DATE);
}

const RANGE_START =
  /(?<![\d.,/:]|\d\s*(?:h|g|gio)\s*|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+)([01]?\d|2[0-3])(?!\s*(?:h|g|gio|:|[/.]\d))\s*(?:-|–|den)\s*/g;

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

/**
 * Calendar days as whole days since 1970-01-01 (proleptic Gregorian): the date phrases need only day arithmetic,
 * which luxon did per phrase through zone-aware DateTime objects (≈ 10 % of reading a mail). Held equal to the
 * luxon version by tests/understand-dates.test.ts.
 */
function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function validDate(y: number, m: number, d: number): boolean {
  return (
    Number.isInteger(y) &&
    m >= 1 &&
    m <= 12 &&
    d >= 1 &&
    d <= (m === 2 && isLeap(y) ? 29 : MONTH_DAYS[m - 1]!)
  );
}
function dayNumber(y: number, m: number, d: number): number {
  const t = new Date(0);
  t.setUTCFullYear(y, m - 1, d);
  return Math.round(t.getTime() / 86_400_000);
}
function isoOfDay(n: number): string {
  const t = new Date(n * 86_400_000);
  return isoOf(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}
function isoOf(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, "0")}-${m < 10 ? "0" : ""}${m}-${d < 10 ? "0" : ""}${d}`;
}
/** ISO weekday (1 = Monday) of a day number: 1970-01-01 was a Thursday. */
function weekdayOfDay(n: number): number {
  return ((((n + 3) % 7) + 7) % 7) + 1;
}

function fullYear(
  y: string | undefined,
  refYear: number,
  refDay: number,
  month: number,
  day: number,
): number {
  if (y) return y.length === 2 ? 2000 + Number(y) : Number(y);
  // A date with no year belongs to the mail's year, unless it would lie well before the mail: then next year.
  if (validDate(refYear, month, day) && dayNumber(refYear, month, day) < refDay - 60) return refYear + 1;
  // «ngày 30/12» written on 04/01: the days just past, not December of the new year (it was booked a year ahead).
  if (validDate(refYear - 1, month, day) && dayNumber(refYear - 1, month, day) >= refDay - 60)
    return refYear - 1;
  return refYear;
}

/** The offset of a day's midnight in a zone, by zone and day: a pure function of both, remembered. */
const midnightOffsets = new Map<string, number>();

/**
 * The instant of a wall-clock time on `date` (`YYYY-MM-DD`) in `zone`, exactly as luxon's
 * `DateTime.fromISO(date, { zone }).set({ hour, minute })` gives it, including a time in a DST gap (moved forward)
 * or an overlap (the offset of that day's midnight decides), but from the zone's cached offsets instead of
 * Intl per call. Luxon guesses the offset of midnight itself from the current clock, which matters only in a zone
 * whose clocks change at midnight; here the guess is the offset at that wall time read as UTC.
 */
export function wallClockInstant(date: string, hour: number, minute: number, zone: string): Date {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  const midnight = dayNumber(y, m, d) * 86_400_000;
  const dayKey = `${zone}|${midnight}`;
  let midnightOffset = midnightOffsets.get(dayKey);
  if (midnightOffset === undefined) {
    midnightOffset = fixOffset(midnight, zoneOffsetMs(new Date(midnight), zone), zone)[1];
    if (midnightOffsets.size > 20_000) midnightOffsets.clear();
    midnightOffsets.set(dayKey, midnightOffset);
  }
  return new Date(fixOffset(midnight + (hour * 60 + minute) * 60_000, midnightOffset, zone)[0]);
}

/** luxon's `fixOffset`: the instant of local time `local` (ms, as if UTC) from a guessed offset `o` (ms). */
function fixOffset(local: number, o: number, zone: string): [number, number] {
  let utc = local - o;
  const o2 = zoneOffsetMs(new Date(utc), zone);
  if (o === o2) return [utc, o];
  utc -= o2 - o;
  const o3 = zoneOffsetMs(new Date(utc), zone);
  if (o2 === o3) return [utc, o2];
  return [local - Math.min(o2, o3), Math.max(o2, o3)];
}

/**
 * A week named right after a weekday: "thứ Năm tuần sau", "thu 5 tuan toi", "chủ nhật tuần này", "thứ Hai tuần sau
 * nữa" (the week after next).
 */
const WEEK_AFTER_WEEKDAY =
  /^(?:thu\s+(?:hai|ba|tu|nam|sau|bay|[2-7])|chu nhat)[\s,]+tuan\s+(sau|toi|nay)(\s+nua)?(?![a-z])/;
/** Any other week after a weekday («tuần cuối tháng 12», «tuần thứ hai của tháng 1»): not a day this reader knows. */
const OTHER_WEEK_AFTER_WEEKDAY =
  /^(?:thu\s+(?:hai|ba|tu|nam|sau|bay|[2-7])|chu nhat)[\s,]+(?:cua\s+|trong\s+|cung\s+)?tuan\b/;
/**
 * The first such weekday of a year or month: «thứ Hai tuần đầu năm 2027», «thứ Hai đầu tiên của tháng 1»,
 * «thứ Sáu tuần đầu tiên của năm mới», «thứ Ba tuần đầu tháng 1/2027». A year not written is the next one
 * («năm sau», «năm mới», «năm tới») or the one whose month lies ahead; the first such weekday on or after the 1st.
 */
const FIRST_OF_PERIOD =
  /^(?:thu\s+(?:hai|ba|tu|nam|sau|bay|[2-7])|chu nhat)[\s,]+(?:(?:cua|trong)\s+)?(?:tuan\s+dau(?:\s+tien)?|dau\s+tien)(?:\s+(?:cua|trong))?\s+(?:(nam)(?:\s+(\d{4}|sau|toi|moi))?|thang\s+(\d{1,2})(?:\s*(?:[/.-]|\s+nam\s+)\s*(\d{4}))?(?:\s+nam\s+(sau|toi|moi))?)(?![a-z\d])/;

/** The numbers a day or month is said with: «mười», «hai mươi mốt», «ba mươi». Folded: «năm» (5) is «nam». */
const UNIT_WORDS: Record<string, number> = {
  mot: 1,
  hai: 2,
  ba: 3,
  bon: 4,
  tu: 4,
  nam: 5,
  lam: 5,
  sau: 6,
  bay: 7,
  tam: 8,
  chin: 9,
};
const UNIT = "(?:mot|hai|ba|bon|tu|nam|lam|sau|bay|tam|chin)";
// «hăm» is «hai mươi» as spoken: «hăm lăm» is 25.
const DAY_WORDS = `(?:(?:hai|ba)\\s+muoi(?:\\s+${UNIT})?|ham\\s+${UNIT}|muoi(?:\\s+${UNIT})?|${UNIT})`;
const MONTH_WORDS = `(?:muoi(?:\\s+(?:mot|hai))?|${UNIT})`;
/**
 * «ngày 10 tháng 12 (năm 2026)», «mùng 5 tháng 12», «ngày mồng 5 tháng 1», «ngày mười tháng mười hai»: a day and a
 * month in figures or in words, after «ngày» or «mùng»/«mồng» (the words alone are too common to be read as a date).
 * A word must end where the phrase does: «tháng năm năm 2027» is May 2027.
 */
const WORDED_DATE = new RegExp(
  String.raw`(?:\bngay\s+(?:(?:mung|mong)\s+)?|\b(?:mung|mong)\s+)(\d{1,2}|${DAY_WORDS})\s+thang\s+(\d{1,2}|${MONTH_WORDS})(?![a-z\d])(?:\s+nam\s+(\d{4}))?`,
  "g",
);

/** «ngày 10 và 11/12», «các ngày 10, 11 và 14/12», «ngày 10-11/12/2026»: days before a numeric date's. */
const DAY_LIST =
  /\bngay\s+(\d{1,2}(?:\s*(?:,|va|-|–|den)\s*\d{1,2})*)\s*(,|va|-|–|den)\s*(?=\d{1,2}\s*[/.]\s*\d{1,2}(?!\s*(?:h|g|gio|:)))/g;

/** English month names and their short forms, as clerks paste them from English invitations. */
const EN_MONTHS: Record<string, number> = {
  january: 1,
  jan: 1,
  february: 2,
  feb: 2,
  march: 3,
  mar: 3,
  april: 4,
  apr: 4,
  may: 5,
  june: 6,
  jun: 6,
  july: 7,
  jul: 7,
  august: 8,
  aug: 8,
  september: 9,
  sept: 9,
  sep: 9,
  october: 10,
  oct: 10,
  november: 11,
  nov: 11,
  december: 12,
  dec: 12,
};
const EN_MONTH =
  "(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)";
/** «December 10, 2026», «Dec. 10», «Jan 5th 2027». The day may not be an hour («Dec 10h00»). */
const EN_MONTH_DAY = new RegExp(
  String.raw`\b${EN_MONTH}\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?![\d:]|\s*(?:h|g|gio)(?:\s*\d|\b))(?:\s*,?\s*(\d{4})(?![\d:]))?`,
  "g",
);
/** «10 December 2026», «10 Dec 2026», «10-Dec-2026», «ngày 5 January». Minutes («9h30 Dec 10») are no day. */
const EN_DAY_MONTH = new RegExp(
  String.raw`(?<![\d.:/]|\d\s*(?:h|g)\s*)(\d{1,2})(?:st|nd|rd|th)?(?:\s+of\s+|\s+|\s*-\s*)${EN_MONTH}\b\.?(?:(?:\s*,?\s*|\s*-\s*)(\d{4})(?![\d:]))?`,
  "g",
);
/**
 * Whether an English month word stands in `original` as written in English: no diacritics («mây», «sếp» fold to
 * month names), and «May» only capitalised (the Vietnamese «may» is a common word).
 */
function englishMonthAt(original: string, index: number, word: string): boolean {
  const raw = original.slice(index, index + word.length);
  if (!/^[A-Za-z]+$/.test(raw)) return false;
  return word !== "may" || raw === "May" || raw === "MAY";
}

/** «12», «mười hai», «hai mươi mốt», «hăm lăm» → 12, 12, 21, 25; null for anything else. */
function numberSaid(said: string): number | null {
  if (/^\d+$/.test(said)) return Number(said);
  const words = said.split(/\s+/);
  const unit = (w: string | undefined) => (w === undefined ? 0 : (UNIT_WORDS[w] ?? null));
  if (words[0] === "muoi") {
    const u = unit(words[1]);
    return u === null ? null : 10 + u;
  }
  if (words[0] === "ham") {
    const u = unit(words[1]);
    return u === null ? null : 20 + u;
  }
  if (words[1] === "muoi") {
    const tens = unit(words[0]);
    const u = unit(words[2]);
    return tens === null || u === null ? null : tens * 10 + u;
  }
  return words.length === 1 ? unit(words[0]) : null;
}

/** Every explicit or relative date in the text, in order, resolved against `reference` in `zone`. */
/**
 * Dates written with numbers that no calendar has («31/11», «30/02/2027»), as written and where. `findDates` skips
 * them (and reads a weekday before one as its next occurrence); the mail reader asks the clerk instead.
 */
/**
 * «10–11/12», «ngày 10-11/12»: two days of one month (DAY_LIST adds the first), not 10/11/2012. A two-digit «year»
 * after a day and month joined by a dash, written after «/» or «.», is the month: the second day and that month.
 */
function dashedDays(m: RegExpMatchArray): { day: number; month: number; index: number } | null {
  if (m[4]?.length !== 2 || (m[2] !== "-" && m[2] !== "–")) return null;
  const head = /^\d{1,2}\s*[-–]\s*/.exec(m[0])!;
  if (!/^\d{1,2}\s*[/.]/.test(m[0].slice(head[0].length))) return null;
  const [day, month] = [Number(m[3]), Number(m[4])];
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return { day, month, index: m.index! + head[0].length };
}

export function findInvalidDates(
  folded: string,
  reference: Date,
  zone: string,
): { written: string; index: number }[] {
  const refIso = localDateOf(reference, zone);
  const refYear = Number(refIso.slice(0, 4));
  const refDay = dayNumber(refYear, Number(refIso.slice(5, 7)), Number(refIso.slice(8, 10)));
  const out: { written: string; index: number }[] = [];
  for (const m of numericDates(folded)) {
    const day = Number(m[1]);
    const month = Number(m[3]);
    if (month < 1 || month > 12 || day < 1 || day > 31) continue;
    if (m[2] !== "/" && m[2] !== "." && !m[4] && !DATE_CONTEXT.test(folded.slice(0, m.index))) continue;
    // «10–11/12»: findDates reads the second day and month.
    if (dashedDays(m)) continue;
    const year = fullYear(m[4], refYear, refDay, month, day);
    if (!validDate(year, month, day))
      out.push({
        written: `${String(day).padStart(2, "0")}/${String(month).padStart(2, "0")}/${year}`,
        index: m.index,
      });
  }
  return out;
}

export function findDates(original: string, folded: string, reference: Date, zone: string): DatePhrase[] {
  const refIso = localDateOf(reference, zone);
  const refYear = Number(refIso.slice(0, 4));
  const refDay = dayNumber(refYear, Number(refIso.slice(5, 7)), Number(refIso.slice(8, 10)));
  const out: DatePhrase[] = [];
  const push = (year: number, month: number, day: number, index: number) => {
    if (validDate(year, month, day)) out.push({ date: isoOf(year, month, day), index, weekday: null });
  };
  for (const m of numericDates(folded)) {
    const day = Number(m[1]);
    const month = Number(m[3]);
    if (month < 1 || month > 12 || day < 1 || day > 31) continue;
    // "8-10" is as likely a range of hours as a date: a dash makes a date only with a year or after "ngày"/a weekday.
    if (m[2] !== "/" && m[2] !== "." && !m[4] && !DATE_CONTEXT.test(folded.slice(0, m.index))) continue;
    const days = dashedDays(m);
    if (days) {
      push(fullYear(undefined, refYear, refDay, days.month, days.day), days.month, days.day, days.index);
      continue;
    }
    push(fullYear(m[4], refYear, refDay, month, day), month, day, m.index);
  }
  // «các ngày 10 và 11/12/2026», «ngày 10, 11/12», «ngày 10-12/12»: the days before the last take its month and
  // year (only 11/12 was read, and booked in silence). A range («-», «đến») names the days between as well.
  for (const m of folded.matchAll(DAY_LIST)) {
    const last = out.find((d) => d.index === m.index + m[0].length);
    if (!last) continue;
    const [y, mo, lastDay] = last.date.split("-").map(Number) as [number, number, number];
    const list = [...m[1]!.matchAll(/(\d{1,2})\s*(,|va|-|–|den)?/g)].map((x, i, all) => ({
      day: Number(x[1]),
      index: m.index + m[0].indexOf(m[1]!) + x.index,
      range: /^(?:-|–|den)$/.test((i === all.length - 1 ? m[2] : x[2]) ?? ""),
    }));
    const days: { day: number; index: number }[] = [];
    for (const [i, d] of list.entries()) {
      const next = list[i + 1]?.day ?? lastDay;
      if (d.day >= next) {
        days.length = 0;
        break;
      }
      days.push(d);
      if (d.range && next - d.day <= 14)
        for (let k = d.day + 1; k < next; k++) days.push({ day: k, index: d.index });
    }
    for (const d of days) push(y, mo, d.day, d.index);
  }
  for (const m of folded.matchAll(WORDED_DATE)) {
    const day = numberSaid(m[1]!);
    const month = numberSaid(m[2]!);
    if (day === null || month === null) continue;
    push(fullYear(m[3], refYear, refDay, month, day), month, day, m.index);
  }
  for (const m of folded.matchAll(EN_MONTH_DAY)) {
    if (!englishMonthAt(original, m.index, m[1]!)) continue;
    const month = EN_MONTHS[m[1]!]!;
    const day = Number(m[2]);
    push(fullYear(m[3], refYear, refDay, month, day), month, day, m.index);
  }
  for (const m of folded.matchAll(EN_DAY_MONTH)) {
    const at = m.index + m[0].indexOf(m[2]!, m[1]!.length);
    if (!englishMonthAt(original, at, m[2]!)) continue;
    const month = EN_MONTHS[m[2]!]!;
    const day = Number(m[1]);
    push(fullYear(m[3], refYear, refDay, month, day), month, day, m.index);
  }
  for (const m of folded.matchAll(
    /\b(hom nay|sang nay|trua nay|chieu nay|toi nay|ngay mai|sang mai|trua mai|chieu mai|toi mai|ngay kia)\b/g,
  )) {
    const plus = m[1]!.endsWith(" nay") ? 0 : m[1] === "ngay kia" ? 2 : 1;
    out.push({ date: isoOfDay(refDay + plus), index: m.index, weekday: null });
  }
  // A weekday just before a date qualifies it; a weekday alone means its next occurrence.
  const weekdays = findWeekdays(original, folded);
  for (const w of weekdays) {
    const next = out.find((d) => d.index > w.index && d.index - w.index <= 20);
    if (next) next.weekday = w.weekday;
    else {
      // "thứ Năm tuần sau" / "tuần tới" is that day of next week (weeks run Monday to Sunday); "tuần này" this week's.
      const after = folded.slice(w.index);
      const weekMatch = WEEK_AFTER_WEEKDAY.exec(after);
      const week = weekMatch?.[1];
      const first = FIRST_OF_PERIOD.exec(after);
      let d = refDay + 1;
      if (week)
        d =
          refDay - (weekdayOfDay(refDay) - 1) + (week === "nay" ? 0 : weekMatch[2] ? 14 : 7) + w.weekday - 1;
      else if (first) {
        const [, year, yearSaid, month, monthYear, monthNext] = first;
        const m = year ? 1 : Number(month);
        if (m < 1 || m > 12) continue;
        const said = year ? yearSaid : (monthYear ?? monthNext);
        const y =
          said === undefined
            ? fullYear(undefined, refYear, refDay, m, 1)
            : /^\d{4}$/.test(said)
              ? Number(said)
              : refYear + 1;
        d = dayNumber(y, m, 1);
        while (weekdayOfDay(d) !== w.weekday) d++;
      } else if (OTHER_WEEK_AFTER_WEEKDAY.test(after))
        // «thứ Hai tuần cuối tháng 12» was read as next Monday: a week this reader cannot place names no day.
        continue;
      else while (weekdayOfDay(d) !== w.weekday) d++;
      out.push({ date: isoOfDay(d), index: w.index, weekday: w.weekday });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/** Whether a relative phrase said morning: "sáng mai". */
export function saidMorning(folded: string): boolean {
  return /\bsang mai\b/.test(folded);
}

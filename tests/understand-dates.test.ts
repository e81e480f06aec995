/**
 * The date phrases and wall-clock times of a mail, read without luxon per phrase (issue 12: luxon was ≈ 10 % of
 * reading a mail), must give exactly what the luxon code gave. The luxon versions below are the code as it was
 * before; both run over many generated inputs in Asia/Ho_Chi_Minh (no DST) and America/Los_Angeles (DST, and
 * the zone the tests run in), and the results must be equal, DST gaps and overlaps included.
 */
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { mulberry32 } from "../bench/fixture.js";
import {
  type DatePhrase,
  findDates,
  findWeekdays,
  foldKeepingIndex,
  wallClockInstant,
} from "../src/core/text/vi-datetime.js";

const ZONES = ["Asia/Ho_Chi_Minh", "America/Los_Angeles"];

// ---- the code before (luxon), verbatim but for names ----
const NUMERIC_DATE =
  /(?<![\d.:,]|\d\s*(?:h|g|:)|\d\s*gio\s*(?=\d{1,2}\s*[-–]))(\d{1,2})(?!\s*(?:h|g|gio|:)(?:\s*\d|\b|$))\s*([/.-]|–)\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}|\d{2})(?![\d:]))?(?![\d:]|\s*(?:h|g|gio|:)(?:\s*\d|\b|$)|\s*[/.-]\s*\d)/g;
const DATE_CONTEXT = /(?:\bngay|\bthu\s+(?:hai|ba|tu|nam|sau|bay|[2-7])|\bchu nhat|\()[\s,]*$/;
const WEEK_AFTER_WEEKDAY =
  /^(?:thu\s+(?:hai|ba|tu|nam|sau|bay|[2-7])|chu nhat)[\s,]+tuan\s+(sau|toi|nay)(?![a-z])/;

function oldFullYear(y: string | undefined, ref: DateTime, month: number, day: number): number {
  if (y) return y.length === 2 ? 2000 + Number(y) : Number(y);
  const guess = DateTime.fromObject({ year: ref.year, month, day }, { zone: ref.zone });
  if (guess.isValid && guess < ref.minus({ days: 60 })) return ref.year + 1;
  // Since the seventh clerk round: «30/12» written in early January is the December just past.
  const before = DateTime.fromObject({ year: ref.year - 1, month, day }, { zone: ref.zone });
  return before.isValid && before >= ref.minus({ days: 60 }) ? ref.year - 1 : ref.year;
}

function oldFindDates(original: string, folded: string, reference: Date, zone: string): DatePhrase[] {
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
    if (m[2] !== "/" && m[2] !== "." && !m[4] && !DATE_CONTEXT.test(folded.slice(0, m.index))) continue;
    push(oldFullYear(m[4], ref, month, day), month, day, m.index);
  }
  for (const m of folded.matchAll(/ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})(?:\s+nam\s+(\d{4}))?/g)) {
    const day = Number(m[1]);
    const month = Number(m[2]);
    push(oldFullYear(m[3], ref, month, day), month, day, m.index);
  }
  for (const m of folded.matchAll(
    /\b(hom nay|sang nay|trua nay|chieu nay|toi nay|ngay mai|sang mai|trua mai|chieu mai|toi mai|ngay kia)\b/g,
  )) {
    const plus = m[1]!.endsWith(" nay") ? 0 : m[1] === "ngay kia" ? 2 : 1;
    const d = ref.plus({ days: plus });
    push(d.year, d.month, d.day, m.index);
  }
  for (const w of findWeekdays(original, folded)) {
    const next = out.find((d) => d.index > w.index && d.index - w.index <= 20);
    if (next) next.weekday = w.weekday;
    else {
      const week = WEEK_AFTER_WEEKDAY.exec(folded.slice(w.index))?.[1];
      let d = ref.plus({ days: 1 });
      if (week) d = ref.startOf("week").plus({ weeks: week === "nay" ? 0 : 1, days: w.weekday - 1 });
      else while (d.weekday !== w.weekday) d = d.plus({ days: 1 });
      out.push({ date: d.toISODate()!, index: w.index, weekday: w.weekday });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

function oldAt(date: string, hour: number, minute: number, zone: string): Date {
  return DateTime.fromISO(date, { zone }).set({ hour, minute }).toJSDate();
}

function oldFoldKeepingIndex(text: string): string {
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
// ---- end of the code before ----

const rnd = mulberry32(3125);
const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
const DAY = 86_400_000;

/** Reference instants: random ones over 2024–2029, and every hour around each DST change in Los Angeles. */
function references(): Date[] {
  const out: Date[] = [];
  for (let i = 0; i < 150; i++) out.push(new Date(Date.UTC(2024, 0, 1) + rnd(6 * 365) * DAY + rnd(DAY)));
  for (const [y, m, d] of [
    [2026, 2, 8],
    [2026, 10, 1],
    [2027, 2, 14],
    [2027, 10, 7],
    [2026, 11, 31],
    [2027, 1, 28],
    [2028, 1, 29],
  ] as const)
    for (let h = -30; h <= 30; h++) out.push(new Date(Date.UTC(y, m, d) + h * 3600_000));
  return out;
}

/** Phrases as clerks write them, with every branch of the reader: numeric dates, written ones, relative ones, weekdays. */
function phrase(): string {
  const d = 1 + rnd(32);
  const m = rnd(14);
  const y = pick(["", "/2026", "/2027", "/26", ".2028", "-2027", "/2024", "/0012", "/2100"]);
  const sep = pick(["/", ".", "-", "–", " / "]);
  const parts = [
    `ngày ${d}${sep}${m}${y}`,
    `${d}${sep}${m}${y}`,
    `ngày ${d} tháng ${m}${rnd(2) ? ` năm ${2020 + rnd(10)}` : ""}`,
    `ngay ${d} thang ${m}`,
    pick([
      "hôm nay",
      "sáng nay",
      "chiều nay",
      "tối nay",
      "ngày mai",
      "sáng mai",
      "chiều mai",
      "ngày kia",
      "trưa mai",
    ]),
    `${pick(["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật", "thu 5", "thứ 7"])}${pick(["", " tuần sau", " tuần tới", " tuần này", ` ${d}/${m}`, ` (${d}-${m})`])}`,
    `từ ${8 + rnd(10)}h${pick(["", "00", "30"])} đến ${9 + rnd(10)}h`,
    "29/2",
    "31/4",
    "30/2/2028",
  ];
  return Array.from({ length: 1 + rnd(4) }, () => pick(parts)).join(pick([", ", " ", "\n", " và "]));
}

describe("date phrases without luxon", () => {
  it("finds the same dates as the luxon reader, in both zones, for many phrases and reference instants", () => {
    let compared = 0;
    let found = 0;
    const differ: string[] = [];
    const refs = references();
    for (const zone of ZONES)
      for (const ref of refs)
        for (let k = 0; k < 10; k++) {
          const text = phrase();
          const folded = foldKeepingIndex(text);
          const want = JSON.stringify(oldFindDates(text, folded, ref, zone));
          const got = JSON.stringify(findDates(text, folded, ref, zone));
          if (got !== want) differ.push(`${zone} ${ref.toISOString()} «${text}»: ${got} instead of ${want}`);
          compared++;
          found += JSON.parse(want).length;
        }
    expect(differ.slice(0, 5)).toEqual([]);
    expect(compared).toBeGreaterThan(5_000);
    // The phrases do exercise the reader: most find a date.
    expect(found).toBeGreaterThan(compared);
  });

  it("gives the same instant for a wall-clock time as luxon, every quarter hour of DST-change days and across random days", () => {
    const days: string[] = [];
    for (const y of [2025, 2026, 2027, 2028])
      for (const md of [
        "03-08",
        "03-09",
        "03-14",
        "03-10",
        "11-01",
        "11-02",
        "11-07",
        "11-05",
        "12-31",
        "02-29",
      ])
        days.push(`${y}-${md}`);
    const changeDays = days.length;
    for (let i = 0; i < 200; i++)
      days.push(new Date(Date.UTC(2024, 0, 1) + rnd(8 * 365) * DAY).toISOString().slice(0, 10));
    let compared = 0;
    const differ: string[] = [];
    for (const zone of ZONES)
      for (const [i, day] of days.entries()) {
        if (!DateTime.fromISO(day).isValid) continue;
        // Every quarter hour of the days around a change, every 75 minutes of the others.
        for (let q = 0; q < 96; q += i < changeDays ? 1 : 5) {
          const hour = Math.floor(q / 4);
          const minute = (q % 4) * 15 + (q % 7 === 0 ? 7 : 0);
          const want = oldAt(day, hour, minute, zone).getTime();
          const got = wallClockInstant(day, hour, minute, zone).getTime();
          if (got !== want) differ.push(`${zone} ${day} ${hour}:${minute}: ${got} instead of ${want}`);
          compared++;
        }
      }
    expect(differ.slice(0, 5)).toEqual([]);
    expect(compared).toBeGreaterThan(10_000);
  });

  it("moves a time in Los Angeles' spring gap forward and takes the first of its autumn overlap, as luxon did", () => {
    const zone = "America/Los_Angeles";
    // 2026-03-08 02:30 does not exist: luxon gives 03:30 PDT; 2026-11-01 01:30 happens twice: luxon gives PDT's.
    expect(wallClockInstant("2026-03-08", 2, 30, zone).toISOString()).toBe("2026-03-08T10:30:00.000Z");
    expect(wallClockInstant("2026-11-01", 1, 30, zone).toISOString()).toBe("2026-11-01T08:30:00.000Z");
    expect(wallClockInstant("2026-12-10", 9, 0, "Asia/Ho_Chi_Minh").toISOString()).toBe(
      "2026-12-10T02:00:00.000Z",
    );
  });
});

describe("foldKeepingIndex", () => {
  it("folds exactly as the per-character version did, indices kept, for Vietnamese, combining marks and astral characters", () => {
    const alphabet = [
      ..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.:;/-–()\n\t",
      ..."àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ",
      ..."ÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴÈÉẸẺẼÊỀẾỆỂỄÌÍỊỈĨÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠÙÚỤỦŨƯỪỨỰỬỮỲÝỴỶỸĐ",
      "\u0301",
      "\u0323",
      "\u0309",
      "İ",
      "ß",
      "ﬁ",
      "Ω",
      "😀",
      "𝐀",
      "\u00a0",
      "ǅ",
    ];
    const differ: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const text = Array.from({ length: rnd(60) }, () => pick(alphabet)).join("");
      const want = oldFoldKeepingIndex(text);
      const got = foldKeepingIndex(text);
      // Asked again (the remembered answer) it is still the same.
      const again = foldKeepingIndex(text);
      if (got !== want || again !== want || got.length !== text.length)
        differ.push(`${JSON.stringify(text)}: ${JSON.stringify(got)} instead of ${JSON.stringify(want)}`);
    }
    expect(differ.slice(0, 5)).toEqual([]);
    expect(foldKeepingIndex("Thứ Năm, 10/12")).toBe("thu nam, 10/12");
  });
});

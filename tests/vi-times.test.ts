import { describe, expect, it } from "vitest";
import { findDates, findTimes, foldKeepingIndex } from "../src/core/text/vi-datetime.js";

/** The times of day a phrase says, as «HH:MM», in order. */
const times = (text: string) =>
  findTimes(foldKeepingIndex(text)).map(
    (t) => `${String(t.hour).padStart(2, "0")}:${String(t.minute).padStart(2, "0")}`,
  );

// Labelled: what a clerk wrote → the times of day it says. The e2e11 round found the first five misread.
const CASES: [string, string[]][] = [
  ["Họp khẩn phòng chống bão số 3: lúc 17h00", ["17:00"]],
  ["1. Phiên 1: 8h00 - 10h00", ["08:00", "10:00"]],
  ["(Mục 2: thời gian từ 14h00 đến 15h00)", ["14:00", "15:00"]],
  ["cả ngày (sáng từ 8h00, chiều từ 14h00)", ["08:00", "14:00"]],
  ["9 giờ kém 15", ["08:45"]],
  ["8 gio kem 5 phut sang", ["07:55"]],
  ["14:00 - 16:30", ["14:00", "16:30"]],
  ["2 giờ chiều", ["14:00"]],
  ["lúc 8h30, sáng thứ Hai", ["08:30"]],
  ["7h, tối nay", ["19:00"]],
  ["14 giờ 30 phút", ["14:30"]],
  ["3h", ["15:00"]],
  ["3h sáng", ["03:00"]],
];

describe("times of day as clerks write them", () => {
  it.each(CASES)("%s → %j", (text, want) => {
    expect(times(text)).toEqual(want);
  });
});

// Labelled: what a clerk wrote → the days it names (mail of Monday 30/11/2026). The e2e11 round found the first
// three read as the last day alone.
const DAY_CASES: [string, string[]][] = [
  ["các ngày 10 và 11/12/2026", ["2026-12-10", "2026-12-11"]],
  ["ngày 10, 11 và 14/12", ["2026-12-10", "2026-12-11", "2026-12-14"]],
  ["ngày 10-12/12/2026", ["2026-12-10", "2026-12-11", "2026-12-12"]],
  ["ngày 10/12 và 11/12", ["2026-12-10", "2026-12-11"]],
  ["ngày 10 và 14h00 ngày 11/12", ["2026-12-11"]],
  ["ngày 30 và 2/1/2027", ["2027-01-02"]],
  ["ngày 5 tháng 12", ["2026-12-05"]],
];

describe("days as clerks list them", () => {
  const reference = new Date("2026-11-30T02:00:00Z");
  it.each(DAY_CASES)("%s → %j", (text, want) => {
    const folded = foldKeepingIndex(text);
    expect(findDates(text, folded, reference, "Asia/Ho_Chi_Minh").map((d) => d.date)).toEqual(want);
  });
});

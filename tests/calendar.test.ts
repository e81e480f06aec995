import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { loadHolidayCalendar } from "../src/app/config.js";
import { HolidayCalendar, statutoryHolidays } from "../src/core/calendar/holidays.js";
import {
  addDays,
  atLocal,
  atLocalMs,
  formatVi,
  isoLocal,
  isoWeekday,
  localDateOf,
  localTimeOf,
  weekdayVi,
} from "../src/core/calendar/zone.js";
import { at, CALENDAR_DIR } from "./helpers.js";

const cal = loadHolidayCalendar(CALENDAR_DIR);
const off = (year: number) =>
  cal
    .listYear(year)
    .filter((d) => !d.working)
    .map((d) => d.date);

describe("Vietnamese working days (Bộ luật Lao động Điều 112; Quy chế Điều 14.2)", () => {
  it("is not fooled by the machine's zone: tests run under America/Los_Angeles", () => {
    expect(process.env.TZ).toBe("America/Los_Angeles");
    const instant = at("2026-12-10", "00:30");
    expect(localDateOf(instant, "Asia/Ho_Chi_Minh")).toBe("2026-12-10");
    expect(isoLocal(instant, "Asia/Ho_Chi_Minh")).toBe("2026-12-10T00:30:00+07:00");
    expect(formatVi(instant, "Asia/Ho_Chi_Minh")).toBe("00:30 Thứ Năm, 10/12/2026");
  });

  it("matches the published 2025 calendar for civil servants", () => {
    expect(off(2025)).toEqual([
      "2025-01-01",
      "2025-01-27",
      "2025-01-28",
      "2025-01-29",
      "2025-01-30",
      "2025-01-31",
      "2025-02-01",
      "2025-04-07",
      "2025-04-30",
      "2025-05-01",
      "2025-05-02",
      "2025-09-01",
      "2025-09-02",
    ]);
    expect(cal.isWorkingDay("2025-04-26")).toBe(true); // Saturday worked in exchange for 2/5
    expect(cal.isWorkingDay("2025-02-03")).toBe(true); // back to work after the 9-day Tết
  });

  it("matches the published 2026 calendar for civil servants", () => {
    expect(off(2026)).toEqual([
      "2026-01-01",
      "2026-01-02",
      "2026-02-16",
      "2026-02-17",
      "2026-02-18",
      "2026-02-19",
      "2026-02-20",
      "2026-04-26",
      "2026-04-27",
      "2026-04-30",
      "2026-05-01",
      "2026-09-01",
      "2026-09-02",
    ]);
    expect(cal.isWorkingDay("2026-01-10")).toBe(true);
    expect(cal.isWorkingDay("2026-02-14")).toBe(false); // weekend before Tết
  });

  it("computes Tết on the Vietnamese meridian, not the Chinese one", () => {
    // 1985 and 2007 are the classic years in which the two calendars disagree.
    expect(statutoryHolidays(1985).find((h) => h.name.includes("mùng 1"))?.date).toBe("1985-01-21");
    expect(statutoryHolidays(2007).find((h) => h.name.includes("mùng 1"))?.date).toBe("2007-02-17");
    expect(statutoryHolidays(2027).find((h) => h.name.includes("Giỗ Tổ"))?.date).toBe("2027-04-16");
  });

  it("compensates a weekend holiday on the next working day when the year has no swap file", () => {
    const bare = new HolidayCalendar([]);
    // 2028-04-30 is a Sunday and 1/5 a Monday: the compensation lands on Tuesday 2/5.
    expect(bare.holidayName("2028-05-02")).toMatch(/^Nghỉ bù/);
    expect(bare.isWorkingDay("2028-05-03")).toBe(true);
  });

  it("counts working days across a weekend and a holiday", () => {
    // Thursday 30/4/2026 and Friday 1/5 are holidays: two working days after Wed 29/4 are Mon 4/5 and Tue 5/5.
    expect(cal.addWorkingDays("2026-04-29", 2)).toBe("2026-05-05");
    expect(cal.addWorkingDays("2026-12-11", 2)).toBe("2026-12-15");
  });
});

describe("the remembered zone offset", () => {
  it("gives luxon's wall clock for every instant, across DST changes and half- and quarter-hour zones", () => {
    const zones = [
      "Asia/Ho_Chi_Minh",
      "America/Los_Angeles",
      "Europe/Paris",
      "Asia/Kolkata",
      "Asia/Kathmandu",
      "Australia/Lord_Howe",
      "America/St_Johns",
    ];
    // Every 41 minutes 13 seconds over two years, and minute by minute around each offset change found.
    const start = Date.UTC(2025, 0, 1);
    const step = 2_473_000;
    const check = (t: number, zone: string) => {
      const d = new Date(t);
      const ref = DateTime.fromMillis(t, { zone });
      const got = `${localDateOf(d, zone)} ${localTimeOf(d, zone)}`;
      if (got !== ref.toFormat("yyyy-MM-dd HH:mm"))
        throw new Error(`${zone} ${d.toISOString()}: ${got} ≠ ${ref.toISO()}`);
      return ref.offset;
    };
    let transitions = 0;
    for (const zone of zones) {
      let last = check(start, zone);
      for (let t = start + step; t < start + 2 * 366 * 86_400_000; t += step) {
        const offset = check(t, zone);
        if (offset !== last) {
          transitions++;
          for (let u = t - step; u <= t; u += 60_000) check(u, zone);
        }
        last = offset;
      }
    }
    // Los Angeles, Paris, Lord Howe and St John's change twice a year: 4 zones × 4 changes in two years.
    expect(transitions).toBe(16);
    expect(localTimeOf(new Date("2026-12-10T02:05:00Z"), "Asia/Ho_Chi_Minh")).toBe("09:05");
    expect(localDateOf(new Date("2026-12-10T17:00:00Z"), "Asia/Ho_Chi_Minh")).toBe("2026-12-11");
  });
});

describe("local dates without luxon", () => {
  it("addDays, isoWeekday and weekdayVi equal luxon's over four centuries of dates, odd steps and malformed input", () => {
    const ref = {
      addDays: (d: string, n: number) => DateTime.fromISO(d, { zone: "UTC" }).plus({ days: n }).toISODate(),
      isoWeekday: (d: string) => DateTime.fromISO(d, { zone: "UTC" }).weekday,
      weekdayVi: (d: string) =>
        ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"][
          DateTime.fromISO(d).weekday - 1
        ],
    };
    const dates: string[] = [
      "2026-02-30",
      "2026-04-31",
      "2026-13-01",
      "2026-1-5",
      "",
      "abc",
      "2024-02-29",
      "0000-01-01",
    ];
    for (let t = Date.UTC(1800, 0, 1); t < Date.UTC(2200, 0, 1); t += 3_292_181_070) {
      dates.push(new Date(t).toISOString().slice(0, 10));
    }
    const steps = [0, 1, -1, 7, -30, 365, 400, 1.5, -0.25, 100_000];
    let checked = 0;
    for (const d of dates) {
      expect(isoWeekday(d), d).toEqual(ref.isoWeekday(d));
      expect(weekdayVi(d), d).toEqual(ref.weekdayVi(d));
      for (const n of steps) {
        expect(addDays(d, n), `${d} + ${n}`).toEqual(ref.addDays(d, n));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  it("atLocal and atLocalMs equal luxon's reading of a wall clock in every zone, on days of DST gaps and overlaps too", () => {
    const zones = [
      "Asia/Ho_Chi_Minh",
      "America/Los_Angeles",
      "Europe/Paris",
      "Asia/Kathmandu",
      "Australia/Lord_Howe",
      "America/St_Johns",
      "Pacific/Kiritimati",
    ];
    const days: string[] = [];
    for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2027, 0, 1); t += 86_400_000) {
      const d = new Date(t);
      // Every third day, and every day of the months in which zones change their clocks.
      if (d.getUTCDate() % 3 === 0 || [2, 3, 9, 10].includes(d.getUTCMonth()))
        days.push(d.toISOString().slice(0, 10));
    }
    const times = [
      "00:00",
      "00:30",
      "01:00",
      "01:45",
      "02:00",
      "02:15",
      "02:30",
      "03:00",
      "08:00",
      "17:30",
      "23:59",
    ];
    let checked = 0;
    for (const zone of zones) {
      for (const date of days) {
        for (const time of times) {
          const ref = DateTime.fromISO(`${date}T${time}`, { zone }).toJSDate().getTime();
          const got = atLocal(date, time, zone).getTime();
          if (got !== ref) throw new Error(`${zone} ${date} ${time}: ${new Date(got).toISOString()}`);
          // The numeric twin the alternatives' search uses: the day's midnight UTC and minutes after midnight.
          const minutes = Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
          const ms = atLocalMs(Date.parse(`${date}T00:00:00Z`), minutes, zone);
          if (ms !== ref) throw new Error(`atLocalMs ${zone} ${date} ${time}: ${new Date(ms).toISOString()}`);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(30_000);
    expect(atLocal("2026-12-10", "09:00", "Asia/Ho_Chi_Minh").toISOString()).toBe("2026-12-10T02:00:00.000Z");
    // Malformed input still throws, as luxon decides.
    expect(() => atLocal("2026-02-30", "09:00", "Asia/Ho_Chi_Minh")).toThrow(RangeError);
  });

  it("the calendar's remembered answers are the answers of a calendar that has remembered nothing", () => {
    const warm = loadHolidayCalendar(CALENDAR_DIR);
    const days: string[] = [];
    for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2028, 0, 1); t += 86_400_000)
      days.push(new Date(t).toISOString().slice(0, 10));
    const first = days.map((d) => warm.isWorkingDay(d));
    const again = days.map((d) => warm.isWorkingDay(d));
    const fresh = days.map((d) => loadHolidayCalendar(CALENDAR_DIR).isWorkingDay(d));
    expect(again).toEqual(first);
    expect(first).toEqual(fresh);
    // Tết 2026 (17/2) is off, the Saturday worked in exchange for 2/1/2026 (if the year's file says so) is on.
    expect(warm.isWorkingDay("2026-02-17")).toBe(false);
    expect(first.filter((w) => !w).length).toBeGreaterThan(300);
  });
});

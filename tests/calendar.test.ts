import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { loadHolidayCalendar } from "../src/app/config.js";
import { HolidayCalendar, statutoryHolidays } from "../src/core/calendar/holidays.js";
import { formatVi, isoLocal, localDateOf, localTimeOf } from "../src/core/calendar/zone.js";
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

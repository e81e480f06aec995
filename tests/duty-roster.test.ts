import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, loadHolidayCalendar } from "../src/app/config.js";
import { parseRosterCsv } from "../src/app/duty/duty.js";
import { addWorkingMinutes, offSessionDue, onDuty, type Shift } from "../src/core/duty/roster.js";
import { DEFAULT_REGULATION } from "../src/core/regulation.js";
import { at, CALENDAR_DIR, ZONE } from "./helpers.js";

const holidays = loadHolidayCalendar(CALENDAR_DIR);
const workday = DEFAULT_REGULATION.workday;

// Weekdays: 1 = Monday. Day shifts 07:00–19:00 and a night shift 19:00–07:00 that runs past midnight.
const shifts: Shift[] = [
  { role: "mcu", weekday: 1, fromMinute: 7 * 60, toMinute: 19 * 60, person: "Bùi Ngọc Giang" },
  { role: "mcu", weekday: 1, fromMinute: 19 * 60, toMinute: 7 * 60, person: "Đỗ Ngọc Nam" },
  { role: "mcu", weekday: 2, fromMinute: 7 * 60, toMinute: 19 * 60, person: "Đỗ Ngọc Nam" },
  { role: "wan", weekday: 1, fromMinute: 0, toMinute: 1440, person: "Đỗ Văn Khánh" },
];

describe("who is on duty (pure)", () => {
  it("follows the weekday and hours in Hanoi time, a night shift past midnight, and nobody outside the roster", () => {
    // Monday 28/12/2026.
    expect(onDuty(shifts, [], "mcu", at("2026-12-28", "07:00"), ZONE)).toBe("Bùi Ngọc Giang");
    expect(onDuty(shifts, [], "mcu", at("2026-12-28", "18:59"), ZONE)).toBe("Bùi Ngọc Giang");
    expect(onDuty(shifts, [], "mcu", at("2026-12-28", "19:00"), ZONE)).toBe("Đỗ Ngọc Nam");
    // Tuesday 06:30 is still Monday's night shift; 07:00 Tuesday's day shift.
    expect(onDuty(shifts, [], "mcu", at("2026-12-29", "06:30"), ZONE)).toBe("Đỗ Ngọc Nam");
    expect(onDuty(shifts, [], "mcu", at("2026-12-29", "19:30"), ZONE)).toBeNull();
    expect(onDuty(shifts, [], "wan", at("2026-12-28", "23:59"), ZONE)).toBe("Đỗ Văn Khánh");
    expect(onDuty(shifts, [], "wan", at("2026-12-29", "00:00"), ZONE)).toBeNull();
  });

  it("today's change by an admin wins for the whole local date, the latest change last", () => {
    const overrides = [
      { date: "2026-12-28", role: "mcu" as const, person: "Đỗ Ngọc Nam" },
      { date: "2026-12-28", role: "mcu" as const, person: "Lê Văn Mới" },
    ];
    expect(onDuty(shifts, overrides, "mcu", at("2026-12-28", "08:00"), ZONE)).toBe("Lê Văn Mới");
    expect(onDuty(shifts, overrides, "wan", at("2026-12-28", "08:00"), ZONE)).toBe("Đỗ Văn Khánh");
    // The next day follows the roster again (06:30 Tuesday: Monday's night shift).
    expect(onDuty(shifts, overrides, "mcu", at("2026-12-29", "06:30"), ZONE)).toBe("Đỗ Ngọc Nam");
  });
});

describe("working-hours delays (pure)", () => {
  it("counts office hours of working days only: a holiday and a weekend are skipped", () => {
    // Thursday 31/12 16:30 + 60 working minutes: 30 that day, Friday 01/01 is New Year's Day, then the weekend.
    expect(addWorkingMinutes(at("2026-12-31", "16:30"), 60, holidays, ZONE, workday)).toEqual(
      at("2027-01-04", "08:00"),
    );
    // Reported on a Saturday evening: the count starts on Monday's opening.
    expect(addWorkingMinutes(at("2027-01-02", "20:00"), 60, holidays, ZONE, workday)).toEqual(
      at("2027-01-04", "08:30"),
    );
    // Within one working day.
    expect(addWorkingMinutes(at("2026-12-28", "09:00"), 240, holidays, ZONE, workday)).toEqual(
      at("2026-12-28", "13:00"),
    );
    // A worked Saturday (10/01/2026, làm bù) counts.
    expect(addWorkingMinutes(at("2026-01-09", "16:00"), 120, holidays, ZONE, workday)).toEqual(
      at("2026-01-10", "08:30"),
    );
  });

  it("an urgent class runs on the wall clock", () => {
    expect(offSessionDue(at("2027-01-01", "10:00"), 60, true, holidays, ZONE, workday)).toEqual(
      at("2027-01-01", "11:00"),
    );
    expect(offSessionDue(at("2027-01-01", "10:00"), 60, false, holidays, ZONE, workday)).toEqual(
      at("2027-01-04", "08:30"),
    );
  });
});

describe("the duty CSV", () => {
  it("reads shifts and names each bad row in Vietnamese", () => {
    const { shifts: read, errors } = parseRosterCsv(
      "role,weekday,from,to,person\nmcu,1,07:00,19:00,Bùi Ngọc Giang\nwan,7,19:00,07:00,Đỗ Văn Khánh\nmcu,8,07:00,19:00,X\nabc,1,07:00,08:00,Y\nwan,2,25:00,08:00,Z\n",
    );
    expect(read).toEqual([
      { role: "mcu", weekday: 1, fromMinute: 420, toMinute: 1140, person: "Bùi Ngọc Giang" },
      { role: "wan", weekday: 7, fromMinute: 1140, toMinute: 420, person: "Đỗ Văn Khánh" },
    ]);
    expect(errors).toEqual([
      "Dòng 4: thứ «8» phải từ 1 (Thứ Hai) đến 7 (Chủ nhật).",
      "Dòng 5: vai trò «abc» phải là mcu hoặc wan.",
      "Dòng 6: giờ «25:00–08:00» không hợp lệ (HH:mm, giờ đầu khác giờ cuối).",
    ]);
  });
});

describe("off-session delays in the configuration", () => {
  it("reads the delays and urgent classes, and refuses an unknown class in Vietnamese", () => {
    const config = loadConfig({
      DESK_DUTY_REMIND_MINUTES: "30",
      DESK_DUTY_ESCALATE_MINUTES: "120",
      DESK_DUTY_URGENT_CLASSES: "power, audio",
    });
    expect(config.chat.offSession).toEqual({
      reminderMinutes: 30,
      escalateMinutes: 120,
      urgent: ["power", "audio"],
    });
    expect(() => loadConfig({ DESK_DUTY_URGENT_CLASSES: "network,mất điện" })).toThrow(ConfigError);
    expect(() => loadConfig({ DESK_DUTY_URGENT_CLASSES: "network,mất điện" })).toThrow(
      /DESK_DUTY_URGENT_CLASSES.*phải là danh sách cách nhau bởi dấu phẩy, gồm: audio, video, network, power, equipment/,
    );
  });
});

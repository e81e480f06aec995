/**
 * Fixtures shared by the tests and by scripts (scripts/screenshots.ts): nothing here imports vitest, so a script can
 * use them outside a test run.
 */
import type { BookingRequest } from "../../src/core/booking/types.js";
import { atLocal } from "../../src/core/calendar/zone.js";
import { DEFAULT_REGULATION } from "../../src/core/regulation.js";

export const ZONE = DEFAULT_REGULATION.zone;

/** Hanoi local time as an instant: `at("2026-12-10", "09:00")`. */
export function at(date: string, time: string): Date {
  return atLocal(date, time, ZONE);
}

/** A clerk's request as the mail parser understands it: Sở Công Thương, two communes, 10/12/2026 09:00–11:00. */
export function request(overrides: Partial<BookingRequest> = {}): BookingRequest {
  return {
    host: "Sở Công Thương",
    participants: ["CX-00008", "CX-00025"],
    unresolved: [],
    start: at("2026-12-10", "09:00"),
    end: at("2026-12-10", "11:00"),
    title: "Triển khai kế hoạch bình ổn thị trường Tết",
    contact: { name: "Lâm Thị Ngọc", phone: "0983210456" },
    emergency: false,
    secret: false,
    recording: false,
    cityHallRoom: false,
    otherSupport: null,
    receivedAt: at("2026-12-07", "08:30"),
    channel: "mail",
    sender: "vanthu.sct@hanoi.gov.vn",
    ...overrides,
  };
}

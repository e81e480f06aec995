import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { loadHolidayCalendar, ROOT } from "../src/app/config.js";
import type { Desk } from "../src/app/desk.js";
import { readDirectoryCsv } from "../src/app/directory/csv.js";
import type { BookingRequest } from "../src/core/booking/types.js";
import { atLocal } from "../src/core/calendar/zone.js";
import { DEFAULT_REGULATION, type Regulation } from "../src/core/regulation.js";
import { Store } from "../src/store/store.js";

export const ZONE = DEFAULT_REGULATION.zone;
export const SAMPLE_DIR = join(ROOT, "data/sample-directory");
export const CALENDAR_DIR = join(ROOT, "data/calendar");
export const sampleDirectory = readDirectoryCsv(SAMPLE_DIR);

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "desk-test-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A desk over a fresh SQLite file holding the sample directory of Hanoi. */
export async function makeDesk(reg: Partial<Regulation> = {}, dbPath?: string): Promise<Desk> {
  const path = dbPath ?? join(tempDir(), "desk.db");
  const store = Store.open(path);
  cleanups.push(() => store.close());
  if (!dbPath) await store.tx((r) => r.directory.replaceAll(sampleDirectory));
  return { store, reg: { ...DEFAULT_REGULATION, ...reg }, holidays: loadHolidayCalendar(CALENDAR_DIR) };
}

/** Hanoi local time as an instant: `at("2026-12-10", "09:00")`. */
export function at(date: string, time: string): Date {
  return atLocal(date, time, ZONE);
}

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

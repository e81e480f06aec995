import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { loadHolidayCalendar, ROOT } from "../src/app/config.js";
import type { Desk } from "../src/app/desk.js";
import { readDirectoryCsv } from "../src/app/directory/csv.js";
import { DEFAULT_REGULATION, type Regulation } from "../src/core/regulation.js";
import { Store } from "../src/store/store.js";
import { at, request, ZONE } from "./support/fixtures.js";

export { at, request, ZONE };

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

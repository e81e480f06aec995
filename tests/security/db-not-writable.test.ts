import { mkdirSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/app/config.js";
import { DeskService } from "../../src/app/service.js";
import { DatabaseNotWritableError } from "../../src/store/db.js";
import { Store } from "../../src/store/store.js";
import { DeskProcess } from "../support/desk-process.js";
import { TinyDisk } from "../support/tiny-disk.js";

// SQLite only (kept out of BOTH_STORES): a read-only mount under the database file; PostgreSQL has no file here.
// Threat: a desk that can read its database but not write it starts, takes mail and chat updates it can never
// record, and fails on each one with an English SQLite message. It must refuse to start and say why.
// Tests run as root, which ignores file modes: a read-only mount is what really denies the write.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function readOnlyDisk(prepare: (disk: TinyDisk) => void): TinyDisk {
  const disk = new TinyDisk(4).mount();
  cleanups.push(() => disk.destroy());
  prepare(disk);
  disk.readOnly();
  return disk;
}

describe("a database that cannot be written", () => {
  it("`main` refuses to start on a database on a read-only file system, in Vietnamese, exit code 1", async () => {
    const disk = readOnlyDisk((d) => Store.open(d.path("desk.db")).close());
    const desk = DeskProcess.start({ DESK_DB: disk.path("desk.db") });
    cleanups.push(() => desk.kill());
    const started = await desk.waitFor("started");
    expect(started).toBeNull();
    expect((await desk.exited).code).toBe(1);
    expect(desk.stderr).toContain(`Cơ sở dữ liệu ${disk.path("desk.db")} không ghi được`);
    expect(desk.stderr).not.toMatch(/unable to open|readonly database/i);
  }, 120_000);

  it("the service and the CLI's store refuse a new database in a read-only directory", () => {
    const disk = readOnlyDisk((d) => mkdirSync(d.path("data")));
    const path = disk.path("data/desk.db");
    expect(() => new DeskService(loadConfig({ DESK_DB: path }))).toThrow(DatabaseNotWritableError);
    expect(() => Store.open(path)).toThrow(/không ghi được/);
  });

  it("the error names the file and what to check", () => {
    const disk = readOnlyDisk((d) => Store.open(d.path("desk.db")).close());
    let message = "";
    try {
      Store.open(disk.path("desk.db"));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(disk.path("desk.db"));
    expect(message).toMatch(/quyền ghi.*dung lượng đĩa/s);
  });
});

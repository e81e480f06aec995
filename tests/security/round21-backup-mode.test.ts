/**
 * Round 21, the store's copies: a backup holds everything the desk holds (VPN tokens, phones, password hashes,
 * secret sessions' titles, quarantined mails). It was written with the umask's mode, 0644 on the city's servers:
 * readable by every account of the machine, where the directory's export (`directory export`) is 0600. A backup,
 * and a database restored from one, are now the desk's account's only, even under a permissive umask; so is a new
 * database the desk creates, with its -wal and -shm files.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { backupDatabase, restoreDatabase } from "../../src/app/ops/backup.js";
import { makeDesk, sampleDirectory, tempDir } from "../helpers.js";

const modeOf = (file: string) => statSync(file).mode & 0o777;

let umask: number;
beforeEach(() => {
  umask = process.umask(0o022);
});
afterEach(() => {
  process.umask(umask);
});

describe.skipIf(process.env.DESK_TEST_DB === "pg")("round 21: a backup of the desk's database", () => {
  it("is written 0600, and so is a database restored from it", async () => {
    const dir = tempDir();
    const desk = await makeDesk({}, join(dir, "desk.db"));
    await desk.store.tx((r) => r.directory.replaceAll(sampleDirectory));
    const res = await backupDatabase(desk.store.sqlite.name, join(dir, "sao-luu", "desk-backup.db"));
    expect(modeOf(res.file).toString(8)).toBe("600");
    const target = join(dir, "khoi-phuc", "desk.db");
    await restoreDatabase(res.file, target);
    expect(modeOf(target).toString(8)).toBe("600");
    await desk.store.close();
  });

  it("a new database file and its -wal and -shm are created 0600", async () => {
    const path = join(tempDir(), "moi", "desk.db");
    const desk = await makeDesk({}, path);
    await desk.store.tx((r) => r.directory.replaceAll(sampleDirectory));
    for (const f of [path, `${path}-wal`, `${path}-shm`]) expect(modeOf(f).toString(8), f).toBe("600");
    await desk.store.close();
  });
});

/**
 * The WAL checkpointer (src/store/checkpointer.ts): a long-running SQLite desk's commits never copy the log back
 * into the database file themselves; a worker thread does, and if the worker stops, the desk's connection does
 * again. A SIGKILL in the middle of writes loses no committed row. No timing is asserted.
 */
import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { Store } from "../src/store/store.js";
import { tempDir } from "./helpers.js";
import { waitUntil } from "./support/desk-process.js";

/** About 12 MB of log: well over SQLite's 1 000-page threshold. */
function writeMany(store: Store, batches = 30): void {
  const ins = store.sqlite.prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
  const pad = "x".repeat(4000);
  for (let b = 0; b < batches; b++) {
    store.sqlite.transaction(() => {
      for (let i = 0; i < 100; i++) ins.run(`k-${b}-${i}`, pad);
    })();
  }
}

const dbBytes = (path: string) => statSync(path).size;

describe("WAL checkpoints off the desk's thread", () => {
  it("the desk's commits leave the log alone, and the worker copies it into the database file", async () => {
    const path = join(tempDir(), "desk.db");
    const store = Store.open(path, { checkpointer: { everyMs: 20 } });
    try {
      expect(store.sqlite.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
      const before = dbBytes(path);
      writeMany(store);
      await waitUntil(
        "a checkpoint by the worker",
        () => (store.checkpointer?.stats().runs ?? 0) > 0,
        20_000,
      );
      // The pages reached the database file: only a checkpoint writes there in WAL mode.
      await waitUntil("the database file to grow", () => dbBytes(path) > before + 4_000_000, 20_000);
      const stats = store.checkpointer!.stats();
      expect(stats.frames).toBeGreaterThan(1000);
      expect(stats.fallback).toBe(false);
    } finally {
      await store.close();
    }
    // Everything committed is there, read by another connection, and the file is sound.
    const check = new Database(path, { readonly: true });
    expect(check.prepare("SELECT COUNT(*) AS n FROM meta WHERE key LIKE 'k-%'").get()).toEqual({ n: 3000 });
    expect(check.pragma("integrity_check", { simple: true })).toBe("ok");
    check.close();
  });

  it("without the worker the same writes with automatic checkpoints off leave the database file as it was", async () => {
    // The control for the test above: its growth is the worker's doing, not a commit's.
    const path = join(tempDir(), "control.db");
    const store = Store.open(path);
    try {
      store.sqlite.pragma("wal_autocheckpoint = 0");
      const before = dbBytes(path);
      writeMany(store);
      await new Promise((r) => setTimeout(r, 300));
      expect(dbBytes(path)).toBe(before);
    } finally {
      await store.close();
    }
  });

  it("when the worker dies, the desk's connection checkpoints by itself again", async () => {
    const path = join(tempDir(), "fallback.db");
    let told = 0;
    const store = Store.open(path, { checkpointer: { everyMs: 60_000, onFallback: () => told++ } });
    try {
      expect(store.sqlite.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
      await store.checkpointer!.crashForTest();
      await waitUntil("the fallback", () => store.checkpointer!.stats().fallback, 5_000);
      expect(store.sqlite.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
      // The desk is told once (the service logs it as a warning).
      expect(told).toBe(1);
      const before = dbBytes(path);
      writeMany(store);
      // A commit over the threshold checkpointed, in the desk's own thread, as SQLite does by default.
      expect(dbBytes(path)).toBeGreaterThan(before + 4_000_000);
    } finally {
      await store.close();
    }
  });

  it("a desk killed in the middle of writes loses no committed row", async () => {
    const path = join(tempDir(), "killed.db");
    // A child opens the store as the service does and commits numbered rows, printing each number after its
    // commit; it is killed with SIGKILL while the worker may be checkpointing.
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "-e",
        `
        const { Store } = await import(${JSON.stringify(join(process.cwd(), "src/store/store.ts"))});
        const store = Store.open(${JSON.stringify(path)}, { checkpointer: { everyMs: 5, minBytes: 100000 } });
        const ins = store.sqlite.prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
        const pad = "y".repeat(3000);
        for (let i = 0; ; i++) {
          store.sqlite.transaction(() => { for (let j = 0; j < 20; j++) ins.run("n-" + i + "-" + j, pad); })();
          process.stdout.write(i + "\\n");
          if (i % 20 === 0) await new Promise((r) => setImmediate(r));
        }
        `,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let last = -1;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      for (const line of chunk.split("\n")) if (/^\d+$/.test(line)) last = Number(line);
    });
    await waitUntil("the child to commit 400 batches", () => last >= 400, 60_000);
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
    const committed = last;
    const store = Store.open(path);
    try {
      const { n } = store.sqlite.prepare("SELECT COUNT(*) AS n FROM meta WHERE key LIKE 'n-%'").get() as {
        n: number;
      };
      // Every batch it reported committed is there whole (it may have committed one more before dying).
      expect(n).toBeGreaterThanOrEqual((committed + 1) * 20);
      expect(n % 20).toBe(0);
      expect(store.sqlite.pragma("integrity_check", { simple: true })).toBe("ok");
    } finally {
      await store.close();
    }
  });
});

import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";

/**
 * WAL checkpoints off the desk's thread.
 *
 * SQLite in WAL mode copies the log back into the database file ("checkpoint") when a commit finds the log over
 * 1 000 pages. That commit then pays for copying and syncing the pages: about one registration in fifty took
 * 15–25 ms instead of 1–2 ms (`bench/run.ts decisions`, slowest 2 % of calls: neither a GC nor a cache miss).
 * better-sqlite3 is synchronous, so the desk's event loop waited too.
 *
 * Here the desk's connection never checkpoints by itself (`wal_autocheckpoint = 0`); a worker thread with its own
 * connection runs `PRAGMA wal_checkpoint(PASSIVE)` when the log has grown. A passive checkpoint never blocks the
 * writer or readers: it copies what no reader still needs and stops. SQLite restarts the log from its beginning
 * at the next write after a complete checkpoint, so the file stays bounded.
 *
 * If the worker stops for any reason, the desk's connection checkpoints by itself again (the default): the log
 * never grows without bound.
 */
export interface CheckpointerOptions {
  /** How often the worker looks at the log's size. */
  everyMs?: number;
  /** The log size from which it checkpoints (SQLite's own threshold: 1 000 pages of 4 KiB). */
  minBytes?: number;
  /** Told once when the worker stopped by itself and the desk's connection checkpoints again. */
  onFallback?: () => void;
}

export interface CheckpointStats {
  /** Checkpoints the worker ran. */
  runs: number;
  /** WAL frames it copied into the database file, in all. */
  frames: number;
  /** Whether the desk's connection checkpoints by itself again (the worker stopped). */
  fallback: boolean;
}

/** Worker source, CommonJS (eval'd workers are). better-sqlite3 is loaded by the absolute path the desk resolved. */
const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { statSync } = require("node:fs");
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma("busy_timeout = 1000");
let busy = false;
const tick = () => {
  if (busy) return;
  let size = 0;
  try { size = statSync(workerData.path + "-wal").size; } catch { return; }
  if (size < workerData.minBytes) return;
  busy = true;
  try {
    const [r] = db.pragma("wal_checkpoint(PASSIVE)");
    parentPort.postMessage({ kind: "checkpoint", log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    parentPort.postMessage({ kind: "failed", message: String(err && err.message || err) });
  } finally {
    busy = false;
  }
};
const timer = setInterval(tick, workerData.everyMs);
parentPort.on("message", (m) => {
  if (m !== "stop") return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly counts: CheckpointStats = { runs: 0, frames: 0, fallback: false };
  private stopping = false;
  private lastFrames = 0;
  private readonly onFallback: (() => void) | undefined;

  private constructor(
    private readonly sqlite: Database.Database,
    path: string,
    opts: CheckpointerOptions,
  ) {
    this.onFallback = opts.onFallback;
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { path, driver, everyMs: opts.everyMs ?? 250, minBytes: opts.minBytes ?? 4_096_000 },
    });
    // The worker must not keep a stopping desk alive.
    this.worker.unref();
    this.worker.on("message", (m: { kind: string; log?: number; checkpointed?: number }) => {
      if (m.kind !== "checkpoint") return;
      this.counts.runs++;
      // The log restarts after a complete checkpoint: count what this one copied beyond the previous one.
      const done = m.checkpointed ?? 0;
      this.counts.frames += done >= this.lastFrames ? done - this.lastFrames : done;
      this.lastFrames = done === (m.log ?? -1) ? 0 : done;
    });
    this.worker.on("error", () => this.fallBack());
    this.worker.on("exit", () => this.fallBack());
    sqlite.pragma("wal_autocheckpoint = 0");
  }

  /** Start checkpointing `path` (the file `sqlite` has open) off-thread. `:memory:` has no log: null. */
  static start(
    sqlite: Database.Database,
    path: string,
    opts: CheckpointerOptions = {},
  ): WalCheckpointer | null {
    if (path === ":memory:" || path === "") return null;
    return new WalCheckpointer(sqlite, path, opts);
  }

  stats(): CheckpointStats {
    return { ...this.counts };
  }

  /** Stop the worker and give checkpoints back to the desk's connection. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    // Held while it finishes a checkpoint it started: a stopping desk's last await must keep the loop alive.
    this.worker.ref();
    const exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
    this.worker.postMessage("stop");
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 2_000)))]);
    clearTimeout(timer);
    await this.worker.terminate();
    this.restoreAutocheckpoint();
  }

  /** For tests: the worker dies as a crash would end it. */
  async crashForTest(): Promise<void> {
    await this.worker.terminate();
  }

  private fallBack(): void {
    if (this.stopping || this.counts.fallback) return;
    this.counts.fallback = true;
    this.restoreAutocheckpoint();
    this.onFallback?.();
  }

  private restoreAutocheckpoint(): void {
    try {
      if (this.sqlite.open) this.sqlite.pragma("wal_autocheckpoint = 1000");
    } catch {}
  }
}

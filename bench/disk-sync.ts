import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";

/**
 * What one commit's flush costs on this disk, measured apart from any database: `n` times an 8 KiB write and an
 * `fdatasync` (PostgreSQL's default `wal_sync_method` on Linux) in `dir`, milliseconds per write + flush. A
 * PostgreSQL commit with `synchronous_commit = on` waits for at least one such flush, so its p99 bounds the
 * decision's p99 from below.
 */
export function diskSyncLatency(dir: string, n = 2000): number[] {
  const path = join(dir, `disk-sync-${process.pid}`);
  const fd = openSync(path, "w");
  const page = Buffer.alloc(8192, 0x5a);
  const out: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t0 = process.hrtime.bigint();
      // A 16 MiB ring of pages, like a WAL segment being filled.
      writeSync(fd, page, 0, page.length, (i % 2048) * page.length);
      fdatasyncSync(fd);
      out.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
  return out;
}

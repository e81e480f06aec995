import { execFileSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  rmdirSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";

/**
 * A small tmpfs of its own, to make a real disk full or a real read-only file system. Tests run as root, and root
 * ignores file modes, so chmod cannot make a database unwritable; a mount can. Always `destroy()` it.
 */
export class TinyDisk {
  readonly dir: string;
  private mounted = false;

  constructor(readonly sizeMb = 8) {
    this.dir = mkdtempSync(join(tmpdir(), "desk-disk-"));
  }

  mount(): this {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${this.sizeMb}m`, "tmpfs", this.dir]);
    this.mounted = true;
    return this;
  }

  /** Remount read-only; fails while a process holds a file on it open for writing. */
  readOnly(): void {
    execFileSync("mount", ["-o", "remount,ro", this.dir]);
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /**
   * Fill the disk so that the next SQLite commit on `dbFile` fails with SQLITE_FULL. SQLite reuses space a WAL
   * file already has, so the WAL is checkpointed and truncated to nothing, and the space that frees is filled too.
   */
  fill(dbFile: string): void {
    const filler = this.path("filler");
    const chunk = Buffer.alloc(64 * 1024);
    const db = new Database(dbFile);
    try {
      for (let round = 0; round < 50; round++) {
        const [cp] = db.pragma("wal_checkpoint(TRUNCATE)") as { busy: number }[];
        const fd = openSync(filler, "a");
        try {
          for (;;) writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
        } finally {
          closeSync(fd);
        }
        const wal = `${dbFile}-wal`;
        if (cp?.busy === 0 && (!existsSync(wal) || statSync(wal).size === 0)) return;
      }
      throw new Error("could not empty the WAL of a full disk");
    } finally {
      db.close();
    }
  }

  /** Free the disk again. */
  free(): void {
    rmSync(this.path("filler"), { force: true });
  }

  destroy(): void {
    if (this.mounted) {
      try {
        execFileSync("umount", [this.dir]);
      } catch {
        execFileSync("umount", ["-l", this.dir]);
      }
      this.mounted = false;
    }
    rmdirSync(this.dir);
  }
}

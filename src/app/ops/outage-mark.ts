import { createHash } from "node:crypto";
import { accessSync, constants, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { isPostgresUrl } from "../../store/pg/url.js";

/**
 * Remembers, across restarts of the desk's process, that the database's disk is full and since when. While the disk
 * is full nothing can be written to the database, so the mark lives outside it: in /dev/shm (memory, on another
 * file system than any database file, gone at reboot) or else the system's temporary directory. It is what keeps a
 * desk that its supervisor restarts (or that crashes on the full disk and restarts, again and again) from telling
 * the admins «ổ đĩa đã đầy» at every start, and what lets the restarted desk still say «đã có chỗ trống trở lại (đầy
 * từ …)» when it is over. The mark is best effort: when it cannot be written either, the desk behaves as before
 * (once per process).
 */
export class OutageMark {
  constructor(readonly file: string) {}

  /** The mark of one database: keyed by a hash of its path or URL (the URL's password never lands in a name). */
  static forDb(db: string, dir = markDir()): OutageMark {
    const key = isPostgresUrl(db) ? db : resolve(db);
    const hash = createHash("sha256").update(key).digest("hex").slice(0, 16);
    return new OutageMark(join(dir, `hanoi-desk-disk-full-${hash}`));
  }

  /** Since when the disk has been full, as a previous process of this desk recorded it; null when not marked. */
  read(): Date | null {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8").trim();
    } catch {
      return null;
    }
    const since = new Date(text);
    return Number.isNaN(since.getTime()) ? null : since;
  }

  /** Records the outage; false when that could not be written (the caller then remembers in memory only). */
  write(since: Date): boolean {
    try {
      writeFileSync(this.file, since.toISOString(), { mode: 0o600 });
      return true;
    } catch {
      return false;
    }
  }

  clear(): void {
    rmSync(this.file, { force: true });
  }
}

function markDir(): string {
  try {
    accessSync("/dev/shm", constants.W_OK);
    return "/dev/shm";
  } catch {
    return tmpdir();
  }
}

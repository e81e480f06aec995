import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import * as schema from "./schema.js";

export type Db = BetterSQLite3Database<typeof schema>;

const MIGRATIONS = fileURLToPath(new URL("../../drizzle", import.meta.url));

/** The database cannot be written (read-only file system, no permission, full disk): the desk must not start. */
export class DatabaseNotWritableError extends Error {
  override name = "DatabaseNotWritableError";
  constructor(
    readonly path: string,
    readonly code: string,
  ) {
    super(
      `Cơ sở dữ liệu ${path} không ghi được (${code}). Bàn kỹ thuật cần quyền ghi vào tệp này và thư mục chứa nó ` +
        "(SQLite tạo thêm tệp -wal và -shm bên cạnh). Hãy kiểm tra quyền, dung lượng đĩa và chế độ gắn (mount) " +
        "của thư mục rồi chạy lại.",
    );
  }
}

/** Error codes that mean "this file cannot be written here", as opposed to a bug in a query. */
const NOT_WRITABLE = /^(SQLITE_(READONLY|CANTOPEN|FULL|PERM|AUTH|IOERR)|EROFS|EACCES|EPERM|ENOSPC|EDQUOT)/;

function notWritable(path: string, err: unknown): never {
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && NOT_WRITABLE.test(code)) throw new DatabaseNotWritableError(path, code);
  throw err;
}

/**
 * Open the SQLite file (created if missing), set it up for one writer with concurrent readers, apply the
 * committed migrations, and prove that a transaction can write: a desk that could read but not write would take
 * mail and chat updates it can never record. `:memory:` works for throwaway runs.
 */
export function openDatabase(path: string): { sqlite: Database.Database; db: Db } {
  let sqlite: Database.Database | null = null;
  try {
    if (path !== ":memory:") {
      mkdirSync(dirname(path), { recursive: true });
      // A new database is the desk's account's only (0600; SQLite gives its -wal and -shm the same mode): it holds
      // VPN tokens, phones, password hashes, secret sessions and quarantined mails, and the umask left it 0644,
      // readable by every account of the machine. An existing file keeps the mode its operator gave it.
      if (!existsSync(path)) createOwnerOnly(path);
    }
    sqlite = new Database(path);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
    // A CLI command and the service may share the file: wait for the other writer rather than fail.
    sqlite.pragma("busy_timeout = 5000");
    const db = drizzle(sqlite, { schema });
    migrate(db, { migrationsFolder: MIGRATIONS });
    // The write probe: a real write in a real transaction, rolled back.
    sqlite.exec("BEGIN IMMEDIATE");
    try {
      sqlite.exec("CREATE TABLE write_probe (x INTEGER); INSERT INTO write_probe VALUES (1);");
    } finally {
      if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
    }
    return { sqlite, db };
  } catch (err) {
    try {
      sqlite?.close();
    } catch {}
    return notWritable(path, err);
  }
}

/** An empty file at `path`, mode 0600 (SQLite takes an empty file as a new database); one made meanwhile is kept. */
function createOwnerOnly(path: string): void {
  try {
    writeFileSync(path, "", { mode: 0o600, flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
}

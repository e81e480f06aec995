import { spawn } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { dirname, join } from "node:path";
import type pg from "pg";
import { maskUrl, maskUrlsIn, passwordsOf } from "../../store/pg/url.js";
import { type BackupResult, type CheckReport, ownerOnly, RestoreRefused, type TableCount } from "./backup.js";

/*
 * Backups of a desk on PostgreSQL (issue 14): `pg_dump -Fc` of one snapshot, and `pg_restore` into a fresh
 * database, checked by its row counts and its migrations. The password never goes on a command line (where `ps`
 * shows it) nor into a message: the tools get the URL without it and the password through PGPASSWORD.
 */

const PG_ROOT = "/usr/lib/postgresql";

/** Debian's client tools (postgresql-NN): the newest installed, since pg_dump must not be older than the server. */
export function pgTool(name: "pg_dump" | "pg_restore"): string {
  const versions = existsSync(PG_ROOT)
    ? readdirSync(PG_ROOT)
        .filter((v) => /^\d+$/.test(v) && existsSync(join(PG_ROOT, v, "bin", name)))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  return versions[0] ? join(PG_ROOT, versions[0], "bin", name) : name;
}

/** The URL without its password, and the environment that carries the password to libpq. */
export function toolConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = u.password ? decodeURIComponent(u.password) : (u.searchParams.get("password") ?? "");
  u.password = "";
  u.searchParams.delete("password");
  // A clean environment: a PGPASSWORD or PGSERVICE from the operator's shell must not pick another database.
  const env: NodeJS.ProcessEnv = {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    LC_ALL: "C",
    PGCONNECT_TIMEOUT: "10",
  };
  if (password) env.PGPASSWORD = password;
  return { dbname: u.toString(), env };
}

function scrub(text: string, url: string): string {
  let out = maskUrlsIn(text);
  for (const p of passwordsOf(url)) out = out.split(p).join("***");
  return out.trim();
}

function runTool(
  bin: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => {
      if (stdout.length < 1_000_000) stdout += d.toString("utf8");
    });
    child.stderr.on("data", (d: Buffer) => {
      if (stderr.length < 100_000) stderr += d.toString("utf8");
    });
    child.once("error", (err) =>
      reject(new Error(`không chạy được ${bin}: ${err.message} (cần gói postgresql-client)`)),
    );
    child.once("close", (code) => resolve({ code: code ?? 1, stderr, stdout }));
  });
}

/** The desk's tables (every user schema but the catalog), schema-qualified, sorted. */
async function tablesOf(client: pg.ClientBase): Promise<{ schema: string; name: string }[]> {
  const res = await client.query<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
     WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
     ORDER BY table_schema, table_name`,
  );
  return res.rows;
}

const ident = (s: string) => `"${s.replaceAll('"', '""')}"`;
const label = (t: { schema: string; name: string }) =>
  t.schema === "public" ? t.name : `${t.schema}.${t.name}`;

async function countRows(client: pg.ClientBase): Promise<TableCount[]> {
  const out: TableCount[] = [];
  for (const t of await tablesOf(client)) {
    const r = await client.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM ${ident(t.schema)}.${ident(t.name)}`,
    );
    out.push({ table: label(t), rows: Number(r.rows[0]?.n ?? 0) });
  }
  return out;
}

async function connect(url: string): Promise<pg.Client> {
  // node-postgres loads only for a PostgreSQL desk's backups: a SQLite desk starts without it.
  const { default: driver } = await import("pg");
  const client = new driver.Client({ connectionString: url });
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw new Error(`không kết nối được ${maskUrl(url)}: ${scrub((err as Error).message, url)}`);
  }
  return client;
}

/**
 * `pg_dump -Fc` of the live database to `file`, while the desk keeps writing. The dump runs in a snapshot this
 * function exports from a repeatable-read transaction, in which it also counts every table's rows: the counts
 * returned are exactly the dump's, and everything committed before the backup started is in it. The dump is
 * written to `FILE.part`, its table of contents read back by `pg_restore -l`, then renamed.
 */
export async function backupPostgres(url: string, file: string): Promise<BackupResult> {
  const started = performance.now();
  mkdirSync(dirname(file), { recursive: true });
  const part = `${file}.part`;
  rmSync(part, { force: true });
  // pg_dump truncates the file it is given and keeps its mode: the dump is the desk's account's only.
  ownerOnly(part);
  const client = await connect(url);
  const { dbname, env } = toolConnection(url);
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const snap = await client.query<{ id: string }>("SELECT pg_export_snapshot() AS id");
    const counts = await countRows(client);
    const dump = await runTool(
      pgTool("pg_dump"),
      ["-Fc", "--no-owner", "--no-acl", `--snapshot=${snap.rows[0]!.id}`, "-f", part, "--dbname", dbname],
      env,
    );
    if (dump.code !== 0) throw new Error(`pg_dump thất bại: ${scrub(dump.stderr, url)}`);
    const toc = await runTool(pgTool("pg_restore"), ["-l", part], env);
    if (toc.code !== 0)
      throw new Error(`bản sao không đọc lại được (pg_restore -l): ${scrub(toc.stderr, url)}`);
    renameSync(part, file);
    return {
      file,
      bytes: statSync(file).size,
      ms: performance.now() - started,
      check: { integrity: ["ok"], counts },
    };
  } catch (err) {
    rmSync(part, { force: true });
    throw err;
  } finally {
    await client.query("COMMIT").catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/** A custom-format dump starts with these bytes; a SQLite file with "SQLite format 3". */
export function isPgDump(file: string): boolean {
  if (!existsSync(file)) return false;
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(5);
    return readSync(fd, head, 0, 5, 0) === 5 && head.toString("latin1") === "PGDMP";
  } finally {
    closeSync(fd);
  }
}

/**
 * Restore a `pg_dump -Fc` backup into the database at `targetUrl`, which must exist and be empty (no table in
 * any schema) unless `force` (then the backup's objects replace the ones there: stop every desk first). Refused in
 * Vietnamese when the file is missing or not a readable dump. One transaction: a failed restore leaves nothing.
 * Checked afterwards: every table's rows, and drizzle's migrations table (schema "drizzle") must be there.
 */
export async function restorePostgres(
  file: string,
  targetUrl: string,
  opts: { force?: boolean } = {},
): Promise<CheckReport> {
  const shown = maskUrl(targetUrl);
  if (!existsSync(file)) throw new RestoreRefused(`Không tìm thấy tệp sao lưu ${file}.`);
  const { dbname, env } = toolConnection(targetUrl);
  const toc = isPgDump(file) ? await runTool(pgTool("pg_restore"), ["-l", file], env) : null;
  if (toc?.code !== 0) {
    throw new RestoreRefused(
      `Tệp ${file} không phải bản sao lưu PostgreSQL đọc được (pg_dump -Fc) hoặc đã bị hỏng; không khôi phục.`,
    );
  }
  const client = await connect(targetUrl);
  try {
    const existing = await tablesOf(client);
    if (existing.length > 0 && !opts.force) {
      throw new RestoreRefused(
        `CSDL đích ${shown} đã có dữ liệu (${existing.length} bảng); không ghi đè. Hãy tạo một CSDL trống mới (createdb) rồi chỉ vào nó bằng --to, hoặc dừng mọi bàn hỗ trợ rồi chạy lại với --force.`,
      );
    }
    const args = ["--no-owner", "--no-acl", "--exit-on-error", "--single-transaction"];
    if (opts.force) args.push("--clean", "--if-exists");
    const res = await runTool(pgTool("pg_restore"), [...args, "--dbname", dbname, file], env);
    if (res.code !== 0) throw new Error(`pg_restore thất bại: ${scrub(res.stderr, targetUrl)}`);
    const counts = await countRows(client);
    const integrity: string[] = [];
    if (!counts.some((c) => c.table === "drizzle.__drizzle_migrations" && c.rows > 0)) {
      integrity.push("thiếu bảng drizzle.__drizzle_migrations (bản sao lưu không phải của bàn hỗ trợ?)");
    }
    return { integrity: integrity.length ? integrity : ["ok"], counts };
  } finally {
    await client.end().catch(() => undefined);
  }
}

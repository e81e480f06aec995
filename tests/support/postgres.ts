import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { openPgDatabase } from "../../src/store/pg/db.js";
import { freePort } from "./servers.js";

/**
 * A throwaway PostgreSQL 15 (Debian's postgresql-15) for tests, started the way the harness starts Dovecot: initdb
 * in a temp dir, as a non-root user (`nobody` when the tests run as root: initdb and postgres refuse root), no
 * fsync, listening on a free loopback port and on a unix socket in the temp dir. Trust authentication on loopback
 * only: no password exists to leak. `startPostgres()` is idempotent: one server per process, reused by every
 * caller until `stop()`.
 */
export interface PgServer {
  /** `postgres://postgres@127.0.0.1:PORT/postgres`: the admin database. */
  readonly url: string;
  readonly dir: string;
  stop(): Promise<void>;
}

const PG_ROOT = "/usr/lib/postgresql";

/** Debian's binaries: version 15 when present (what production runs), else the newest installed. */
export function pgBin(name: string): string {
  const versions = existsSync(PG_ROOT)
    ? readdirSync(PG_ROOT)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const version = versions.includes("15") ? "15" : versions[0];
  if (!version) {
    throw new Error(
      "PostgreSQL is not installed: run `bash scripts/ensure-test-servers.sh` (installs postgresql-15).",
    );
  }
  return join(PG_ROOT, version, "bin", name);
}

const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
const PG_USER = "nobody";

/** Run as the non-root cluster owner when we are root. */
function command(bin: string, argv: string[]): [string, string[]] {
  return asRoot ? ["runuser", ["-u", PG_USER, "--", bin, ...argv]] : [bin, argv];
}

async function waitReady(url: string, proc: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`postgres exited with code ${proc.exitCode}`);
    const c = new pg.Client({ connectionString: url });
    try {
      await c.connect();
      await c.query("SELECT 1");
      await c.end();
      return;
    } catch (err) {
      last = err;
      await c.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`postgres did not become ready: ${(last as Error)?.message}`);
}

let running: Promise<PgServer> | null = null;

/**
 * `durable`: fsync, synchronous_commit and full_page_writes left on, as production runs (for benches that must say
 * what a durable commit costs on this machine; the tests do not need it).
 */
export function startPostgres(opts: { durable?: boolean } = {}): Promise<PgServer> {
  running ??= boot(opts.durable ?? false).catch((err) => {
    running = null;
    throw err;
  });
  return running;
}

/** A server of a test's own, outside the shared one, that the test may also restart (see `startOwnPostgres`). */
export interface OwnPgServer extends PgServer {
  /** Fast shutdown (clients disconnected), `downMs` with no server, then the same cluster again on the same port. */
  restart(downMs?: number): Promise<void>;
}

/**
 * A PostgreSQL of the caller's own (not the one shared by every suite of the run, which a restart would disturb):
 * for tests that stop and start the server under running desks.
 */
export function startOwnPostgres(): Promise<OwnPgServer> {
  return boot(false, true);
}

async function boot(durable: boolean, own = false): Promise<OwnPgServer> {
  const dir = mkdtempSync(join(tmpdir(), "desk-pg-"));
  const data = join(dir, "data");
  if (asRoot) {
    const { uid, gid } = userIds(PG_USER);
    chownSync(dir, uid, gid);
  }
  const [initCmd, initArgs] = command(pgBin("initdb"), [
    "-D",
    data,
    "-U",
    "postgres",
    "-A",
    "trust",
    "-E",
    "UTF8",
    "--locale=C.UTF-8",
    "--no-sync",
    "--no-instructions",
  ]);
  const init = spawnSync(initCmd, initArgs, { cwd: dir, encoding: "utf8" });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  }
  const port = await freePort();
  const [pgCmd, pgArgs] = command(pgBin("postgres"), [
    "-D",
    data,
    "-p",
    String(port),
    "-k",
    dir,
    "-c",
    "listen_addresses=127.0.0.1",
    ...(durable ? [] : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]),
    "-c",
    "max_connections=60",
    "-c",
    "shared_buffers=32MB",
    "-c",
    "log_min_messages=warning",
  ]);
  // Its own process group, so that stopping it ends the backends too.
  const launch = () => spawn(pgCmd, pgArgs, { cwd: dir, stdio: "ignore", detached: true });
  let proc = launch();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const halt = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      await new Promise<void>((resolve) => {
        proc.once("exit", () => resolve());
        // SIGINT: "fast shutdown" (disconnect clients, no checkpoint wait worth speaking of with fsync off).
        process.kill(-proc.pid!, "SIGINT");
      });
    }
  };
  const stop = async (): Promise<void> => {
    await halt();
    if (!own) running = null;
    rmSync(dir, { recursive: true, force: true });
  };
  const restart = async (downMs = 0): Promise<void> => {
    await halt();
    if (downMs) await new Promise((r) => setTimeout(r, downMs));
    proc = launch();
    await waitReady(url, proc);
  };
  try {
    await waitReady(url, proc);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, dir, stop, restart };
}

function userIds(name: string): { uid: number; gid: number } {
  const out = spawnSync("id", ["-u", name], { encoding: "utf8" });
  const gout = spawnSync("id", ["-g", name], { encoding: "utf8" });
  if (out.status !== 0 || gout.status !== 0) throw new Error(`no system user ${name}`);
  return { uid: Number(out.stdout.trim()), gid: Number(gout.stdout.trim()) };
}

/** A fresh, empty database on the server, for one test: its URL. Dropped by the returned `drop`. */
export async function freshDatabase(
  serverUrl: string,
  template = "template0",
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** The key under which the global setup hands the server's URL to the test files (`inject("pgUrl")`). */
declare module "vitest" {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

let globalServer: PgServer | null = null;

/** vitest globalSetup (the `pg` project of vitest.config.ts): one server for the whole run. */
export async function setup(project: TestProject): Promise<void> {
  globalServer = await startPostgres();
  await makeTemplate(globalServer.url);
  project.provide("pgUrl", globalServer.url);
}

/**
 * `desk_template`: an empty database with the desk's migrations applied, which the suites clone for each desk
 * (`CREATE DATABASE … TEMPLATE desk_template` copies files: much faster than migrating each one).
 */
async function makeTemplate(serverUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query("CREATE DATABASE desk_template TEMPLATE template0");
  } finally {
    await admin.end();
  }
  const u = new URL(serverUrl);
  u.pathname = "/desk_template";
  const { pool } = await openPgDatabase(u.toString(), { max: 1 });
  await pool.end();
}

export async function teardown(): Promise<void> {
  await globalServer?.stop();
  globalServer = null;
}

/**
 * The server for a test file: the one the pg global setup started (`npm run test:pg`), or, when a file is run on
 * its own (`npx vitest run tests/x.pg.test.ts`), one started here and stopped by the returned `release`.
 */
export async function testServer(): Promise<{ url: string; release(): Promise<void> }> {
  const { inject } = await import("vitest");
  const provided = inject("pgUrl");
  if (provided) return { url: provided, release: async () => undefined };
  const own = await startPostgres();
  return { url: own.url, release: () => own.stop() };
}

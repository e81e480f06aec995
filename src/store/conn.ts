import type Database from "better-sqlite3";
import { fillPlaceholders, type SQL, sql } from "drizzle-orm";
import type { Db } from "./db.js";
import type * as schema from "./schema.js";

export type Dialect = "sqlite" | "pg";

/** The tables a repository queries: SQLite's module, or PostgreSQL's twin (same export names and row types). */
export type Tables = typeof schema;

/**
 * What a repository works on: a drizzle database (or a transaction of one) and the tables of its dialect.
 *
 * The repositories are written once, against SQLite's drizzle types. PostgreSQL's schema (pg/schema.ts) has the same
 * export names, column keys and TypeScript row types (tests/store-pg-schema.pg.test.ts holds them equal), and the
 * repositories use only what both dialects' query builders share: awaited builders, `.returning()`,
 * `onConflictDoUpdate`, and prepared statements run through `execute`. Where SQL differs (a few folds), they branch
 * on `dialect`. `all` and `run` take raw SQL written for both.
 */
export interface Conn {
  readonly dialect: Dialect;
  readonly db: Db;
  readonly t: Tables;
  /** Rows of a raw query, as objects keyed by column name. */
  all<T>(query: SQL): Promise<T[]>;
  /** Run a raw statement; the number of rows it changed. */
  run(query: SQL): Promise<number>;
  /**
   * PostgreSQL: the store's statements prepared once (SQL text built once per Store, not per transaction; each
   * connection parses a named statement once) and the client this connection's statements run on.
   */
  readonly statements?: { cache: Map<string, unknown>; client: unknown };
  /**
   * PostgreSQL, inside `Store.tx`: writes whose result nobody reads (`Prepared.later`, `laterNamedPg`), as SQL text
   * with their values inlined. The store sends them all together in one message before the transaction's next
   * statement (so that every read sees them), or in COMMIT's message: a registration's writes cost no round trip of their own.
   */
  readonly deferred?: Deferred[];
}

/** A deferred statement (see Conn.deferred), and what to do with its rows once its message has run. */
export interface Deferred {
  text: string;
  rows?: (rows: Record<string, unknown>[]) => void;
}

/** The better-sqlite3 handle under a SQLite Conn: its raw statements are the hot paths' fast way (no mapping layer). */
export function sqliteOf(c: Conn): Database.Database {
  return (c.db as unknown as { $client: Database.Database }).$client;
}

/** A count that is a number on both dialects (PostgreSQL's count is a bigint). */
export const countAll = () => sql<number>`count(*)`.mapWith(Number);

/** The first row of a result, or null. */
export function first<T>(rows: readonly T[]): T | null {
  return rows[0] ?? null;
}

/** A statement prepared once per connection (SQLite) or named for the server's statement cache (PostgreSQL). */
export interface Prepared<T> {
  execute(params?: Record<string, unknown>): Promise<T>;
  /**
   * Run a write whose result is not wanted: now, or on PostgreSQL inside `Store.tx` later, with the transaction's
   * next message (see Conn.deferred). Its errors then surface there, and the transaction still rolls back whole.
   */
  later(params?: Record<string, unknown>): Promise<void>;
}

interface Preparable<T> {
  prepare(name?: string): { execute(params?: Record<string, unknown>): PromiseLike<T> | T };
}

type Executable<T> = { execute(params?: Record<string, unknown>): PromiseLike<T> | T };

/**
 * Prepare `builder` (or what `build` returns). On PostgreSQL repositories are built per transaction: the prepared
 * query (its SQL text and row mapping) is kept per Store under `name` and only re-pointed at the transaction's
 * client, so a transaction builds no SQL. Names are unique per statement (node-postgres requires it anyway).
 */
export function prepare<T>(
  c: Conn,
  name: string,
  builder: Preparable<T> | (() => Preparable<T>),
): Prepared<T> {
  const build = () => (typeof builder === "function" ? builder() : builder);
  if (c.dialect !== "pg") {
    const p = build().prepare();
    return {
      execute: async (params) => (await p.execute(params)) as T,
      later: async (params) => void (await p.execute(params)),
    };
  }
  const s = c.statements;
  let base = s?.cache.get(name) as Executable<T> | undefined;
  if (!base) {
    base = build().prepare(name);
    s?.cache.set(name, base);
  }
  // drizzle's node-postgres prepared query runs on its `client` field: the same query, on this connection.
  const p: Executable<T> = s ? Object.create(base, { client: { value: s.client } }) : base;
  const execute = async (params?: Record<string, unknown>) => (await p.execute(params)) as T;
  const sink = c.deferred;
  if (!sink) return { execute, later: async (params) => void (await p.execute(params)) };
  // drizzle's prepared query keeps its text and its parameters (placeholders with their encoders).
  const q = base as unknown as { rawQueryConfig: { text: string }; params: unknown[] };
  return {
    execute,
    later: async (params) => {
      sink.push({ text: inlinePg(q.rawQueryConfig.text, fillPlaceholders(q.params, params ?? {})) });
    },
  };
}

/** A driver value as a PostgreSQL literal: quoted (an untyped literal takes its column's type, as a parameter does). */
function literalPg(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (Array.isArray(v)) return `ARRAY[${v.map(literalPg).join(", ")}]`;
  if (typeof v === "string") return escapeLiteral(v);
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
    return `'${v}'`;
  }
  if (typeof v === "bigint") return `'${v}'`;
  if (typeof v === "boolean") return v ? "'true'" : "'false'";
  if (Buffer.isBuffer(v)) return escapeLiteral(`\\x${v.toString("hex")}`);
  throw new Error(`no literal for a deferred statement's ${typeof v} value`);
}

/** pg's escapeLiteral: quotes doubled; with a backslash, an E'' string with backslashes doubled. */
function escapeLiteral(str: string): string {
  let hasBackslash = false;
  let out = "'";
  for (const ch of str) {
    if (ch === "'") out += "''";
    else if (ch === "\\") {
      out += "\\\\";
      hasBackslash = true;
    } else out += ch;
  }
  out += "'";
  return hasBackslash ? ` E${out}` : out;
}

/**
 * `text` with its `$n` parameters replaced by `values` as literals, for a simple-protocol message (which takes no
 * parameters). Only for the statements this module's callers write: their text has no `$` but parameters.
 */
export function inlinePg(text: string, values: readonly unknown[]): string {
  return text.replace(/\$(\d+)/g, (_m, n: string) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= values.length) throw new Error(`no value for $${n}`);
    return literalPg(values[i]);
  });
}

/** A placeholder passed through as is (JSON text, integer milliseconds), without the column's encoder. */
export const raw = (name: string) => sql`${sql.placeholder(name)}`;

/**
 * PostgreSQL: run `text` as a named statement on the connection's client: parsed and planned once per connection,
 * like drizzle's prepared queries, for statements drizzle's builders cannot prepare (a multi-row insert of any
 * length through `unnest`). Returns the rows changed.
 */
export async function runNamedPg(c: Conn, name: string, text: string, values: unknown[]): Promise<number> {
  return (await namedPg(c, name, text, values)).rowCount ?? 0;
}

/** PostgreSQL: runNamedPg, or inside `Store.tx` deferred like `Prepared.later` (its row count is not wanted). */
export async function laterNamedPg(c: Conn, name: string, text: string, values: unknown[]): Promise<void> {
  if (c.deferred) c.deferred.push({ text: inlinePg(text, values) });
  else await runNamedPg(c, name, text, values);
}

/** PostgreSQL: runNamedPg's statement, returning its rows (objects keyed by column name). */
export async function queryNamedPg<T>(c: Conn, name: string, text: string, values: unknown[]): Promise<T[]> {
  return (await namedPg(c, name, text, values)).rows as T[];
}

async function namedPg(
  c: Conn,
  name: string,
  text: string,
  values: unknown[],
): Promise<{ rowCount: number | null; rows: unknown[] }> {
  const client = c.statements?.client as
    | {
        query(q: { name: string; text: string; values: unknown[] }): Promise<{
          rowCount: number | null;
          rows: unknown[];
        }>;
      }
    | undefined;
  if (c.dialect !== "pg" || !client) throw new Error("runNamedPg runs on PostgreSQL only");
  return client.query({ name, text, values });
}

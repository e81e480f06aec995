import type Database from "better-sqlite3";
import { fillPlaceholders, type SQL, sql } from "drizzle-orm";
import type { Db } from "./db.js";
import { withoutNul } from "./pg/nul.js";
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
   * PostgreSQL, inside `Store.tx`: writes whose result nobody reads (`Prepared.later`, `laterNamedPg`), with their
   * values. The store sends them all together in one message, each as `EXECUTE name(literals)` of a statement the
   * connection PREPAREd once, before the transaction's next statement (so that every read sees them), or in COMMIT's
   * message: a registration's writes cost no round trip of their own, nor a parse and plan per message.
   */
  readonly deferred?: Deferred[];
}

/**
 * A deferred statement (see Conn.deferred), and what to do with its rows once its message has run. `text` has `$n`
 * parameters and `values` their driver values: the store sends it as `EXECUTE name(literals)` of a statement it
 * PREPAREs once per connection (parsed and planned once, as a named statement of the extended protocol is).
 */
export interface Deferred {
  name: string;
  text: string;
  values: readonly unknown[];
  rows?: (rows: Record<string, unknown>[]) => void;
}

/**
 * The SQL-level names of deferred statements start with this: PREPARE's namespace is the one the driver's named
 * statements live in, where the same statement may be prepared under its plain name.
 */
export const DEFERRED_PREFIX = "deferred_";

/** A deferred statement's name as a quoted SQL identifier (names are the code's own: letters, digits, `_`). */
export function deferredName(name: string): string {
  if (!/^\w+$/.test(name)) throw new Error(`not a statement name: ${name}`);
  return `"${DEFERRED_PREFIX}${name}"`;
}

/** `EXECUTE name(literals)` of a deferred statement, for a simple-protocol message. */
export function executePg(d: Deferred): string {
  const name = deferredName(d.name);
  return d.values.length ? `EXECUTE ${name}(${d.values.map(literalPg).join(", ")})` : `EXECUTE ${name}`;
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
 * A PostgreSQL statement is looked up and bound only when a transaction first runs it (see PgStatement).
 */
export function prepare<T>(
  c: Conn,
  name: string,
  builder: Preparable<T> | (() => Preparable<T>),
): Prepared<T> {
  if (c.dialect === "pg") return new PgStatement<T>(c, name, builder);
  const p = (typeof builder === "function" ? builder() : builder).prepare();
  return {
    execute: async (params) => (await p.execute(params)) as T,
    later: async (params) => void (await p.execute(params)),
  };
}

/**
 * The prepared queries re-pointed at each pooled client, by client and name. drizzle's node-postgres prepared query
 * runs on its `client` field and keeps no other state, so one re-pointed copy per connection serves every
 * transaction on it. (Re-pointing per transaction cost a registration ≈ 50 KB of garbage: a repository set prepares
 * ≈ 30 statements, of which a registration runs a few.)
 */
const boundByClient = new WeakMap<object, Map<string, Executable<unknown>>>();

/** A PostgreSQL statement of one transaction's repository: nothing is built until it first runs. */
class PgStatement<T> implements Prepared<T> {
  constructor(
    private readonly c: Conn,
    private readonly name: string,
    private readonly builder: Preparable<T> | (() => Preparable<T>),
  ) {}

  /** The Store's prepared query under this name, built the first time any transaction runs it. */
  private base(): Executable<T> {
    const s = this.c.statements;
    let base = s?.cache.get(this.name) as Executable<T> | undefined;
    if (!base) {
      const b = this.builder;
      base = (typeof b === "function" ? b() : b).prepare(this.name);
      s?.cache.set(this.name, base);
    }
    return base;
  }

  /** That query on this connection's client. */
  private bound(): Executable<T> {
    const s = this.c.statements;
    if (!s || typeof s.client !== "object" || s.client === null) return this.base();
    let byName = boundByClient.get(s.client);
    if (!byName) {
      byName = new Map();
      boundByClient.set(s.client, byName);
    }
    let p = byName.get(this.name) as Executable<T> | undefined;
    if (!p) {
      p = Object.create(this.base(), { client: { value: s.client } }) as Executable<T>;
      byName.set(this.name, p);
    }
    return p;
  }

  async execute(params?: Record<string, unknown>): Promise<T> {
    return (await this.bound().execute(params)) as T;
  }

  async later(params?: Record<string, unknown>): Promise<void> {
    const sink = this.c.deferred;
    if (!sink) {
      await this.bound().execute(params);
      return;
    }
    // drizzle's prepared query keeps its text and its parameters (placeholders with their encoders).
    const q = this.base() as unknown as { rawQueryConfig: { text: string }; params: unknown[] };
    sink.push({
      name: this.name,
      text: q.rawQueryConfig.text,
      values: fillPlaceholders(q.params, params ?? {}),
    });
  }
}

/**
 * A driver value as a PostgreSQL literal: quoted (an untyped literal takes its parameter's type, as a parameter sent
 * by the driver does). An array is an array literal in one quoted string ('{"a","b"}'), untyped too: `ARRAY['1']`
 * would be text[], which an EXECUTE does not coerce into a bigint[] parameter.
 */
export function literalPg(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (Array.isArray(v)) return escapeLiteral(arrayText(withoutNul(v) as unknown[]));
  if (typeof v === "string") return escapeLiteral(withoutNul(v) as string);
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
    return `'${v}'`;
  }
  if (typeof v === "bigint") return `'${v}'`;
  if (typeof v === "boolean") return v ? "'true'" : "'false'";
  if (Buffer.isBuffer(v)) return escapeLiteral(`\\x${v.toString("hex")}`);
  throw new Error(`no literal for a deferred statement's ${typeof v} value`);
}

/** An array's text form, as PostgreSQL's array input reads it: every element double-quoted, NULL bare. */
function arrayText(v: readonly unknown[]): string {
  const parts = v.map((x) => {
    if (x === null || x === undefined) return "NULL";
    if (Array.isArray(x)) return arrayText(x);
    let t: string;
    if (typeof x === "string") t = x;
    else if (typeof x === "number") {
      if (!Number.isFinite(x)) throw new Error(`not a finite number: ${x}`);
      t = String(x);
    } else if (typeof x === "bigint" || typeof x === "boolean") t = String(x);
    else throw new Error(`no array element literal for a deferred statement's ${typeof x} value`);
    return `"${t.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  });
  return `{${parts.join(",")}}`;
}

/**
 * pg's escapeLiteral: quotes doubled; with a backslash, an E'' string with backslashes doubled. Whole-string replaces,
 * not a character loop: an answer's text is kilobytes, and appending it a character at a time made a registration's
 * largest garbage after the alternatives search.
 */
function escapeLiteral(str: string): string {
  const quoted = str.includes("'") ? str.replaceAll("'", "''") : str;
  return str.includes("\\") ? ` E'${quoted.replaceAll("\\", "\\\\")}'` : `'${quoted}'`;
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
  if (c.deferred) c.deferred.push({ name, text, values });
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

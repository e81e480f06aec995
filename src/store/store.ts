import type Database from "better-sqlite3";
import type pg from "pg";
import { BookingRepo, HoldersCache } from "./booking-repo.js";
import { type CheckpointerOptions, WalCheckpointer } from "./checkpointer.js";
import { type Conn, DEFERRED_PREFIX, type Deferred, deferredName, executePg } from "./conn.js";
import { type Db, openDatabase } from "./db.js";
import {
  DIRECTORY_VERSION_SQL,
  DirectoryRepo,
  directoryVersionOf,
  type SnapshotCache,
} from "./directory-repo.js";
import { DutyRepo } from "./duty-repo.js";
import { IncidentRepo } from "./incident-repo.js";
import { LeaseRepo } from "./lease-repo.js";
import type { PgDb } from "./pg/db.js";
import * as pgSchema from "./pg/schema.js";
import { isPostgresUrl } from "./pg/url.js";
import { InboundRepo, JobRepo, MetaRepo, OutboxRepo } from "./queue-repos.js";
import * as sqliteSchema from "./schema.js";

export interface Repos {
  directory: DirectoryRepo;
  bookings: BookingRepo;
  jobs: JobRepo;
  outbox: OutboxRepo;
  inbound: InboundRepo;
  meta: MetaRepo;
  incidents: IncidentRepo;
  lease: LeaseRepo;
  duty: DutyRepo;
}

export interface StoreOptions {
  /**
   * Whether a chat platform (Telegram or Zalo) is configured. Without one, posts to the support group have
   * nobody to deliver them: they are not enqueued (default true: they are).
   */
  chat?: boolean;
  /**
   * SQLite only: checkpoint the WAL from a worker thread instead of in the commit that finds it full (see
   * WalCheckpointer). For long-running desks; a CLI command keeps SQLite's default.
   */
  checkpointer?: boolean | CheckpointerOptions;
}

/** A PostgreSQL store's pool, its drizzle database, and a drizzle database on one of the pool's clients. */
interface PgParts {
  pool: pg.Pool;
  db: PgDb;
  url: string;
  onClient(client: pg.PoolClient): PgDb;
}

/**
 * Every write transaction on PostgreSQL takes this transaction-level advisory lock first: writes are serialized
 * across desks as SQLite's one writer serializes them, so that the rules' reads (capacity, conflicts) and the write
 * they lead to never interleave with another desk's.
 */
const WRITE_LOCK = 31250002;
/**
 * BEGIN, the write lock and the directory's version in one simple-protocol message: one round trip. Nearly every
 * write transaction asks the directory for its snapshot (a registration, a change, a review); the version read here,
 * under the lock, is what DirectoryRepo.snapshot would read first thing (see DirectoryRepo's `txVersion`).
 */
const BEGIN_LOCKED = `BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK}); ${DIRECTORY_VERSION_SQL}`;
/** A read: one snapshot for all of its statements, and no writes. */
const BEGIN_READ = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

/**
 * The store: repositories over one database, and one way to write: `tx`. On SQLite (one file, the embedded
 * default) transactions are serialized in-process and `BEGIN IMMEDIATE` makes other processes wait. On PostgreSQL
 * (`DESK_DB=postgres://…`) each transaction runs on a pooled connection, under the write lock above.
 * Inside `tx` only database work may be awaited: network calls belong to outbox and job workers.
 */
export class Store {
  /** Repositories outside any transaction (on PostgreSQL each statement commits on its own). */
  readonly repos: Repos;
  readonly conn: Conn;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly snapshots: SnapshotCache = { current: null };
  /** Holders per day under their schedule_days version (see HoldersCache), shared by every transaction. */
  readonly holdersCache = new HoldersCache();
  /** PostgreSQL's prepared statements, built once per Store and shared by every transaction's repositories. */
  private readonly statements = new Map<string, unknown>();

  private constructor(
    private readonly opts: StoreOptions,
    private readonly sqliteHandle: Database.Database | null,
    private readonly pg: PgParts | null,
    db: Db,
  ) {
    this.conn = pg ? pgConn(pg.db, this.statements) : sqliteConn(db);
    this.repos = this.reposOf(this.conn);
  }

  get dialect(): Conn["dialect"] {
    return this.conn.dialect;
  }

  /** The drizzle database, typed as SQLite's: use only builders both dialects share, awaited. */
  get db(): Db {
    return this.conn.db;
  }

  /** The SQLite handle, for what only SQLite has (online backup, integrity check). Throws on PostgreSQL. */
  get sqlite(): Database.Database {
    if (!this.sqliteHandle) throw new Error("this store is PostgreSQL: the SQLite handle does not exist");
    return this.sqliteHandle;
  }

  /** The PostgreSQL URL the store was opened on (for pg_dump), or null on SQLite. */
  get pgUrl(): string | null {
    return this.pg?.url ?? null;
  }

  /** The PostgreSQL pool, or null on SQLite. */
  get pgPool(): pg.Pool | null {
    return this.pg?.pool ?? null;
  }

  static open(path: string, opts: StoreOptions = {}): Store {
    const { sqlite, db } = openDatabase(path);
    const store = new Store(opts, sqlite, null, db);
    if (opts.checkpointer)
      store.checkpointer = WalCheckpointer.start(
        sqlite,
        path,
        opts.checkpointer === true ? {} : opts.checkpointer,
      );
    return store;
  }

  /** The WAL checkpointer of a SQLite desk opened with `checkpointer`, or null. */
  checkpointer: WalCheckpointer | null = null;

  /** `DESK_DB`: a postgres:// URL opens PostgreSQL; anything else is a SQLite path. */
  static async connect(target: string, opts: StoreOptions = {}): Promise<Store> {
    return isPostgresUrl(target) ? Store.openPg(target, opts) : Store.open(target, opts);
  }

  /** A store on PostgreSQL, migrations applied. */
  static async openPg(url: string, opts: StoreOptions & { max?: number } = {}): Promise<Store> {
    // pg and its drizzle driver load only for a PostgreSQL desk: a SQLite desk starts without them.
    const { openPgDatabase, drizzleOnClient } = await import("./pg/db.js");
    const { pool, db } = await openPgDatabase(url, { max: opts.max });
    const onClient = (client: pg.PoolClient) => drizzleOnClient(client);
    return new Store(opts, null, { pool, db, url, onClient }, db as unknown as Db);
  }

  private reposOf(c: Conn, inTransaction = false, directoryVersion?: string): Repos {
    return new LazyRepos(
      c,
      this.snapshots,
      this.holdersCache,
      this.opts.chat ?? true,
      inTransaction,
      directoryVersion,
    );
  }

  /**
   * Run `fn` in one transaction: all of its writes land, or none do. Do not nest. `serialize: false` (claims of
   * outbox and job rows, which no rule reads) skips PostgreSQL's desk-wide write lock: such transactions rely on
   * row locks (`FOR UPDATE SKIP LOCKED`) instead.
   */
  tx<T>(fn: (r: Repos, c: Conn) => Promise<T> | T, opts: { serialize?: boolean } = {}): Promise<T> {
    const pgStore = this.pg;
    if (pgStore) {
      return this.pgTx(pgStore, opts.serialize !== false ? BEGIN_LOCKED : "BEGIN", fn).catch(
        (err: unknown) => {
          // Rolled back: cache entries it filled under versions it bumped itself were never committed.
          this.holdersCache.clear();
          throw err;
        },
      );
    }
    return this.sqliteTx(fn, "COMMIT");
  }

  /** SQLite's `tx`, ended by `end` when `fn` succeeds. */
  private sqliteTx<T>(fn: (r: Repos, c: Conn) => Promise<T> | T, end: "COMMIT" | "ROLLBACK"): Promise<T> {
    const sqlite = this.sqlite;
    const run = async (): Promise<T> => {
      sqlite.exec("BEGIN IMMEDIATE");
      try {
        const out = await fn(this.repos, this.conn);
        sqlite.exec(end);
        // Before the next transaction starts: a write of this one may have patched a day to a version that the
        // next write of the day takes again (SQLite's versions count up by one).
        if (end === "ROLLBACK") this.holdersCache.clear();
        return out;
      } catch (err) {
        if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
        // Rolled back: cache entries it filled under versions it bumped itself were never committed.
        this.holdersCache.clear();
        throw err;
      }
    };
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  /**
   * Run `fn` on a view of this store whose transactions run whole and are then rolled back: their reads, their rules
   * and their writes (on PostgreSQL the deferred writes too, sent in the ROLLBACK's message as they would be in
   * COMMIT's), and nothing of them lands. For warming a path at start (the JIT, the connection's prepared statements,
   * the server's plans) without writing: see warmDecisions. After each one the holders cache is cleared, as after
   * any rollback: entries it filled or patched under versions it bumped itself were never committed. Its `read` is
   * this store's.
   */
  rehearse<T>(fn: (view: Store) => Promise<T>): Promise<T> {
    const view = Object.create(this) as Store;
    view.tx = <U>(
      f: (r: Repos, c: Conn) => Promise<U> | U,
      opts: { serialize?: boolean } = {},
    ): Promise<U> => {
      const pgStore = this.pg;
      if (!pgStore) return this.sqliteTx(f, "ROLLBACK");
      // PostgreSQL's versions come from a sequence: the rolled-back ones are never committed, so no other
      // transaction can meet them in the cache before this clear.
      return this.pgTx(pgStore, opts.serialize !== false ? BEGIN_LOCKED : "BEGIN", f, "ROLLBACK").finally(
        () => this.holdersCache.clear(),
      );
    };
    return fn(view);
  }

  /**
   * Several transactions in one, for a mail batch: `fn` gets a view of this store whose `tx` is a savepoint of one
   * SQLite transaction (rolled back alone when it throws) and whose `read` runs inside it. What `fn`'s transactions
   * released is committed when `fn` returns and also when it throws (then its error is rethrown); a failed COMMIT
   * rolls all of it back and throws. Only the view's calls join the batch: everything else given this store (the
   * outbox worker, chat, the web desk, other processes) waits for the batch as it waits for any transaction, so
   * nothing reads or sends a batch's effects before they are committed. The view must not be used after `fn`.
   * On PostgreSQL `fn` gets this store: each transaction commits on its own, as before.
   */
  batch<T>(fn: (view: Store) => Promise<T>): Promise<T> {
    if (this.pg) return fn(this);
    const sqlite = this.sqlite;
    const run = async (): Promise<T> => {
      let open = true;
      let inside = false;
      let savepoints = 0;
      const live = () => {
        if (!open) throw new Error("Store.batch: its view was used after the batch ended");
        // SQLite rolls a whole transaction back on some errors (a full disk): what the batch released is gone, and
        // a SAVEPOINT now would open a transaction of its own. Nothing more joins it; the caller learns what
        // committed from the database (the IMAP checkpoint is written in each mail's savepoint).
        if (!sqlite.inTransaction) throw new Error("Store.batch: its transaction was rolled back");
      };
      const view = Object.create(this) as Store;
      view.tx = async <U>(f: (r: Repos, c: Conn) => Promise<U> | U): Promise<U> => {
        live();
        if (inside) throw new Error("Store.tx: do not nest");
        inside = true;
        const name = `b${++savepoints}`;
        sqlite.exec(`SAVEPOINT ${name}`);
        try {
          const out = await f(this.repos, this.conn);
          sqlite.exec(`RELEASE ${name}`);
          return out;
        } catch (err) {
          // An error SQLite answers by rolling the whole transaction back leaves no savepoint to return to.
          if (sqlite.inTransaction) sqlite.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
          this.holdersCache.clear();
          throw err;
        } finally {
          inside = false;
        }
      };
      view.read = async <U>(f: (r: Repos, c: Conn) => Promise<U> | U): Promise<U> => {
        live();
        return f(this.repos, this.conn);
      };
      sqlite.exec("BEGIN IMMEDIATE");
      let out: T;
      try {
        out = await fn(view);
      } catch (err) {
        open = false;
        this.commitBatch(sqlite);
        throw err;
      }
      open = false;
      this.commitBatch(sqlite);
      return out;
    };
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  private commitBatch(sqlite: Database.Database): void {
    try {
      if (sqlite.inTransaction) sqlite.exec("COMMIT");
    } catch (err) {
      if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
      this.holdersCache.clear();
      throw err;
    }
  }

  /**
   * A PostgreSQL transaction on a pooled client, begun by `begin`: with the write lock, BEGIN and the lock go in one
   * simple-protocol message (two statements, one round trip; drizzle's `transaction` sends them as two). `end`
   * (COMMIT) on success, ROLLBACK on failure; a client whose ROLLBACK fails (connection lost) leaves the pool.
   */
  private async pgTx<T>(
    pgStore: PgParts,
    begin: string,
    fn: (r: Repos, c: Conn) => Promise<T> | T,
    end: "COMMIT" | "ROLLBACK" = "COMMIT",
  ): Promise<T> {
    const client = await pgStore.pool.connect();
    let broken: Error | undefined;
    // Deferred writes (Conn.deferred) go out in one message before the transaction's next statement, whichever
    // path sends it (drizzle, prepared, raw): every read sees them. What is left goes with COMMIT.
    const deferred: Deferred[] = [];
    try {
      // Inside the try: a BEGIN that ran but whose lock failed (a cancel) leaves a transaction to roll back.
      const begun = (await client.query(begin)) as unknown as pg.QueryResult | pg.QueryResult[];
      // With the lock, the third result is the directory's version (see BEGIN_LOCKED).
      const version = Array.isArray(begun) ? directoryVersionOf(begun[2]?.rows ?? []) : undefined;
      const send = Object.getPrototypeOf(client) as { query: (...a: unknown[]) => Promise<unknown> };
      // The deferred statements (and `tail`) in one message, each an EXECUTE of a statement this connection has
      // PREPAREd (in the same message the first time); then each one's rows to its callback.
      const prepared = this.preparedOn(client);
      const flush = async (tail?: string) => {
        const batch = deferred.splice(0);
        const parts: string[] = [];
        const at: number[] = [];
        const fresh: string[] = [];
        for (const d of batch) {
          if (!prepared.has(d.name) && !fresh.includes(d.name)) {
            parts.push(`PREPARE ${deferredName(d.name)} AS ${d.text}`);
            fresh.push(d.name);
          }
          at.push(parts.length);
          parts.push(executePg(d));
        }
        if (tail) parts.push(tail);
        let res: pg.QueryResult | pg.QueryResult[];
        try {
          res = (await send.query.call(client, parts.join(";\n"))) as pg.QueryResult | pg.QueryResult[];
        } catch (err) {
          // Which of the message's PREPAREs ran before the error is the server's to say: asked after the ROLLBACK.
          if (fresh.length) this.preparedUnsure.add(client);
          throw err;
        }
        for (const name of fresh) prepared.add(name);
        const results = Array.isArray(res) ? res : [res];
        for (let i = 0; i < batch.length; i++) batch[i]!.rows?.(results[at[i]!]?.rows ?? []);
      };
      // One statement at a time on the connection: a query asked for while another runs (a `Promise.all` of reads
      // in `fn`) waits for it here, not in pg's queue, which pg 8 warns about and pg 9 refuses. The deferred writes
      // are flushed inside the turn of the statement they precede, so that two waiting statements do not both flush.
      let last: Promise<unknown> = Promise.resolve();
      const serial = <R>(run: () => Promise<R>): Promise<R> => {
        const out = last.then(run, run);
        last = out.catch(() => undefined);
        return out;
      };
      (client as unknown as { query: (...a: unknown[]) => unknown }).query = (...args: unknown[]) =>
        serial(() =>
          deferred.length === 0
            ? (send.query.apply(client, args) as Promise<unknown>)
            : flush().then(() => send.query.apply(client, args)),
        );
      const c = pgConn(this.clientDb(client, pgStore), this.statements, deferred);
      const out = await fn(this.reposOf(c, true, version), c);
      await serial(() => (deferred.length ? flush(end) : send.query.call(client, end)));
      return out;
    } catch (err) {
      // Writes not sent yet are dropped with the rest of the transaction.
      deferred.length = 0;
      await client.query("ROLLBACK").catch((e: unknown) => {
        broken = e instanceof Error ? e : new Error(String(e));
      });
      if (!broken && this.preparedUnsure.delete(client) && !(await this.resyncPrepared(client)))
        broken = new Error("the session's prepared statements are unknown after a failed message");
      throw err;
    } finally {
      delete (client as unknown as { query?: unknown }).query;
      client.release(broken);
    }
  }

  /** Per pooled client: the deferred statements (Conn.deferred) its session has PREPAREd, by their names. */
  private readonly preparedByClient = new WeakMap<pg.PoolClient, Set<string>>();
  /** Clients whose last failed message carried a PREPARE: which of them ran is asked after the ROLLBACK. */
  private readonly preparedUnsure = new WeakSet<pg.PoolClient>();
  private preparedOn(client: pg.PoolClient): Set<string> {
    let out = this.preparedByClient.get(client);
    if (!out) {
      out = new Set();
      this.preparedByClient.set(client, out);
    }
    return out;
  }

  /**
   * The deferred statements the session really has, after a failed message that carried PREPAREs. False when the
   * server could not say: the client then leaves the pool (a PREPARE of a name it has would fail every transaction).
   */
  private async resyncPrepared(client: pg.PoolClient): Promise<boolean> {
    const set = this.preparedOn(client);
    set.clear();
    try {
      const { rows } = await client.query<{ name: string }>(
        "SELECT name FROM pg_prepared_statements WHERE from_sql",
      );
      for (const r of rows)
        if (r.name.startsWith(DEFERRED_PREFIX)) set.add(r.name.slice(DEFERRED_PREFIX.length));
      return true;
    } catch {
      return false;
    }
  }

  /** A drizzle database on one pooled client, made once per client (drizzle's set-up is not free). */
  private readonly clientDbs = new WeakMap<pg.PoolClient, PgDb>();
  private clientDb(client: pg.PoolClient, pgStore: PgParts): PgDb {
    let out = this.clientDbs.get(client);
    if (!out) {
      out = pgStore.onClient(client);
      this.clientDbs.set(client, out);
    }
    return out;
  }

  /**
   * Reads wait for running transactions so that they never see half of one. On PostgreSQL a read is one
   * read-only snapshot transaction.
   */
  read<T>(fn: (r: Repos, c: Conn) => Promise<T> | T): Promise<T> {
    const pgStore = this.pg;
    // The transaction's statements one at a time on its connection, as in `tx` (see pgTx).
    if (pgStore) return this.pgTx(pgStore, BEGIN_READ, fn);
    const run = async () => fn(this.repos, this.conn);
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  private closed = false;

  /** Close the connection or the pool; a second call does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.pg) await this.pg.pool.end();
    else {
      // Without a checkpointer the file is closed before the first await, as callers that do not await expect.
      if (this.checkpointer) await this.checkpointer.stop();
      this.sqliteHandle?.close();
    }
  }
}

function sqliteConn(db: Db): Conn {
  return {
    dialect: "sqlite",
    db,
    t: sqliteSchema,
    all: async (q) => db.all(q),
    run: async (q) => db.run(q).changes,
  };
}

function pgConn(db: PgDb, cache: Map<string, unknown>, deferred?: Deferred[]): Conn {
  // The pool for the store's own repositories, the transaction's pooled client inside `tx`/`read`.
  const client = (db as unknown as { session: { client: unknown } }).session.client;
  return {
    dialect: "pg",
    statements: { cache, client },
    ...(deferred ? { deferred } : {}),
    db: db as unknown as Db,
    t: pgSchema as unknown as Conn["t"],
    all: async <T>(q: Parameters<PgDb["execute"]>[0]) => (await db.execute(q)).rows as T[],
    run: async (q) => (await db.execute(q)).rowCount ?? 0,
  };
}

/**
 * A transaction's repositories, each made when first used. On PostgreSQL every transaction gets its own set, and a
 * registration uses four of the nine: making all of them was 4 % of its CPU on the desk (bench/pg-trips.ts).
 */
class LazyRepos implements Repos {
  #directory?: DirectoryRepo;
  #bookings?: BookingRepo;
  #jobs?: JobRepo;
  #outbox?: OutboxRepo;
  #inbound?: InboundRepo;
  #meta?: MetaRepo;
  #incidents?: IncidentRepo;
  #lease?: LeaseRepo;
  #duty?: DutyRepo;

  constructor(
    private readonly c: Conn,
    private readonly snapshots: ConstructorParameters<typeof DirectoryRepo>[1],
    private readonly holdersCache: ConstructorParameters<typeof BookingRepo>[1],
    private readonly groupPosts: boolean,
    private readonly inTransaction: boolean,
    private readonly directoryVersion: string | undefined,
  ) {}

  get directory(): DirectoryRepo {
    this.#directory ??= new DirectoryRepo(this.c, this.snapshots, this.inTransaction, this.directoryVersion);
    return this.#directory;
  }
  get bookings(): BookingRepo {
    this.#bookings ??= new BookingRepo(this.c, this.holdersCache);
    return this.#bookings;
  }
  get jobs(): JobRepo {
    this.#jobs ??= new JobRepo(this.c);
    return this.#jobs;
  }
  get outbox(): OutboxRepo {
    this.#outbox ??= new OutboxRepo(this.c, { groupPosts: this.groupPosts });
    return this.#outbox;
  }
  get inbound(): InboundRepo {
    this.#inbound ??= new InboundRepo(this.c);
    return this.#inbound;
  }
  get meta(): MetaRepo {
    this.#meta ??= new MetaRepo(this.c);
    return this.#meta;
  }
  get incidents(): IncidentRepo {
    this.#incidents ??= new IncidentRepo(this.c);
    return this.#incidents;
  }
  get lease(): LeaseRepo {
    this.#lease ??= new LeaseRepo(this.c);
    return this.#lease;
  }
  get duty(): DutyRepo {
    this.#duty ??= new DutyRepo(this.c);
    return this.#duty;
  }
}

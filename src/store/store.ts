import type Database from "better-sqlite3";
import { BookingRepo } from "./booking-repo.js";
import { type Db, openDatabase } from "./db.js";
import { DirectoryRepo } from "./directory-repo.js";
import { DutyRepo } from "./duty-repo.js";
import { IncidentRepo } from "./incident-repo.js";
import { LeaseRepo } from "./lease-repo.js";
import { InboundRepo, JobRepo, MetaRepo, OutboxRepo } from "./queue-repos.js";

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
}

/**
 * The store: repositories over one SQLite connection, and one way to write: `tx`. Transactions are
 * serialized in-process (SQLite has one writer) and `BEGIN IMMEDIATE` makes other processes wait.
 * Inside `tx` only database work may be awaited: network calls belong to outbox and job workers.
 */
export class Store {
  readonly repos: Repos;
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly sqlite: Database.Database,
    readonly db: Db,
    opts: StoreOptions,
  ) {
    this.repos = {
      directory: new DirectoryRepo(db),
      bookings: new BookingRepo(db),
      jobs: new JobRepo(db),
      outbox: new OutboxRepo(db, { groupPosts: opts.chat ?? true }),
      inbound: new InboundRepo(db),
      meta: new MetaRepo(db),
      incidents: new IncidentRepo(db),
      lease: new LeaseRepo(db),
      duty: new DutyRepo(db),
    };
  }

  static open(path: string, opts: StoreOptions = {}): Store {
    const { sqlite, db } = openDatabase(path);
    return new Store(sqlite, db, opts);
  }

  /** Run `fn` in one transaction: all of its writes land, or none do. Do not nest. */
  tx<T>(fn: (r: Repos) => Promise<T> | T): Promise<T> {
    const run = async (): Promise<T> => {
      this.sqlite.exec("BEGIN IMMEDIATE");
      try {
        const out = await fn(this.repos);
        this.sqlite.exec("COMMIT");
        return out;
      } catch (err) {
        if (this.sqlite.inTransaction) this.sqlite.exec("ROLLBACK");
        throw err;
      }
    };
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  /** Reads wait for running transactions so that they never see half of one. */
  read<T>(fn: (r: Repos) => Promise<T> | T): Promise<T> {
    const run = async () => fn(this.repos);
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  close(): void {
    this.sqlite.close();
  }
}

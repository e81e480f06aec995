/**
 * The web desk's password-guessing limits, kept in the database (tables `web_login_pairs`, `web_login_failures`):
 * a restart does not forget a lock, and two desks behind one balancer count the same tries. Only the tries being
 * checked at this instant are counted in memory, per process (see `before`).
 *
 * - Per (login, client address): after `lockout.attempts` wrong passwords in a row from one address, that login is
 *   locked for `lockout.minutes` from that address only, even for the right password. Someone who knows a login
 *   can no longer lock its owner out by typing wrong passwords from elsewhere.
 * - Per login, over every address: past PER_LOGIN_FAILURES wrong passwords within PER_LOGIN_MINUTES, every further
 *   try from an address that has itself failed for that login waits (429) until the count falls back. An address
 *   that has not failed is still asked for the password, so the right one is never locked out; each new address
 *   buys a guessing botnet one try, not `lockout.attempts`.
 *
 * The same rules hold for a login that has no account, so the answers never tell whether it exists.
 */
import { and, desc, eq, gt, isNull, lte, or, sql } from "drizzle-orm";
import type { Store } from "../../store/store.js";

export const PER_LOGIN_FAILURES = 20;
export const PER_LOGIN_MINUTES = 15;

/**
 * `ask`: check the password, then call `done()` (after `failed` or `succeeded`). Until then the try counts against
 * the address's run, so that tries sent in parallel cannot all be checked before the first of them locks it.
 */
export type LoginVerdict =
  | { kind: "ask"; done: () => void }
  | { kind: "locked" }
  | { kind: "slowed"; minutes: number };

export interface LoginLockStatus {
  /** Addresses from which the login is locked now, and the latest end of those locks. */
  lockedAddresses: number;
  lockedUntil: Date | null;
  /** Wrong passwords for the login in the last PER_LOGIN_MINUTES, over every address. */
  recentFailures: number;
  slowed: boolean;
}

type Log = (event: string, fields?: Record<string, unknown>, level?: "info" | "warn" | "error") => void;

const WINDOW = PER_LOGIN_MINUTES * 60_000;
/** Rows that no longer lock or count are deleted at most this often, by whichever desk writes a failure. */
const PRUNE_EVERY_MS = 60_000;

export class LoginGuard {
  /** login → client address → tries being checked now, in this process. */
  private readonly inflight = new Map<string, Map<string, number>>();
  private lastPrune = 0;

  constructor(
    private readonly store: Store,
    private readonly lockout: { attempts: number; minutes: number },
    private readonly log: Log = () => {},
  ) {}

  /**
   * What to do with a try for `login` from `address` before its password is checked. The try is counted as being
   * checked from the first instant, so that tries sent in parallel to this desk cannot all be asked before the
   * first of them locks the address (each sees those that came before it). Parallel tries spread over two desks
   * are each asked once: a balancer buys a guesser at most one try more per desk.
   */
  async before(login: string, address: string, now: Date): Promise<LoginVerdict> {
    const ahead = this.inflight.get(login)?.get(address) ?? 0;
    const done = this.reserve(login, address);
    let verdict: LoginVerdict | undefined;
    try {
      verdict = await this.judge(login, address, now.getTime(), ahead, done);
      return verdict;
    } finally {
      // Only an `ask` keeps the try reserved until the password is checked.
      if (verdict?.kind !== "ask") done();
    }
  }

  private async judge(
    login: string,
    address: string,
    t: number,
    ahead: number,
    done: () => void,
  ): Promise<LoginVerdict> {
    const { pair, recent } = await this.store.read(async (_, { db, t: tb }) => {
      const [pair] = await db
        .select({
          failed: tb.webLoginPairs.failed,
          lockedUntil: tb.webLoginPairs.lockedUntil,
          lastFailure: tb.webLoginPairs.lastFailure,
        })
        .from(tb.webLoginPairs)
        .where(and(eq(tb.webLoginPairs.login, login), eq(tb.webLoginPairs.address, address)));
      // The newest PER_LOGIN_FAILURES failures in the window: enough to tell whether the login is slowed, and when
      // the oldest of them leaves the window.
      const recent = await db
        .select({ at: tb.webLoginFailures.at })
        .from(tb.webLoginFailures)
        .where(and(eq(tb.webLoginFailures.login, login), gt(tb.webLoginFailures.at, new Date(t - WINDOW))))
        .orderBy(desc(tb.webLoginFailures.at))
        .limit(PER_LOGIN_FAILURES);
      return { pair, recent };
    });
    if (pair?.lockedUntil && pair.lockedUntil.getTime() > t) return { kind: "locked" };
    if ((pair?.failed ?? 0) + ahead >= this.lockout.attempts) return { kind: "locked" };
    if (recent.length >= PER_LOGIN_FAILURES && pair && t - pair.lastFailure.getTime() < WINDOW) {
      // The count falls below the threshold when the PER_LOGIN_FAILURES-th newest failure leaves the window.
      const frees = recent[PER_LOGIN_FAILURES - 1]!.at.getTime() + WINDOW;
      return { kind: "slowed", minutes: Math.max(1, Math.ceil((frees - t) / 60_000)) };
    }
    return { kind: "ask", done };
  }

  private reserve(login: string, address: string): () => void {
    const byAddress = this.inflight.get(login) ?? new Map<string, number>();
    byAddress.set(address, (byAddress.get(address) ?? 0) + 1);
    this.inflight.set(login, byAddress);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (byAddress.get(address) ?? 1) - 1;
      if (left > 0) byAddress.set(address, left);
      else byAddress.delete(address);
      if (byAddress.size === 0 && this.inflight.get(login) === byAddress) this.inflight.delete(login);
    };
  }

  /**
   * A wrong password (or no such login) from `address`. The run's count is one atomic upsert, so two desks failing
   * the same pair at once both count.
   */
  async failed(login: string, address: string, now: Date): Promise<void> {
    const t = now.getTime();
    const prune = t - this.lastPrune >= PRUNE_EVERY_MS;
    if (prune) this.lastPrune = t;
    const { lockedUntil, recent } = await this.store.tx(
      async (_, { db, t: tb }) => {
        const p = tb.webLoginPairs;
        const [row] = await db
          .insert(p)
          .values({ login, address, failed: 1, lockedUntil: null, lastFailure: now })
          .onConflictDoUpdate({
            target: [p.login, p.address],
            set: { failed: sql`${p.failed} + 1`, lastFailure: now },
          })
          .returning({ failed: p.failed });
        let lockedUntil: Date | null = null;
        if (row!.failed >= this.lockout.attempts) {
          // The run ends in a lock; after it, the address starts a new run.
          lockedUntil = new Date(t + this.lockout.minutes * 60_000);
          await db
            .update(p)
            .set({ failed: 0, lockedUntil })
            .where(and(eq(p.login, login), eq(p.address, address)));
        }
        const f = tb.webLoginFailures;
        await db.insert(f).values({ login, at: now });
        const [count] = await db
          .select({ n: sql<number>`count(*)` })
          .from(f)
          .where(and(eq(f.login, login), gt(f.at, new Date(t - WINDOW))));
        if (prune) {
          // Whatever no longer locks or counts, for every login (one login guessed from many addresses grows its
          // own rows, not the number of logins).
          const old = new Date(t - WINDOW);
          await db.delete(f).where(lte(f.at, old));
          await db
            .delete(p)
            .where(and(or(isNull(p.lockedUntil), lte(p.lockedUntil, now)), lte(p.lastFailure, old)));
        }
        return { lockedUntil, recent: Number(count?.n ?? 0) };
      },
      { serialize: false },
    );
    if (lockedUntil)
      this.log(
        "web-login-locked",
        { login, address, attempts: this.lockout.attempts, until: lockedUntil.toISOString() },
        "warn",
      );
    if (recent === PER_LOGIN_FAILURES)
      this.log(
        "web-login-slowed",
        { login, failures: PER_LOGIN_FAILURES, minutes: PER_LOGIN_MINUTES },
        "warn",
      );
  }

  /** The right password from `address`: its run of wrong ones ends (the per-login count stays). */
  async succeeded(login: string, address: string): Promise<void> {
    await this.store.tx(
      async (_, { db, t: tb }) => {
        await db
          .delete(tb.webLoginPairs)
          .where(and(eq(tb.webLoginPairs.login, login), eq(tb.webLoginPairs.address, address)));
      },
      { serialize: false },
    );
  }

  /** An admin's unlock (`/tai-khoan`): every lock and count of the login goes. */
  async unlock(login: string, by: string): Promise<void> {
    await this.store.tx(
      async (_, { db, t: tb }) => {
        await db.delete(tb.webLoginPairs).where(eq(tb.webLoginPairs.login, login));
        await db.delete(tb.webLoginFailures).where(eq(tb.webLoginFailures.login, login));
      },
      { serialize: false },
    );
    this.log("web-login-unlocked", { login, by });
  }

  async status(login: string, now: Date): Promise<LoginLockStatus> {
    const t = now.getTime();
    return this.store.read(async (_, { db, t: tb }) => {
      const locks = await db
        .select({ until: tb.webLoginPairs.lockedUntil })
        .from(tb.webLoginPairs)
        .where(and(eq(tb.webLoginPairs.login, login), gt(tb.webLoginPairs.lockedUntil, now)));
      const [count] = await db
        .select({ n: sql<number>`count(*)` })
        .from(tb.webLoginFailures)
        .where(and(eq(tb.webLoginFailures.login, login), gt(tb.webLoginFailures.at, new Date(t - WINDOW))));
      const until = Math.max(0, ...locks.map((l) => l.until?.getTime() ?? 0));
      const recentFailures = Number(count?.n ?? 0);
      return {
        lockedAddresses: locks.length,
        lockedUntil: until ? new Date(until) : null,
        recentFailures,
        slowed: recentFailures >= PER_LOGIN_FAILURES,
      };
    });
  }
}

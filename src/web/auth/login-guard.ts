/**
 * The web desk's password-guessing limits, kept in memory (one desk process serves the web; a restart forgets
 * them, as it forgets the per-minute window).
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

interface Pair {
  failed: number;
  lockedUntil: number | null;
  lastFailure: number;
}

type Log = (event: string, fields?: Record<string, unknown>, level?: "info" | "warn" | "error") => void;

const WINDOW = PER_LOGIN_MINUTES * 60_000;

export class LoginGuard {
  /** login → client address → its run of wrong passwords. */
  private readonly pairs = new Map<string, Map<string, Pair>>();
  private readonly failures = new Map<string, number[]>();
  /** login → client address → tries being checked now. */
  private readonly inflight = new Map<string, Map<string, number>>();
  private lastPrune = 0;

  constructor(
    private readonly lockout: { attempts: number; minutes: number },
    private readonly log: Log = () => {},
  ) {}

  /** What to do with a try for `login` from `address` before its password is checked. */
  before(login: string, address: string, now: Date): LoginVerdict {
    const t = now.getTime();
    const pair = this.pairs.get(login)?.get(address);
    if (pair?.lockedUntil && pair.lockedUntil > t) return { kind: "locked" };
    const checking = this.inflight.get(login)?.get(address) ?? 0;
    if ((pair?.failed ?? 0) + checking >= this.lockout.attempts) return { kind: "locked" };
    const recent = this.recent(login, t);
    if (recent.length >= PER_LOGIN_FAILURES && pair && t - pair.lastFailure < WINDOW) {
      // The count falls below the threshold when the PER_LOGIN_FAILURES-th newest failure leaves the window.
      const frees = recent[recent.length - PER_LOGIN_FAILURES]! + WINDOW;
      return { kind: "slowed", minutes: Math.max(1, Math.ceil((frees - t) / 60_000)) };
    }
    return { kind: "ask", done: this.reserve(login, address) };
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

  /** A wrong password (or no such login) from `address`. */
  failed(login: string, address: string, now: Date): void {
    const t = now.getTime();
    this.prune(t);
    const byAddress = this.pairs.get(login) ?? new Map<string, Pair>();
    const pair = byAddress.get(address) ?? { failed: 0, lockedUntil: null, lastFailure: t };
    pair.failed++;
    pair.lastFailure = t;
    if (pair.failed >= this.lockout.attempts) {
      pair.failed = 0;
      pair.lockedUntil = t + this.lockout.minutes * 60_000;
      this.log(
        "web-login-locked",
        { login, address, attempts: this.lockout.attempts, until: new Date(pair.lockedUntil).toISOString() },
        "warn",
      );
    }
    byAddress.set(address, pair);
    this.pairs.set(login, byAddress);
    const recent = this.recent(login, t);
    recent.push(t);
    this.failures.set(login, recent);
    if (recent.length === PER_LOGIN_FAILURES)
      this.log(
        "web-login-slowed",
        { login, failures: PER_LOGIN_FAILURES, minutes: PER_LOGIN_MINUTES },
        "warn",
      );
  }

  /** The right password from `address`: its run of wrong ones ends (the per-login count stays). */
  succeeded(login: string, address: string): void {
    const byAddress = this.pairs.get(login);
    byAddress?.delete(address);
    if (byAddress?.size === 0) this.pairs.delete(login);
  }

  /** An admin's unlock (`/tai-khoan`): every lock and count of the login goes. */
  unlock(login: string, by: string): void {
    this.pairs.delete(login);
    this.failures.delete(login);
    this.log("web-login-unlocked", { login, by });
  }

  status(login: string, now: Date): LoginLockStatus {
    const t = now.getTime();
    let lockedAddresses = 0;
    let until = 0;
    for (const p of this.pairs.get(login)?.values() ?? [])
      if (p.lockedUntil && p.lockedUntil > t) {
        lockedAddresses++;
        until = Math.max(until, p.lockedUntil);
      }
    const recentFailures = this.recent(login, t).length;
    return {
      lockedAddresses,
      lockedUntil: until ? new Date(until) : null,
      recentFailures,
      slowed: recentFailures >= PER_LOGIN_FAILURES,
    };
  }

  private recent(login: string, t: number): number[] {
    return (this.failures.get(login) ?? []).filter((at) => t - at < WINDOW);
  }

  /**
   * Entries that no longer lock or count go, at most once a minute (whatever their number: one login guessed from
   * many addresses grows one login's map, not the number of logins).
   */
  private prune(t: number): void {
    if (t - this.lastPrune < 60_000) return;
    this.lastPrune = t;
    for (const [login, byAddress] of this.pairs) {
      for (const [address, p] of byAddress)
        if ((!p.lockedUntil || p.lockedUntil <= t) && t - p.lastFailure >= WINDOW) byAddress.delete(address);
      if (byAddress.size === 0) this.pairs.delete(login);
    }
    for (const [login, times] of this.failures) {
      const left = times.filter((at) => t - at < WINDOW);
      if (left.length) this.failures.set(login, left);
      else this.failures.delete(login);
    }
  }
}

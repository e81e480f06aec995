/** The desk's workers, as `/healthz` and `/metrics` name them. */
export const WORKERS = ["imap", "smtp", "chat", "mcu", "jobs"] as const;
export type WorkerName = (typeof WORKERS)[number];

/**
 * - `up`: its last attempt succeeded, or it has had nothing to do yet (an SMTP relay with no mail to send);
 * - `down`: its last attempt failed and no success came after it;
 * - `disabled`: not configured (no IMAP host, no chat token): it cannot be down.
 */
export type WorkerStatus = "up" | "down" | "disabled";

export interface WorkerHealth {
  status: WorkerStatus;
  /** Seconds since the last success, or null when it has not succeeded since the desk started. */
  lastSuccessAgeSeconds: number | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  /**
   * What failed, as a code only (`ECONNREFUSED`, `ETIMEDOUT`, `Error`): never an error's message, which may carry
   * a host, an account or a token.
   */
  error: string | null;
}

export interface HealthSnapshot {
  /** True when every configured worker is up: `/healthz` answers 200, otherwise 503. */
  ok: boolean;
  workers: Record<WorkerName, WorkerHealth>;
}

interface State {
  lastOk: number | null;
  lastFail: number | null;
  /** A failure the worker's own loop retries within this long: if none repeats it, the retry succeeded. */
  failHoldMs: number | null;
  error: string | null;
}

/** An error as a code a person can look up, never its message. */
export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
  if (typeof code === "number" && Number.isInteger(code)) return `HTTP_${code}`;
  // A log event's name (`imap-error`), for loops that report only through their log.
  if (typeof err === "string" && /^[a-z][a-z0-9-]{1,40}$/.test(err)) return err;
  const name = (err as { name?: unknown } | null)?.name;
  if (typeof name === "string" && /^[A-Za-z]{1,40}$/.test(name)) return name;
  return "Error";
}

/**
 * In-process record of each worker's last success and failure, fed where the work happens (src/app/service.ts) and
 * read by `/healthz` and `/metrics`. Time comes in as an argument; nothing here reads a clock.
 */
export class Health {
  private readonly state = new Map<WorkerName, State>();

  constructor(private readonly configured: Record<WorkerName, boolean>) {}

  ok(worker: WorkerName, now: Date): void {
    const s = this.get(worker);
    s.lastOk = now.getTime();
  }

  /**
   * Record a failure. `holdMs` marks a failure whose loop retries by itself and reports only failures (chat long
   * polling): after `holdMs` without another failure the worker counts as up again.
   */
  fail(worker: WorkerName, err: unknown, now: Date, opts: { holdMs?: number } = {}): void {
    const s = this.get(worker);
    s.lastFail = now.getTime();
    s.failHoldMs = opts.holdMs ?? null;
    s.error = errorCode(err);
  }

  /** Run `work`, recording its success or failure; the failure is rethrown for the caller's own handling. */
  async watch<T>(worker: WorkerName, now: () => Date, work: () => Promise<T>): Promise<T> {
    try {
      const out = await work();
      this.ok(worker, now());
      return out;
    } catch (err) {
      this.fail(worker, err, now());
      throw err;
    }
  }

  /** The same job handlers, each run recorded as a success or a failure of the `jobs` worker. */
  // biome-ignore lint/suspicious/noExplicitAny: any handler signature is kept as it is.
  watchJobs<H extends Record<string, (...args: any[]) => Promise<unknown>>>(
    handlers: H,
    now: () => Date = () => new Date(),
  ): H {
    return Object.fromEntries(
      Object.entries(handlers).map(([kind, run]) => [
        kind,
        (...args: unknown[]) => this.watch("jobs", now, () => run(...args)),
      ]),
    ) as H;
  }

  isConfigured(worker: WorkerName): boolean {
    return this.configured[worker];
  }

  worker(worker: WorkerName, now: Date): WorkerHealth {
    const s = this.get(worker);
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    const failing =
      s.lastFail !== null &&
      (s.lastOk === null || s.lastFail >= s.lastOk) &&
      (s.failHoldMs === null || now.getTime() - s.lastFail <= s.failHoldMs);
    return {
      status: !this.configured[worker] ? "disabled" : failing ? "down" : "up",
      lastSuccessAgeSeconds:
        s.lastOk === null ? null : Math.max(0, Math.round((now.getTime() - s.lastOk) / 100) / 10),
      lastSuccessAt: iso(s.lastOk),
      lastFailureAt: iso(s.lastFail),
      error: failing ? s.error : null,
    };
  }

  snapshot(now: Date): HealthSnapshot {
    const workers = Object.fromEntries(WORKERS.map((w) => [w, this.worker(w, now)])) as Record<
      WorkerName,
      WorkerHealth
    >;
    return { ok: WORKERS.every((w) => workers[w].status !== "down"), workers };
  }

  private get(worker: WorkerName): State {
    let s = this.state.get(worker);
    if (!s) {
      s = { lastOk: null, lastFail: null, failHoldMs: null, error: null };
      this.state.set(worker, s);
    }
    return s;
  }
}

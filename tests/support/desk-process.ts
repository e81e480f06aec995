import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { expect } from "vitest";
import { ROOT } from "../../src/app/config.js";

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * The desk as operators run it, in a process of its own: `npm start` (as in the systemd unit) or the same
 * `node --import tsx src/app/main.ts` without npm. Collects its JSON log lines and its stderr.
 */
export class DeskProcess {
  readonly events: { event: string; [k: string]: unknown }[] = [];
  stderr = "";
  readonly exited: Promise<Exit>;
  private listeners: (() => void)[] = [];
  exit: Exit | null = null;

  private constructor(readonly child: ChildProcess) {
    let buf = "";
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => {
      buf += chunk;
      const lines = buf.split("\n");
      buf = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith("{")) continue;
        try {
          this.events.push(JSON.parse(line));
        } catch {}
      }
      for (const l of this.listeners) l();
    });
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) =>
      child.once("exit", (code, signal) => {
        this.exit = { code, signal };
        for (const l of this.listeners) l();
        resolve(this.exit);
      }),
    );
  }

  static start(env: Record<string, string>, how: "npm" | "node" = "node"): DeskProcess {
    const [cmd, args] =
      how === "npm"
        ? ["npm", ["start", "--silent"]]
        : [process.execPath, ["--import", "tsx", join(ROOT, "src/app/main.ts")]];
    return new DeskProcess(
      spawn(cmd, args, {
        env: { ...process.env, DESK_WEB_PORT: "0", ...env },
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The first log line with this event, or null if the process exits first. */
  waitFor(event: string): Promise<Record<string, unknown> | null> {
    return new Promise((resolve) => {
      const check = () => {
        const hit = this.events.find((e) => e.event === event);
        if (hit || this.exit) {
          this.listeners = this.listeners.filter((l) => l !== check);
          resolve(hit ?? null);
        }
      };
      this.listeners.push(check);
      check();
    });
  }

  /** Make sure it is gone (for cleanup after a failed assertion). */
  async kill(): Promise<void> {
    if (this.exit) return;
    this.child.kill("SIGKILL");
    await this.exited;
  }
}

/** Whether a process with this pid still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Polls `ok` every 100 ms until it holds; throws `timed out: what` after `ms`. */
export async function waitUntil(
  what: string,
  ok: () => Promise<boolean> | boolean,
  ms: number,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A seeded generator of integers in [0, n), so that a failing failover round can be replayed. */
export function seeded(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

/** What a DeskPair needs of a PostgreSQL client: one query. */
interface Queryable {
  query(sql: string): Promise<{ rows: unknown[] }>;
}

/** The mail a pair's sink received: each answer's In-Reply-To and Message-ID. */
interface Sink {
  messages: { parsed: { inReplyTo?: string | undefined; messageId?: string | undefined } }[];
}

/** Each desk's settings in a pair: the mail servers of `base`, a fake Telegram group, quick polls, a 6 s lease. */
export function pairEnv(
  base: Record<string, string>,
  telegram: { url: string },
  token: string,
  group: number,
): Record<string, string> {
  return {
    ...base,
    DESK_IMAP_POLL_SECONDS: "1",
    DESK_REPLY_CAP_PER_SENDER: "1000",
    DESK_TELEGRAM_TOKEN: token,
    DESK_TELEGRAM_GROUP_ID: String(group),
    DESK_TELEGRAM_API_ROOT: telegram.url,
    DESK_LEADER_LEASE_SECONDS: "6",
    DESK_LOG_LEVEL: "info",
  };
}

/** Mails answered so far: distinct In-Reply-To over the sink's deliveries. */
export const answered = (sink: Sink) => new Set(sink.messages.map((m) => m.parsed.inReplyTo)).size;

/** Telegram updates the desks have handled (past `received`). */
export async function chatHandled(admin: Queryable): Promise<number> {
  const res = await admin.query(
    "SELECT count(*) AS n FROM inbound_messages WHERE channel = 'telegram' AND status <> 'received'",
  );
  return Number((res.rows[0] as { n: string }).n);
}

/**
 * The pair's promise at the end of a run: each of `mails` answered exactly once (a resend carries the same
 * Message-ID, so it is the same mail to its reader), one booking per mail, and one incident per reporter for each of
 * `reports` chat reports.
 */
export async function expectEachHandledOnce(
  admin: Queryable,
  sink: Sink,
  mails: number,
  reports: number,
): Promise<void> {
  const byMail = new Map<string, Set<string>>();
  for (const m of sink.messages) {
    const set = byMail.get(m.parsed.inReplyTo ?? "") ?? new Set();
    set.add(m.parsed.messageId ?? "");
    byMail.set(m.parsed.inReplyTo ?? "", set);
  }
  expect(byMail.size).toBe(mails);
  for (const [id, answers] of byMail) expect(answers.size, `answers to ${id}`).toBe(1);
  const codes = (await admin.query("SELECT count(DISTINCT code) AS n FROM bookings")).rows[0] as {
    n: string;
  };
  expect(Number(codes.n)).toBe(mails);
  const perReporter = (
    await admin.query(
      "SELECT reporter, count(*) AS n FROM incidents WHERE reporter LIKE 'telegram:%' GROUP BY reporter",
    )
  ).rows as { reporter: string; n: string }[];
  expect(perReporter).toHaveLength(reports);
  for (const r of perReporter) expect(Number(r.n), r.reporter).toBe(1);
}

/**
 * Two desk processes on one PostgreSQL, as a city runs them, and which of them holds the leader lease (read from
 * `desk_lease`, the row the desks themselves keep).
 */
export class DeskPair {
  readonly desks: DeskProcess[] = [];

  constructor(
    private readonly admin: Queryable,
    private readonly env: Record<string, string>,
  ) {}

  /** Starts both desks and waits until each has logged "started". */
  async start(): Promise<void> {
    this.desks.push(DeskProcess.start(this.env), DeskProcess.start(this.env));
    for (const d of this.desks)
      if (!(await d.waitFor("started"))) throw new Error(`desk did not start: ${d.stderr}`);
  }

  /** The pid the leader lease row names now, or null when no lease is current. */
  async leaderPid(): Promise<number | null> {
    const res = await this.admin.query("SELECT pid, lease_until FROM desk_lease WHERE name = 'leader'");
    const row = res.rows[0] as { pid: number; lease_until: string } | undefined;
    return row && Number(row.lease_until) > Date.now() ? row.pid : null;
  }

  /** Waits for a current leader and returns its process; throws if the lease names neither desk. */
  async leader(): Promise<DeskProcess> {
    await waitUntil("a leader", async () => (await this.leaderPid()) !== null, 15_000);
    const pid = (await this.leaderPid())!;
    const leader = this.desks.find((d) => d.pid === pid);
    if (!leader) throw new Error(`the leader ${pid} is not one of the two desks`);
    return leader;
  }

  /**
   * After `killed` was SIGKILLed at `killedAt`: waits until the other desk holds the lease, starts the killed one
   * again (two desks for the next round), and returns how long the takeover took in ms.
   */
  async takeOver(round: number, killed: DeskProcess, killedAt: number): Promise<number> {
    await killed.exited;
    await waitUntil(
      `round ${round}: another desk takes over`,
      async () => {
        const p = await this.leaderPid();
        return p !== null && p !== killed.pid;
      },
      15_000,
    );
    const took = Date.now() - killedAt;
    const again = DeskProcess.start(this.env);
    this.desks[this.desks.indexOf(killed)] = again;
    if (!(await again.waitFor("started"))) throw new Error(`desk did not restart: ${again.stderr}`);
    return took;
  }

  /** Stops both desks as an operator would (SIGTERM) and waits for them to exit. */
  async stop(): Promise<void> {
    for (const d of this.desks) d.child.kill("SIGTERM");
    await Promise.all(this.desks.map((d) => d.exited));
  }

  /** Makes sure both are gone (cleanup after a failed assertion). */
  async kill(): Promise<void> {
    await Promise.all(this.desks.map((d) => d.kill()));
  }
}

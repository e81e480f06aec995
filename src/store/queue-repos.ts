import { and, asc, eq, gte, inArray, lte, ne, sql } from "drizzle-orm";
import type { Db } from "./db.js";
import { changeCounters, inboundMessages, jobs, meta, outbox } from "./schema.js";

export type JobStatus = "pending" | "done" | "parked" | "cancelled";

export interface Job {
  id: number;
  kind: string;
  key: string;
  payload: Record<string, unknown>;
  runAt: Date;
  status: JobStatus;
  attempts: number;
  lastError: string | null;
}

export interface NewJob {
  kind: string;
  /** Identifies the timer within its kind, e.g. the booking code: scheduling again moves the same timer. */
  key: string;
  runAt: Date;
  payload?: Record<string, unknown>;
}

/** A placeholder passed through as is (JSON text, integer milliseconds), without the column's encoder. */
const raw = (name: string) => sql`${sql.placeholder(name)}`;

export class JobRepo {
  /** Every registration arms or cancels several timers: these statements are prepared once. */
  private readonly q;

  constructor(private readonly db: Db) {
    this.q = {
      schedule: db
        .insert(jobs)
        .values({
          kind: raw("kind"),
          key: raw("key"),
          payload: raw("payload"),
          runAt: raw("runAt"),
          status: "pending",
          attempts: 0,
          lastError: null,
          createdAt: raw("createdAt"),
          doneAt: null,
        })
        .onConflictDoUpdate({
          target: [jobs.kind, jobs.key],
          set: {
            payload: raw("payload"),
            runAt: raw("runAt"),
            status: "pending",
            attempts: 0,
            lastError: null,
            doneAt: null,
          },
        })
        .prepare(),
      cancel: db
        .update(jobs)
        .set({ status: "cancelled" })
        .where(
          and(
            eq(jobs.kind, sql.placeholder("kind")),
            eq(jobs.key, sql.placeholder("key")),
            eq(jobs.status, "pending"),
          ),
        )
        .prepare(),
    };
  }

  /** Create or move a timer. A timer that already ran is armed again. */
  async schedule(job: NewJob, now: Date): Promise<void> {
    this.q.schedule.run({
      kind: job.kind,
      key: job.key,
      payload: JSON.stringify(job.payload ?? {}),
      runAt: job.runAt.getTime(),
      createdAt: now.getTime(),
    });
  }

  async cancel(kind: string, key: string): Promise<void> {
    this.q.cancel.run({ kind, key });
  }

  async due(now: Date, limit: number): Promise<Job[]> {
    return this.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.status, "pending"), lte(jobs.runAt, now)))
      .orderBy(asc(jobs.runAt), asc(jobs.id))
      .limit(limit)
      .all() as Job[];
  }

  async get(id: number): Promise<Job | null> {
    return (this.db.select().from(jobs).where(eq(jobs.id, id)).get() as Job | undefined) ?? null;
  }

  async complete(id: number, now: Date): Promise<void> {
    this.db.update(jobs).set({ status: "done", doneAt: now }).where(eq(jobs.id, id)).run();
  }

  /** Record a failure: retry at `retryAt`, or park the job with its error when `retryAt` is null. */
  async fail(id: number, error: string, retryAt: Date | null): Promise<void> {
    this.db
      .update(jobs)
      .set({
        attempts: sql`${jobs.attempts} + 1`,
        lastError: error,
        status: retryAt ? "pending" : "parked",
        ...(retryAt ? { runAt: retryAt } : {}),
      })
      .where(eq(jobs.id, id))
      .run();
  }

  async list(statuses: JobStatus[] = ["pending", "parked"]): Promise<Job[]> {
    return this.db
      .select()
      .from(jobs)
      .where(inArray(jobs.status, statuses))
      .orderBy(asc(jobs.runAt), asc(jobs.id))
      .all() as Job[];
  }

  async countPending(): Promise<number> {
    return this.db.select({ n: sql<number>`count(*)` }).from(jobs).where(eq(jobs.status, "pending")).get()!.n;
  }
}

/**
 * `reaction`: acknowledge a chat message in place (recipient `platform:chatId`); `storm`: the one group message of
 * a major incident, edited in place (recipient: the major incident's code).
 */
export type OutboxChannel = "mail" | "group" | "direct" | "desk" | "chat" | "mcu" | "reaction" | "storm";

export interface OutboxMessage {
  id: number;
  channel: OutboxChannel;
  /** Mailbox, chat id or role (`mcu-technician`, `wan-duty`) depending on the channel. */
  recipient: string;
  kind: string;
  payload: Record<string, unknown>;
  booking: string | null;
  status: "pending" | "sent" | "parked";
  attempts: number;
  availableAt: Date;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

export interface NewOutboxMessage {
  channel: OutboxChannel;
  recipient: string;
  kind: string;
  payload: Record<string, unknown>;
  booking?: string | null;
}

/** What `enqueue` returns for a group post that a deployment without chat does not keep. */
export const NOT_ENQUEUED = 0;

export class OutboxRepo {
  private readonly insert;

  /**
   * `groupPosts: false` (no chat platform configured): group posts are dropped at enqueue instead of staying
   * pending forever, where every due scan would walk past them. A chat configured later starts from its own
   * posts, not from a backlog of stale ones.
   */
  constructor(
    private readonly db: Db,
    private readonly opts: { groupPosts: boolean } = { groupPosts: true },
  ) {
    this.insert = db
      .insert(outbox)
      .values({
        channel: raw("channel"),
        recipient: raw("recipient"),
        kind: raw("kind"),
        payload: raw("payload"),
        booking: raw("booking"),
        availableAt: raw("at"),
        createdAt: raw("at"),
      })
      .returning({ id: outbox.id })
      .prepare();
  }

  /** The new row's id, or NOT_ENQUEUED for a group post when no chat is configured. */
  async enqueue(msg: NewOutboxMessage, now: Date): Promise<number> {
    if (msg.channel === "group" && !this.opts.groupPosts) return NOT_ENQUEUED;
    return this.insert.get({
      channel: msg.channel,
      recipient: msg.recipient,
      kind: msg.kind,
      payload: JSON.stringify(msg.payload),
      booking: msg.booking ?? null,
      at: now.getTime(),
    })!.id;
  }

  async due(now: Date, limit: number, channels?: OutboxChannel[]): Promise<OutboxMessage[]> {
    const conds = [eq(outbox.status, "pending"), lte(outbox.availableAt, now)];
    if (channels) conds.push(inArray(outbox.channel, channels));
    return this.db
      .select()
      .from(outbox)
      .where(and(...conds))
      .orderBy(asc(outbox.id))
      .limit(limit)
      .all() as OutboxMessage[];
  }

  async markSent(id: number, now: Date): Promise<void> {
    this.db.update(outbox).set({ status: "sent", sentAt: now }).where(eq(outbox.id, id)).run();
  }

  async fail(id: number, error: string, retryAt: Date | null): Promise<void> {
    this.db
      .update(outbox)
      .set({
        attempts: sql`${outbox.attempts} + 1`,
        lastError: error,
        status: retryAt ? "pending" : "parked",
        ...(retryAt ? { availableAt: retryAt } : {}),
      })
      .where(eq(outbox.id, id))
      .run();
  }

  /** How many messages went (or will go) to a recipient on a channel since an instant: for reply caps. */
  async countSince(
    channel: OutboxChannel,
    recipient: string,
    since: Date,
    booking?: string,
  ): Promise<number> {
    const conds = [
      eq(outbox.channel, channel),
      eq(outbox.recipient, recipient),
      gte(outbox.createdAt, since),
    ];
    if (booking) conds.push(eq(outbox.booking, booking));
    return this.db
      .select({ n: sql<number>`count(*)` })
      .from(outbox)
      .where(and(...conds))
      .get()!.n;
  }

  async list(filter: { booking?: string; excludeSent?: boolean } = {}): Promise<OutboxMessage[]> {
    const conds = [];
    if (filter.booking) conds.push(eq(outbox.booking, filter.booking));
    if (filter.excludeSent) conds.push(ne(outbox.status, "sent"));
    return this.db
      .select()
      .from(outbox)
      .where(conds.length ? and(...conds) : undefined)
      .orderBy(asc(outbox.id))
      .all() as OutboxMessage[];
  }
}

export class InboundRepo {
  constructor(private readonly db: Db) {}

  /**
   * Claim a channel message's unique key. Returns false when it was already recorded: the caller then does
   * nothing. Must run in the transaction that writes the message's effect.
   */
  async claim(
    channel: string,
    key: string,
    at: Date,
    status: string,
    detail?: string,
    raw?: Buffer,
  ): Promise<boolean> {
    const res = this.db
      .insert(inboundMessages)
      .values({ channel, key, receivedAt: at, status, detail: detail ?? null, raw: raw ?? null })
      .onConflictDoNothing()
      .run();
    return res.changes === 1;
  }

  async settle(
    channel: string,
    key: string,
    status: string,
    booking: string | null,
    raw?: Buffer,
  ): Promise<void> {
    this.db
      .update(inboundMessages)
      .set({ status, booking, ...(raw ? { raw } : {}) })
      .where(and(eq(inboundMessages.channel, channel), eq(inboundMessages.key, key)))
      .run();
  }

  /** The booking an inbound message led to, for any of the given keys (a reply's References). */
  async bookingOf(channel: string, keys: string[]): Promise<string | null> {
    if (keys.length === 0) return null;
    const row = this.db
      .select({ booking: inboundMessages.booking })
      .from(inboundMessages)
      .where(and(eq(inboundMessages.channel, channel), inArray(inboundMessages.key, keys)))
      .all()
      .find((r) => r.booking);
    return row?.booking ?? null;
  }

  async list(status?: string) {
    return this.db
      .select({
        channel: inboundMessages.channel,
        key: inboundMessages.key,
        status: inboundMessages.status,
        booking: inboundMessages.booking,
        detail: inboundMessages.detail,
        receivedAt: inboundMessages.receivedAt,
      })
      .from(inboundMessages)
      .where(status ? eq(inboundMessages.status, status) : undefined)
      .orderBy(asc(inboundMessages.receivedAt))
      .all();
  }

  async get(channel: string, key: string) {
    return (
      this.db
        .select()
        .from(inboundMessages)
        .where(and(eq(inboundMessages.channel, channel), eq(inboundMessages.key, key)))
        .get() ?? null
    );
  }
}

/** Small durable settings and checkpoints (IMAP UIDVALIDITY and last UID…). */
export class MetaRepo {
  constructor(private readonly db: Db) {}

  async get(key: string): Promise<string | null> {
    return this.db.select().from(meta).where(eq(meta.key, key)).get()?.value ?? null;
  }

  /** Several keys at once (absent keys are absent from the map). */
  async getMany(keys: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const unique = [...new Set(keys)];
    // 500 a statement: far below SQLite's variable limit.
    for (let i = 0; i < unique.length; i += 500) {
      const rows = this.db
        .select({ key: meta.key, value: meta.value })
        .from(meta)
        .where(inArray(meta.key, unique.slice(i, i + 500)))
        .all();
      for (const r of rows) out.set(r.key, r.value);
    }
    return out;
  }

  /**
   * A change counter that SQLite triggers bump on every write to its tables, in any process (`schedule`: bookings,
   * their endpoints and events). Equal values mean nothing in those tables changed in between.
   */
  async counter(name: "schedule"): Promise<number> {
    return (
      this.db.select({ n: changeCounters.n }).from(changeCounters).where(eq(changeCounters.name, name)).get()
        ?.n ?? 0
    );
  }

  async set(key: string, value: string): Promise<void> {
    this.db
      .insert(meta)
      .values({ key, value, updatedAt: Date.now() })
      .onConflictDoUpdate({ target: meta.key, set: { value, updatedAt: Date.now() } })
      .run();
  }
}

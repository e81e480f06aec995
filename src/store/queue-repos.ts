import { and, asc, eq, gte, inArray, isNotNull, lte, ne, sql } from "drizzle-orm";
import { type Conn, countAll, first, prepare, raw } from "./conn.js";

/** PostgreSQL's row lock clause for claims; SQLite has one writer, whose transaction already excludes the others. */
function skipLockedOf(c: Conn) {
  return c.dialect === "pg" ? sql.raw("FOR UPDATE SKIP LOCKED") : sql.raw("");
}

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

/** The holders of claims on a queue's pending rows: the jobs' and the outbox's claims have the same columns. */
async function claimHoldersIn(c: Conn, table: "jobs" | "outbox"): Promise<string[]> {
  const rows = await c.all<{ holder: string }>(
    sql`SELECT DISTINCT claimed_by AS holder FROM ${sql.raw(table)} WHERE status = 'pending' AND claimed_by IS NOT NULL`,
  );
  return rows.map((r) => r.holder);
}

/** Clears one holder's claims on a queue's pending rows. */
async function releaseClaimsIn(c: Conn, table: "jobs" | "outbox", holder: string): Promise<void> {
  await c.run(
    sql`UPDATE ${sql.raw(table)} SET claimed_by = NULL, lease_until = NULL WHERE status = 'pending' AND claimed_by = ${holder}`,
  );
}

export class JobRepo {
  /** Every registration arms or cancels several timers: these statements are prepared once. */
  private readonly q;

  private readonly db;
  private readonly jobs;
  private readonly dialect: Conn["dialect"];
  private readonly skipLocked;
  private readonly c: Conn;

  constructor(c: Conn) {
    const { db } = c;
    const { jobs } = c.t;
    this.c = c;
    this.db = db;
    this.jobs = jobs;
    this.dialect = c.dialect;
    this.skipLocked = skipLockedOf(c);
    this.q = {
      schedule: prepare(c, "jobs_schedule", () =>
        db
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
              claimedBy: null,
              leaseUntil: null,
            },
          }),
      ),
      due: prepare(c, "jobs_due", () =>
        db
          .select()
          .from(jobs)
          .where(and(eq(jobs.status, "pending"), lte(jobs.runAt, sql.placeholder("now"))))
          .orderBy(asc(jobs.runAt), asc(jobs.id))
          .limit(sql.placeholder("limit")),
      ),
      get: prepare(c, "jobs_get", () =>
        db
          .select()
          .from(jobs)
          .where(eq(jobs.id, sql.placeholder("id"))),
      ),
      complete: prepare(c, "jobs_complete", () =>
        db
          .update(jobs)
          .set({ status: "done", doneAt: raw("now"), claimedBy: null, leaseUntil: null })
          .where(eq(jobs.id, sql.placeholder("id"))),
      ),
      // PostgreSQL only (an array parameter; SQLite cancels kind by kind).
      cancelMany:
        c.dialect === "pg"
          ? prepare(c, "jobs_cancel_many", () =>
              db
                .update(jobs)
                .set({ status: "cancelled" })
                .where(
                  and(
                    sql`${jobs.kind} = ANY(${sql.placeholder("kinds")}::text[])`,
                    eq(jobs.key, sql.placeholder("key")),
                    eq(jobs.status, "pending"),
                  ),
                ),
            )
          : null,
      cancel: prepare(c, "jobs_cancel", () =>
        db
          .update(jobs)
          .set({ status: "cancelled" })
          .where(
            and(
              eq(jobs.kind, sql.placeholder("kind")),
              eq(jobs.key, sql.placeholder("key")),
              eq(jobs.status, "pending"),
            ),
          ),
      ),
    };
  }

  /** Create or move a timer. A timer that already ran is armed again. */
  async schedule(job: NewJob, now: Date): Promise<void> {
    // PostgreSQL: deferred with the transaction's next message (see Conn.deferred).
    await this.q.schedule.later({
      kind: job.kind,
      key: job.key,
      payload: JSON.stringify(job.payload ?? {}),
      runAt: job.runAt.getTime(),
      createdAt: now.getTime(),
    });
  }

  async cancel(kind: string, key: string): Promise<void> {
    await this.q.cancel.later({ kind, key });
  }

  /** Cancel the pending timers of several kinds for one key (on PostgreSQL in one statement). */
  async cancelMany(kinds: readonly string[], key: string): Promise<void> {
    // SQLite: the prepared statement per kind costs no round trip, and building the UPDATE would cost every call.
    if (this.dialect === "sqlite" || kinds.length === 1) {
      for (const kind of kinds) await this.cancel(kind, key);
      return;
    }
    if (kinds.length === 0) return;
    // A named statement with an array parameter: planned once per connection, whatever the number of kinds.
    await this.q.cancelMany!.later({ kinds: [...kinds], key });
  }

  async due(now: Date, limit: number): Promise<Job[]> {
    return (await this.q.due.execute({ now: now.getTime(), limit })) as Job[];
  }

  /**
   * Claim up to `limit` due timers for `holder` until `until`: rows another desk holds under a live lease are passed
   * over (on PostgreSQL without waiting: `FOR UPDATE SKIP LOCKED`). A claim keeps two desks from running the same
   * timers side by side; the run itself re-reads the row in its transaction, so a stale claim can never run it twice.
   */
  async claimDue(now: Date, limit: number, holder: string, until: Date): Promise<Job[]> {
    const jobs = this.jobs;
    const free = sql`SELECT id FROM jobs WHERE status = 'pending' AND run_at <= ${now.getTime()}
      AND (lease_until IS NULL OR lease_until <= ${now.getTime()})
      ORDER BY run_at, id LIMIT ${limit} ${this.skipLocked}`;
    const rows = (await this.db
      .update(jobs)
      .set({ claimedBy: holder, leaseUntil: until })
      .where(sql`${jobs.id} IN (${free})`)
      .returning()) as Job[];
    return rows.sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || a.id - b.id);
  }

  /** Who holds claims on pending timers (desk processes, see PROCESS_HOLDER). */
  claimHolders(): Promise<string[]> {
    return claimHoldersIn(this.c, "jobs");
  }

  /** Give back a dead process's claims: its timers are due again now, not when its lease runs out. */
  async releaseClaims(holder: string): Promise<void> {
    await releaseClaimsIn(this.c, "jobs", holder);
  }

  async get(id: number): Promise<Job | null> {
    return first((await this.q.get.execute({ id })) as Job[]);
  }

  async complete(id: number, now: Date): Promise<void> {
    await this.q.complete.execute({ id, now: now.getTime() });
  }

  /** Record a failure: retry at `retryAt`, or park the job with its error when `retryAt` is null. */
  async fail(id: number, error: string, retryAt: Date | null): Promise<void> {
    const jobs = this.jobs;
    await this.db
      .update(jobs)
      .set({
        attempts: sql`${jobs.attempts} + 1`,
        lastError: error,
        status: retryAt ? "pending" : "parked",
        claimedBy: null,
        leaseUntil: null,
        ...(retryAt ? { runAt: retryAt } : {}),
      })
      .where(eq(jobs.id, id));
  }

  async list(statuses: JobStatus[] = ["pending", "parked"]): Promise<Job[]> {
    const jobs = this.jobs;
    return (await this.db
      .select()
      .from(jobs)
      .where(inArray(jobs.status, statuses))
      .orderBy(asc(jobs.runAt), asc(jobs.id))) as Job[];
  }

  async countPending(): Promise<number> {
    const jobs = this.jobs;
    const [row] = await this.db.select({ n: countAll() }).from(jobs).where(eq(jobs.status, "pending"));
    return row?.n ?? 0;
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

/** The outbox insert's parameters for a message (`enqueue` and `post` alike). */
function insertParams(msg: NewOutboxMessage, now: Date) {
  return {
    channel: msg.channel,
    recipient: msg.recipient,
    kind: msg.kind,
    payload: JSON.stringify(msg.payload),
    booking: msg.booking ?? null,
    at: now.getTime(),
  };
}

export class OutboxRepo {
  private readonly insert;
  private readonly insertLater;
  /** The mail path's statements (due scans, sent marks, reply-cap counts), prepared once. */
  private readonly q;

  /**
   * `groupPosts: false` (no chat platform configured): group posts are dropped at enqueue instead of staying
   * pending forever, where every due scan would walk past them. A chat configured later starts from its own
   * posts, not from a backlog of stale ones.
   */
  private readonly db;
  private readonly outbox;
  private readonly skipLocked;

  private readonly c: Conn;

  constructor(
    c: Conn,
    private readonly opts: { groupPosts: boolean } = { groupPosts: true },
  ) {
    const { db } = c;
    const { outbox } = c.t;
    this.c = c;
    this.db = db;
    this.outbox = outbox;
    this.skipLocked = skipLockedOf(c);
    const row = () => ({
      channel: raw("channel"),
      recipient: raw("recipient"),
      kind: raw("kind"),
      payload: raw("payload"),
      booking: raw("booking"),
      availableAt: raw("at"),
      createdAt: raw("at"),
    });
    this.insert = prepare(c, "outbox_insert", () =>
      db.insert(outbox).values(row()).returning({ id: outbox.id }),
    );
    // The same insert without RETURNING (a deferred statement's rows are never read).
    this.insertLater = prepare(c, "outbox_insert_later", () => db.insert(outbox).values(row()));
    const since = () =>
      and(
        eq(outbox.channel, sql.placeholder("channel")),
        eq(outbox.recipient, sql.placeholder("recipient")),
        gte(outbox.createdAt, sql.placeholder("since")),
      );
    const count = () => db.select({ n: countAll() }).from(outbox);
    this.q = {
      due: prepare(c, "outbox_due", () =>
        db
          .select()
          .from(outbox)
          .where(and(eq(outbox.status, "pending"), lte(outbox.availableAt, sql.placeholder("now"))))
          .orderBy(asc(outbox.id))
          .limit(sql.placeholder("limit")),
      ),
      markSent: prepare(c, "outbox_mark_sent", () =>
        db
          .update(outbox)
          .set({ status: "sent", sentAt: raw("now"), claimedBy: null, leaseUntil: null })
          .where(eq(outbox.id, sql.placeholder("id"))),
      ),
      countSince: prepare(c, "outbox_count_since", () => count().where(since())),
      countSinceBooking: prepare(c, "outbox_count_since_booking", () =>
        count().where(and(since(), eq(outbox.booking, sql.placeholder("booking")))),
      ),
    };
  }

  /** The new row's id, or NOT_ENQUEUED for a group post when no chat is configured. */
  async enqueue(msg: NewOutboxMessage, now: Date): Promise<number> {
    if (msg.channel === "group" && !this.opts.groupPosts) return NOT_ENQUEUED;
    const [row] = await this.insert.execute(insertParams(msg, now));
    return row!.id;
  }

  /**
   * `enqueue` for a caller that does not want the new row's id: on PostgreSQL inside a transaction the insert goes
   * with the transaction's next message (see Conn.deferred), a round trip fewer per message.
   */
  async post(msg: NewOutboxMessage, now: Date): Promise<void> {
    if (msg.channel === "group" && !this.opts.groupPosts) return;
    await this.insertLater.later(insertParams(msg, now));
  }

  async due(now: Date, limit: number, channels?: OutboxChannel[]): Promise<OutboxMessage[]> {
    if (!channels) return (await this.q.due.execute({ now: now.getTime(), limit })) as OutboxMessage[];
    const outbox = this.outbox;
    const conds = [eq(outbox.status, "pending"), lte(outbox.availableAt, now)];
    if (channels) conds.push(inArray(outbox.channel, channels));
    return (await this.db
      .select()
      .from(outbox)
      .where(and(...conds))
      .orderBy(asc(outbox.id))
      .limit(limit)) as OutboxMessage[];
  }

  /**
   * Claim up to `limit` due messages of `channels` for `holder` until `until`, oldest first. Messages another desk
   * holds under a live lease are passed over (on PostgreSQL without waiting: `FOR UPDATE SKIP LOCKED`); a dead
   * desk's claims come back when their lease runs out.
   */
  async claimDue(
    now: Date,
    limit: number,
    channels: OutboxChannel[],
    holder: string,
    until: Date,
  ): Promise<OutboxMessage[]> {
    if (channels.length === 0) return [];
    const outbox = this.outbox;
    const list = sql.join(
      channels.map((ch) => sql`${ch}`),
      sql`, `,
    );
    const free = sql`SELECT id FROM outbox WHERE status = 'pending' AND available_at <= ${now.getTime()}
      AND channel IN (${list}) AND (lease_until IS NULL OR lease_until <= ${now.getTime()})
      ORDER BY id LIMIT ${limit} ${this.skipLocked}`;
    const rows = (await this.db
      .update(outbox)
      .set({ claimedBy: holder, leaseUntil: until })
      .where(sql`${outbox.id} IN (${free})`)
      .returning()) as OutboxMessage[];
    return rows.sort((a, b) => a.id - b.id);
  }

  /** Who holds claims on pending messages (desk processes, see PROCESS_HOLDER). */
  claimHolders(): Promise<string[]> {
    return claimHoldersIn(this.c, "outbox");
  }

  /**
   * Give back a dead process's claims: its messages are due again now, not when its lease runs out. One it had
   * sent without marking goes again, with the same Message-ID (at least once, as after a lease).
   */
  async releaseClaims(holder: string): Promise<void> {
    await releaseClaimsIn(this.c, "outbox", holder);
  }

  async markSent(id: number, now: Date): Promise<void> {
    await this.q.markSent.execute({ id, now: now.getTime() });
  }

  /**
   * A chat message too long for one send goes in parts; each part sent is written down (`partsSent` in its
   * payload), so that a stop or a kill between parts resumes after the last part sent instead of sending the first
   * ones again. `payload` is the row's payload as it was read.
   */
  async markPartsSent(id: number, payload: Record<string, unknown>, partsSent: number): Promise<void> {
    await this.db
      .update(this.outbox)
      .set({ payload: { ...payload, partsSent } })
      .where(eq(this.outbox.id, id));
  }

  async fail(id: number, error: string, retryAt: Date | null): Promise<void> {
    const outbox = this.outbox;
    await this.db
      .update(outbox)
      .set({
        attempts: sql`${outbox.attempts} + 1`,
        lastError: error,
        status: retryAt ? "pending" : "parked",
        claimedBy: null,
        leaseUntil: null,
        ...(retryAt ? { availableAt: retryAt } : {}),
      })
      .where(eq(outbox.id, id));
  }

  /** How many messages went (or will go) to a recipient on a channel since an instant: for reply caps. */
  async countSince(
    channel: OutboxChannel,
    recipient: string,
    since: Date,
    booking?: string,
  ): Promise<number> {
    const params = { channel, recipient, since: since.getTime() };
    const [row] = (
      booking
        ? await this.q.countSinceBooking.execute({ ...params, booking })
        : await this.q.countSince.execute(params)
    ) as { n: number }[];
    return Number(row?.n ?? 0);
  }

  /** The messages to one recipient on a channel since an instant, oldest first (the reply caps' index). */
  async toRecipientSince(channel: OutboxChannel, recipient: string, since: Date): Promise<OutboxMessage[]> {
    const outbox = this.outbox;
    return (await this.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.channel, channel), eq(outbox.recipient, recipient), gte(outbox.createdAt, since)))
      .orderBy(asc(outbox.id))) as OutboxMessage[];
  }

  async list(filter: { booking?: string; excludeSent?: boolean } = {}): Promise<OutboxMessage[]> {
    const outbox = this.outbox;
    const conds = [];
    if (filter.booking) conds.push(eq(outbox.booking, filter.booking));
    if (filter.excludeSent) conds.push(ne(outbox.status, "sent"));
    return (await this.db
      .select()
      .from(outbox)
      .where(conds.length ? and(...conds) : undefined)
      .orderBy(asc(outbox.id))) as OutboxMessage[];
  }
}

export class InboundRepo {
  private readonly db;
  private readonly t;
  /** Every mail claims, settles and looks up its key: prepared once. */
  private readonly q;

  constructor(c: Conn) {
    const { db } = c;
    const t = c.t.inboundMessages;
    this.db = db;
    this.t = t;
    const byKey = () => and(eq(t.channel, sql.placeholder("channel")), eq(t.key, sql.placeholder("key")));
    this.q = {
      claim: prepare(c, "inbound_claim", () =>
        db
          .insert(t)
          .values({
            channel: raw("channel"),
            key: raw("key"),
            receivedAt: raw("at"),
            status: raw("status"),
            detail: raw("detail"),
            raw: raw("raw"),
          })
          .onConflictDoNothing()
          .returning({ key: t.key }),
      ),
      settle: prepare(c, "inbound_settle", () =>
        db
          .update(t)
          .set({ status: raw("status"), booking: raw("booking") })
          .where(byKey()),
      ),
      settleRaw: prepare(c, "inbound_settle_raw", () =>
        db
          .update(t)
          .set({ status: raw("status"), booking: raw("booking"), raw: raw("raw") })
          .where(byKey()),
      ),
      get: prepare(c, "inbound_get", () => db.select().from(t).where(byKey())),
      has: prepare(c, "inbound_has", () => db.select({ key: t.key }).from(t).where(byKey())),
      // A reply's References, however many: an array on PostgreSQL, a JSON array on SQLite (an IN list of their
      // count was built and prepared for every reply).
      bookingOf: prepare(c, "inbound_booking_of", () =>
        db
          .select({ booking: t.booking })
          .from(t)
          .where(
            and(
              eq(t.channel, sql.placeholder("channel")),
              c.dialect === "pg"
                ? sql`${t.key} = ANY(${sql.placeholder("keys")}::text[])`
                : sql`${t.key} IN (SELECT value FROM json_each(${sql.placeholder("keys")}))`,
              isNotNull(t.booking),
            ),
          )
          .limit(1),
      ),
    };
    this.keysParam = c.dialect === "pg" ? (keys: string[]) => keys : (keys: string[]) => JSON.stringify(keys);
  }

  private readonly keysParam: (keys: string[]) => unknown;

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
    const rows = (await this.q.claim.execute({
      channel,
      key,
      at: at.getTime(),
      status,
      detail: detail ?? null,
      raw: raw ?? null,
    })) as unknown[];
    return rows.length === 1;
  }

  async settle(
    channel: string,
    key: string,
    status: string,
    booking: string | null,
    raw?: Buffer,
  ): Promise<void> {
    // PostgreSQL: deferred with the transaction's next message (see Conn.deferred).
    if (raw) await this.q.settleRaw.later({ channel, key, status, booking, raw });
    else await this.q.settle.later({ channel, key, status, booking });
  }

  /** The booking an inbound message led to, for any of the given keys (a reply's References). */
  async bookingOf(channel: string, keys: string[]): Promise<string | null> {
    if (keys.length === 0) return null;
    const [row] = await this.q.bookingOf.execute({ channel, keys: this.keysParam(keys) });
    return row?.booking ?? null;
  }

  async list(status?: string) {
    const inboundMessages = this.t;
    return await this.db
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
      .orderBy(asc(inboundMessages.receivedAt));
  }

  async get(channel: string, key: string) {
    return first((await this.q.get.execute({ channel, key })) as (typeof this.t.$inferSelect)[]);
  }

  /** Whether a message's key is recorded: every mail asks before it is read further, without its stored source. */
  async has(channel: string, key: string): Promise<boolean> {
    return ((await this.q.has.execute({ channel, key })) as unknown[]).length > 0;
  }
}

/** Small durable settings and checkpoints (IMAP UIDVALIDITY and last UID…). */
export class MetaRepo {
  private readonly db;
  private readonly t;
  /** The IMAP checkpoint is read every fetch round and written with every mail: prepared once. */
  private readonly q;

  constructor(c: Conn) {
    const { db } = c;
    const { meta } = c.t;
    this.db = db;
    this.t = c.t;
    this.q = {
      get: prepare(c, "meta_get", () =>
        db
          .select({ value: meta.value })
          .from(meta)
          .where(eq(meta.key, sql.placeholder("key"))),
      ),
      set: prepare(c, "meta_set", () =>
        db
          .insert(meta)
          .values({ key: raw("key"), value: raw("value"), updatedAt: raw("at") })
          .onConflictDoUpdate({ target: meta.key, set: { value: raw("value"), updatedAt: raw("at") } }),
      ),
    };
  }

  async get(key: string): Promise<string | null> {
    return first((await this.q.get.execute({ key })) as { value: string }[])?.value ?? null;
  }

  /** Several keys at once (absent keys are absent from the map). */
  async getMany(keys: readonly string[]): Promise<Map<string, string>> {
    const { meta } = this.t;
    const out = new Map<string, string>();
    const unique = [...new Set(keys)];
    // 500 a statement: far below SQLite's variable limit.
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await this.db
        .select({ key: meta.key, value: meta.value })
        .from(meta)
        .where(inArray(meta.key, unique.slice(i, i + 500)));
      for (const r of rows) out.set(r.key, r.value);
    }
    return out;
  }

  /**
   * A change counter that SQLite triggers bump on every write to its tables, in any process (`schedule`: bookings,
   * their endpoints and events). Equal values mean nothing in those tables changed in between.
   */
  async counter(name: "schedule"): Promise<number> {
    const { changeCounters } = this.t;
    const row = first(
      await this.db.select({ n: changeCounters.n }).from(changeCounters).where(eq(changeCounters.name, name)),
    );
    return Number(row?.n ?? 0);
  }

  async set(key: string, value: string): Promise<void> {
    await this.q.set.execute({ key, value, at: Date.now() });
  }
}

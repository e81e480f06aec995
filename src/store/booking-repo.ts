import { and, asc, eq, gt, gte, inArray, lt, sql } from "drizzle-orm";
import type {
  Booking,
  BookingStatus,
  Channel,
  Priority,
  ReasonCode,
  RequiredField,
  SlotHolder,
} from "../core/booking/types.js";
import { HOLDING_STATUSES } from "../core/booking/types.js";
import type { Db } from "./db.js";
import { bookingEndpoints, bookingEvents, bookings, counters } from "./schema.js";

type Row = typeof bookings.$inferSelect;

/** The longest session the rules accept: bounds the index range when looking for overlaps. */
const MAX_SESSION_MS = 24 * 3600_000;

export interface BookingEvent {
  at: Date;
  from: BookingStatus | null;
  to: BookingStatus;
  actor: string;
  channel: Channel;
  reason: string;
}

function toBooking(row: Row, participants: string[]): Booking {
  return {
    code: row.code,
    status: row.status as BookingStatus,
    hostEndpoint: row.hostEndpoint,
    priority: row.priority as Priority,
    reasons: row.reasons as ReasonCode[],
    missing: row.missing as RequiredField[],
    sequence: row.sequence,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    request: {
      host: row.host,
      participants,
      unresolved: row.unresolved,
      start: row.startAt,
      end: row.endAt,
      title: row.title,
      contact:
        row.contactName || row.contactPhone
          ? { name: row.contactName ?? "", phone: row.contactPhone ?? "" }
          : null,
      emergency: row.emergency,
      secret: row.secret,
      // An ambiguous mark is kept as the booking's `secret-unsure` reason until a technician decides.
      secretUnsure: row.secret && (row.reasons as string[]).includes("secret-unsure"),
      recording: row.recording,
      cityHallRoom: row.cityHallRoom,
      otherSupport: row.otherSupport,
      receivedAt: row.receivedAt,
      channel: row.channel as Channel,
      sender: row.sender,
    },
  };
}

function toRow(b: Booking): Row {
  const r = b.request;
  return {
    code: b.code,
    status: b.status,
    host: r.host,
    hostEndpoint: b.hostEndpoint,
    title: r.title,
    startAt: r.start,
    endAt: r.end,
    contactName: r.contact?.name ?? null,
    contactPhone: r.contact?.phone ?? null,
    emergency: r.emergency,
    secret: r.secret,
    recording: r.recording,
    cityHallRoom: r.cityHallRoom,
    otherSupport: r.otherSupport,
    unresolved: r.unresolved,
    priority: b.priority,
    ports: new Set([...(b.hostEndpoint ? [b.hostEndpoint] : []), ...r.participants]).size,
    reasons: b.reasons,
    missing: b.missing,
    channel: r.channel,
    sender: r.sender,
    receivedAt: r.receivedAt,
    sequence: b.sequence,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
  };
}

/** SQLite's bound-variable limit is 32 766 (999 before 3.32); IN lists are cut well below either. */
const IN_CHUNK = 500;

function chunks<T>(xs: readonly T[], size = IN_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

export interface BookingRange {
  from?: Date;
  to?: Date;
  statuses?: BookingStatus[];
}

/** What a calendar shows of a booking: no contacts, reasons or mail, and one row per booking. */
export interface BookingSummary {
  code: string;
  status: BookingStatus;
  start: Date | null;
  end: Date | null;
  title: string | null;
  secret: boolean;
  /** The host's endpoint first, then the participants, each once. */
  endpoints: string[];
}

export interface Page {
  /** Rows per page (at least 1). */
  limit: number;
  /** Rows to skip: (page − 1) × limit. */
  offset: number;
}

const ph = sql.placeholder;
/** A placeholder passed through as is (integer milliseconds or null), without the column's Date encoder. */
const raw = (name: string) => sql`${sql.placeholder(name)}`;

function rangeWhere(range: BookingRange) {
  const conds = [];
  if (range.from) conds.push(gte(bookings.startAt, range.from));
  if (range.to) conds.push(lt(bookings.startAt, range.to));
  if (range.statuses) conds.push(inArray(bookings.status, range.statuses));
  return conds.length ? and(...conds) : undefined;
}

export class BookingRepo {
  /** Prepared once per connection: the hot paths pay for no SQL building or parsing per call. */
  private readonly q;

  constructor(private readonly db: Db) {
    this.q = {
      byCode: db
        .select()
        .from(bookings)
        .where(eq(bookings.code, ph("code")))
        .prepare(),
      endpointsOf: db
        .select({
          endpoint: bookingEndpoints.endpoint,
          role: bookingEndpoints.role,
          startAt: bookingEndpoints.startAt,
          endAt: bookingEndpoints.endAt,
        })
        .from(bookingEndpoints)
        .where(eq(bookingEndpoints.booking, ph("code")))
        .prepare(),
      // Every holding booking overlapping the window: the capacity rules count them all. Index-only
      // (bookings_holders); sessions last at most MAX_SESSION_MS, which bounds the start range.
      holding: db
        .select({
          code: bookings.code,
          priority: bookings.priority,
          ports: bookings.ports,
          startAt: bookings.startAt,
          endAt: bookings.endAt,
          cityHallRoom: bookings.cityHallRoom,
          createdAt: bookings.createdAt,
        })
        .from(bookings)
        .where(
          and(
            inArray(bookings.status, [...HOLDING_STATUSES]),
            gte(bookings.startAt, ph("lo")),
            lt(bookings.startAt, ph("to")),
            gt(bookings.endAt, ph("from")),
          ),
        )
        // A fixed order, whatever the plan or the dialect: the rules list displaced bookings in this order.
        .orderBy(asc(bookings.startAt), asc(bookings.code))
        .prepare(),
      // One endpoint's bookings overlapping the window, whatever their status: one range of
      // booking_endpoints_overlap, no table lookup. Intersected with `holding` in memory.
      atEndpoint: db
        .select({ booking: bookingEndpoints.booking })
        .from(bookingEndpoints)
        .where(
          and(
            eq(bookingEndpoints.endpoint, ph("endpoint")),
            gte(bookingEndpoints.startAt, ph("lo")),
            lt(bookingEndpoints.startAt, ph("to")),
            gt(bookingEndpoints.endAt, ph("from")),
          ),
        )
        .prepare(),
      summaries: db
        .select({
          code: bookings.code,
          status: bookings.status,
          startAt: bookings.startAt,
          endAt: bookings.endAt,
          title: bookings.title,
          secret: bookings.secret,
          hostEndpoint: bookings.hostEndpoint,
          // U+001F joins the codes: no directory code holds it.
          endpoints: sql<string | null>`(SELECT group_concat(x.endpoint, char(31)) FROM booking_endpoints x
            WHERE x.booking = ${bookings.code} AND x.role = 'participant')`,
        })
        .from(bookings)
        .where(
          and(
            gte(bookings.startAt, ph("from")),
            lt(bookings.startAt, ph("to")),
            sql`${bookings.status} IN (SELECT value FROM json_each(${ph("statuses")}))`,
          ),
        )
        .orderBy(asc(bookings.startAt), asc(bookings.code))
        .prepare(),
      deleteEndpoint: db
        .delete(bookingEndpoints)
        .where(and(eq(bookingEndpoints.booking, ph("code")), eq(bookingEndpoints.endpoint, ph("endpoint"))))
        .prepare(),
      insertEndpoint: db
        .insert(bookingEndpoints)
        .values({
          booking: ph("code"),
          endpoint: ph("endpoint"),
          role: ph("role"),
          startAt: raw("startAt"),
          endAt: raw("endAt"),
        })
        .prepare(),
      updateEndpoint: db
        .update(bookingEndpoints)
        .set({ role: raw("role"), startAt: raw("startAt"), endAt: raw("endAt") })
        .where(and(eq(bookingEndpoints.booking, ph("code")), eq(bookingEndpoints.endpoint, ph("endpoint"))))
        .prepare(),
      insertEvent: db
        .insert(bookingEvents)
        .values({
          booking: ph("booking"),
          at: raw("at"),
          fromStatus: ph("fromStatus"),
          toStatus: ph("toStatus"),
          actor: ph("actor"),
          channel: ph("channel"),
          reason: ph("reason"),
        })
        .prepare(),
    };
  }

  /** The next number of a yearly sequence, e.g. for `HTT-2026-0042`. Call inside a transaction. */
  async nextSeq(name: string): Promise<number> {
    const row = this.db
      .insert(counters)
      .values({ name, value: 1 })
      .onConflictDoUpdate({ target: counters.name, set: { value: sql`${counters.value} + 1` } })
      .returning({ value: counters.value })
      .get();
    return row.value;
  }

  /**
   * Write the booking and its endpoint rows. Endpoint rows are diffed against what is stored: unchanged ones
   * are not touched, so saving a booking whose endpoints stay costs one upsert and one indexed read.
   */
  async save(b: Booking): Promise<void> {
    const row = toRow(b);
    this.db.insert(bookings).values(row).onConflictDoUpdate({ target: bookings.code, set: row }).run();
    const want = new Map<string, string>();
    if (b.hostEndpoint) want.set(b.hostEndpoint, "host");
    for (const p of b.request.participants) if (!want.has(p)) want.set(p, "participant");
    const startAt = b.request.start?.getTime() ?? null;
    const endAt = b.request.end?.getTime() ?? null;
    const have = this.q.endpointsOf.all({ code: b.code });
    for (const h of have) {
      const role = want.get(h.endpoint);
      if (role === undefined) this.q.deleteEndpoint.run({ code: b.code, endpoint: h.endpoint });
      else if (
        role !== h.role ||
        (h.startAt?.getTime() ?? null) !== startAt ||
        (h.endAt?.getTime() ?? null) !== endAt
      ) {
        this.q.updateEndpoint.run({ code: b.code, endpoint: h.endpoint, role, startAt, endAt });
      }
      want.delete(h.endpoint);
    }
    for (const [endpoint, role] of want) {
      this.q.insertEndpoint.run({ code: b.code, endpoint, role, startAt, endAt });
    }
  }

  async get(code: string): Promise<Booking | null> {
    const row = this.q.byCode.get({ code });
    if (!row) return null;
    const participants = this.q.endpointsOf
      .all({ code })
      .filter((e) => e.role === "participant")
      .map((e) => e.endpoint);
    return toBooking(row, participants);
  }

  /** Participants of many bookings, in IN lists of at most IN_CHUNK codes. */
  private participantsOf(codes: string[]): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const part of chunks(codes)) {
      const rows = this.db
        .select({ booking: bookingEndpoints.booking, endpoint: bookingEndpoints.endpoint })
        .from(bookingEndpoints)
        .where(and(inArray(bookingEndpoints.booking, part), eq(bookingEndpoints.role, "participant")))
        .all();
      for (const r of rows) {
        const list = out.get(r.booking);
        if (list) list.push(r.endpoint);
        else out.set(r.booking, [r.endpoint]);
      }
    }
    return out;
  }

  /**
   * Bookings holding their slot that overlap [from, to). Each holder lists only its endpoints among `endpoints`:
   * the conflict rules need no more. Two prepared range scans on covering indexes: the holding bookings in the
   * window, and each requested endpoint's rows in the window.
   */
  async holders(from: Date, to: Date, endpoints: readonly string[]): Promise<SlotHolder[]> {
    const window = { lo: from.getTime() - MAX_SESSION_MS, to: to.getTime(), from: from.getTime() };
    // Raw rows (no per-row mapping layer): a rejection's search window returns a thousand of them.
    const rows = this.q.holding.values(window) as unknown as [
      string,
      number,
      number,
      number,
      number,
      number,
      number,
    ][];
    if (rows.length === 0) return [];
    const eps = new Map<string, string[]>();
    for (const endpoint of new Set(endpoints)) {
      for (const [booking] of this.q.atEndpoint.values({ ...window, endpoint }) as unknown as [string][]) {
        const list = eps.get(booking);
        if (list) list.push(endpoint);
        else eps.set(booking, [endpoint]);
      }
    }
    return rows.map(([code, priority, ports, startAt, endAt, cityHallRoom, createdAt]) => ({
      code,
      priority: priority as Priority,
      ports,
      start: new Date(startAt),
      end: new Date(endAt),
      cityHallRoom: cityHallRoom === 1,
      createdAt: new Date(createdAt),
      endpoints: eps.get(code) ?? [],
    }));
  }

  /** How many bookings start in [from, to) with the given statuses: the size of a paged list. */
  async count(range: BookingRange = {}): Promise<number> {
    return this.db.select({ n: sql<number>`count(*)` }).from(bookings).where(rangeWhere(range)).get()!.n;
  }

  /**
   * Bookings starting in [from, to), in start order; all of them when no range is given. With `page`, one page
   * of that order (start, then code: stable, so that paging returns every row once).
   */
  async list(range: BookingRange = {}, page?: Page): Promise<Booking[]> {
    const base = this.db
      .select()
      .from(bookings)
      .where(rangeWhere(range))
      .orderBy(asc(bookings.startAt), asc(bookings.code));
    const rows = page
      ? base.limit(Math.max(1, page.limit)).offset(Math.max(0, page.offset)).all()
      : base.all();
    const parts = this.participantsOf(rows.map((r) => r.code));
    return rows.map((r) => toBooking(r, parts.get(r.code) ?? []));
  }

  /**
   * Bookings starting in [from, to) with one of `statuses`, narrowed to what a calendar shows: one raw row per booking
   * (its endpoints folded by SQLite), from one prepared statement. A busy week is a thousand bookings.
   */
  async summaries(range: {
    from: Date;
    to: Date;
    statuses: readonly BookingStatus[];
  }): Promise<BookingSummary[]> {
    const rows = this.q.summaries.values({
      from: range.from.getTime(),
      to: range.to.getTime(),
      statuses: JSON.stringify(range.statuses),
    }) as unknown as [
      string,
      BookingStatus,
      number | null,
      number | null,
      string | null,
      number,
      string | null,
      string | null,
    ][];
    return rows.map(([code, status, startAt, endAt, title, secret, host, eps]) => ({
      code,
      status,
      start: startAt === null ? null : new Date(startAt),
      end: endAt === null ? null : new Date(endAt),
      title,
      secret: Boolean(secret),
      endpoints: [...new Set([...(host ? [host] : []), ...(eps ? eps.split("\u001f") : [])])],
    }));
  }

  async addEvent(code: string, e: BookingEvent): Promise<void> {
    this.q.insertEvent.run({
      booking: code,
      at: e.at.getTime(),
      fromStatus: e.from,
      toStatus: e.to,
      actor: e.actor,
      channel: e.channel,
      reason: e.reason,
    });
  }

  async events(code: string): Promise<BookingEvent[]> {
    return (await this.eventsOf([code])).get(code) ?? [];
  }

  /** The audit trails of several bookings in one query per chunk (pages that list many: no query per row). */
  async eventsOf(codes: readonly string[]): Promise<Map<string, BookingEvent[]>> {
    const out = new Map<string, BookingEvent[]>();
    for (const part of chunks([...new Set(codes)])) {
      const rows = this.db
        .select()
        .from(bookingEvents)
        .where(inArray(bookingEvents.booking, part))
        .orderBy(asc(bookingEvents.id))
        .all();
      for (const r of rows) {
        const e: BookingEvent = {
          at: r.at,
          from: r.fromStatus as BookingStatus | null,
          to: r.toStatus as BookingStatus,
          actor: r.actor,
          channel: r.channel as Channel,
          reason: r.reason,
        };
        const list = out.get(r.booking);
        if (list) list.push(e);
        else out.set(r.booking, [e]);
      }
    }
    return out;
  }

  /**
   * Bookings with one of `statuses`, oldest receipt first, one page at a time: the desk's queue (Chờ xử lý).
   * Ordered by (received_at, code), so that paging returns every row once; `count` gives the total.
   */
  async queue(statuses: readonly BookingStatus[], page: Page): Promise<Booking[]> {
    const where = inArray(bookings.status, [...statuses]);
    const rows = this.db
      .select()
      .from(bookings)
      .where(where)
      .orderBy(asc(bookings.receivedAt), asc(bookings.code))
      .limit(Math.max(1, page.limit))
      .offset(Math.max(0, page.offset))
      .all();
    const parts = this.participantsOf(rows.map((r) => r.code));
    return rows.map((r) => toBooking(r, parts.get(r.code) ?? []));
  }
}

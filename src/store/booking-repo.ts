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

export class BookingRepo {
  constructor(private readonly db: Db) {}

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

  async save(b: Booking): Promise<void> {
    const row = toRow(b);
    this.db.insert(bookings).values(row).onConflictDoUpdate({ target: bookings.code, set: row }).run();
    this.db.delete(bookingEndpoints).where(eq(bookingEndpoints.booking, b.code)).run();
    const seen = new Set<string>();
    const add = (endpoint: string, role: string) => {
      if (seen.has(endpoint)) return;
      seen.add(endpoint);
      this.db.insert(bookingEndpoints).values({ booking: b.code, endpoint, role }).run();
    };
    if (b.hostEndpoint) add(b.hostEndpoint, "host");
    for (const p of b.request.participants) add(p, "participant");
  }

  async get(code: string): Promise<Booking | null> {
    const row = this.db.select().from(bookings).where(eq(bookings.code, code)).get();
    if (!row) return null;
    return toBooking(row, this.participantsOf([code]).get(code) ?? []);
  }

  private participantsOf(codes: string[]): Map<string, string[]> {
    const out = new Map<string, string[]>();
    if (codes.length === 0) return out;
    const rows = this.db
      .select()
      .from(bookingEndpoints)
      .where(and(inArray(bookingEndpoints.booking, codes), eq(bookingEndpoints.role, "participant")))
      .all();
    for (const r of rows) out.set(r.booking, [...(out.get(r.booking) ?? []), r.endpoint]);
    return out;
  }

  /**
   * Bookings holding their slot that overlap [from, to). Each holder lists only its endpoints among `endpoints`:
   * the conflict rules need no more, and a busy week of bookings then costs one indexed join.
   */
  async holders(from: Date, to: Date, endpoints: readonly string[]): Promise<SlotHolder[]> {
    const inRange = and(
      gte(bookings.startAt, new Date(from.getTime() - MAX_SESSION_MS)),
      lt(bookings.startAt, to),
      gt(bookings.endAt, from),
      inArray(bookings.status, [...HOLDING_STATUSES]),
    );
    const rows = this.db
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
      .where(inRange)
      .all();
    if (rows.length === 0) return [];
    const eps = new Map<string, string[]>();
    if (endpoints.length > 0) {
      const shared = this.db
        .select({ booking: bookingEndpoints.booking, endpoint: bookingEndpoints.endpoint })
        .from(bookingEndpoints)
        .innerJoin(bookings, eq(bookings.code, bookingEndpoints.booking))
        .where(and(inArray(bookingEndpoints.endpoint, [...endpoints]), inRange))
        .all();
      for (const r of shared) eps.set(r.booking, [...(eps.get(r.booking) ?? []), r.endpoint]);
    }
    return rows.map((r) => ({
      code: r.code,
      priority: r.priority as Priority,
      ports: r.ports,
      start: r.startAt!,
      end: r.endAt!,
      cityHallRoom: r.cityHallRoom,
      createdAt: r.createdAt,
      endpoints: eps.get(r.code) ?? [],
    }));
  }

  /** Bookings starting in [from, to), in start order; all of them when no range is given. */
  async list(range: { from?: Date; to?: Date; statuses?: BookingStatus[] } = {}): Promise<Booking[]> {
    const conds = [];
    if (range.from) conds.push(gte(bookings.startAt, range.from));
    if (range.to) conds.push(lt(bookings.startAt, range.to));
    if (range.statuses) conds.push(inArray(bookings.status, range.statuses));
    const rows = this.db
      .select()
      .from(bookings)
      .where(conds.length ? and(...conds) : undefined)
      .orderBy(asc(bookings.startAt), asc(bookings.code))
      .all();
    const parts = this.participantsOf(rows.map((r) => r.code));
    return rows.map((r) => toBooking(r, parts.get(r.code) ?? []));
  }

  async addEvent(code: string, e: BookingEvent): Promise<void> {
    this.db
      .insert(bookingEvents)
      .values({
        booking: code,
        at: e.at,
        fromStatus: e.from,
        toStatus: e.to,
        actor: e.actor,
        channel: e.channel,
        reason: e.reason,
      })
      .run();
  }

  async events(code: string): Promise<BookingEvent[]> {
    return this.db
      .select()
      .from(bookingEvents)
      .where(eq(bookingEvents.booking, code))
      .orderBy(asc(bookingEvents.id))
      .all()
      .map((r) => ({
        at: r.at,
        from: r.fromStatus as BookingStatus | null,
        to: r.toStatus as BookingStatus,
        actor: r.actor,
        channel: r.channel as Channel,
        reason: r.reason,
      }));
  }
}

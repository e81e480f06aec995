import {
  and,
  asc,
  eq,
  getTableColumns,
  gt,
  gte,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
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
import { type Conn, countAll, first, laterNamedPg, prepare, queryNamedPg, raw, sqliteOf } from "./conn.js";
import type { bookings } from "./schema.js";

type Row = typeof bookings.$inferSelect;

/** The longest session the rules accept: bounds the index range when looking for overlaps. */
const MAX_SESSION_MS = 24 * 3600_000;

const DAY_MS = 24 * 3600_000;

/**
 * A holding booking as the holders query returns it; `s`/`e` its start/end in ms. `h` is frozen and lists no
 * endpoints: a call returns it as is for every holder without a requested endpoint, and a copy for the few with.
 */
interface HeldRow {
  s: number;
  e: number;
  h: SlotHolder;
}

/** PostgreSQL: one booking's endpoint rows (parallel arrays of endpoints and roles) in one statement. */
const INSERT_ENDPOINTS_PG = `INSERT INTO booking_endpoints (booking, endpoint, role, start_at, end_at)
  SELECT $1, u.endpoint, u.role, $4::bigint, $5::bigint FROM unnest($2::text[], $3::text[]) AS u(endpoint, role)`;

/**
 * PostgreSQL: several audit rows of one booking in one statement, in list order (ORDER BY the ordinality: the
 * identity ids are drawn as the rows come, so the trail keeps its order).
 */
const INSERT_EVENTS_PG = `INSERT INTO booking_events (booking, at, from_status, to_status, actor, channel, reason)
  SELECT $1, u.at, u.from_status, u.to_status, u.actor, u.channel, u.reason
  FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
    WITH ORDINALITY AS u(at, from_status, to_status, actor, channel, reason, n)
  ORDER BY u.n`;

/**
 * PostgreSQL: everything a registration's decision reads, in one round trip (BookingRepo.versionsSpan): the
 * schedule_days versions of days [$1, $2] (rows with a day), the next number of the sequence $3 when one is wanted
 * (the row with no day and no booking: drawWithVersions), and the rows of the endpoints $4 over the span, start in
 * [$5, $6) and end after $7 (rows with a booking: VersionSpan.endpointRows). An empty $4 reads no endpoint rows.
 */
const VERSIONS_SEQ_ENDPOINTS_PG = `WITH s AS (
    INSERT INTO counters (name, value) SELECT $3::text, 1 WHERE $3::text IS NOT NULL
    ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value)
  SELECT day, version::bigint AS version, NULL::text AS booking, NULL::text AS endpoint,
    NULL::bigint AS start_at, NULL::bigint AS end_at
  FROM schedule_days WHERE day >= $1 AND day <= $2
  UNION ALL SELECT NULL, value, NULL, NULL, NULL, NULL FROM s
  UNION ALL SELECT NULL, NULL, booking, endpoint, start_at, end_at FROM booking_endpoints
  WHERE endpoint = ANY($4::text[]) AND start_at >= $5 AND start_at < $6 AND end_at > $7`;

/** PostgreSQL: the endpoint rows of several endpoints in a window, with their times (see VersionSpan.endpointRows). */
const AT_ENDPOINTS_TIMED_PG = `SELECT booking, endpoint, start_at, end_at FROM booking_endpoints
  WHERE endpoint = ANY($1::text[]) AND start_at >= $2 AND start_at < $3 AND end_at > $4`;

/** An endpoint row of VersionSpan.endpointRows: booking, start and end in ms. */
interface TimedEndpointRow {
  b: string;
  s: number;
  e: number;
}

/** schedule_days versions of the days [lo, hi], read once in a transaction (BookingRepo.versionsSpan). */
export interface VersionSpan {
  lo: number;
  hi: number;
  versions: Map<number, number>;
  /**
   * PostgreSQL: the requested endpoints' rows over the whole span (per endpoint set, then per endpoint), read by
   * the first `holders` call under this span and filtered by the later ones: a rejection's wide window reads no
   * endpoint rows again (its narrow window's read already covered it). Valid, like the versions, until the
   * transaction writes.
   */
  endpointRows?: Map<string, Map<string, TimedEndpointRow[]>>;
}

const NO_ENDPOINTS: string[] = Object.freeze([]) as unknown as string[];

function heldRow(
  code: string,
  priority: Priority,
  ports: number,
  s: number,
  e: number,
  cityHallRoom: boolean,
  createdAt: number,
): HeldRow {
  return {
    s,
    e,
    h: Object.freeze({
      code,
      priority,
      ports,
      start: new Date(s),
      end: new Date(e),
      cityHallRoom,
      createdAt: new Date(createdAt),
      endpoints: NO_ENDPOINTS,
    }) as SlotHolder,
  };
}

/** The row the holders query returns for `b`, or null when it holds no slot. */
function heldRowOf(b: Booking, ports: number): HeldRow | null {
  const { start, end } = b.request;
  if (!start || !end || !HOLDING_STATUSES.includes(b.status)) return null;
  return heldRow(
    b.code,
    b.priority,
    ports,
    start.getTime(),
    end.getTime(),
    b.request.cityHallRoom,
    b.createdAt.getTime(),
  );
}

/** `h` with the endpoints of this call: an object literal, not a spread (a spread is lowered to a slow helper). */
function withEndpoints(h: SlotHolder, endpoints: string[] | undefined): SlotHolder {
  if (!endpoints) return h;
  return {
    code: h.code,
    priority: h.priority,
    ports: h.ports,
    start: h.start,
    end: h.end,
    cityHallRoom: h.cityHallRoom,
    createdAt: h.createdAt,
    endpoints,
  };
}

/**
 * The holding bookings of recent UTC days (by the day of their start), each under the version of
 * `schedule_days` it was read at, kept per Store and shared by its transactions. An entry is used only when the
 * version read in the caller's transaction equals its own: triggers bump a day's version in the same transaction
 * as any write that changes its holders, in every process, so another desk's write is seen by the next read.
 * Bounded by the number of rows held (least recently used days go first). A transaction that rolls back may have
 * filled entries under versions it bumped itself and never committed: the Store clears the cache then.
 */
export class HoldersCache {
  private readonly days = new Map<number, { version: number; rows: HeldRow[] }>();
  private held = 0;
  private hits = 0;
  private misses = 0;

  constructor(readonly maxRows = 100_000) {}

  get(day: number, version: number): HeldRow[] | undefined {
    const entry = this.days.get(day);
    if (!entry || entry.version !== version) {
      this.misses++;
      this.drop(day);
      return undefined;
    }
    this.hits++;
    // Least recently used first in the map's order: move to the end.
    this.days.delete(day);
    this.days.set(day, entry);
    return entry.rows;
  }

  set(day: number, version: number, rows: HeldRow[]): void {
    this.drop(day);
    if (rows.length > this.maxRows) return;
    this.days.set(day, { version, rows });
    this.held += rows.length;
    for (const oldest of this.days.keys()) {
      if (this.held <= this.maxRows) break;
      this.drop(oldest);
    }
  }

  clear(): void {
    this.days.clear();
    this.held = 0;
  }

  /**
   * This desk wrote booking `code` in a transaction, and its day's version went from `before` to `after`. When the
   * entry was read at `before` and the write bumped it exactly once, nobody else wrote the day in between (a
   * SQLite write transaction holds the database; the triggers bump once per write of a day): the entry is
   * patched, the booking's row replaced, added or removed, and held at `after`, so that the desk's next decision
   * on the day reads nothing (a confirmation used to cost the next request on its day a re-read of the day).
   * Anything else is left to the version check. The Store clears the cache if the transaction rolls back.
   */
  ownWrite(day: number, before: number, after: number, code: string, row: HeldRow | null): void {
    if (after === before) return;
    if (after !== before + 1) {
      this.drop(day);
      return;
    }
    this.ownWriteAt(day, before, after, code, row);
  }

  /**
   * `ownWrite` where the caller knows that between `before` and `after` the day was written by this write alone
   * (PostgreSQL: versions come from a sequence, not + 1; BookingRepo.save reads `before` under a row lock on the
   * day's version and `after` right after its writes, in one message).
   */
  ownWriteAt(day: number, before: number, after: number, code: string, row: HeldRow | null): void {
    if (after === before) return;
    const entry = this.days.get(day);
    if (!entry) return;
    if (entry.version !== before) {
      this.drop(day);
      return;
    }
    // A new array: a caller may still be reading the old one.
    const rows: HeldRow[] = [];
    let placed = row === null;
    for (const r of entry.rows) {
      if (r.h.code === code) continue;
      if (!placed && (row!.s < r.s || (row!.s === r.s && row!.h.code < r.h.code))) {
        rows.push(row!);
        placed = true;
      }
      rows.push(r);
    }
    if (!placed) rows.push(row!);
    this.held += rows.length - entry.rows.length;
    entry.version = after;
    entry.rows = rows;
  }

  /** Rows and days held, days found and missed since the start: for tests and the bench. */
  stats(): { rows: number; days: number; hits: number; misses: number } {
    return { rows: this.held, days: this.days.size, hits: this.hits, misses: this.misses };
  }

  private drop(day: number): void {
    const entry = this.days.get(day);
    if (!entry) return;
    this.held -= entry.rows.length;
    this.days.delete(day);
  }
}

/**
 * Rebuild `schedule_days` after writes that bypassed its triggers (bulk seeding with triggers off, `db copy`):
 * every day with a holding booking gets a row, and every row a new version, so that no cache of any process
 * trusts what it read before. Portable SQL, one statement each (also run as is by `db copy`).
 */
export const REBUILD_SCHEDULE_DAYS: readonly string[] = [
  `INSERT INTO schedule_days (day, version) SELECT DISTINCT CAST(start_at / 86400000 AS INTEGER), 0 FROM bookings
   WHERE start_at IS NOT NULL AND status IN (${HOLDING_STATUSES.map((x) => `'${x}'`).join(", ")})
   ON CONFLICT (day) DO NOTHING`,
  "UPDATE schedule_days SET version = version + 1",
];

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
      // Only when a mail named one: the host agency's own endpoint is the directory's to say.
      ...(row.hostEndpointSaid ? { hostEndpoint: row.hostEndpointSaid } : {}),
      participants,
      unresolved: row.unresolved,
      start: row.startAt,
      end: row.endAt,
      // Only while there is one: a request built without it (the web desk's, the CLI's) reads back the same.
      ...(row.day ? { day: row.day } : {}),
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
    hostEndpointSaid: r.hostEndpoint ?? null,
    title: r.title,
    startAt: r.start,
    endAt: r.end,
    day: r.start ? null : (r.day ?? null),
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

/**
 * A row as both drivers take it through a raw placeholder: instants as epoch milliseconds, flags as 0/1, JSON as
 * text (PostgreSQL casts it to jsonb), the rest as is. The columns' own encoders do the same.
 */
function driverRow(row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    out[k] =
      v instanceof Date
        ? v.getTime()
        : typeof v === "boolean"
          ? v
            ? 1
            : 0
          : Array.isArray(v)
            ? JSON.stringify(v)
            : v;
  }
  return out;
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
  /** Rows to skip: (page − 1) × limit. Costs a walk over every skipped row; the CLI pages with `after`. */
  offset: number;
}

/** Where a keyset page starts: after this booking in (start, code) order, bookings without a time first. */
export interface Cursor {
  start: Date | null;
  code: string;
}

/** One keyset page: `limit` rows after `after` (from the first row when null). */
export interface KeysetPage {
  limit: number;
  after: Cursor | null;
}

const ph = sql.placeholder;

/** A booking still in play: received, waiting for an answer or a technician, or holding its slot before it runs. */
const NOT_SETTLED: readonly BookingStatus[] = [
  "received",
  "needs-info",
  "needs-review",
  "confirmed",
  "checked",
];

function rangeWhere(bookings: Conn["t"]["bookings"], range: BookingRange, after?: Cursor | null) {
  const conds = [];
  // With a cursor inside the range, the cursor's start is the only lower bound: SQLite seeks on one of two
  // `start_at >=` terms, and took the range's, reading the range from its start for every page (the last page
  // of a year: ~50 000 index entries and their rows, 78 ms).
  const cursorBound = after?.start != null && (!range.from || after.start >= range.from);
  if (range.from && !cursorBound) conds.push(gte(bookings.startAt, range.from));
  if (range.to) conds.push(lt(bookings.startAt, range.to));
  if (range.statuses) conds.push(inArray(bookings.status, range.statuses));
  if (after) conds.push(afterCursor(bookings, after));
  return conds.length ? and(...conds) : undefined;
}

/**
 * Rows strictly after `c` in the list order (start nulls first, then code): a range seek on bookings_start. The
 * redundant `start >= c.start` is what the planners seek on; PostgreSQL does not seek on the OR alone and would
 * read the range from its beginning (issue 12, lists).
 */
function afterCursor(bookings: Conn["t"]["bookings"], c: Cursor) {
  return c.start === null
    ? or(and(isNull(bookings.startAt), gt(bookings.code, c.code)), isNotNull(bookings.startAt))!
    : and(
        gte(bookings.startAt, c.start),
        or(gt(bookings.startAt, c.start), and(eq(bookings.startAt, c.start), gt(bookings.code, c.code))),
      )!;
}

/** The complement of afterCursor, spelled out: NOT over a NULL start would drop the bookings without a time. */
function atOrBefore(bookings: Conn["t"]["bookings"], c: Cursor) {
  return c.start === null
    ? and(isNull(bookings.startAt), lte(bookings.code, c.code))!
    : or(
        isNull(bookings.startAt),
        lt(bookings.startAt, c.start),
        and(eq(bookings.startAt, c.start), lte(bookings.code, c.code)),
      )!;
}

/**
 * The list order on both dialects: SQLite puts NULL first by default, PostgreSQL last; both are told. When the
 * rows cannot have a NULL start (a time range, or a cursor past the bookings without a time), the plain order is
 * the same order, and it is the one PostgreSQL's `bookings_start` index (ASC, NULLs last) is read in: with NULLS
 * FIRST it sorted the whole range for every page (issue 12, lists).
 */
function listOrder(bookings: Conn["t"]["bookings"], startNotNull = false) {
  return startNotNull
    ? [asc(bookings.startAt), asc(bookings.code)]
    : [sql`${bookings.startAt} ASC NULLS FIRST`, asc(bookings.code)];
}

export class BookingRepo {
  /** Prepared once per connection: the hot paths pay for no SQL building or parsing per call. */
  private readonly q;
  private readonly sqliteRaw;

  private readonly db;
  private readonly t;
  private readonly dialect;
  private readonly conn;

  constructor(
    c: Conn,
    /** The Store's cache of holders per day; without one every call reads the window's rows. */
    private readonly cache: HoldersCache | null = null,
  ) {
    const { db } = c;
    const { bookings, bookingEndpoints, bookingEvents } = c.t;
    this.db = db;
    this.t = c.t;
    this.dialect = c.dialect;
    this.conn = c;
    // The statements below are built by functions: on PostgreSQL a repository is made per transaction and its
    // statements come from the Store's cache (see `prepare`), so that a transaction builds no query.
    const holdingQuery = () =>
      db
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
        .orderBy(asc(bookings.startAt), asc(bookings.code));
    const atEndpointQuery = () =>
      db
        .select({ booking: bookingEndpoints.booking })
        .from(bookingEndpoints)
        .where(
          and(
            eq(bookingEndpoints.endpoint, ph("endpoint")),
            gte(bookingEndpoints.startAt, ph("lo")),
            lt(bookingEndpoints.startAt, ph("to")),
            gt(bookingEndpoints.endAt, ph("from")),
          ),
        );
    // SQLite's hot paths read raw arrays (no per-row mapping layer): a rejection's search window returns a
    // thousand rows. PostgreSQL's round trip dwarfs the mapping.
    this.sqliteRaw =
      c.dialect === "sqlite"
        ? {
            holding: holdingQuery().prepare(),
            // The versions of a span of days as [day, version] arrays (read before every cached holders read).
            versions: sqliteOf(c)
              .prepare("SELECT day, version FROM schedule_days WHERE day >= ? AND day <= ?")
              .raw(),
            // better-sqlite3 directly, plucked: a flat array of codes, no row arrays, no parameter object per call
            // (a rejection asks it for each requested endpoint, twice).
            atEndpointCodes: sqliteOf(c)
              .prepare(
                "SELECT booking FROM booking_endpoints WHERE endpoint = ? AND start_at >= ? AND start_at < ? AND end_at > ?",
              )
              .pluck(),
            dayVersion: db
              .select({ version: c.t.scheduleDays.version })
              .from(c.t.scheduleDays)
              .where(eq(c.t.scheduleDays.day, ph("day")))
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
                endpoints: sql<
                  string | null
                >`(SELECT group_concat(x.endpoint, char(31)) FROM booking_endpoints x
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
          }
        : null;
    const { counters } = c.t;
    // Every column a placeholder carrying its driver value (see driverRow); a conflict takes the new values.
    const upsertQuery = () => {
      const values: Record<string, SQL> = {};
      const excluded: Record<string, SQL> = {};
      for (const [key, col] of Object.entries(getTableColumns(bookings))) {
        values[key] = raw(key);
        if (key !== "code") excluded[key] = sql.raw(`excluded."${col.name}"`);
      }
      return db
        .insert(bookings)
        .values(values as unknown as Row)
        .onConflictDoUpdate({ target: bookings.code, set: excluded });
    };
    const { scheduleDays } = c.t;
    const versionsQuery = () =>
      db
        .select({ day: scheduleDays.day, version: scheduleDays.version })
        .from(scheduleDays)
        .where(and(gte(scheduleDays.day, ph("lo")), lte(scheduleDays.day, ph("hi"))));
    this.q = {
      versions: prepare(c, "schedule_days_versions", versionsQuery),
      upsert: prepare(c, "bookings_upsert", upsertQuery),
      nextSeq: prepare(c, "bookings_next_seq", () =>
        db
          .insert(counters)
          .values({ name: ph("name"), value: 1 })
          .onConflictDoUpdate({ target: counters.name, set: { value: sql`${counters.value} + 1` } })
          .returning({ value: counters.value }),
      ),
      holding: prepare(c, "bookings_holding", holdingQuery),
      atEndpoint: prepare(c, "bookings_at_endpoint", atEndpointQuery),
      // PostgreSQL: every requested endpoint's rows in one round trip (an index scan per array element).
      atEndpoints:
        c.dialect === "pg"
          ? prepare(c, "bookings_at_endpoints", () =>
              db
                .select({ booking: bookingEndpoints.booking, endpoint: bookingEndpoints.endpoint })
                .from(bookingEndpoints)
                .where(
                  and(
                    sql`${bookingEndpoints.endpoint} = ANY(${ph("endpoints")}::text[])`,
                    gte(bookingEndpoints.startAt, ph("lo")),
                    lt(bookingEndpoints.startAt, ph("to")),
                    gt(bookingEndpoints.endAt, ph("from")),
                  ),
                ),
            )
          : null,
      // A host's bookings in a window with their participants, ordered as `list` orders them (the mail desk asks
      // it for every registration: is this one a repeat of a booking of the same agency at the same time?).
      ofHost: prepare(c, "bookings_of_host", () =>
        db
          .select({
            ...getTableColumns(bookings),
            endpoints:
              c.dialect === "pg"
                ? sql<string | null>`(SELECT string_agg(x.endpoint, chr(31) ORDER BY x.endpoint)
                    FROM booking_endpoints x WHERE x.booking = ${bookings.code} AND x.role = 'participant')`
                : sql<string | null>`(SELECT group_concat(y.endpoint, char(31)) FROM (SELECT x.endpoint
                    FROM booking_endpoints x WHERE x.booking = ${bookings.code} AND x.role = 'participant'
                    ORDER BY x.endpoint) y)`,
          })
          .from(bookings)
          .where(
            and(
              eq(bookings.host, ph("host")),
              gte(bookings.startAt, ph("from")),
              lt(bookings.startAt, ph("to")),
              inArray(bookings.status, [...NOT_SETTLED]),
            ),
          )
          .orderBy(asc(bookings.startAt), asc(bookings.code)),
      ),
      byCode: prepare(c, "bookings_by_code", () =>
        db
          .select()
          .from(bookings)
          .where(eq(bookings.code, ph("code"))),
      ),
      endpointsOf: prepare(c, "bookings_endpoints_of", () =>
        db
          .select({
            endpoint: bookingEndpoints.endpoint,
            role: bookingEndpoints.role,
            startAt: bookingEndpoints.startAt,
            endAt: bookingEndpoints.endAt,
          })
          .from(bookingEndpoints)
          .where(eq(bookingEndpoints.booking, ph("code"))),
      ),
      deleteEndpoint: prepare(c, "bookings_delete_endpoint", () =>
        db
          .delete(bookingEndpoints)
          .where(
            and(eq(bookingEndpoints.booking, ph("code")), eq(bookingEndpoints.endpoint, ph("endpoint"))),
          ),
      ),
      insertEndpoint: prepare(c, "bookings_insert_endpoint", () =>
        db.insert(bookingEndpoints).values({
          booking: ph("code"),
          endpoint: ph("endpoint"),
          role: ph("role"),
          startAt: raw("startAt"),
          endAt: raw("endAt"),
        }),
      ),
      updateEndpoint: prepare(c, "bookings_update_endpoint", () =>
        db
          .update(bookingEndpoints)
          .set({ role: raw("role"), startAt: raw("startAt"), endAt: raw("endAt") })
          .where(
            and(eq(bookingEndpoints.booking, ph("code")), eq(bookingEndpoints.endpoint, ph("endpoint"))),
          ),
      ),
      insertEvent: prepare(c, "bookings_insert_event", () =>
        db.insert(bookingEvents).values({
          booking: ph("booking"),
          at: raw("at"),
          fromStatus: ph("fromStatus"),
          toStatus: ph("toStatus"),
          actor: ph("actor"),
          channel: ph("channel"),
          reason: ph("reason"),
        }),
      ),
    };
  }

  /** The next number of a yearly sequence, e.g. for `HTT-2026-0042`. Call inside a transaction. */
  async nextSeq(name: string): Promise<number> {
    this.seqWanted = null;
    if (this.seqDrawn?.name === name) {
      const { value } = this.seqDrawn;
      this.seqDrawn = null;
      return value;
    }
    const [row] = await this.q.nextSeq.execute({ name });
    return row!.value;
  }

  /** PostgreSQL: a sequence to draw from with the next versions read (see drawWithVersions). */
  private seqWanted: string | null = null;
  private seqDrawn: { name: string; value: number } | null = null;

  /**
   * PostgreSQL: draw the next number of `name` in the same statement as this transaction's next read of
   * schedule_days versions (`versionsSpan`), one round trip fewer; `nextSeq(name)` then returns it. Without such a
   * read before `nextSeq`, `nextSeq` draws on its own. Either way the number is drawn in this transaction. Nothing on
   * SQLite (no round trip to save).
   */
  drawWithVersions(name: string): void {
    if (this.dialect === "pg" && this.cache) this.seqWanted = name;
  }

  /**
   * Write the booking and its endpoint rows. Endpoint rows are diffed against what is stored: unchanged ones
   * are not touched, so saving a booking whose endpoints stay costs one upsert and one indexed read.
   */
  async save(
    b: Booking,
    /**
     * `fresh`: the booking's code was drawn in this transaction (nextSeq), so no endpoint rows exist to diff: they
     * are inserted without reading (should rows exist after all, their primary key fails the transaction).
     */
    opts: { fresh?: boolean } = {},
  ): Promise<void> {
    const row = toRow(b);
    // SQLite: the day's version around the write, for HoldersCache.ownWrite (two reads of an in-process index,
    // ~µs; on PostgreSQL they would be round trips, and the cache re-reads the day instead).
    const day =
      this.sqliteRaw && this.cache && row.startAt ? Math.floor(row.startAt.getTime() / DAY_MS) : null;
    const before = day === null ? 0 : this.dayVersion(day);
    // PostgreSQL: the same patch, from the day's version read (and locked) just before the writes and read again
    // just after them, all deferred into the transaction's next message: no round trip (see ownWriteAt).
    const after = this.pgOwnWrite(b, row, opts);
    // PostgreSQL: deferred with the transaction's next message (see Conn.deferred); SQLite runs it now.
    await this.q.upsert.later(driverRow(row));
    if (day !== null)
      this.cache!.ownWrite(day, before, this.dayVersion(day), b.code, heldRowOf(b, row.ports));
    await this.saveEndpoints(b, opts);
    after?.();
  }

  /**
   * PostgreSQL inside `Store.tx`, with a cache: defer a locked read of the day's version before the save's writes;
   * returns what defers the read after them, whose callback patches the cache. The lock (FOR UPDATE) keeps any other
   * writer of the day out from the first read to the commit, so `after` is this save's bump alone.
   *
   * A fresh booking that holds no slot (a rejection, a booking waiting for details) is an INSERT the day's trigger
   * does not count (`bump_schedule_days` counts held statuses only): the day's version and the cache stay as they
   * are, and neither read nor the row lock is sent (the lock dirtied the day's row page in every rejection).
   */
  private pgOwnWrite(b: Booking, row: Row, opts: { fresh?: boolean }): (() => void) | null {
    const sink = this.conn.deferred;
    if (!sink || !this.cache || !row.startAt) return null;
    const day = Math.floor(row.startAt.getTime() / DAY_MS);
    if (!Number.isSafeInteger(day)) return null;
    if (opts.fresh && !HOLDING_STATUSES.includes(b.status)) return null;
    const held = heldRowOf(b, row.ports);
    const cache = this.cache;
    let before: number | null = null;
    const read = "SELECT version FROM schedule_days WHERE day = $1";
    // A day that had no holder has no row to lock: one at version 0 (what a missing row reads as) is made first. If
    // another desk inserts it meanwhile, this waits for it and reads its version.
    if (held)
      sink.push({
        name: "schedule_days_touch",
        text: "INSERT INTO schedule_days (day, version) VALUES ($1, 0) ON CONFLICT (day) DO NOTHING",
        values: [day],
      });
    sink.push({
      name: "schedule_days_version_locked",
      text: `${read} FOR UPDATE`,
      values: [day],
      rows: (rows) => {
        before = rows[0] ? Number(rows[0].version) : null;
      },
    });
    return () =>
      sink.push({
        name: "schedule_days_version_after",
        text: read,
        values: [day],
        rows: (rows) => {
          if (before !== null && rows[0])
            cache.ownWriteAt(day, before, Number(rows[0].version), b.code, held);
        },
      });
  }

  /** The endpoint rows of `save`. */
  private async saveEndpoints(b: Booking, opts: { fresh?: boolean }): Promise<void> {
    const want = new Map<string, string>();
    if (b.hostEndpoint) want.set(b.hostEndpoint, "host");
    for (const p of b.request.participants) if (!want.has(p)) want.set(p, "participant");
    const startAt = b.request.start?.getTime() ?? null;
    const endAt = b.request.end?.getTime() ?? null;
    const have = opts.fresh ? [] : await this.q.endpointsOf.execute({ code: b.code });
    for (const h of have) {
      const role = want.get(h.endpoint);
      if (role === undefined) await this.q.deleteEndpoint.later({ code: b.code, endpoint: h.endpoint });
      else if (
        role !== h.role ||
        (h.startAt?.getTime() ?? null) !== startAt ||
        (h.endAt?.getTime() ?? null) !== endAt
      ) {
        await this.q.updateEndpoint.later({ code: b.code, endpoint: h.endpoint, role, startAt, endAt });
      }
      want.delete(h.endpoint);
    }
    if (this.dialect === "pg" && want.size > 1) {
      // PostgreSQL: one round trip for a new booking's endpoints rather than one per endpoint, as a named
      // statement (planned once per connection; the builder's VALUES list was parsed and planned every time).
      await laterNamedPg(this.conn, "bookings_insert_endpoints", INSERT_ENDPOINTS_PG, [
        b.code,
        [...want.keys()],
        [...want.values()],
        startAt,
        endAt,
      ]);
      return;
    }
    for (const [endpoint, role] of want) {
      await this.q.insertEndpoint.later({ code: b.code, endpoint, role, startAt, endAt });
    }
  }

  async get(code: string): Promise<Booking | null> {
    const row = first(await this.q.byCode.execute({ code }));
    if (!row) return null;
    const participants = (await this.q.endpointsOf.execute({ code }))
      .filter((e) => e.role === "participant")
      .map((e) => e.endpoint);
    return toBooking(row, participants);
  }

  /** Participants of many bookings, in IN lists of at most IN_CHUNK codes. */
  private async participantsOf(codes: string[]): Promise<Map<string, string[]>> {
    const { bookingEndpoints } = this.t;
    const out = new Map<string, string[]>();
    for (const part of chunks(codes)) {
      const rows = await this.db
        .select({ booking: bookingEndpoints.booking, endpoint: bookingEndpoints.endpoint })
        .from(bookingEndpoints)
        .where(and(inArray(bookingEndpoints.booking, part), eq(bookingEndpoints.role, "participant")));
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
  async holders(
    from: Date,
    to: Date,
    endpoints: readonly string[],
    /** Versions read earlier in this transaction by `versionsSpan` (see there). */
    span?: VersionSpan | null,
  ): Promise<SlotHolder[]> {
    if (!this.cache) return this.holdersFresh(from, to, endpoints);
    const window = { lo: from.getTime() - MAX_SESSION_MS, to: to.getTime(), from: from.getTime() };
    if (!(window.lo < window.to)) return [];
    const perDay = await this.cachedDays(
      Math.floor(window.lo / DAY_MS),
      Math.floor((window.to - 1) / DAY_MS),
      span,
    );
    const inWindow = (r: HeldRow) => r.s >= window.lo && r.s < window.to && r.e > window.from;
    if (!perDay.some((rows) => rows.some(inWindow))) return [];
    const eps =
      span && this.dialect === "pg" && endpoints.length > 0
        ? this.endpointsFromSpan(window, endpoints, await this.spanEndpointRows(span, endpoints))
        : await this.endpointsAt(window, endpoints);
    // One array out, no copy of the window's rows in between (a rejection reads ~1 500 of them, twice), allocated
    // at its size: grown by push, its backing stores were a fifth of a rejection's garbage.
    let n = 0;
    for (const rows of perDay) for (let i = 0; i < rows.length; i++) if (inWindow(rows[i]!)) n++;
    const out = new Array<SlotHolder>(n);
    n = 0;
    for (const rows of perDay) {
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        if (inWindow(r)) out[n++] = withEndpoints(r.h, eps.get(r.h.code));
      }
    }
    return out;
  }

  /**
   * The holding rows of days [dayLo, dayHi], one array per day, from the cache where it holds a day at the version
   * `schedule_days` has now. The versions are read first, then the rows of the days the cache does not hold at
   * those versions: a write committed between the two reads leaves an entry older than its version (a miss
   * later, never a stale hit).
   */
  private async cachedDays(dayLo: number, dayHi: number, span?: VersionSpan | null): Promise<HeldRow[][]> {
    const cache = this.cache!;
    const versions =
      span && span.lo <= dayLo && dayHi <= span.hi ? span.versions : await this.readVersions(dayLo, dayHi);
    const perDay: HeldRow[][] = [];
    let missFrom = -1;
    for (let day = dayLo; day <= dayHi + 1; day++) {
      const hit = day <= dayHi ? cache.get(day, versions.get(day) ?? 0) : undefined;
      if (hit === undefined && day <= dayHi) {
        if (missFrom < 0) missFrom = day;
        continue;
      }
      if (missFrom >= 0) {
        // One query for a run of missed days, split by day.
        const fresh = await this.holdingRows(missFrom * DAY_MS, day * DAY_MS);
        const byDay = new Map<number, HeldRow[]>();
        for (let d = missFrom; d < day; d++) byDay.set(d, []);
        for (const r of fresh) byDay.get(Math.floor(r.s / DAY_MS))!.push(r);
        for (const [d, rows] of byDay) {
          cache.set(d, versions.get(d) ?? 0, rows);
          perDay.push(rows);
        }
        missFrom = -1;
      }
      if (hit) perDay.push(hit);
    }
    return perDay;
  }

  private async readVersions(dayLo: number, dayHi: number): Promise<Map<number, number>> {
    const versions = new Map<number, number>();
    if (this.sqliteRaw) {
      for (const [day, version] of this.sqliteRaw.versions.all(dayLo, dayHi) as [number, number][])
        versions.set(day, version);
      return versions;
    }
    for (const v of await this.q.versions.execute({ lo: dayLo, hi: dayHi })) versions.set(v.day, v.version);
    return versions;
  }

  /**
   * PostgreSQL: the schedule_days versions of the days a `holders(from, to, …)` call reads, read now, for the
   * `holders` calls of this same transaction over windows inside it, before it writes: a rejection's two windows
   * read their versions in one round trip, not two. Holders read under them are as of this read, as one wide
   * `holders` call's would be. Null on SQLite (no round trip to save) and without a cache.
   */
  async versionsSpan(from: Date, to: Date, endpoints?: readonly string[]): Promise<VersionSpan | null> {
    if (this.dialect !== "pg" || !this.cache) return null;
    const lo = Math.floor((from.getTime() - MAX_SESSION_MS) / DAY_MS);
    const hi = Math.floor((to.getTime() - 1) / DAY_MS);
    if (!(lo <= hi)) return null;
    const name = this.seqWanted;
    this.seqWanted = null;
    // The endpoints' rows over the span ride along (see spanEndpointRows for the bounds): the holders calls under
    // this span then read none.
    const wanted = endpoints && endpoints.length > 0 ? [...new Set(endpoints)] : [];
    const spanLo = lo * DAY_MS;
    const rows = await queryNamedPg<{
      day: number | null;
      version: string | number | null;
      booking: string | null;
      endpoint: string | null;
      start_at: string | number | null;
      end_at: string | number | null;
    }>(this.conn, "bookings_versions_seq_endpoints", VERSIONS_SEQ_ENDPOINTS_PG, [
      lo,
      hi,
      name,
      wanted,
      spanLo,
      (hi + 1) * DAY_MS,
      spanLo + MAX_SESSION_MS,
    ]);
    const versions = new Map<number, number>();
    const span: VersionSpan = { lo, hi, versions };
    const got = new Map<string, TimedEndpointRow[]>();
    if (wanted.length > 0) span.endpointRows = new Map([[wanted.join("\u001f"), got]]);
    for (const r of rows) {
      if (r.booking !== null) {
        const row = { b: r.booking, s: Number(r.start_at), e: Number(r.end_at) };
        const list = got.get(r.endpoint!);
        if (list) list.push(row);
        else got.set(r.endpoint!, [row]);
      } else if (r.day === null) this.seqDrawn = { name: name!, value: Number(r.version) };
      else versions.set(r.day, Number(r.version));
    }
    return span;
  }

  /**
   * Fill the holders cache for the days of [from, to) it does not hold at their current version (a desk warms
   * the days clerks book, after its start, so that a day's first decision does not pay for reading it). Returns
   * how many days it read. Without a cache, nothing.
   */
  async warmHolders(from: Date, to: Date): Promise<number> {
    if (!this.cache) return 0;
    const before = this.cache.stats().misses;
    await this.cachedDays(Math.floor(from.getTime() / DAY_MS), Math.floor((to.getTime() - 1) / DAY_MS));
    return this.cache.stats().misses - before;
  }

  /**
   * What `holders` returns, read from the window's rows without the cache: the reference the cache is tested
   * against (and the path of a repository without a cache).
   */
  async holdersFresh(from: Date, to: Date, endpoints: readonly string[]): Promise<SlotHolder[]> {
    const window = { lo: from.getTime() - MAX_SESSION_MS, to: to.getTime(), from: from.getTime() };
    const rows = await this.holdingRows(window.lo, window.to, window.from);
    if (rows.length === 0) return [];
    const eps = await this.endpointsAt(window, endpoints);
    return rows.map((r) => withEndpoints(r.h, eps.get(r.h.code)));
  }

  /** Holding bookings starting in [lo, to) and ending after `from`, in (start, code) order. */
  private async holdingRows(lo: number, to: number, from = 0): Promise<HeldRow[]> {
    const window = { lo, to, from };
    type Raw = [string, number, number, number, number, number, number];
    const rows: Raw[] = this.sqliteRaw
      ? (this.sqliteRaw.holding.values(window) as unknown as Raw[])
      : (await this.q.holding.execute(window)).map((r) => [
          r.code,
          r.priority,
          r.ports,
          r.startAt!.getTime(),
          r.endAt!.getTime(),
          r.cityHallRoom ? 1 : 0,
          r.createdAt.getTime(),
        ]);
    return rows.map(([code, priority, ports, startAt, endAt, cityHallRoom, createdAt]) =>
      heldRow(code, priority as Priority, ports, startAt, endAt, cityHallRoom === 1, createdAt),
    );
  }

  /** The bookings at each of `endpoints` in the window (any status: the caller keeps the holders). */
  private async endpointsAt(
    window: { lo: number; to: number; from: number },
    endpoints: readonly string[],
  ): Promise<Map<string, string[]>> {
    const eps = new Map<string, string[]>();
    const wanted = new Set(endpoints);
    // PostgreSQL: one query for all of them, grouped back per endpoint in the order asked.
    const fetched = this.sqliteRaw || wanted.size < 2 ? null : await this.atEndpointsPg(window, wanted);
    for (const endpoint of wanted) {
      const at = fetched
        ? (fetched.get(endpoint) ?? [])
        : this.sqliteRaw
          ? (this.sqliteRaw.atEndpointCodes.all(endpoint, window.lo, window.to, window.from) as string[])
          : (await this.q.atEndpoint.execute({ ...window, endpoint })).map((r) => r.booking);
      for (const booking of at) {
        const list = eps.get(booking);
        if (list) list.push(endpoint);
        else eps.set(booking, [endpoint]);
      }
    }
    return eps;
  }

  /**
   * PostgreSQL: the rows of `endpoints` over the whole of `span` (see VersionSpan.endpointRows), read once per
   * endpoint set. The span's days begin MAX_SESSION_MS before its first window (`versionsSpan`), so every window
   * inside it starts at or after `lo` and ends at or after `lo + MAX_SESSION_MS`: these rows are a superset.
   */
  private async spanEndpointRows(
    span: VersionSpan,
    endpoints: readonly string[],
  ): Promise<Map<string, TimedEndpointRow[]>> {
    const wanted = [...new Set(endpoints)];
    const key = wanted.join("\u001f");
    span.endpointRows ??= new Map();
    let got = span.endpointRows.get(key);
    if (got) return got;
    got = new Map();
    const lo = span.lo * DAY_MS;
    const rows = await queryNamedPg<{ booking: string; endpoint: string; start_at: number; end_at: number }>(
      this.conn,
      "bookings_at_endpoints_span",
      AT_ENDPOINTS_TIMED_PG,
      [wanted, lo, (span.hi + 1) * DAY_MS, lo + MAX_SESSION_MS],
    );
    for (const r of rows) {
      const row = { b: r.booking, s: Number(r.start_at), e: Number(r.end_at) };
      const list = got.get(r.endpoint);
      if (list) list.push(row);
      else got.set(r.endpoint, [row]);
    }
    span.endpointRows.set(key, got);
    return got;
  }

  /** What `endpointsAt(window, endpoints)` returns, from a span's rows (same grouping, same order). */
  private endpointsFromSpan(
    window: { lo: number; to: number; from: number },
    endpoints: readonly string[],
    rows: Map<string, TimedEndpointRow[]>,
  ): Map<string, string[]> {
    const eps = new Map<string, string[]>();
    for (const endpoint of new Set(endpoints)) {
      for (const r of rows.get(endpoint) ?? []) {
        if (!(r.s >= window.lo && r.s < window.to && r.e > window.from)) continue;
        const list = eps.get(r.b);
        if (list) list.push(endpoint);
        else eps.set(r.b, [endpoint]);
      }
    }
    return eps;
  }

  /** A day's version in `schedule_days` (0 when it has no row), through SQLite's prepared statement. */
  private dayVersion(day: number): number {
    const row = this.sqliteRaw!.dayVersion.get({ day }) as { version: number } | undefined;
    return row?.version ?? 0;
  }

  /** PostgreSQL: the bookings at each of `endpoints` in the window, in one round trip. */
  private async atEndpointsPg(
    window: { lo: number; to: number; from: number },
    endpoints: Set<string>,
  ): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const r of await this.q.atEndpoints!.execute({ ...window, endpoints: [...endpoints] })) {
      const list = out.get(r.endpoint);
      if (list) list.push(r.booking);
      else out.set(r.endpoint, [r.booking]);
    }
    return out;
  }

  /** See REBUILD_SCHEDULE_DAYS; also empties this repository's cache. */
  async rebuildScheduleDays(): Promise<void> {
    for (const statement of REBUILD_SCHEDULE_DAYS) await this.conn.run(sql.raw(statement));
    this.cache?.clear();
  }

  /** How many bookings start in [from, to) with the given statuses: the size of a paged list. */
  async count(range: BookingRange = {}): Promise<number> {
    const { bookings } = this.t;
    const [row] = await this.db.select({ n: countAll() }).from(bookings).where(rangeWhere(bookings, range));
    return row?.n ?? 0;
  }

  /**
   * Bookings starting in [from, to), in start order; all of them when no range is given. With `page`, one page
   * of that order (start, then code: stable, so that paging returns every row once).
   */
  async list(range: BookingRange = {}, page?: Page | KeysetPage): Promise<Booking[]> {
    const { bookings } = this.t;
    const after = page && "after" in page ? page.after : null;
    const base = this.db
      .select()
      .from(bookings)
      .where(rangeWhere(bookings, range, after))
      .orderBy(...listOrder(bookings, Boolean(range.from || range.to || after?.start)));
    const rows = !page
      ? await base
      : "after" in page
        ? await base.limit(Math.max(1, page.limit))
        : await base.limit(Math.max(1, page.limit)).offset(Math.max(0, page.offset));
    const parts = await this.participantsOf(rows.map((r) => r.code));
    return rows.map((r) => toBooking(r, parts.get(r.code) ?? []));
  }

  /**
   * The bookings of `host` starting in [from, to) that are not settled (received, waiting or holding their slot),
   * in list order. One prepared statement with the participants folded in: `list` over the window built and
   * prepared two statements per call, one with an IN list of every booking of every agency in it.
   */
  async ofHostStarting(host: string, from: Date, to: Date): Promise<Booking[]> {
    const rows = await this.q.ofHost.execute({ host, from: from.getTime(), to: to.getTime() });
    return rows.map(({ endpoints, ...row }) => toBooking(row, endpoints ? endpoints.split("\u001f") : []));
  }

  /** A booking's place in the list order, to resume a keyset page after it; null when no such booking. */
  async cursorOf(code: string): Promise<Cursor | null> {
    const { bookings } = this.t;
    const [row] = await this.db
      .select({ start: bookings.startAt, code: bookings.code })
      .from(bookings)
      .where(eq(bookings.code, code))
      .limit(1);
    return row ? { start: row.start, code: row.code } : null;
  }

  /** How many bookings of the range come at or before `c` in the list order: where a keyset page sits. */
  async countThrough(range: BookingRange, c: Cursor): Promise<number> {
    const { bookings } = this.t;
    const [row] = await this.db
      .select({ n: countAll() })
      .from(bookings)
      .where(and(rangeWhere(bookings, range), atOrBefore(bookings, c)));
    return row?.n ?? 0;
  }

  /**
   * A page's footer in one pass over the range: how many bookings the range has, and how many of them come at or
   * before `c` in the list order (where a keyset page after `c` starts; 0 without a cursor). The position is split
   * in "starts earlier" (counted in the same index scan as the total, on `start_at` alone, so PostgreSQL answers
   * both from bookings_start without reading the table) and the few bookings at the cursor's very start.
   */
  async position(range: BookingRange, c: Cursor | null): Promise<{ total: number; before: number }> {
    const { bookings } = this.t;
    const where = rangeWhere(bookings, range);
    if (!c || c.start === null) {
      const [row] = await this.db
        .select({
          total: countAll(),
          before: c
            ? sql<number>`coalesce(sum(case when ${atOrBefore(bookings, c)} then 1 else 0 end), 0)`.mapWith(
                Number,
              )
            : sql<number>`0`.mapWith(Number),
        })
        .from(bookings)
        .where(where);
      return { total: row?.total ?? 0, before: row?.before ?? 0 };
    }
    const [row] = await this.db
      .select({
        total: countAll(),
        // Bookings without a time come first in the order; a time range has none.
        earlier:
          sql<number>`coalesce(sum(case when ${or(isNull(bookings.startAt), lt(bookings.startAt, c.start))} then 1 else 0 end), 0)`.mapWith(
            Number,
          ),
      })
      .from(bookings)
      .where(where);
    const [tie] = await this.db
      .select({ n: countAll() })
      .from(bookings)
      .where(and(where, eq(bookings.startAt, c.start), lte(bookings.code, c.code)));
    return { total: row?.total ?? 0, before: (row?.earlier ?? 0) + (tie?.n ?? 0) };
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
    type Raw = [
      string,
      BookingStatus,
      number | null,
      number | null,
      string | null,
      number,
      string | null,
      string | null,
    ];
    let rows: Raw[];
    if (this.sqliteRaw) {
      rows = this.sqliteRaw.summaries.values({
        from: range.from.getTime(),
        to: range.to.getTime(),
        statuses: JSON.stringify(range.statuses),
      }) as unknown as Raw[];
    } else {
      const { bookings } = this.t;
      const found = await this.db
        .select({
          code: bookings.code,
          status: bookings.status,
          startAt: bookings.startAt,
          endAt: bookings.endAt,
          title: bookings.title,
          secret: bookings.secret,
          hostEndpoint: bookings.hostEndpoint,
          endpoints: sql<string | null>`(SELECT string_agg(x.endpoint, chr(31)) FROM booking_endpoints x
            WHERE x.booking = ${bookings.code} AND x.role = 'participant')`,
        })
        .from(bookings)
        .where(
          and(
            gte(bookings.startAt, range.from),
            lt(bookings.startAt, range.to),
            inArray(bookings.status, [...range.statuses]),
          ),
        )
        .orderBy(asc(bookings.startAt), asc(bookings.code));
      rows = found.map((r) => [
        r.code,
        r.status as BookingStatus,
        r.startAt?.getTime() ?? null,
        r.endAt?.getTime() ?? null,
        r.title,
        r.secret ? 1 : 0,
        r.hostEndpoint,
        r.endpoints,
      ]);
    }
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
    await this.q.insertEvent.later({
      booking: code,
      at: e.at.getTime(),
      fromStatus: e.from,
      toStatus: e.to,
      actor: e.actor,
      channel: e.channel,
      reason: e.reason,
    });
  }

  /** Several audit rows of one booking, in order (on PostgreSQL in one round trip). */
  async addEvents(code: string, es: readonly BookingEvent[]): Promise<void> {
    if (this.dialect !== "pg" || es.length < 2) {
      for (const e of es) await this.addEvent(code, e);
      return;
    }
    // One named statement for any number of rows; its ids follow the list's order (see INSERT_EVENTS_PG).
    await laterNamedPg(this.conn, "bookings_insert_events", INSERT_EVENTS_PG, [
      code,
      es.map((e) => e.at.getTime()),
      es.map((e) => e.from),
      es.map((e) => e.to),
      es.map((e) => e.actor),
      es.map((e) => e.channel),
      es.map((e) => e.reason),
    ]);
  }

  async events(code: string): Promise<BookingEvent[]> {
    return (await this.eventsOf([code])).get(code) ?? [];
  }

  /** The audit trails of several bookings in one query per chunk (pages that list many: no query per row). */
  async eventsOf(codes: readonly string[]): Promise<Map<string, BookingEvent[]>> {
    const out = new Map<string, BookingEvent[]>();
    for (const part of chunks([...new Set(codes)])) {
      const { bookingEvents } = this.t;
      const rows = await this.db
        .select()
        .from(bookingEvents)
        .where(inArray(bookingEvents.booking, part))
        .orderBy(asc(bookingEvents.id));
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
    const { bookings } = this.t;
    const where = inArray(bookings.status, [...statuses]);
    const rows = await this.db
      .select()
      .from(bookings)
      .where(where)
      .orderBy(asc(bookings.receivedAt), asc(bookings.code))
      .limit(Math.max(1, page.limit))
      .offset(Math.max(0, page.offset));
    const parts = await this.participantsOf(rows.map((r) => r.code));
    return rows.map((r) => toBooking(r, parts.get(r.code) ?? []));
  }
}

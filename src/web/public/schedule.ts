import type Database from "better-sqlite3";
import type { BookingStatus } from "../../core/booking/types.js";
import type { Agency, Endpoint } from "../../core/directory/types.js";
import { fold } from "../../core/text/fold.js";
import type { Store } from "../../store/store.js";

/**
 * A session as the public may see it. Built from a SELECT of public columns only: contacts, senders, reasons,
 * mailboxes and incidents are never read, so no page or feed can leak them by mistake.
 */
export interface PublicSession {
  code: string;
  status: BookingStatus;
  secret: boolean;
  start: Date;
  end: Date;
  sequence: number;
  updatedAt: Date;
  /** Null for a secret session (Điều 5.2): the row is read, the value is dropped here. */
  title: string | null;
  host: string | null;
  /** The host agency's endpoint, where the session is chaired; null for a secret session. */
  hostEndpoint: string | null;
  /** Endpoint codes, the host's own first; empty for a secret session. */
  endpoints: string[];
  /** An invite with this UID went out (confirmed once, or cancelled): a feed keeps it, tentative or cancelled. */
  announced: boolean;
}

/** Statuses of a session that takes place (or took place): what `/lich` lists. */
export const HELD: readonly BookingStatus[] = ["confirmed", "checked", "live", "ended", "handed-over"];

/** The stable slug of an agency's feed: its official name folded (no diacritics, lower case) and hyphenated. */
export function agencySlug(name: string): string {
  return fold(name).replace(/ /g, "-");
}

/** What narrows a schedule: an agency (hosting or taking part through one of its endpoints) or one endpoint. */
export interface ScheduleFilter {
  agency?: Agency;
  endpoint?: Endpoint;
}

/** One row per session: endpoints folded into one string by SQLite (`group_concat … ORDER BY`, SQLite ≥ 3.44). */
type Row = [
  code: string,
  status: BookingStatus,
  secret: number,
  startAt: number,
  endAt: number,
  sequence: number,
  updatedAt: number,
  title: string | null,
  host: string | null,
  hostEndpoint: string | null,
  endpoints: string | null,
  confirmedOnce: number,
];

/** U+001F (unit separator) joins endpoint codes: a directory code never holds it. */
const SEP = "\u001f";

type Shape = "feed" | "page" | "feed-filtered" | "page-filtered";
const statements = new WeakMap<Database.Database, Map<Shape, Database.Statement>>();

/**
 * The one query of a schedule for a shape, in the store's dialect. A filtered shape narrows in SQL (host agency,
 * or one of the given endpoints taking part; never a secret session) so that an endpoint's feed reads its own
 * sessions, not the city's; `matches` checks the same again on the rows. Parameters, in order: from, to, and for a
 * filtered shape the host agency and the endpoint codes as a JSON array.
 */
function scheduleSql(shape: Shape, dialect: "sqlite" | "pg"): string {
  const pg = dialect === "pg";
  const p = (n: number) => (pg ? `$${n}` : "?");
  const feed = shape.startsWith("feed");
  const statuses = feed ? [...HELD, "cancelled", "needs-review", "needs-info", "rejected"] : HELD;
  const fold = pg
    ? "string_agg(x.endpoint, chr(31) ORDER BY x.role <> 'host', x.endpoint)"
    : "group_concat(x.endpoint, char(31) ORDER BY x.role <> 'host', x.endpoint)";
  const inCodes = pg
    ? `x.endpoint IN (SELECT jsonb_array_elements_text(${p(4)}::jsonb))`
    : `x.endpoint IN (SELECT value FROM json_each(${p(4)}))`;
  return `SELECT b.code, b.status, b.secret, b.start_at, b.end_at, b.sequence, b.updated_at, b.title, b.host,
              b.host_endpoint,
              CASE WHEN b.secret = 0 THEN
                (SELECT ${fold} FROM booking_endpoints x WHERE x.booking = b.code) END,
              ${
                feed
                  ? `CASE WHEN b.status IN ('needs-review', 'needs-info', 'rejected') THEN CASE WHEN EXISTS (
                       SELECT 1 FROM booking_events e WHERE e.booking = b.code AND e.to_status = 'confirmed')
                       THEN 1 ELSE 0 END ELSE 0 END`
                  : "0"
              }
       FROM bookings b
       WHERE b.start_at >= ${p(1)} AND b.start_at < ${p(2)} AND b.end_at IS NOT NULL
         AND b.status IN (${statuses.map((x) => `'${x}'`).join(", ")})
         ${
           shape.endsWith("filtered")
             ? `AND b.secret = 0 AND (b.host = ${p(3)} OR EXISTS (SELECT 1 FROM booking_endpoints x
                 WHERE x.booking = b.code AND ${inCodes}))`
             : ""
         }
       ORDER BY b.start_at, b.code`;
}

/** SQLite: the statement prepared once per connection and shape, reading raw arrays. */
function sqliteStatement(sqlite: Database.Database, shape: Shape): Database.Statement {
  let byShape = statements.get(sqlite);
  if (!byShape) {
    byShape = new Map();
    statements.set(sqlite, byShape);
  }
  let st = byShape.get(shape);
  if (!st) {
    st = sqlite.prepare(scheduleSql(shape, "sqlite")).raw();
    byShape.set(shape, st);
  }
  return st;
}

async function scheduleRows(store: Store, shape: Shape, params: unknown[]): Promise<Row[]> {
  const pool = store.pgPool;
  if (!pool) return store.read(() => sqliteStatement(store.sqlite, shape).all(...params) as Row[]);
  // One statement is one snapshot on PostgreSQL. The bound parameters carry no type: the host is text.
  const res = await pool.query({
    name: `schedule_${shape}`,
    text: scheduleSql(shape, "pg"),
    values: params,
    rowMode: "array",
  });
  return res.rows as Row[];
}

/**
 * The sessions starting in [from, to), in start order. With `feed`, also those an invite announced that no longer
 * take place as booked (cancelled, or back in review): a subscriber's calendar must learn of them. A filter never
 * matches a secret session: listing it under an agency or an endpoint would tell who takes part.
 */
export async function loadSchedule(
  store: Store,
  range: { from: Date; to: Date },
  opts: {
    feed: boolean;
    filter?: ScheduleFilter;
    endpointAgency?: (code: string) => string | undefined;
    /** The codes of an agency's endpoints, for the agency filter. */
    agencyEndpoints?: (agency: string) => string[];
  },
): Promise<PublicSession[]> {
  const filtered = Boolean(opts.filter?.agency || opts.filter?.endpoint);
  const params: unknown[] = [range.from.getTime(), range.to.getTime()];
  if (filtered) {
    const agency = opts.filter?.agency?.name ?? null;
    const codes = opts.filter?.endpoint
      ? [opts.filter.endpoint.code]
      : agency
        ? (opts.agencyEndpoints?.(agency) ?? [])
        : [];
    params.push(opts.filter?.endpoint ? null : agency, JSON.stringify(codes));
  }
  const shape: Shape = `${opts.feed ? "feed" : "page"}${filtered ? "-filtered" : ""}`;
  const rows = await scheduleRows(store, shape, params);
  const out: PublicSession[] = [];
  for (const r of rows) {
    const status = r[1];
    const held = HELD.includes(status);
    // A cancellation always mailed a CANCEL with this UID; a booking in review that never held a slot did not.
    const announced = held || status === "cancelled" || r[11] === 1;
    if (!announced) continue;
    const secret = r[2] === 1;
    const session: PublicSession = {
      code: r[0],
      status,
      secret,
      start: new Date(r[3]),
      end: new Date(r[4]),
      sequence: r[5],
      updatedAt: new Date(r[6]),
      title: secret ? null : r[7],
      host: secret ? null : r[8],
      hostEndpoint: secret ? null : r[9],
      endpoints: secret || !r[10] ? [] : r[10].split(SEP),
      announced,
    };
    if (filtered && !matches(session, opts.filter!, opts.endpointAgency)) continue;
    out.push(session);
  }
  return out;
}

function matches(
  s: PublicSession,
  filter: ScheduleFilter,
  endpointAgency: ((code: string) => string | undefined) | undefined,
): boolean {
  if (s.secret) return false;
  if (filter.endpoint && !s.endpoints.includes(filter.endpoint.code)) return false;
  if (filter.agency) {
    const name = filter.agency.name;
    if (s.host !== name && !s.endpoints.some((e) => endpointAgency?.(e) === name)) return false;
  }
  return true;
}

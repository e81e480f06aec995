import type Database from "better-sqlite3";
import { type SQL, sql } from "drizzle-orm";
import {
  ACK_ACTIONS,
  ANSWER_STATUSES,
  type BookingRow,
  CHANNELS,
  DECISION_STATUSES,
  DISPLACED_PREFIX,
  type IncidentFacts,
  READY_PREFIX,
  READY_SUFFIX,
  RESOLVE_ACTION,
  type ReportRows,
} from "../core/report/rows.js";
import { type Conn, sqliteOf } from "./conn.js";

export type { ReportRows };

const quote = (x: string) => `'${x.replace(/'/g, "''")}'`;
const list = (xs: readonly string[]) => xs.map(quote).join(", ");
/** `CASE x WHEN xs[0] THEN 0 … ELSE other END`: a string as its index in a fixed list. */
const indexOf = (x: string, xs: readonly string[], other: string) =>
  `CASE ${x} ${xs.map((s, i) => `WHEN ${quote(s)} THEN ${i}`).join(" ")} ELSE ${other} END`;
/** A GLOB pattern for "starts with `prefix`" (GLOB has no escape character: special ones go in brackets). */
const startsWith = (prefix: string) => `${prefix.replace(/[*?[]/g, (c) => `[${c}]`)}*`;
/** JavaScript's \s as a GLOB class: an endpoint code with one of these is never READY_RE's \S+. */
const WHITE_SPACE = "*[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*";

/** A session in the window that is not cancelled and went live: the only ones whose session cells are read. */
const HELD = "g.started AND g.status IS NOT 'cancelled' AND g.liveId IS NOT NULL";

/**
 * One row per booking whose session starts in [@f, @t) or whose registration arrived in it, in rowid order. The
 * bookings are scanned in rowid order and each one's audit trail is folded as it comes (through the booking index,
 * so no sort); the few event times needed are then looked up by id. Roll-call reasons are kept, newline-separated
 * (newlines inside a reason made \x01), only to count the booked endpoints whose confirmation is among them.
 * Everything a session that was not held does not need is left null.
 */
const BOOKINGS_SQL = `
SELECT g.code,
  coalesce((SELECT rowid FROM agencies WHERE name = g.host), g.host),
  coalesce((SELECT rowid FROM endpoints WHERE code = g.host_endpoint), g.host_endpoint),
  g.emergency | (g.secret << 1) | (g.recording << 2) | (coalesce(g.displaced, 0) << 3)
    | ((g.status = 'cancelled') << 4) | ((g.priority = 3) << 5),
  g.start_at, CASE WHEN g.started THEN g.end_at - g.start_at END, g.ports, g.received_at,
  CASE WHEN g.received THEN ${indexOf("d.to_status", DECISION_STATUSES, "-1")} END,
  CASE WHEN g.received THEN ${indexOf("g.channel", CHANNELS, "-1")} END,
  CASE WHEN g.received AND d.to_status IS NOT 'confirmed' THEN d.reason END,
  CASE WHEN g.received THEN
    CASE WHEN g.answerId = g.decisionId THEN d.at ELSE (SELECT at FROM booking_events WHERE id = g.answerId) END
      - g.received_at
  END,
  CASE WHEN g.started THEN (SELECT at FROM booking_events WHERE id = g.liveId) - g.start_at END,
  CASE WHEN ${HELD} THEN (SELECT at FROM booking_events WHERE id = g.endedId) - g.start_at END,
  CASE WHEN ${HELD} AND g.recording THEN (SELECT at FROM booking_events WHERE id = g.handedId) - g.start_at END,
  CASE WHEN ${HELD} THEN (
    SELECT created_at FROM outbox WHERE booking = g.code AND kind = 'technical-check' ORDER BY id LIMIT 1)
    - g.start_at END,
  CASE WHEN ${HELD} THEN (
    SELECT count(*) || ' ' || coalesce(sum(be.endpoint NOT GLOB @ws
        AND instr(g.ready, char(10) || @ready || be.endpoint || @suffix) > 0), 0)
      || ' ' || coalesce(group_concat(en.rowid), '')
    FROM booking_endpoints be LEFT JOIN endpoints en ON en.code = be.endpoint
    WHERE be.booking = g.code) END
FROM (
  SELECT b.rowid AS rid, b.code, b.status, b.emergency, b.secret, b.recording, b.priority, b.start_at, b.end_at,
    b.ports, b.received_at, b.channel, b.host, b.host_endpoint,
    b.received_at >= @f AND b.received_at < @t AS received,
    b.start_at >= @f AND b.start_at < @t AS started,
    min(CASE e.from_status WHEN 'received' THEN e.id END) AS decisionId,
    min(CASE WHEN e.from_status IS NOT NULL AND e.to_status IN (${list(ANSWER_STATUSES)}) THEN e.id END) AS answerId,
    max(CASE WHEN e.from_status IS NOT e.to_status THEN e.reason GLOB @displaced END) AS displaced,
    min(CASE e.to_status WHEN 'live' THEN CASE WHEN e.from_status IS NOT 'live' THEN e.id END END) AS liveId,
    min(CASE e.to_status WHEN 'ended' THEN e.id END) AS endedId,
    min(CASE e.to_status WHEN 'handed-over' THEN e.id END) AS handedId,
    char(10) || group_concat(
      CASE WHEN e.reason GLOB @readyGlob THEN replace(e.reason, char(10), char(1)) END, char(10)) AS ready
  FROM bookings b LEFT JOIN booking_events e ON e.booking = b.code
  WHERE (b.start_at >= @f AND b.start_at < @t) OR (b.received_at >= @f AND b.received_at < @t)
  GROUP BY b.rowid
) g
LEFT JOIN booking_events d ON d.id = g.decisionId
ORDER BY g.rid`;

/** One row per incident opened in [@f, @t), its events folded the same way. */
const INCIDENTS_SQL = `
WITH ie AS (
  SELECT incident,
    min(CASE WHEN action IN (${list(ACK_ACTIONS)}) THEN id END) AS ackId,
    min(CASE WHEN action = ${quote(RESOLVE_ACTION)} THEN id END) AS resolveId
  FROM incident_events
  WHERE incident IN (SELECT code FROM incidents WHERE opened_at >= @f AND opened_at < @t)
  GROUP BY incident
)
SELECT i.code, i.endpoint, i.category, i.route, i.reporter, i.opened_at,
  (SELECT at FROM incident_events WHERE id = ie.ackId),
  (SELECT at FROM incident_events WHERE id = ie.resolveId)
FROM incidents i LEFT JOIN ie ON ie.incident = i.code
WHERE i.opened_at >= @f AND i.opened_at < @t
ORDER BY i.rowid`;

/*
 * PostgreSQL's twin of the two queries above: the same folds in its dialect. No rowid: directory ids are row numbers
 * in the order the directory lists are read (code, name), within the same snapshot; bookings come in code order
 * (codes are numbered as registrations arrive). Booleans are integer 0/1 columns; comparisons are cast where they
 * become bits. `IS NOT` is `IS DISTINCT FROM`, GLOB is `starts_with`/a regex class, group_concat is `string_agg`.
 * Host and host endpoint come as id and name in two cells each, combined in JavaScript (coalesce needs one type).
 */
const PG_HELD = "g.started AND g.status IS DISTINCT FROM 'cancelled' AND g.live_id IS NOT NULL";
const pgDirectory = `ag AS (SELECT row_number() OVER (ORDER BY name) AS id, name FROM agencies),
  en AS (SELECT row_number() OVER (ORDER BY code) AS id, code FROM endpoints)`;

function pgBookingsSql(f: number, t: number): SQL {
  const H = PG_HELD;
  return sql`
WITH ${sql.raw(pgDirectory)}
SELECT g.code AS c00,
  (SELECT id FROM ag WHERE ag.name = g.host) AS c01a, g.host AS c01b,
  (SELECT id FROM en WHERE en.code = g.host_endpoint) AS c02a, g.host_endpoint AS c02b,
  g.emergency | (g.secret << 1) | (g.recording << 2) | (coalesce(g.displaced, 0) << 3)
    | ((g.status = 'cancelled')::int << 4) | ((g.priority = 3)::int << 5) AS c03,
  g.start_at AS c04, CASE WHEN g.started THEN g.end_at - g.start_at END AS c05, g.ports AS c06,
  g.received_at AS c07,
  CASE WHEN g.received THEN ${sql.raw(indexOf("d.to_status", DECISION_STATUSES, "-1"))} END AS c08,
  CASE WHEN g.received THEN ${sql.raw(indexOf("g.channel", CHANNELS, "-1"))} END AS c09,
  CASE WHEN g.received AND d.to_status IS DISTINCT FROM 'confirmed' THEN d.reason END AS c10,
  CASE WHEN g.received THEN
    CASE WHEN g.answer_id = g.decision_id THEN d.at ELSE (SELECT at FROM booking_events WHERE id = g.answer_id) END
      - g.received_at
  END AS c11,
  CASE WHEN g.started THEN (SELECT at FROM booking_events WHERE id = g.live_id) - g.start_at END AS c12,
  CASE WHEN ${sql.raw(H)} THEN (SELECT at FROM booking_events WHERE id = g.ended_id) - g.start_at END AS c13,
  CASE WHEN ${sql.raw(H)} AND g.recording <> 0 THEN (SELECT at FROM booking_events WHERE id = g.handed_id) - g.start_at
  END AS c14,
  CASE WHEN ${sql.raw(H)} THEN (
    SELECT created_at FROM outbox WHERE booking = g.code AND kind = 'technical-check' ORDER BY id LIMIT 1)
    - g.start_at END AS c15,
  CASE WHEN ${sql.raw(H)} THEN (
    SELECT count(*)::text || ' ' || coalesce(sum(CASE WHEN be.endpoint !~ ${PG_WHITE_SPACE}
        AND strpos(g.ready, chr(10) || ${READY_PREFIX} || be.endpoint || ${READY_SUFFIX}) > 0 THEN 1 ELSE 0 END), 0)::text
      || ' ' || coalesce(string_agg(en.id::text, ',' ORDER BY be.endpoint), '')
    FROM booking_endpoints be LEFT JOIN en ON en.code = be.endpoint
    WHERE be.booking = g.code) END AS c16
FROM (
  SELECT b.code, b.status, b.emergency, b.secret, b.recording, b.priority, b.start_at, b.end_at,
    b.ports, b.received_at, b.channel, b.host, b.host_endpoint,
    b.received_at >= ${f} AND b.received_at < ${t} AS received,
    coalesce(b.start_at >= ${f} AND b.start_at < ${t}, false) AS started,
    min(CASE e.from_status WHEN 'received' THEN e.id END) AS decision_id,
    min(CASE WHEN e.from_status IS NOT NULL AND e.to_status IN (${sql.raw(list(ANSWER_STATUSES))}) THEN e.id END)
      AS answer_id,
    max(CASE WHEN e.from_status IS DISTINCT FROM e.to_status THEN starts_with(e.reason, ${DISPLACED_PREFIX})::int END)
      AS displaced,
    min(CASE e.to_status WHEN 'live' THEN CASE WHEN e.from_status IS DISTINCT FROM 'live' THEN e.id END END) AS live_id,
    min(CASE e.to_status WHEN 'ended' THEN e.id END) AS ended_id,
    min(CASE e.to_status WHEN 'handed-over' THEN e.id END) AS handed_id,
    chr(10) || string_agg(
      CASE WHEN starts_with(e.reason, ${READY_PREFIX}) THEN replace(e.reason, chr(10), chr(1)) END, chr(10)
      ORDER BY e.id) AS ready
  FROM bookings b LEFT JOIN booking_events e ON e.booking = b.code
  WHERE (b.start_at >= ${f} AND b.start_at < ${t}) OR (b.received_at >= ${f} AND b.received_at < ${t})
  GROUP BY b.code
) g
LEFT JOIN booking_events d ON d.id = g.decision_id
ORDER BY g.code`;
}

function pgIncidentsSql(f: number, t: number): SQL {
  return sql`
WITH ie AS (
  SELECT incident,
    min(CASE WHEN action IN (${sql.raw(list(ACK_ACTIONS))}) THEN id END) AS ack_id,
    min(CASE WHEN action = ${RESOLVE_ACTION} THEN id END) AS resolve_id
  FROM incident_events
  WHERE incident IN (SELECT code FROM incidents WHERE opened_at >= ${f} AND opened_at < ${t})
  GROUP BY incident
)
SELECT i.code, i.endpoint, i.category, i.route, i.reporter, i.opened_at,
  (SELECT at FROM incident_events WHERE id = ie.ack_id) AS ack_at,
  (SELECT at FROM incident_events WHERE id = ie.resolve_id) AS resolved_at
FROM incidents i LEFT JOIN ie ON ie.incident = i.code
WHERE i.opened_at >= ${f} AND i.opened_at < ${t}
ORDER BY i.opened_at, i.code`;
}

/** WHITE_SPACE as a PostgreSQL regex class (the same characters as JavaScript's \s). */
const PG_WHITE_SPACE = `[${WHITE_SPACE.slice(2, -2)}]`;

type PgBookingRow = Record<string, Cell>;

async function loadPg(c: Conn, f: number, t: number): Promise<ReportRows> {
  const rows = await c.all<PgBookingRow>(pgBookingsSql(f, t));
  const bookings = rows.map((r) => {
    const out: Cell[] = [
      r.c00 ?? null,
      r.c01a ?? r.c01b ?? null,
      r.c02a ?? r.c02b ?? null,
      r.c03 ?? null,
      r.c04 ?? null,
      r.c05 ?? null,
      r.c06 ?? null,
      r.c07 ?? null,
      r.c08 ?? null,
      r.c09 ?? null,
      r.c10 ?? null,
      r.c11 ?? null,
      r.c12 ?? null,
      r.c13 ?? null,
      r.c14 ?? null,
      r.c15 ?? null,
      r.c16 ?? null,
    ];
    return out as unknown as BookingRow;
  });
  const incidents = (
    await c.all<{
      code: string;
      endpoint: string | null;
      category: string;
      route: string;
      reporter: string;
      opened_at: number;
      ack_at: number | null;
      resolved_at: number | null;
    }>(pgIncidentsSql(f, t))
  ).map(
    (r): IncidentFacts => ({
      code: r.code,
      endpoint: r.endpoint,
      category: r.category,
      route: r.route,
      reporter: r.reporter,
      openedAt: r.opened_at,
      ackAt: r.ack_at,
      resolvedAt: r.resolved_at,
    }),
  );
  const endpoints = await c.all<ReportRows["endpoints"][number]>(
    sql`SELECT row_number() OVER (ORDER BY code) AS id, code, level, agency FROM endpoints ORDER BY code`,
  );
  const agencies = await c.all<ReportRows["agencies"][number]>(
    sql`SELECT row_number() OVER (ORDER BY name) AS id, name, kind FROM agencies ORDER BY name`,
  );
  return { bookings, incidents, endpoints, agencies };
}

type Cell = string | number | null;

/** Statements prepared once per connection. */
const prepared = new WeakMap<Database.Database, ReturnType<typeof prepare>>();
function prepare(sqlite: Database.Database) {
  return {
    bookings: sqlite.prepare(BOOKINGS_SQL).raw(true),
    incidents: sqlite.prepare(INCIDENTS_SQL).raw(true),
    endpoints: sqlite.prepare("SELECT rowid AS id, code, level, agency FROM endpoints ORDER BY code"),
    agencies: sqlite.prepare("SELECT rowid AS id, name, kind FROM agencies ORDER BY name"),
  };
}

/**
 * Every fact a report over [from, to) needs, in two row-per-thing queries plus the directory, read in one
 * transaction so the directory ids the rows carry are the directory's. Call it inside `store.read` and pass its
 * Conn: on PostgreSQL that is one repeatable-read snapshot. Rows come as arrays (`.raw()`) of numbers
 * where they can: a yearly report is ~50 000 rows and building one value costs more than SQLite's own work.
 */
export async function loadReportRows(c: Conn, from: Date, to: Date): Promise<ReportRows> {
  if (c.dialect === "pg") return loadPg(c, from.getTime(), to.getTime());
  const sqlite = sqliteOf(c);
  let q = prepared.get(sqlite);
  if (!q) {
    q = prepare(sqlite);
    prepared.set(sqlite, q);
  }
  const st = q;
  const f = from.getTime();
  const t = to.getTime();
  return sqlite.transaction(
    (): ReportRows => ({
      bookings: st.bookings.all({
        f,
        t,
        displaced: startsWith(DISPLACED_PREFIX),
        readyGlob: startsWith(READY_PREFIX),
        ready: READY_PREFIX,
        suffix: READY_SUFFIX,
        ws: WHITE_SPACE,
      }) as BookingRow[],
      incidents: (st.incidents.all({ f, t }) as Cell[][]).map(
        (r): IncidentFacts => ({
          code: r[0] as string,
          endpoint: r[1] as string | null,
          category: r[2] as string,
          route: r[3] as string,
          reporter: r[4] as string,
          openedAt: r[5] as number,
          ackAt: r[6] as number | null,
          resolvedAt: r[7] as number | null,
        }),
      ),
      endpoints: st.endpoints.all() as ReportRows["endpoints"],
      agencies: st.agencies.all() as ReportRows["agencies"],
    }),
  )();
}

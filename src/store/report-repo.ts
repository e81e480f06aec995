import type Database from "better-sqlite3";
import {
  ACK_ACTIONS,
  ANSWER_STATUSES,
  type BookingFacts,
  DISPLACED_PREFIX,
  type IncidentFacts,
  READY_PREFIX,
  RESOLVE_ACTION,
  type ReportRows,
} from "../core/report/rows.js";

export type { ReportRows };

const list = (xs: readonly string[]) => xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(", ");

/**
 * One row per booking whose session starts in [@f, @t) or whose registration arrived in it. Its audit trail is
 * folded in one pass over the window's events (grouped by booking, through the booking index), then the few
 * event times are looked up by id. "First" is always the lowest event id, as the trail is written in order.
 * Endpoints and roll-call reasons come as JSON arrays (exact for any text); the reasons are only pre-selected by
 * their prefix here, the core's READY_RE decides.
 */
const BOOKINGS_SQL = `
WITH w AS (
  SELECT rowid AS rid, code FROM bookings
  WHERE (start_at >= @f AND start_at < @t) OR (received_at >= @f AND received_at < @t)
), ev AS (
  SELECT booking,
    min(CASE WHEN from_status = 'received' THEN id END) AS decisionId,
    min(CASE WHEN from_status IS NOT NULL AND to_status IN (${list(ANSWER_STATUSES)}) THEN id END) AS answerId,
    max(from_status IS NOT to_status AND substr(reason, 1, length(@displaced)) = @displaced) AS displaced,
    min(CASE WHEN to_status = 'live' AND from_status IS NOT 'live' THEN id END) AS liveId,
    min(CASE WHEN to_status = 'ended' THEN id END) AS endedId,
    min(CASE WHEN to_status = 'handed-over' THEN id END) AS handedId,
    json_group_array(reason) FILTER (WHERE substr(reason, 1, length(@ready)) = @ready) AS ready
  FROM booking_events WHERE booking IN (SELECT code FROM w) GROUP BY booking
), chk AS (
  SELECT booking, min(id) AS id FROM outbox
  WHERE kind = 'technical-check' AND booking IN (SELECT code FROM w) GROUP BY booking
)
SELECT b.code, b.status, b.host, b.host_endpoint, b.start_at, b.end_at, b.emergency, b.secret, b.recording,
  b.priority, b.ports, b.channel, b.received_at,
  d.to_status, CASE WHEN d.to_status IS NOT 'confirmed' THEN d.reason END,
  (SELECT at FROM booking_events WHERE id = ev.answerId),
  ev.displaced,
  (SELECT at FROM booking_events WHERE id = ev.liveId),
  (SELECT at FROM booking_events WHERE id = ev.endedId),
  (SELECT at FROM booking_events WHERE id = ev.handedId),
  (SELECT created_at FROM outbox WHERE id = chk.id),
  (SELECT json_group_array(endpoint) FROM booking_endpoints WHERE booking = b.code),
  ev.ready
FROM w JOIN bookings b ON b.rowid = w.rid
LEFT JOIN ev ON ev.booking = b.code
LEFT JOIN booking_events d ON d.id = ev.decisionId
LEFT JOIN chk ON chk.booking = b.code
ORDER BY w.rid`;

/** One row per incident opened in [@f, @t), its events folded the same way. */
const INCIDENTS_SQL = `
WITH ie AS (
  SELECT incident,
    min(CASE WHEN action IN (${list(ACK_ACTIONS)}) THEN id END) AS ackId,
    min(CASE WHEN action = '${RESOLVE_ACTION}' THEN id END) AS resolveId
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

type Cell = string | number | null;

/**
 * Every fact a report over [from, to) needs, in two row-per-thing queries plus the directory. Rows come as
 * arrays (`.raw()`): a yearly report is ~50 000 rows and building one object per row cost as much as the query.
 */
export async function loadReportRows(sqlite: Database.Database, from: Date, to: Date): Promise<ReportRows> {
  const f = from.getTime();
  const t = to.getTime();
  const bookings = (
    sqlite
      .prepare(BOOKINGS_SQL)
      .raw(true)
      .all({ f, t, displaced: DISPLACED_PREFIX, ready: READY_PREFIX }) as Cell[][]
  ).map(
    (r): BookingFacts => ({
      code: r[0] as string,
      status: r[1] as string,
      host: r[2] as string | null,
      hostEndpoint: r[3] as string | null,
      startAt: r[4] as number | null,
      endAt: r[5] as number | null,
      emergency: !!r[6],
      secret: !!r[7],
      recording: !!r[8],
      priority: r[9] as number,
      ports: r[10] as number,
      channel: r[11] as string,
      receivedAt: r[12] as number,
      decision: r[13] as string | null,
      decisionReason: r[14] as string | null,
      answeredAt: r[15] as number | null,
      displaced: !!r[16],
      liveAt: r[17] as number | null,
      endedAt: r[18] as number | null,
      handedOverAt: r[19] as number | null,
      checkAt: r[20] as number | null,
      endpoints: JSON.parse(r[21] as string) as string[],
      readyReasons: r[22] === null ? [] : (JSON.parse(r[22] as string) as string[]),
    }),
  );
  const incidents = (sqlite.prepare(INCIDENTS_SQL).raw(true).all({ f, t }) as Cell[][]).map(
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
  );
  const endpoints = sqlite
    .prepare("SELECT code, level, agency FROM endpoints ORDER BY code")
    .all() as ReportRows["endpoints"];
  const agencies = sqlite
    .prepare("SELECT name, kind FROM agencies ORDER BY name")
    .all() as ReportRows["agencies"];
  return { bookings, incidents, endpoints, agencies };
}

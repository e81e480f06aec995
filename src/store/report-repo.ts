import type Database from "better-sqlite3";
import type { ReportRows } from "../core/report/rows.js";

export type { ReportRows };

/**
 * Every row a report over [from, to) needs: bookings whose session starts in the window or whose registration
 * arrived in it, their endpoints, audit events and technical-check notices; incidents opened in the window and
 * their events; the directory. The SQL only narrows by time: every figure is computed by `computeReport`.
 */
export async function loadReportRows(sqlite: Database.Database, from: Date, to: Date): Promise<ReportRows> {
  const f = from.getTime();
  const t = to.getTime();
  const inWindow = "((start_at >= @f AND start_at < @t) OR (received_at >= @f AND received_at < @t))";
  const bookings = (
    sqlite
      .prepare(
        `SELECT code, status, host, host_endpoint AS hostEndpoint, start_at AS startAt, end_at AS endAt,
                emergency, secret, recording, priority, ports, channel, received_at AS receivedAt
         FROM bookings WHERE ${inWindow}`,
      )
      .all({ f, t }) as (Omit<ReportRows["bookings"][number], "emergency" | "secret" | "recording"> & {
      emergency: number;
      secret: number;
      recording: number;
    })[]
  ).map((b) => ({ ...b, emergency: !!b.emergency, secret: !!b.secret, recording: !!b.recording }));
  // Joined on the window's bookings (a correlated IN over the OR'd window is far slower in SQLite).
  const win = `JOIN bookings b ON b.code = x.booking AND ((b.start_at >= @f AND b.start_at < @t) OR (b.received_at >= @f AND b.received_at < @t))`;
  const bookingEndpoints = sqlite
    .prepare(`SELECT x.booking, x.endpoint, x.role FROM booking_endpoints x ${win}`)
    .all({ f, t }) as ReportRows["bookingEndpoints"];
  const bookingEvents = sqlite
    .prepare(
      `SELECT x.booking, x.at, x.from_status AS fromStatus, x.to_status AS toStatus, x.channel, x.reason
       FROM booking_events x ${win} ORDER BY x.id`,
    )
    .all({ f, t }) as ReportRows["bookingEvents"];
  const outbox = sqlite
    .prepare(
      `SELECT x.booking, x.kind, x.created_at AS createdAt FROM outbox x ${win}
       WHERE x.kind = 'technical-check' ORDER BY x.id`,
    )
    .all({ f, t }) as ReportRows["outbox"];
  const incidents = sqlite
    .prepare(
      `SELECT code, endpoint, booking, category, route, reporter, opened_at AS openedAt FROM incidents
       WHERE opened_at >= @f AND opened_at < @t`,
    )
    .all({ f, t }) as ReportRows["incidents"];
  const incidentEvents = sqlite
    .prepare(
      `SELECT incident, at, actor, action FROM incident_events
       WHERE incident IN (SELECT code FROM incidents WHERE opened_at >= @f AND opened_at < @t) ORDER BY id`,
    )
    .all({ f, t }) as ReportRows["incidentEvents"];
  const endpoints = sqlite
    .prepare("SELECT code, level, agency FROM endpoints ORDER BY code")
    .all() as ReportRows["endpoints"];
  const agencies = sqlite
    .prepare("SELECT name, kind FROM agencies ORDER BY name")
    .all() as ReportRows["agencies"];
  return {
    bookings,
    bookingEndpoints,
    bookingEvents,
    outbox,
    incidents,
    incidentEvents,
    endpoints,
    agencies,
  };
}

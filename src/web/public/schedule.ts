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

interface Row {
  code: string;
  status: BookingStatus;
  secret: number;
  startAt: number;
  endAt: number;
  sequence: number;
  updatedAt: number;
  title: string | null;
  host: string | null;
  hostEndpoint: string | null;
}

/**
 * The sessions starting in [from, to), in start order. With `feed`, also those an invite announced that no longer
 * take place as booked (cancelled, or back in review): a subscriber's calendar must learn of them. A filter never
 * matches a secret session: listing it under an agency or an endpoint would tell who takes part.
 */
export async function loadSchedule(
  store: Store,
  range: { from: Date; to: Date },
  opts: { feed: boolean; filter?: ScheduleFilter; endpointAgency?: (code: string) => string | undefined },
): Promise<PublicSession[]> {
  return store.read(() => {
    const db = store.sqlite;
    const f = range.from.getTime();
    const t = range.to.getTime();
    const statuses = opts.feed ? [...HELD, "cancelled", "needs-review", "needs-info", "rejected"] : [...HELD];
    const marks = statuses.map(() => "?").join(",");
    const rows = db
      .prepare(
        `SELECT code, status, secret, start_at AS startAt, end_at AS endAt, sequence, updated_at AS updatedAt,
                title, host, host_endpoint AS hostEndpoint
         FROM bookings
         WHERE start_at >= ? AND start_at < ? AND end_at IS NOT NULL AND status IN (${marks})
         ORDER BY start_at, code`,
      )
      .all(f, t, ...statuses) as Row[];
    const confirmedOnce = new Set<string>();
    if (opts.feed) {
      const back = db
        .prepare(
          `SELECT DISTINCT e.booking AS code FROM booking_events e
           JOIN bookings b ON b.code = e.booking
           WHERE b.start_at >= ? AND b.start_at < ? AND b.status IN ('needs-review', 'needs-info', 'rejected')
             AND e.to_status = 'confirmed'`,
        )
        .all(f, t) as { code: string }[];
      for (const r of back) confirmedOnce.add(r.code);
    }
    const endpoints = new Map<string, string[]>();
    const eps = db
      .prepare(
        `SELECT x.booking, x.endpoint FROM booking_endpoints x
         JOIN bookings b ON b.code = x.booking
         WHERE b.start_at >= ? AND b.start_at < ? AND b.secret = 0
         ORDER BY x.booking, CASE x.role WHEN 'host' THEN 0 ELSE 1 END, x.endpoint`,
      )
      .all(f, t) as { booking: string; endpoint: string }[];
    for (const e of eps) {
      const list = endpoints.get(e.booking);
      if (list) list.push(e.endpoint);
      else endpoints.set(e.booking, [e.endpoint]);
    }
    const out: PublicSession[] = [];
    for (const r of rows) {
      const held = HELD.includes(r.status);
      const announced = held || r.status === "cancelled" || confirmedOnce.has(r.code);
      // A cancellation always mailed a CANCEL with this UID; a booking in review that never held a slot did not.
      if (!announced) continue;
      const secret = r.secret === 1;
      const session: PublicSession = {
        code: r.code,
        status: r.status,
        secret,
        start: new Date(r.startAt),
        end: new Date(r.endAt),
        sequence: r.sequence,
        updatedAt: new Date(r.updatedAt),
        title: secret ? null : r.title,
        host: secret ? null : r.host,
        hostEndpoint: secret ? null : r.hostEndpoint,
        endpoints: secret ? [] : (endpoints.get(r.code) ?? []),
        announced,
      };
      if (
        (opts.filter?.agency || opts.filter?.endpoint) &&
        !matches(session, opts.filter, opts.endpointAgency)
      )
        continue;
      out.push(session);
    }
    return out;
  });
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

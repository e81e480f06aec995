import ical, { ICalEventStatus } from "ical-generator";
import { calendarOf, inviteUid } from "../../core/booking/invite.js";
import { HELD, type PublicSession } from "./schedule.js";

/** What a secret session shows anywhere public (Điều 5.2): this and its time, nothing else. */
export const SECRET_LABEL = "Phiên họp có nội dung mật";

export interface FeedOptions {
  /** The calendar's name in the subscriber's client. */
  name: string;
  /** The desk's Message-ID domain: the UID's right-hand side, as in the mail invites. */
  domain: string;
  endpointName: (code: string) => string | undefined;
}

function status(s: PublicSession): ICalEventStatus {
  if (s.status === "cancelled" || s.status === "rejected") return ICalEventStatus.CANCELLED;
  return HELD.includes(s.status) ? ICalEventStatus.CONFIRMED : ICalEventStatus.TENTATIVE;
}

/**
 * A subscription feed (no METHOD: it publishes, it does not invite). UID, SEQUENCE and DTSTAMP come from the same
 * `calendarOf` as the mail invite, so the event a clerk got by mail and the one in the feed are the same event.
 * Every time is UTC. The text depends only on the sessions, so equal content gives an equal ETag.
 */
export function scheduleFeed(sessions: PublicSession[], opts: FeedOptions): string {
  const calendar = ical({
    prodId: { company: "hanoi.gov.vn", product: "ban-ky-thuat-hop-truc-tuyen", language: "VI" },
    name: opts.name,
    ttl: 30 * 60,
  });
  for (const s of sessions) {
    const cancelled = s.status === "cancelled" || s.status === "rejected";
    const cal = calendarOf(
      { code: s.code, sequence: s.sequence, updatedAt: s.updatedAt, request: { ...s, title: s.title } },
      cancelled ? "CANCEL" : "REQUEST",
    );
    if (!cal) continue;
    const base = {
      id: inviteUid(cal.uid, opts.domain),
      sequence: cal.sequence,
      stamp: new Date(cal.stamp),
      lastModified: s.updatedAt,
      start: new Date(cal.start),
      end: new Date(cal.end),
      status: status(s),
    };
    if (s.secret) {
      // Điều 5.2: no title, description, location or attendees; the code stays only inside the UID.
      calendar.createEvent({ ...base, summary: SECRET_LABEL });
      continue;
    }
    const names = s.endpoints.map((c) => opts.endpointName(c) ?? c);
    calendar.createEvent({
      ...base,
      summary: cal.summary,
      description: [
        s.host ? `Cơ quan chủ trì: ${s.host}` : null,
        names.length ? `Điểm cầu: ${names.join("; ")}` : null,
        `Mã lịch: ${s.code}`,
      ]
        .filter(Boolean)
        .join("\n"),
      ...(s.hostEndpoint ? { location: opts.endpointName(s.hostEndpoint) ?? s.hostEndpoint } : {}),
    });
  }
  return calendar.toString();
}

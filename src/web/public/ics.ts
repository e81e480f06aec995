import { calendarOf, inviteUid } from "../../core/booking/invite.js";
import { eventText, FEED_TAIL, type FeedEvent, feedHead } from "./ical-writer.js";
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

function status(s: PublicSession): FeedEvent["status"] {
  if (s.status === "cancelled" || s.status === "rejected") return "CANCELLED";
  return HELD.includes(s.status) ? "CONFIRMED" : "TENTATIVE";
}

const PROD_ID = "-//hanoi.gov.vn//ban-ky-thuat-hop-truc-tuyen//VI";

/**
 * A subscription feed (no METHOD: it publishes, it does not invite). UID, SEQUENCE and DTSTAMP come from the same
 * `calendarOf` as the mail invite, so the event a clerk got by mail and the one in the feed are the same event.
 * Every time is UTC. The text depends only on the sessions, so equal content gives an equal ETag.
 */
export function scheduleFeed(sessions: PublicSession[], opts: FeedOptions): string {
  return new FeedRenderer(opts.domain).render(sessions, opts.name, opts.endpointName).toString("utf8");
}

const TAIL = Buffer.from(FEED_TAIL, "utf8");

/**
 * Renders feeds as UTF-8 bytes and remembers each session's VEVENT bytes, so that a feed rebuilt after one booking
 * changed writes and encodes one event, not a year of them, and joins the rest with one copy (no megabyte string to
 * flatten and encode). A remembered event is reused only while everything it shows is unchanged (the key below); a
 * new directory snapshot (endpoint names) clears them all. Bounded: cleared past `max` sessions.
 */
export class FeedRenderer {
  private events = new Map<string, { key: string; bytes: Buffer }>();
  private names: ((code: string) => string | undefined) | undefined;

  constructor(
    private readonly domain: string,
    private readonly max = 50_000,
  ) {}

  render(
    sessions: PublicSession[],
    name: string,
    endpointName: (code: string) => string | undefined,
  ): Buffer {
    if (this.names !== endpointName || this.events.size > this.max) {
      this.events.clear();
      this.names = endpointName;
    }
    const parts: Buffer[] = [Buffer.from(feedHead({ prodId: PROD_ID, name, refreshMinutes: 30 }), "utf8")];
    for (const s of sessions) {
      const key = `${s.status}|${s.sequence}|${s.updatedAt.getTime()}|${s.start.getTime()}|${s.end.getTime()}|${s.secret}|${s.title}|${s.host}|${s.hostEndpoint}|${s.endpoints.join(",")}`;
      let known = this.events.get(s.code);
      if (known?.key !== key) {
        const ev = feedEvent(s, this.domain, endpointName);
        known = { key, bytes: Buffer.from(ev ? eventText(ev) : "", "utf8") };
        this.events.set(s.code, known);
      }
      parts.push(known.bytes);
    }
    parts.push(TAIL);
    return Buffer.concat(parts);
  }
}

function feedEvent(
  s: PublicSession,
  domain: string,
  endpointName: (code: string) => string | undefined,
): FeedEvent | undefined {
  const cancelled = s.status === "cancelled" || s.status === "rejected";
  const cal = calendarOf(
    { code: s.code, sequence: s.sequence, updatedAt: s.updatedAt, request: { ...s, title: s.title } },
    cancelled ? "CANCEL" : "REQUEST",
  );
  if (!cal) return undefined;
  const base = {
    uid: inviteUid(cal.uid, domain),
    sequence: cal.sequence,
    stamp: s.updatedAt,
    lastModified: s.updatedAt,
    start: s.start,
    end: s.end,
    status: status(s),
  };
  // Điều 5.2: no title, description, location or attendees; the code stays only inside the UID.
  if (s.secret) return { ...base, summary: SECRET_LABEL };
  const names = s.endpoints.map((c) => endpointName(c) ?? c);
  return {
    ...base,
    summary: cal.summary,
    description: [
      s.host ? `Cơ quan chủ trì: ${s.host}` : null,
      names.length ? `Điểm cầu: ${names.join("; ")}` : null,
      `Mã lịch: ${s.code}`,
    ]
      .filter(Boolean)
      .join("\n"),
    ...(s.hostEndpoint ? { location: endpointName(s.hostEndpoint) ?? s.hostEndpoint } : {}),
  };
}

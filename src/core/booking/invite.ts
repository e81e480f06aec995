import type { Booking, BookingRequest } from "./types.js";

/** What an invite (mail or feed) needs of a booking: nothing a subscriber must not see is required. */
export type InviteSource = Pick<Booking, "code" | "sequence" | "updatedAt"> & {
  request: Pick<BookingRequest, "start" | "end" | "title" | "secret">;
};

/** The calendar data of one invite, as the outbox stores it and the SMTP sender renders it. */
export interface InviteData {
  method: "REQUEST" | "CANCEL";
  /** The booking code; the iCalendar UID is `inviteUid(uid, domain)`. */
  uid: string;
  sequence: number;
  start: string;
  end: string;
  /** When this version of the booking was decided (DTSTAMP). */
  stamp: string;
  summary: string;
  /** Where the session is hosted (the host endpoint's name); never for a secret session (Điều 5.2). */
  location?: string;
}

/**
 * Calendar data for the invite: METHOD:REQUEST while the booking holds, CANCEL when it is gone. The mail invite and
 * the public ICS feeds both derive UID and SEQUENCE here, so a clerk who gets the mail and subscribes to the feed
 * sees one event, updated in place.
 */
export function calendarOf(
  b: InviteSource,
  method: "REQUEST" | "CANCEL",
  location?: string | null,
): InviteData | undefined {
  const { start, end, title, secret } = b.request;
  if (!start || !end) return undefined;
  return {
    method,
    uid: b.code,
    sequence: b.sequence,
    start: start.toISOString(),
    end: end.toISOString(),
    stamp: b.updatedAt.toISOString(),
    // Điều 5.2: a secret session's invite names only the code.
    summary: secret || !title ? `Phiên họp trực tuyến ${b.code}` : `${title} (${b.code})`,
    ...(location && !secret ? { location } : {}),
  };
}

/** The iCalendar UID of a booking's event: its code at the desk's Message-ID domain, stable for its life. */
export function inviteUid(code: string, domain: string): string {
  return `${code}@${domain}`;
}

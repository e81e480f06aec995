/**
 * Fixtures shared by the tests and by scripts (scripts/screenshots.ts): nothing here imports vitest, so a script can
 * use them outside a test run.
 */
import { join } from "node:path";
import { ROOT } from "../../src/app/config.js";
import { readDirectoryCsv } from "../../src/app/directory/csv.js";
import type { Booking, BookingRequest } from "../../src/core/booking/types.js";
import { atLocal } from "../../src/core/calendar/zone.js";
import { DEFAULT_REGULATION } from "../../src/core/regulation.js";
import type { OutboxMessage } from "../../src/store/queue-repos.js";

export const ZONE = DEFAULT_REGULATION.zone;

/** Hanoi local time as an instant: `at("2026-12-10", "09:00")`. */
export function at(date: string, time: string): Date {
  return atLocal(date, time, ZONE);
}

/** A clerk's request as the mail parser understands it: Sở Công Thương, two communes, 10/12/2026 09:00–11:00. */
export function request(overrides: Partial<BookingRequest> = {}): BookingRequest {
  // Written by the host's own clerk: a mail from another agency's mailbox goes to review (Điều 12.2a).
  const sender = overrides.host && overrides.sender === undefined ? mailboxOf(overrides.host) : undefined;
  return {
    host: "Sở Công Thương",
    participants: ["CX-00008", "CX-00025"],
    unresolved: [],
    start: at("2026-12-10", "09:00"),
    end: at("2026-12-10", "11:00"),
    title: "Triển khai kế hoạch bình ổn thị trường Tết",
    contact: { name: "Lâm Thị Ngọc", phone: "0983210456" },
    emergency: false,
    secret: false,
    recording: false,
    cityHallRoom: false,
    otherSupport: null,
    receivedAt: at("2026-12-07", "08:30"),
    channel: "mail",
    sender: sender ?? "vanthu.sct@hanoi.gov.vn",
    ...overrides,
  };
}

let mailboxes: Map<string, string> | null = null;

/** The first official mailbox of an agency of the sample directory (data/sample-directory), if it has one. */
function mailboxOf(agency: string): string | undefined {
  mailboxes ??= new Map(
    readDirectoryCsv(join(ROOT, "data/sample-directory")).agencies.flatMap((a) =>
      a.mailboxes[0] ? [[a.name, a.mailboxes[0]] as const] : [],
    ),
  );
  return mailboxes.get(agency);
}

/**
 * A mail answer waiting in the outbox, as the SMTP sender receives it: a confirmation of HTT-2026-0001 to the Sở
 * Công Thương clerk, never tried. `overrides` replace whole fields (give `payload` in full).
 */
/**
 * A booking as the store keeps it, for a test that writes one directly (`r.bookings.save`) instead of deciding it:
 * the status and request given, priority 1, no reasons, sequence 0; `extra` for anything else.
 */
export function storedBooking(
  code: string,
  status: Booking["status"],
  req: BookingRequest,
  now: Date,
  extra: Partial<Booking> = {},
): Booking {
  return {
    code,
    status,
    request: req,
    hostEndpoint: "SCT-01",
    priority: 1,
    reasons: [],
    missing: [],
    sequence: 0,
    createdAt: now,
    updatedAt: now,
    ...extra,
  };
}

export function pendingMail(overrides: Partial<OutboxMessage> = {}): OutboxMessage {
  return {
    id: 1,
    channel: "mail",
    recipient: "vanthu.sct@hanoi.gov.vn",
    kind: "booking-confirmed",
    payload: { text: "Đã ghi nhận lịch họp." },
    booking: "HTT-2026-0001",
    status: "pending",
    attempts: 0,
    availableAt: new Date(0),
    lastError: null,
    createdAt: new Date(0),
    sentAt: null,
    ...overrides,
  };
}

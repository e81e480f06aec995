/**
 * What a report is computed from, read-only. The store folds each booking's audit trail, endpoints, roll call and
 * check notice into one narrow row of numbers (host and endpoints as directory ids, statuses and channels as
 * indexes into the lists below, flags as bits), so a yearly report reads ~50 000 small arrays, not ~600 000
 * objects. Which event counts for what is fixed by the constants below, shared with the store's query; every
 * figure is still computed by the pure core from these facts.
 */

/** Statuses that settle a request: the first move into one of them is the answer (Điều 12.2b). */
export const ANSWER_STATUSES = ["confirmed", "needs-info", "rejected", "cancelled"] as const;
/** Incident actions that count as acknowledging it (taken, forwarded, resolved). */
export const ACK_ACTIONS = ["nhan", "chuyen", "xong"] as const;
/** Incident action that resolves it. */
export const RESOLVE_ACTION = "xong";
/** A status change whose reason starts with this displaced the booking for a priority session (Điều 11). */
export const DISPLACED_PREFIX = "nhường cho phiên ưu tiên";
/**
 * A roll-call confirmation reads «điểm cầu CODE sẵn sàng …» (READY_RE). The store counts, per session, the booked
 * endpoints with such a confirmation: a reason starting with READY_PREFIX + code + READY_SUFFIX, for a code with
 * no white space, is exactly a reason READY_RE matches with that code.
 */
export const READY_PREFIX = "điểm cầu ";
export const READY_SUFFIX = " sẵn sàng";
export const READY_RE = /^điểm cầu (\S+) sẵn sàng/;

/** First decisions the report counts, by index (BookingRow.decision). */
export const DECISION_STATUSES = ["confirmed", "needs-info", "needs-review", "rejected"] as const;
/** Channels by index (BookingRow.channel); any other channel is -1. */
export const CHANNELS = ["mail", "telegram", "zalo", "web", "cli"] as const;

/** Bits of BookingRow.flags. */
export const FLAG = {
  emergency: 1,
  secret: 2,
  recording: 4,
  /** Some status change's reason starts with DISPLACED_PREFIX. */
  displaced: 8,
  /** Status is `cancelled`. */
  cancelled: 16,
  /** Priority 3: the chair was notified (Điều 11). */
  chair: 32,
} as const;

/**
 * One booking whose session starts in the window or whose registration arrived in it, as an array (read by the
 * positions named in `B`). "First" event is always the lowest event id, as the trail is written in order.
 *
 * Registration cells (decision … answeredAt) are filled only if the booking was received in the window; session
 * cells (endAt, liveAt) only if its session starts in the window, and the rest (endedAt … endpoints) only for
 * such a session that is not cancelled and went live: the core asks for them in no other case.
 */
export type BookingRow = [
  code: string,
  /** The host agency's directory id; its name if the directory has no such agency; null if none. */
  host: number | string | null,
  /** The host endpoint's directory id; its code if the directory has no such endpoint; null if none. */
  hostEndpoint: number | string | null,
  flags: number,
  startAt: number | null,
  /** Milliseconds after startAt (small numbers, where instants would each be a heap number in JavaScript). */
  endAt: number | null,
  ports: number,
  receivedAt: number,
  /** The first move out of `received`: its index in DECISION_STATUSES, -1 for another status, null if none. */
  decision: number | null,
  /** Index in CHANNELS, -1 for another channel. */
  channel: number | null,
  /** The first decision's reason text unless it was `confirmed`. */
  decisionReason: string | null,
  /** The first event from a status into one of ANSWER_STATUSES: milliseconds after receivedAt. */
  answeredAt: number | null,
  /**
   * Milliseconds after startAt, like the rest: the first move into `live` from another status; first into
   * `ended`; first into `handed-over` (recorded sessions only).
   */
  liveAt: number | null,
  endedAt: number | null,
  handedOverAt: number | null,
  /** When the first technical-check notice was written to the outbox, in milliseconds after startAt. */
  checkAt: number | null,
  /**
   * The booked endpoints (host included) as "N R ID,ID,…": how many, how many of them confirmed readiness at roll
   * call, and the directory ids of those in the directory.
   */
  endpoints: string | null,
];

/** Positions in BookingRow. */
export const B = {
  code: 0,
  host: 1,
  hostEndpoint: 2,
  flags: 3,
  startAt: 4,
  endAt: 5,
  ports: 6,
  receivedAt: 7,
  decision: 8,
  channel: 9,
  decisionReason: 10,
  answeredAt: 11,
  liveAt: 12,
  endedAt: 13,
  handedOverAt: 14,
  checkAt: 15,
  endpoints: 16,
} as const;

export interface IncidentFacts {
  code: string;
  endpoint: string | null;
  category: string;
  route: string;
  reporter: string;
  openedAt: number;
  /** The first event (by id) whose action is one of ACK_ACTIONS; the first RESOLVE_ACTION. */
  ackAt: number | null;
  resolvedAt: number | null;
}

export interface ReportRows {
  /** Bookings whose session starts in the window or whose registration arrived in it, in insertion order. */
  bookings: BookingRow[];
  /** Incidents opened in the window. */
  incidents: IncidentFacts[];
  /** The directory, ordered by code and by name; `id` is what BookingRow refers to. */
  endpoints: { id: number; code: string; level: string; agency: string }[];
  agencies: { id: number; name: string; kind: string }[];
}

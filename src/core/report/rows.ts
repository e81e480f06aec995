/**
 * What a report is computed from: one row per booking and per incident, read-only. The store folds each
 * booking's audit trail, endpoints and check notice into the few facts the report uses (which event counts is
 * fixed by the constants below, shared with the store's query), so a yearly report reads ~50 000 rows, not
 * ~600 000. Every figure is still computed by the pure core from these facts.
 */

/** Statuses that settle a request: the first move into one of them is the answer (Điều 12.2b). */
export const ANSWER_STATUSES = ["confirmed", "needs-info", "rejected", "cancelled"] as const;
/** Incident actions that count as acknowledging it (taken, forwarded, resolved). */
export const ACK_ACTIONS = ["nhan", "chuyen", "xong"] as const;
/** Incident action that resolves it. */
export const RESOLVE_ACTION = "xong";
/** A status change whose reason starts with this displaced the booking for a priority session (Điều 11). */
export const DISPLACED_PREFIX = "nhường cho phiên ưu tiên";
/** A roll-call confirmation reads «điểm cầu CODE sẵn sàng …»: READY_RE takes the code. */
export const READY_PREFIX = "điểm cầu ";
export const READY_RE = /^điểm cầu (\S+) sẵn sàng/;

export interface BookingFacts {
  code: string;
  status: string;
  host: string | null;
  hostEndpoint: string | null;
  startAt: number | null;
  endAt: number | null;
  emergency: boolean;
  secret: boolean;
  recording: boolean;
  priority: number;
  ports: number;
  channel: string;
  receivedAt: number;
  /**
   * The first move out of `received` (lowest event id): its target status, and its reason text unless it was
   * `confirmed` (a confirmation has no reasons to count); null if none.
   */
  decision: string | null;
  decisionReason: string | null;
  /** The first event (by id) from a status into one of ANSWER_STATUSES. */
  answeredAt: number | null;
  /** Some status change's reason starts with DISPLACED_PREFIX. */
  displaced: boolean;
  /** First move into `live` from another status; first move into `ended`; first into `handed-over`. */
  liveAt: number | null;
  endedAt: number | null;
  handedOverAt: number | null;
  /** When the first technical-check notice was written to the outbox. */
  checkAt: number | null;
  /** Booked endpoints (host included). */
  endpoints: string[];
  /** Reasons of events that start with READY_PREFIX (READY_RE decides which are confirmations). */
  readyReasons: string[];
}

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
  bookings: BookingFacts[];
  /** Incidents opened in the window. */
  incidents: IncidentFacts[];
  endpoints: { code: string; level: string; agency: string }[];
  agencies: { name: string; kind: string }[];
}

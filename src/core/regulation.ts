/**
 * The numbers of Decision 3125/QĐ-UBND (2022) as one typed object. Every value here is a default that
 * configuration may override (see src/app/config.ts); no other module hard-codes a number of the Quy chế.
 */
export type AgencyKind =
  | "party"
  | "assembly"
  | "council"
  | "government"
  | "front"
  | "department"
  | "security"
  | "military"
  | "board"
  | "commune"
  | "district"
  | "other";

export interface Regulation {
  /** IANA zone in which every time is shown and every calendar day is counted. */
  zone: string;
  /** Điều 12.2a: registration lead time before the session. */
  leadTimeMinutes: { normal: number; emergency: number };
  /** Điều 12.2b: the desk answers within this long after receipt; a reminder goes out earlier. */
  answerWithinMinutes: number;
  answerReminderMinutes: number;
  /** Điều 12.2b: technical check no later than this long before the start. */
  technicalCheckBeforeMinutes: number;
  /** Điều 14.2: recording handed over within this many working days of the end. */
  recordingHandoverWorkingDays: number;
  /** Điều 7: endpoints per agency by level; `commune` may be raised by a recorded approval. */
  quotas: { city: number; district: number; commune: number };
  /** Điều 7.1: headquarters with no endpoint limit. */
  unlimitedQuotaKinds: AgencyKind[];
  /** Điều 11.1: chairs whose offices notify sessions rather than request them. */
  chairKinds: AgencyKind[];
  /** Gap kept free on an endpoint between two sessions, for reconnection and checks. */
  setupGapMinutes: number;
  /** MCU capacity: ports (endpoint connections) and concurrent conferences. */
  mcu: { ports: number; conferences: number };
  /** Office hours, used to propose alternatives and to place working-day deadlines. */
  workday: { start: string; end: string };
  /**
   * The midday break: a proposed alternative does not overlap it unless the requested session did. The Quy chế
   * sets no hours; offices in Hà Nội break from 11:30 or 12:00 to 13:00 or 13:30, so the hour all of them share is
   * the default: a slot offered in the morning ends by 12:00, one in the afternoon starts at 13:00 or later.
   */
  lunch: { start: string; end: string };
  /** Used when a request names a start but no end. */
  defaultDurationMinutes: number;
  /** How many alternatives a rejection proposes. */
  alternatives: number;
  /** A start further ahead than this goes to a technician: likely a mistyped date. */
  horizonMonths: number;
}

export const DEFAULT_REGULATION: Regulation = {
  zone: "Asia/Ho_Chi_Minh",
  leadTimeMinutes: { normal: 24 * 60, emergency: 6 * 60 },
  answerWithinMinutes: 120,
  answerReminderMinutes: 90,
  technicalCheckBeforeMinutes: 120,
  recordingHandoverWorkingDays: 2,
  quotas: { city: 2, district: 3, commune: 1 },
  unlimitedQuotaKinds: ["party", "council", "government"],
  chairKinds: ["party", "assembly", "council", "government"],
  setupGapMinutes: 15,
  mcu: { ports: 150, conferences: 6 },
  workday: { start: "07:30", end: "17:00" },
  lunch: { start: "12:00", end: "13:00" },
  defaultDurationMinutes: 120,
  alternatives: 3,
  horizonMonths: 12,
};

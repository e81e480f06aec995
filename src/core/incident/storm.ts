import { type FaultCategory, type Route, routeOf } from "./classify.js";

/**
 * Storms: many reports in a short window about the same live session, or the same fault class across endpoints
 * outside sessions, are one major incident. Pure: the recent incidents and `now` come in.
 */
export interface StormOptions {
  /** Reports within this many seconds of each other count towards a storm. */
  windowSeconds: number;
  /** This many distinct endpoints reporting within the window form a major incident. */
  threshold: number;
}

export const DEFAULT_STORM: StormOptions = { windowSeconds: 120, threshold: 5 };

/** What grouping needs of an incident. */
export interface StormMember {
  code: string;
  endpoint: string | null;
  category: Exclude<FaultCategory, "other">;
  booking: string | null;
  openedAt: Date;
  /** The major incident it already belongs to. */
  major: string | null;
}

/** The storm a report belongs to: its live session if any, else its fault class across endpoints. */
export function stormKey(m: Pick<StormMember, "booking" | "category">): string {
  return m.booking ? `session:${m.booking}` : `class:${m.category}`;
}

export type StormDecision =
  /** No storm: the report stays an incident of its own. */
  | { kind: "none" }
  /** A major incident for this storm is open: the report joins it. */
  | { kind: "join"; major: string }
  /** The report tips the window over the threshold: these incidents (the report included) form a major one. */
  | { kind: "form"; members: string[] };

/**
 * Decide where a new report goes. `openMajor` is the open major incident of the report's storm key, if any;
 * `recent` the open incidents of the desk (any key; only those of the same key, within the window, with an
 * endpoint and no major yet count).
 */
export function decideStorm(
  report: StormMember,
  recent: readonly StormMember[],
  openMajor: string | null,
  now: Date,
  opts: StormOptions,
): StormDecision {
  if (!report.endpoint) return { kind: "none" };
  if (openMajor) return { kind: "join", major: openMajor };
  const key = stormKey(report);
  const since = now.getTime() - opts.windowSeconds * 1000;
  const members = recent.filter(
    (m) =>
      m.code !== report.code &&
      m.endpoint !== null &&
      m.major === null &&
      m.openedAt.getTime() >= since &&
      stormKey(m) === key,
  );
  const endpoints = new Set([report.endpoint, ...members.map((m) => m.endpoint)]);
  if (endpoints.size < opts.threshold) return { kind: "none" };
  return { kind: "form", members: [...members.map((m) => m.code), report.code] };
}

/** How a fault class reads in «N điểm cầu báo …». */
const REPORTED_VI: Record<Exclude<FaultCategory, "other">, string> = {
  audio: "mất tiếng",
  video: "mất hình",
  network: "mất đường truyền",
  power: "mất điện",
  equipment: "lỗi thiết bị",
};

/** Who handles a storm: a session's storm is the MCU technicians'; a class storm goes by its class. */
export function stormRoute(key: string, category: FaultCategory): Route {
  return key.startsWith("session:") ? "mcu" : routeOf(category);
}

const HANDLER_VI: Record<Route, string> = { mcu: "kỹ thuật MCU", wan: "trực ban mạng WAN" };

/**
 * The group's one message about a major incident, e.g. «Sự cố diện rộng: 12 điểm cầu báo mất tiếng trong một phiên
 * họp; kỹ thuật MCU đang xử lý». `categories` lists the classes reported, most reported first. The session is not
 * named (the incident's row keeps it): the group has just read the reports' words, and a session's code after them
 * would tie the reporters' endpoints to it, a secret one included (Điều 5.2).
 */
export function stormText(
  code: string,
  endpoints: number,
  categories: readonly Exclude<FaultCategory, "other">[],
  booking: string | null,
  route: Route,
): string {
  const what =
    categories.length === 1
      ? REPORTED_VI[categories[0]!]
      : `sự cố (${categories.map((c) => REPORTED_VI[c]).join(", ")})`;
  return `Sự cố diện rộng ${code}: ${endpoints} điểm cầu báo ${what}${booking ? " trong một phiên họp" : ""}; ${HANDLER_VI[route]} đang xử lý.`;
}

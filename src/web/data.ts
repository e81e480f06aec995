import type { Desk } from "../app/desk.js";
import type { Booking } from "../core/booking/types.js";
import { atLocal, localDateOf } from "../core/calendar/zone.js";
import type { Incident } from "../core/incident/types.js";

/** An endpoint of a session as the "Hôm nay" page shows it. */
export interface EndpointState {
  code: string;
  name: string;
  /** Confirmed ready (`/sansang`, Điều 12.2c). */
  ready: boolean;
  /** The open incident on its MCU leg, when the runner saw it drop. */
  legIncident: string | null;
}

export interface SessionView {
  booking: Booking;
  endpoints: EndpointState[];
  /** The MCU conference the runner created, or null before the start. */
  conference: string | null;
}

const READY = /^điểm cầu (\S+) sẵn sàng/;

function endpointsOf(b: Booking): string[] {
  return [...new Set([b.hostEndpoint, ...b.request.participants].filter((x): x is string => Boolean(x)))];
}

/** The longest session the rules accept (as the booking store's overlap search): how far back one may have begun. */
const LONGEST_SESSION_MS = 24 * 3600_000;

/**
 * Live and upcoming sessions of today (Hanoi's day), with readiness and MCU state. A session that began before
 * midnight and still runs is today's too: at 00:30 on New Year's Day the night's emergency session, live since
 * 22:00, was missing from the board («Không còn phiên họp nào trong hôm nay»).
 */
export async function todaySessions(desk: Desk, now: Date): Promise<SessionView[]> {
  const zone = desk.reg.zone;
  const day = localDateOf(now, zone);
  const from = atLocal(day, "00:00", zone);
  const to = new Date(from.getTime() + 24 * 3600_000);
  return desk.store.read(async (r) => {
    const since = new Date(from.getTime() - LONGEST_SESSION_MS);
    const list = (
      await r.bookings.list({ from: since, to, statuses: ["confirmed", "checked", "live"] })
    ).filter((b) =>
      b.request.end
        ? b.request.end.getTime() > now.getTime()
        : (b.request.start?.getTime() ?? 0) >= from.getTime(),
    );
    const directory = await r.directory.snapshot();
    // Three queries for the whole day, not three per session and endpoint.
    const events = await r.bookings.eventsOf(list.map((b) => b.code));
    const keys = list.flatMap((b) => [
      `mcu:conference:${b.code}`,
      ...endpointsOf(b).map((code) => `mcu:leg:${b.code}:${code}`),
    ]);
    const meta = await r.meta.getMany(keys);
    return list.map((b) => {
      const ready = new Set((events.get(b.code) ?? []).map((e) => READY.exec(e.reason)?.[1]).filter(Boolean));
      const endpoints: EndpointState[] = endpointsOf(b).map((code) => {
        const leg = meta.get(`mcu:leg:${b.code}:${code}`);
        return {
          code,
          name: directory.endpoint(code)?.name ?? code,
          ready: ready.has(code),
          legIncident: leg && leg !== "-" ? leg : null,
        };
      });
      return { booking: b, endpoints, conference: meta.get(`mcu:conference:${b.code}`) ?? null };
    });
  });
}

export interface IncidentView {
  incident: Incident;
  /** The session it happened in, when known: its secrecy decides what a non-admin sees. */
  booking: Booking | null;
}

export interface IncidentFilter {
  status?: string;
  category?: string;
  endpoint?: string;
  booking?: string;
  /** Only the ones not resolved. */
  open?: boolean;
}

export async function incidents(desk: Desk, f: IncidentFilter = {}): Promise<IncidentView[]> {
  return desk.store.read(async (r) => {
    const all = (await r.incidents.list()).filter(
      (i) =>
        (!f.open || i.status !== "resolved") &&
        (!f.status || i.status === f.status) &&
        (!f.category || i.category === f.category) &&
        (!f.endpoint || i.endpoint === f.endpoint) &&
        (!f.booking || i.booking === f.booking),
    );
    const cache = new Map<string, Booking | null>();
    const out: IncidentView[] = [];
    for (const i of all.reverse()) {
      let b: Booking | null = null;
      if (i.booking) {
        if (!cache.has(i.booking)) cache.set(i.booking, await r.bookings.get(i.booking));
        b = cache.get(i.booking) ?? null;
      }
      out.push({ incident: i, booking: b });
    }
    return out;
  });
}

export interface PendingView {
  booking: Booking;
  /** When the 2-hour answer (Điều 12.2b) is due; null for needs-info (the clerk owes the answer). */
  deadline: Date | null;
}

/** One page of a queue, and how many wait in all. */
export interface PendingQueue {
  total: number;
  /** The page shown, from 1 (clamped to the last page). */
  page: number;
  pages: number;
  list: PendingView[];
}

/** Cards per page of each queue: the page stays quick and readable when hundreds wait. */
export const PENDING_PAGE_SIZE = 25;

/**
 * Bookings waiting for the desk (needs-review) or the clerk (needs-info), oldest receipt first, one page of each
 * (`page` from 1). The answer clock starts at receipt, or when a displaced or postponed booking went back to review
 * (as the desk's timers do).
 */
export async function pendingBookings(
  desk: Desk,
  pages: { review?: number; info?: number } = {},
): Promise<{ review: PendingQueue; info: PendingQueue }> {
  return desk.store.read(async (r) => {
    const one = async (status: "needs-review" | "needs-info", wanted = 1): Promise<PendingQueue> => {
      const total = await r.bookings.count({ statuses: [status] });
      const count = Math.max(1, Math.ceil(total / PENDING_PAGE_SIZE));
      const page = Math.min(Math.max(1, Math.floor(wanted)), count);
      const list = await r.bookings.queue([status], {
        limit: PENDING_PAGE_SIZE,
        offset: (page - 1) * PENDING_PAGE_SIZE,
      });
      const events = await r.bookings.eventsOf(status === "needs-review" ? list.map((b) => b.code) : []);
      return {
        total,
        page,
        pages: count,
        list: list.map((b) => {
          if (b.status !== "needs-review") return { booking: b, deadline: null };
          const last = (events.get(b.code) ?? [])
            .filter((e) => e.to === "needs-review" && e.from !== "needs-review")
            .at(-1);
          const since =
            !last || (last.actor === "system" && last.from === "received") ? b.request.receivedAt : last.at;
          return { booking: b, deadline: new Date(since.getTime() + desk.reg.answerWithinMinutes * 60_000) };
        }),
      };
    };
    return { review: await one("needs-review", pages.review), info: await one("needs-info", pages.info) };
  });
}

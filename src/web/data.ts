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

/** Live and upcoming sessions of today (Hanoi's day), with readiness and MCU state. */
export async function todaySessions(desk: Desk, now: Date): Promise<SessionView[]> {
  const zone = desk.reg.zone;
  const day = localDateOf(now, zone);
  const from = atLocal(day, "00:00", zone);
  const to = new Date(from.getTime() + 24 * 3600_000);
  return desk.store.read(async (r) => {
    const list = await r.bookings.list({ from, to, statuses: ["confirmed", "checked", "live"] });
    const directory = await r.directory.snapshot();
    const out: SessionView[] = [];
    for (const b of list) {
      if (b.request.end && b.request.end.getTime() <= now.getTime()) continue;
      const events = await r.bookings.events(b.code);
      const ready = new Set(events.map((e) => READY.exec(e.reason)?.[1]).filter(Boolean));
      const endpoints: EndpointState[] = [];
      for (const code of endpointsOf(b)) {
        const leg = await r.meta.get(`mcu:leg:${b.code}:${code}`);
        endpoints.push({
          code,
          name: directory.endpoint(code)?.name ?? code,
          ready: ready.has(code),
          legIncident: leg && leg !== "-" ? leg : null,
        });
      }
      out.push({ booking: b, endpoints, conference: await r.meta.get(`mcu:conference:${b.code}`) });
    }
    return out;
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

/**
 * Bookings waiting for the desk (needs-review) or the clerk (needs-info), oldest first. The answer clock starts
 * at receipt, or when a displaced or postponed booking went back to review (as the desk's timers do).
 */
export async function pendingBookings(desk: Desk): Promise<PendingView[]> {
  return desk.store.read(async (r) => {
    const list = await r.bookings.list({ statuses: ["needs-review", "needs-info"] });
    const out: PendingView[] = [];
    for (const b of list) {
      let deadline: Date | null = null;
      if (b.status === "needs-review") {
        const events = await r.bookings.events(b.code);
        const last = events.filter((e) => e.to === "needs-review" && e.from !== "needs-review").at(-1);
        const since =
          !last || (last.actor === "system" && last.from === "received") ? b.request.receivedAt : last.at;
        deadline = new Date(since.getTime() + desk.reg.answerWithinMinutes * 60_000);
      }
      out.push({ booking: b, deadline });
    }
    return out.sort(
      (a, b) => a.booking.request.receivedAt.getTime() - b.booking.request.receivedAt.getTime(),
    );
  });
}

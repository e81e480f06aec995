import { decide, findAlternatives, occupiedEndpoints } from "../../core/booking/decide.js";
import { displacedText } from "../../core/booking/messages.js";
import { checkTransition } from "../../core/booking/state.js";
import type { Booking, BookingRequest, Decision } from "../../core/booking/types.js";
import type { Regulation } from "../../core/regulation.js";
import type { BookingEvent, VersionSpan } from "../../store/booking-repo.js";
import type { DirectorySnapshot } from "../../store/directory-repo.js";
import type { Repos } from "../../store/store.js";
import { type Desk, DeskError } from "../context.js";
import { type NotifyOptions, notify, replyChannel, threadFor } from "./notify.js";
import { moveTo } from "./state.js";
import { armTimers } from "./timers.js";

const DAY = 24 * 3600_000;

/** Bookings around a request's slot (widened for the alternatives search: one day back, eight ahead). */
export async function holdersFor(
  r: Repos,
  req: BookingRequest,
  reg: Regulation,
  directory: DirectorySnapshot,
  widen: { backMs: number; aheadMs: number } = { backMs: 0, aheadMs: 0 },
  span?: VersionSpan | null,
) {
  if (!req.start || !req.end) return [];
  const gap = reg.setupGapMinutes * 60_000;
  return r.bookings.holders(
    new Date(req.start.getTime() - gap - widen.backMs),
    new Date(req.end.getTime() + gap + widen.aheadMs),
    occupiedEndpoints(req, { directory }),
    span,
  );
}

/** The alternatives' window around a request: two days back (see below), eight ahead. */
const WIDE = { backMs: 2 * DAY, aheadMs: 8 * DAY };

/** Run the rules; a rejection also gets the nearest free slots. */
export async function decideWithAlternatives(
  desk: Desk,
  r: Repos,
  req: BookingRequest,
  directory: DirectorySnapshot,
  now: Date,
  self?: string,
): Promise<Decision> {
  const { reg } = desk;
  // The request's own window first: a confirmation reads no more. (Reading the alternatives' window once for both
  // cost a confirmation ~1 ms more CPU at 100k bookings and saved a rejection nothing measurable: with the holders
  // cache a second read is one versions query and the endpoints' rows.)
  // PostgreSQL: the wide window's schedule_days versions are read once, for both holders reads (one round trip
  // fewer for a rejection; a confirmation reads a few more version rows in the same one). Null on SQLite.
  const gap = reg.setupGapMinutes * 60_000;
  const span =
    req.start && req.end
      ? await r.bookings.versionsSpan(
          new Date(req.start.getTime() - gap - WIDE.backMs),
          new Date(req.end.getTime() + gap + WIDE.aheadMs),
          // The holders reads' endpoints, whose rows over the span come in the same round trip.
          occupiedEndpoints(req, { directory }),
        )
      : null;
  const ctx = {
    now,
    reg,
    directory,
    holders: await holdersFor(r, req, reg, directory, undefined, span),
    self,
  };
  const decision = decide(req, ctx);
  if (decision.outcome !== "rejected" || !req.start || !req.end) return decision;
  if (decision.reasons.some((x) => x.code === "invalid-time")) return decision;
  // Every slot from the day before to the day after is nearer than any later one: search those first, and the
  // whole week only when they do not offer enough.
  // The calendar remembers each date's answer.
  const isWorkingDay = (date: string) => desk.holidays.isWorkingDay(date);
  // One holders query covers both searches: findAlternatives looks only at the holders near each candidate.
  // Two days back: the day before's office hours begin up to ~34 h before a late start (one day missed the
  // sessions of its morning, and offered their slots as free).
  const wide = {
    ...ctx,
    holders: await holdersFor(r, req, reg, directory, WIDE, span),
  };
  // The days around the request first; the rest of the week only when they do not offer enough (one pass).
  const alternatives = findAlternatives(req, wide, { isWorkingDay, days: 7, nearDays: 1 });
  return {
    ...decision,
    alternatives,
  };
}

/** Move a booking to its decision's outcome, displace whom it outranks, arm its timers and tell everyone. */
export async function settle(
  desk: Desk,
  r: Repos,
  b: Booking,
  decision: Decision,
  now: Date,
  notifyOpts: NotifyOptions,
  /** A new booking's receipt: it is saved here, once, with its outcome, and this audit row goes first. */
  received?: BookingEvent,
): Promise<Booking> {
  const reasonText = decision.reasons.map((x) => x.code).join(", ") || "đủ điều kiện theo Quy chế";
  // moveTo's transition and audit row, with the decision's fields in the same single save.
  const check = checkTransition(b.status, decision.outcome);
  if (!check.ok) throw new DeskError(check.message);
  const booking: Booking = {
    ...b,
    status: decision.outcome,
    updatedAt: now,
    sequence: b.sequence + (b.status === decision.outcome ? 0 : 1),
    reasons: decision.reasons.map((x) => x.code),
    missing: decision.missing,
    priority: decision.priority,
  };
  await r.bookings.save(booking, { fresh: received !== undefined });
  const moved: BookingEvent = {
    at: now,
    from: b.status,
    to: decision.outcome,
    actor: "system",
    channel: "system",
    reason: reasonText,
  };
  await r.bookings.addEvents(b.code, received ? [received, moved] : [moved]);
  for (const other of decision.displaced) await displace(desk, r, other, b.code, now);
  // A settled booking or one waiting for details that a change sends to review is a request arriving now: its 2-hour
  // answer clock (Điều 12.2b) starts now, not at the first mail (the breach fired at once, for an answer not yet due).
  const reopened = !received && b.status !== "needs-review" && booking.status === "needs-review";
  await armTimers(desk, r, booking, now, {
    fresh: received !== undefined,
    ...(reopened ? { slaFrom: now } : {}),
  });
  const host = booking.request.host
    ? (await r.directory.snapshot()).agency(booking.request.host)?.name
    : undefined;
  await notify(desk, r, booking, decision, host, now, notifyOpts);
  return booking;
}

/** A booking outranked by `by` (Điều 11) goes back to review and its agency is told. */
async function displace(desk: Desk, r: Repos, code: string, by: string, now: Date): Promise<void> {
  const b = await r.bookings.get(code);
  if (!b) return;
  const moved = await moveTo(
    r,
    b,
    "needs-review",
    { id: "system", channel: "system" },
    `nhường cho phiên ưu tiên ${by} (Điều 11)`,
    now,
  );
  await armTimers(desk, r, moved, now, { slaFrom: now });
  const text = displacedText(code, by, b.request, desk.reg.zone);
  const channel = replyChannel(b.request.channel);
  if (channel) {
    // In the booking's mail thread, like every other answer about it.
    const payload = channel === "mail" ? { text, ...(await threadFor(r, b, undefined)) } : { text };
    await r.outbox.post(
      { channel, recipient: b.request.sender, kind: "booking-displaced", booking: code, payload },
      now,
    );
  }
  await r.outbox.post(
    {
      channel: "desk",
      recipient: "mcu-technician",
      kind: "booking-displaced",
      booking: code,
      payload: { text },
    },
    now,
  );
}

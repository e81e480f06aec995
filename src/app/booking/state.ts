import { checkTransition } from "../../core/booking/state.js";
import type { Booking, BookingStatus } from "../../core/booking/types.js";
import type { Repos } from "../../store/store.js";
import { type Actor, DeskError } from "../context.js";

/** Every status change goes through the state machine and leaves an audit row: who, when, channel, why. */
export async function moveTo(
  r: Repos,
  b: Booking,
  to: BookingStatus,
  actor: Actor,
  reason: string,
  now: Date,
): Promise<Booking> {
  const check = checkTransition(b.status, to);
  if (!check.ok) throw new DeskError(check.message);
  const next = { ...b, status: to, updatedAt: now, sequence: b.sequence + (b.status === to ? 0 : 1) };
  await r.bookings.save(next);
  await r.bookings.addEvent(b.code, {
    at: now,
    from: b.status,
    to,
    actor: actor.id,
    channel: actor.channel,
    reason,
  });
  return next;
}

import type { Booking } from "../../core/booking/types.js";
import type { Repos } from "../../store/store.js";
import { DeskError } from "../context.js";

/** An inbound message's unique key, and its source when the channel keeps one (mail). */
export interface InboundRef {
  channel: string;
  key: string;
  raw?: Buffer;
}

/** Claim the message's key, with its source, in the transaction of its effect; false when it was seen before. */
export function claimInbound(r: Repos, inbound: InboundRef, now: Date): Promise<boolean> {
  return r.inbound.claim(inbound.channel, inbound.key, now, "received", undefined, inbound.raw);
}

/** Claim the inbound message (null when it was seen before), then load the booking, or refuse an unknown code. */
export async function claimAndLoad(
  r: Repos,
  code: string,
  inbound: InboundRef | undefined,
  now: Date,
): Promise<Booking | null> {
  if (inbound && !(await claimInbound(r, inbound, now))) return null;
  const b = await r.bookings.get(code);
  if (!b) throw new DeskError(`Không tìm thấy lịch họp ${code}.`, "not-found");
  return b;
}

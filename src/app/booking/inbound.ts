import type { Booking } from "../../core/booking/types.js";
import type { Repos } from "../../store/store.js";
import { DeskError } from "../context.js";

/** An inbound message's unique key, and its source when the channel keeps one (mail). */
export interface InboundRef {
  channel: string;
  key: string;
  raw?: Buffer;
  /** Written in the same transaction once the key is claimed: the channel's checkpoint (the mail's IMAP UID). */
  alsoInTx?: (r: Repos) => Promise<void>;
}

/** Claim the message's key, with its source, in the transaction of its effect; false when it was seen before. */
export async function claimInbound(r: Repos, inbound: InboundRef, now: Date): Promise<boolean> {
  const fresh = await r.inbound.claim(inbound.channel, inbound.key, now, "received", undefined, inbound.raw);
  if (fresh && inbound.alsoInTx) await inbound.alsoInTx(r);
  return fresh;
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

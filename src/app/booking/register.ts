import { bookingCode } from "../../core/booking/code.js";
import { hostEndpointOf, withDefaultEnd } from "../../core/booking/decide.js";
import type { Booking, BookingRequest, Decision } from "../../core/booking/types.js";
import { localDateOf } from "../../core/calendar/zone.js";
import type { Repos } from "../../store/store.js";
import type { Desk } from "../context.js";
import { claimInbound, type InboundRef } from "./inbound.js";
import type { NotifyOptions } from "./notify.js";
import { decideWithAlternatives, settle } from "./settle.js";

/**
 * A channel's look at the store inside the registration's transaction, before the decision: the booking this
 * registration only repeats (nothing is written, see RepeatedRegistration), or remarks for its answer. Inside it,
 * two paths reading the same mail at once (the IMAP listener and `mail ingest`, two desks on one PostgreSQL) cannot
 * both see no booking: write transactions are serialized.
 */
export type RegistrationVet = (
  r: Repos,
  request: BookingRequest,
) => Promise<{ repeats: Booking } | { remarks: string[] }>;

/** Thrown out of the transaction (so that nothing of it is kept) when the vet finds the booking it repeats. */
export class RepeatedRegistration extends Error {
  constructor(readonly booking: Booking) {
    super(`registration repeats ${booking.code}`);
  }
}

export type RegisterResult =
  | { duplicate: false; code: string; decision: Decision; booking: Booking }
  | { duplicate: true; code: string | null };

/**
 * Điều 11–12.2b: record a registration, decide it, and write the answer, the public post, the displaced
 * bookings' notices and the SLA timers, all in one transaction. With `inbound`, the message's unique key is
 * claimed in that same transaction: a redelivered message changes nothing and gets `duplicate: true`.
 */
export async function registerBooking(
  desk: Desk,
  request: BookingRequest,
  opts: { now: Date; inbound?: InboundRef; notify?: NotifyOptions; vet?: RegistrationVet },
): Promise<RegisterResult> {
  const { reg } = desk;
  const now = opts.now;
  return desk.store.tx(async (r) => {
    if (opts.inbound && !(await claimInbound(r, opts.inbound, now))) {
      return {
        duplicate: true,
        code: (await r.inbound.get(opts.inbound.channel, opts.inbound.key))?.booking ?? null,
      };
    }
    const req = withDefaultEnd(request, reg);
    const vetted = opts.vet ? await opts.vet(r, req) : { remarks: [] };
    if ("repeats" in vetted) throw new RepeatedRegistration(vetted.repeats);
    const notify = opts.notify ?? { thread: null };
    const remarks = [...(notify.remarks ?? []), ...vetted.remarks];
    const directory = await r.directory.snapshot();
    const year = Number(localDateOf(req.receivedAt, reg.zone).slice(0, 4));
    // PostgreSQL: the code's number comes with the decision's first read (one round trip fewer).
    r.bookings.drawWithVersions(`booking-${year}`);
    const decision = await decideWithAlternatives(desk, r, req, directory, now);
    const code = bookingCode(year, await r.bookings.nextSeq(`booking-${year}`));
    const received: Booking = {
      code,
      status: "received",
      request: req,
      hostEndpoint: hostEndpointOf(req, directory),
      priority: decision.priority,
      reasons: decision.reasons.map((x) => x.code),
      missing: decision.missing,
      sequence: 0,
      createdAt: now,
      updatedAt: now,
    };
    // Saved once, by settle, with its outcome; the receipt's audit row goes first.
    const booking = await settle(
      desk,
      r,
      received,
      decision,
      now,
      remarks.length ? { ...notify, remarks } : notify,
      {
        at: now,
        from: null,
        to: "received",
        actor: req.sender,
        channel: req.channel,
        reason: "tiếp nhận đăng ký",
      },
    );
    if (opts.inbound) await r.inbound.settle(opts.inbound.channel, opts.inbound.key, "decided", code);
    return { duplicate: false, code, decision, booking };
  });
}

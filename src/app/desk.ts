import { bookingCode } from "../core/booking/code.js";
import {
  decide,
  findAlternatives,
  occupiedEndpoints,
  slotFindings,
  withDefaultEnd,
} from "../core/booking/decide.js";
import { decisionText, displacedText, groupLine } from "../core/booking/messages.js";
import { checkTransition } from "../core/booking/state.js";
import type { Booking, BookingRequest, BookingStatus, Channel, Decision } from "../core/booking/types.js";
import type { HolidayCalendar } from "../core/calendar/holidays.js";
import { atLocal, localDateOf, toLocal } from "../core/calendar/zone.js";
import type { Regulation } from "../core/regulation.js";
import type { DirectorySnapshot } from "../store/directory-repo.js";
import type { Repos, Store } from "../store/store.js";

/** What every use case needs: the store, the rules' numbers and the working-day calendar. */
export interface Desk {
  store: Store;
  reg: Regulation;
  holidays: HolidayCalendar;
}

export interface Actor {
  /** Who acted: a mailbox, a chat user, `system`, `cli:<user>`. */
  id: string;
  channel: Channel;
}

export type RegisterResult =
  | { duplicate: false; code: string; decision: Decision; booking: Booking }
  | { duplicate: true; code: string | null };

export const JOB = {
  answerReminder: "answer-reminder",
  answerBreach: "answer-breach",
  technicalCheck: "technical-check",
  handoverDue: "recording-handover-due",
} as const;

const DAY = 24 * 3600_000;

/** Where the answer to a request goes: back to the mailbox it came from, or to the chat user. */
function replyChannel(channel: Channel): "mail" | "direct" | null {
  if (channel === "mail") return "mail";
  if (channel === "telegram" || channel === "zalo") return "direct";
  return null;
}

/** Bookings around a request's slot (widened for the alternatives search: one day back, eight ahead). */
async function holdersFor(
  r: Repos,
  req: BookingRequest,
  reg: Regulation,
  directory: DirectorySnapshot,
  widenMs = 0,
) {
  if (!req.start || !req.end) return [];
  const gap = reg.setupGapMinutes * 60_000;
  return r.bookings.holders(
    new Date(req.start.getTime() - gap - widenMs),
    new Date(req.end.getTime() + gap + widenMs * 8),
    occupiedEndpoints(req, { directory }),
  );
}

/** The end of office hours on the n-th working day after `instant` (Điều 14.2's "2 ngày làm việc"). */
export function workingDaysDeadline(desk: Desk, instant: Date, days: number): Date {
  const date = desk.holidays.addWorkingDays(localDateOf(instant, desk.reg.zone), days);
  return atLocal(date, desk.reg.workday.end, desk.reg.zone);
}

/** Arm or disarm the timers a booking's status calls for. */
async function armTimers(
  desk: Desk,
  r: Repos,
  b: Booking,
  now: Date,
  slaFrom = b.request.receivedAt,
): Promise<void> {
  const { reg } = desk;
  const since = slaFrom.getTime();
  if (b.status === "needs-review") {
    // The answer clock starts at receipt, or when a displaced booking went back to review.
    const payload = { since: slaFrom.toISOString() };
    const at = (minutes: number) => new Date(since + minutes * 60_000);
    await r.jobs.schedule(
      { kind: JOB.answerReminder, key: b.code, runAt: at(reg.answerReminderMinutes), payload },
      now,
    );
    await r.jobs.schedule(
      { kind: JOB.answerBreach, key: b.code, runAt: at(reg.answerWithinMinutes), payload },
      now,
    );
  } else {
    await r.jobs.cancel(JOB.answerReminder, b.code);
    await r.jobs.cancel(JOB.answerBreach, b.code);
  }
  const { start, end } = b.request;
  if (b.status === "confirmed" && start && end) {
    const checkAt = new Date(
      Math.max(now.getTime(), start.getTime() - reg.technicalCheckBeforeMinutes * 60_000),
    );
    await r.jobs.schedule({ kind: JOB.technicalCheck, key: b.code, runAt: checkAt }, now);
    if (b.request.recording) {
      await r.jobs.schedule(
        {
          kind: JOB.handoverDue,
          key: b.code,
          runAt: workingDaysDeadline(desk, end, reg.recordingHandoverWorkingDays),
        },
        now,
      );
    }
  } else if (
    b.status === "cancelled" ||
    b.status === "rejected" ||
    b.status === "needs-review" ||
    b.status === "needs-info"
  ) {
    await r.jobs.cancel(JOB.technicalCheck, b.code);
    await r.jobs.cancel(JOB.handoverDue, b.code);
  }
}

async function moveTo(
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

/** An action a person asked for that the rules do not allow: the message says why, in Vietnamese. */
export class DeskError extends Error {
  override name = "DeskError";
}

async function notify(
  desk: Desk,
  r: Repos,
  b: Booking,
  decision: Decision,
  host: string | undefined,
  now: Date,
) {
  const text = decisionText(b.code, b.request, decision, {
    zone: desk.reg.zone,
    answerWithinMinutes: desk.reg.answerWithinMinutes,
  });
  const channel = replyChannel(b.request.channel);
  if (channel) {
    await r.outbox.enqueue(
      {
        channel,
        recipient: b.request.sender,
        kind: `booking-${decision.outcome}`,
        booking: b.code,
        payload: { text },
      },
      now,
    );
  }
  await r.outbox.enqueue(
    {
      channel: "group",
      recipient: "support-group",
      kind: "booking-public",
      booking: b.code,
      payload: { text: groupLine(b.code, b.request, decision.outcome, desk.reg.zone, host) },
    },
    now,
  );
}

/**
 * Điều 11–12.2b: record a registration, decide it, and write the answer, the public post, the displaced
 * bookings' notices and the SLA timers, all in one transaction. With `inbound`, the message's unique key is
 * claimed in that same transaction: a redelivered message changes nothing and gets `duplicate: true`.
 */
export async function registerBooking(
  desk: Desk,
  request: BookingRequest,
  opts: { now: Date; inbound?: { channel: string; key: string } },
): Promise<RegisterResult> {
  const { reg } = desk;
  const now = opts.now;
  return desk.store.tx(async (r) => {
    if (opts.inbound) {
      const fresh = await r.inbound.claim(opts.inbound.channel, opts.inbound.key, now, "received");
      if (!fresh)
        return {
          duplicate: true,
          code: (await r.inbound.get(opts.inbound.channel, opts.inbound.key))?.booking ?? null,
        };
    }
    const req = withDefaultEnd(request, reg);
    const directory = await r.directory.snapshot();
    const ctx = { now, reg, directory, holders: await holdersFor(r, req, reg, directory) };
    let decision = decide(req, ctx);
    if (
      decision.outcome === "rejected" &&
      req.start &&
      req.end &&
      decision.reasons.every((x) => x.code !== "invalid-time")
    ) {
      const wide = { ...ctx, holders: await holdersFor(r, req, reg, directory, DAY) };
      decision = {
        ...decision,
        alternatives: findAlternatives(req, wide, { isWorkingDay: (d) => desk.holidays.isWorkingDay(d) }),
      };
    }
    const year = toLocal(req.receivedAt, reg.zone).year;
    const code = bookingCode(year, await r.bookings.nextSeq(`booking-${year}`));
    const host = req.host ? directory.agency(req.host) : undefined;
    const received: Booking = {
      code,
      status: "received",
      request: req,
      hostEndpoint: req.host ? directory.hostEndpoint(req.host) : null,
      priority: decision.priority,
      reasons: decision.reasons.map((x) => x.code),
      missing: decision.missing,
      sequence: 0,
      createdAt: now,
      updatedAt: now,
    };
    await r.bookings.save(received);
    const actor: Actor = { id: req.sender, channel: req.channel };
    await r.bookings.addEvent(code, {
      at: now,
      from: null,
      to: "received",
      actor: actor.id,
      channel: actor.channel,
      reason: "tiếp nhận đăng ký",
    });
    const reasonText = decision.reasons.map((x) => x.code).join(", ") || "đủ điều kiện theo Quy chế";
    const booking = await moveTo(
      r,
      received,
      decision.outcome,
      { id: "system", channel: "system" },
      reasonText,
      now,
    );
    for (const other of decision.displaced) await displace(desk, r, other, code, now);
    await armTimers(desk, r, booking, now);
    await notify(desk, r, booking, decision, host?.name, now);
    if (opts.inbound) await r.inbound.settle(opts.inbound.channel, opts.inbound.key, "decided", code);
    return { duplicate: false, code, decision, booking };
  });
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
  await armTimers(desk, r, moved, now, now);
  const text = displacedText(code, by, b.request, desk.reg.zone);
  const channel = replyChannel(b.request.channel);
  if (channel)
    await r.outbox.enqueue(
      { channel, recipient: b.request.sender, kind: "booking-displaced", booking: code, payload: { text } },
      now,
    );
  await r.outbox.enqueue(
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

/** A technician settles a booking in review: confirm it or reject it, with a reason. */
export async function reviewBooking(
  desk: Desk,
  code: string,
  outcome: "confirmed" | "rejected",
  actor: Actor,
  reason: string,
  now: Date,
): Promise<Booking> {
  return desk.store.tx(async (r) => {
    const b = await r.bookings.get(code);
    if (!b) throw new DeskError(`Không tìm thấy lịch họp ${code}.`);
    if (b.status !== "needs-review") throw new DeskError(`Lịch họp ${code} không ở trạng thái chờ xem xét.`);
    if (outcome === "confirmed") {
      // The slot may have been taken since: the rules run again, ignoring this booking's own hold.
      const directory = await r.directory.snapshot();
      const ctx = {
        now,
        reg: desk.reg,
        directory,
        holders: await holdersFor(r, b.request, desk.reg, directory),
        self: code,
      };
      const clash = slotFindings(b.request, ctx).flatMap((f) => f.reason.bookings ?? []);
      if (clash.length > 0) {
        throw new DeskError(
          `Không thể xác nhận ${code}: trùng điểm cầu, phòng họp hoặc năng lực MCU với lịch ${clash.join(", ")}.`,
        );
      }
    }
    const next = await moveTo(r, b, outcome, actor, reason, now);
    await armTimers(desk, r, next, now);
    const decision: Decision = {
      outcome,
      reasons: outcome === "rejected" ? [{ code: "endpoint-busy", message: reason }] : [],
      missing: [],
      displaced: [],
      priority: b.priority,
      alternatives: [],
    };
    await notify(desk, r, next, decision, b.request.host ?? undefined, now);
    return next;
  });
}

/** The clerk or a technician cancels a booking: its timers stop and everyone is told. */
export async function cancelBooking(
  desk: Desk,
  code: string,
  actor: Actor,
  reason: string,
  now: Date,
): Promise<Booking> {
  return desk.store.tx(async (r) => {
    const b = await r.bookings.get(code);
    if (!b) throw new DeskError(`Không tìm thấy lịch họp ${code}.`);
    const next = await moveTo(r, b, "cancelled", actor, reason, now);
    await armTimers(desk, r, next, now);
    await r.outbox.enqueue(
      {
        channel: "group",
        recipient: "support-group",
        kind: "booking-cancelled",
        booking: code,
        payload: { text: `[${code}] ĐÃ HỦY — ${reason}` },
      },
      now,
    );
    return next;
  });
}

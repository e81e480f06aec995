import type { Booking } from "../../core/booking/types.js";
import { atLocal, localDateOf } from "../../core/calendar/zone.js";
import type { Repos } from "../../store/store.js";
import type { Desk } from "../context.js";

export const JOB = {
  answerReminder: "answer-reminder",
  answerBreach: "answer-breach",
  technicalCheck: "technical-check",
  checkFollowup: "technical-check-followup",
  handoverDue: "recording-handover-due",
  handoverToday: "recording-handover-today",
  lapse: "booking-lapse",
  infoReminder: "info-reminder",
} as const;

/**
 * When a booking still missing details reminds its clerk: a day before the session, or half-way there when the
 * session is closer; none when it is under two hours away (the lapse comes first).
 */
export function infoReminderAt(start: Date, now: Date): Date | null {
  const day = 24 * 3_600_000;
  const left = start.getTime() - now.getTime();
  if (left >= day + 3_600_000) return new Date(start.getTime() - day);
  if (left >= 2 * 3_600_000) return new Date(now.getTime() + left / 2);
  return null;
}

/** The end of office hours on the n-th working day after `instant` (Điều 14.2's "2 ngày làm việc"). */
export function workingDaysDeadline(desk: Desk, instant: Date, days: number): Date {
  const date = desk.holidays.addWorkingDays(localDateOf(instant, desk.reg.zone), days);
  return atLocal(date, desk.reg.workday.end, desk.reg.zone);
}

/**
 * The morning of the handover's deadline day: the start of office hours on the day the deadline falls (Điều 14.2).
 * The deadline itself is the end of that day, too late to act on a reminder sent then.
 */
export function handoverMorning(desk: Desk, deadline: Date): Date {
  return atLocal(localDateOf(deadline, desk.reg.zone), desk.reg.workday.start, desk.reg.zone);
}

/** The statuses a booking can still be in when its session starts without having been arranged. */
export const UNSETTLED = ["needs-review", "needs-info"] as const;

/**
 * A booking waiting for details with no time at all has no start to lapse at: it lapses this many days after it
 * was received, so that it does not wait in the desk's lists for ever (the regulation sets no figure; two weeks is
 * longer than any lead time a clerk could still meet with it).
 */
export const TIMELESS_LAPSE_DAYS = 14;

/** When a booking still unsettled lapses: at its start, or TIMELESS_LAPSE_DAYS after receipt without one. */
export function lapseAt(b: Pick<Booking, "status" | "request">): Date | null {
  if (!(UNSETTLED as readonly string[]).includes(b.status)) return null;
  if (b.request.start) return b.request.start;
  if (b.status !== "needs-info") return null;
  return new Date(b.request.receivedAt.getTime() + TIMELESS_LAPSE_DAYS * 86_400_000);
}

/** Arm or disarm the timers a booking's status calls for. */
export async function armTimers(
  desk: Desk,
  r: Repos,
  b: Booking,
  now: Date,
  opts: {
    /** When the answer clock starts: receipt, unless a displaced booking went back to review. */
    slaFrom?: Date;
    /** A booking saved for the first time in this transaction: it has no timers to disarm. */
    fresh?: boolean;
  } = {},
): Promise<void> {
  const { reg } = desk;
  const slaFrom = opts.slaFrom ?? b.request.receivedAt;
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
  }
  // What this status disarms, in one statement.
  const disarm: string[] = b.status === "needs-review" ? [] : [JOB.answerReminder, JOB.answerBreach];
  const { start, end } = b.request;
  // Still unsettled when the session starts (or, with no time, TIMELESS_LAPSE_DAYS after receipt): it lapses then
  // (see lapse.ts).
  const lapse = lapseAt(b);
  if (lapse) {
    await r.jobs.schedule(
      { kind: JOB.lapse, key: b.code, runAt: new Date(Math.max(now.getTime(), lapse.getTime())) },
      now,
    );
  } else disarm.push(JOB.lapse);
  const remindAt = b.status === "needs-info" && start ? infoReminderAt(start, now) : null;
  if (remindAt) await r.jobs.schedule({ kind: JOB.infoReminder, key: b.code, runAt: remindAt }, now);
  else disarm.push(JOB.infoReminder);
  if (b.status === "confirmed" && start && end) {
    const checkAt = new Date(
      Math.max(now.getTime(), start.getTime() - reg.technicalCheckBeforeMinutes * 60_000),
    );
    await r.jobs.schedule({ kind: JOB.technicalCheck, key: b.code, runAt: checkAt }, now);
    // Half-way to the start, whoever has not confirmed readiness is named to the duty and asked again.
    const followAt = new Date(Math.max(now.getTime(), (checkAt.getTime() + start.getTime()) / 2));
    await r.jobs.schedule({ kind: JOB.checkFollowup, key: b.code, runAt: followAt }, now);
    if (b.request.recording) {
      const deadline = workingDaysDeadline(desk, end, reg.recordingHandoverWorkingDays);
      await r.jobs.schedule(
        { kind: JOB.handoverToday, key: b.code, runAt: handoverMorning(desk, deadline) },
        now,
      );
      await r.jobs.schedule({ kind: JOB.handoverDue, key: b.code, runAt: deadline }, now);
    } else disarm.push(JOB.handoverToday, JOB.handoverDue);
  } else if (
    b.status === "cancelled" ||
    b.status === "rejected" ||
    b.status === "needs-review" ||
    b.status === "needs-info"
  ) {
    disarm.push(JOB.technicalCheck, JOB.checkFollowup, JOB.handoverToday, JOB.handoverDue);
  }
  if (!opts.fresh) await r.jobs.cancelMany(disarm, b.code);
}

import { bookingCode } from "../core/booking/code.js";
import {
  decide,
  findAlternatives,
  occupiedEndpoints,
  slotFindings,
  withDefaultEnd,
} from "../core/booking/decide.js";
import { decisionText, displacedText, groupLine, OUTCOME_VI } from "../core/booking/messages.js";
import { checkTransition, STATUS_VI } from "../core/booking/state.js";
import type { Booking, BookingRequest, BookingStatus, Channel, Decision } from "../core/booking/types.js";
import type { HolidayCalendar } from "../core/calendar/holidays.js";
import { atLocal, formatRangeVi, localDateOf, toLocal } from "../core/calendar/zone.js";
import type { Regulation } from "../core/regulation.js";
import type { BookingEvent } from "../store/booking-repo.js";
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
  checkFollowup: "technical-check-followup",
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
  widen: { backMs: number; aheadMs: number } = { backMs: 0, aheadMs: 0 },
) {
  if (!req.start || !req.end) return [];
  const gap = reg.setupGapMinutes * 60_000;
  return r.bookings.holders(
    new Date(req.start.getTime() - gap - widen.backMs),
    new Date(req.end.getTime() + gap + widen.aheadMs),
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
    // Half-way to the start, whoever has not confirmed readiness is named to the duty and asked again.
    const followAt = new Date(Math.max(now.getTime(), (checkAt.getTime() + start.getTime()) / 2));
    await r.jobs.schedule({ kind: JOB.checkFollowup, key: b.code, runAt: followAt }, now);
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
    await r.jobs.cancel(JOB.checkFollowup, b.code);
    await r.jobs.cancel(JOB.handoverDue, b.code);
  }
}

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

/** An action a person asked for that the rules do not allow: the message says why, in Vietnamese. */
export class DeskError extends Error {
  override name = "DeskError";
}

/** Threading of a mail answer: the subject and the Message-IDs it replies to. */
export interface MailThread {
  subject: string;
  inReplyTo: string | null;
  references: string[];
}

/** The Message-ID our SMTP sender gives an outbox row: the booking code is in it, so replies find the booking. */
export function ourMessageId(outboxId: number, code: string | null, domain: string): string {
  return `<${code ?? "desk"}.${outboxId}@${domain}>`;
}

/** Continue the booking's mail thread from the last answer we sent, when the caller has no fresher one. */
async function lastThread(r: Repos, code: string): Promise<(MailThread & { lastOutboxId: number }) | null> {
  const rows = (await r.outbox.list({ booking: code })).filter(
    (m) => m.channel === "mail" && m.payload.thread,
  );
  const last = rows.at(-1);
  if (!last) return null;
  return { ...(last.payload.thread as MailThread), lastOutboxId: last.id };
}

/**
 * Where a mail about a booking goes in its thread: the caller's (a reply being answered) or the continuation of
 * the last answer we sent. Điều 5.2: the clerk's subject may carry a secret session's title, so a secret
 * session's answers carry only its code.
 */
async function threadFor(
  r: Repos,
  b: Booking,
  given: MailThread | null | undefined,
): Promise<{ thread: MailThread | null; replyToOutbox?: number }> {
  const previous = given === undefined ? await lastThread(r, b.code) : null;
  let thread =
    given ??
    (previous ? { subject: previous.subject, inReplyTo: null, references: previous.references } : null);
  if (b.request.secret && thread) thread = { ...thread, subject: "Phiên họp trực tuyến" };
  return previous ? { thread, replyToOutbox: previous.lastOutboxId } : { thread };
}

/** Calendar data for the invite: METHOD:REQUEST while the booking holds, CANCEL when it is gone. */
function calendarOf(b: Booking, method: "REQUEST" | "CANCEL") {
  const { start, end, title, secret } = b.request;
  if (!start || !end) return undefined;
  return {
    method,
    uid: b.code,
    sequence: b.sequence,
    start: start.toISOString(),
    end: end.toISOString(),
    stamp: b.updatedAt.toISOString(),
    // Điều 5.2: a secret session's invite names only the code.
    summary: secret || !title ? `Phiên họp trực tuyến ${b.code}` : `${title} (${b.code})`,
  };
}

export interface NotifyOptions {
  thread?: MailThread | null;
  /** Reply-rate caps hit: record the decision but send the clerk nothing (the desk is told instead). */
  suppressReply?: boolean;
  kind?: string;
  text?: string;
  calendar?: "REQUEST" | "CANCEL" | null;
  /** The public line in the group, when the outcome's default does not fit (a cancellation); null posts none. */
  groupText?: string | null;
  /** The priority before a change, so that the answer says when it changed. */
  previousPriority?: Booking["priority"];
  /** Mail copies of the answer to these mailboxes (the agency's official ones), each under `preface`. */
  copy?: { to: string[]; preface: string };
}

/** How an answer names endpoints: by the directory's names, host's endpoint first. */
async function answerOptions(desk: Desk, r: Repos, hostEndpoint: string | null) {
  const directory = await r.directory.snapshot();
  return {
    zone: desk.reg.zone,
    answerWithinMinutes: desk.reg.answerWithinMinutes,
    endpointName: (c: string) => directory.endpoint(c)?.name,
    hostEndpoint,
  };
}

async function notify(
  desk: Desk,
  r: Repos,
  b: Booking,
  decision: Decision,
  host: string | undefined,
  now: Date,
  opts: NotifyOptions = {},
) {
  const text =
    opts.text ??
    decisionText(b.code, b.request, decision, {
      ...(await answerOptions(desk, r, b.hostEndpoint)),
      ...(opts.previousPriority !== undefined ? { previousPriority: opts.previousPriority } : {}),
    });
  const channel = replyChannel(b.request.channel);
  if (channel && !opts.suppressReply) {
    const payload: Record<string, unknown> = { text };
    if (channel === "mail") {
      Object.assign(payload, await threadFor(r, b, opts.thread));
      const method =
        opts.calendar !== undefined ? opts.calendar : decision.outcome === "confirmed" ? "REQUEST" : null;
      if (method) payload.calendar = calendarOf(b, method);
    }
    await r.outbox.enqueue(
      {
        channel,
        recipient: b.request.sender,
        kind: opts.kind ?? `booking-${decision.outcome}`,
        booking: b.code,
        payload,
      },
      now,
    );
  } else if (opts.suppressReply) {
    await r.outbox.enqueue(
      {
        channel: "desk",
        recipient: "mcu-technician",
        kind: "reply-capped",
        booking: b.code,
        payload: {
          // Điều 5.2: a secret session's sender mailbox would name its host.
          text: `Đã dừng trả lời tự động cho ${b.request.secret ? "cơ quan đăng ký" : b.request.sender} (vượt giới hạn số thư tự động); lịch ${b.code}: ${decision.outcome}.`,
        },
      },
      now,
    );
  }
  for (const to of opts.copy?.to ?? []) {
    // A withdrawn invite reaches every copy; a changed one stays with the clerk who holds the thread.
    const cancel = opts.calendar === "CANCEL";
    await r.outbox.enqueue(
      {
        channel: "mail",
        recipient: to,
        kind: `${opts.kind ?? `booking-${decision.outcome}`}-copy`,
        booking: b.code,
        payload: {
          text: `${opts.copy!.preface}\n\n${text}`,
          ...(cancel ? { calendar: calendarOf(b, "CANCEL") } : {}),
        },
      },
      now,
    );
  }
  if (opts.groupText === null) return;
  await r.outbox.enqueue(
    {
      channel: "group",
      recipient: "support-group",
      kind: "booking-public",
      booking: b.code,
      payload: {
        text: opts.groupText ?? groupLine(b.code, b.request, decision.outcome, desk.reg.zone, host),
      },
    },
    now,
  );
}

/** An inbound message's unique key, and its source when the channel keeps one (mail). */
export interface InboundRef {
  channel: string;
  key: string;
  raw?: Buffer;
}

/** Claim the message's key, with its source, in the transaction of its effect; false when it was seen before. */
function claimInbound(r: Repos, inbound: InboundRef, now: Date): Promise<boolean> {
  return r.inbound.claim(inbound.channel, inbound.key, now, "received", undefined, inbound.raw);
}

/**
 * Điều 11–12.2b: record a registration, decide it, and write the answer, the public post, the displaced
 * bookings' notices and the SLA timers, all in one transaction. With `inbound`, the message's unique key is
 * claimed in that same transaction: a redelivered message changes nothing and gets `duplicate: true`.
 */
export async function registerBooking(
  desk: Desk,
  request: BookingRequest,
  opts: { now: Date; inbound?: InboundRef; notify?: NotifyOptions },
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
    const directory = await r.directory.snapshot();
    const decision = await decideWithAlternatives(desk, r, req, directory, now);
    const year = toLocal(req.receivedAt, reg.zone).year;
    const code = bookingCode(year, await r.bookings.nextSeq(`booking-${year}`));
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
    // Saved once, by settle, with its outcome; the receipt's audit row goes first.
    const booking = await settle(desk, r, received, decision, now, opts.notify ?? { thread: null }, {
      at: now,
      from: null,
      to: "received",
      actor: req.sender,
      channel: req.channel,
      reason: "tiếp nhận đăng ký",
    });
    if (opts.inbound) await r.inbound.settle(opts.inbound.channel, opts.inbound.key, "decided", code);
    return { duplicate: false, code, decision, booking };
  });
}

/** Run the rules; a rejection also gets the nearest free slots. */
async function decideWithAlternatives(
  desk: Desk,
  r: Repos,
  req: BookingRequest,
  directory: DirectorySnapshot,
  now: Date,
  self?: string,
): Promise<Decision> {
  const { reg } = desk;
  const ctx = { now, reg, directory, holders: await holdersFor(r, req, reg, directory), self };
  const decision = decide(req, ctx);
  if (decision.outcome !== "rejected" || !req.start || !req.end) return decision;
  if (decision.reasons.some((x) => x.code === "invalid-time")) return decision;
  // Every slot from the day before to the day after is nearer than any later one: search those first, and the
  // whole week only when they do not offer enough.
  // One holders query covers both searches: findAlternatives looks only at the holders near each candidate.
  const isWorkingDay = (d: string) => desk.holidays.isWorkingDay(d);
  const wide = {
    ...ctx,
    holders: await holdersFor(r, req, reg, directory, { backMs: DAY, aheadMs: 8 * DAY }),
  };
  let alternatives = findAlternatives(req, wide, { isWorkingDay, days: 1 });
  if (alternatives.length < reg.alternatives) {
    alternatives = findAlternatives(req, wide, { isWorkingDay, days: 7 });
  }
  return {
    ...decision,
    alternatives,
  };
}

/** Move a booking to its decision's outcome, displace whom it outranks, arm its timers and tell everyone. */
async function settle(
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
  await r.bookings.save(booking);
  if (received) await r.bookings.addEvent(b.code, received);
  await r.bookings.addEvent(b.code, {
    at: now,
    from: b.status,
    to: decision.outcome,
    actor: "system",
    channel: "system",
    reason: reasonText,
  });
  for (const other of decision.displaced) await displace(desk, r, other, b.code, now);
  await armTimers(desk, r, booking, now);
  const host = booking.request.host
    ? (await r.directory.snapshot()).agency(booking.request.host)?.name
    : undefined;
  await notify(desk, r, booking, decision, host, now, notifyOpts);
  return booking;
}

/** What a clerk may change by replying in the thread. */
export interface BookingPatch {
  start?: Date;
  end?: Date;
  addParticipants?: string[];
  unresolved?: string[];
  title?: string;
  contact?: BookingRequest["contact"];
  host?: string;
  emergency?: boolean;
  recording?: boolean;
  cityHallRoom?: boolean;
  /** A later mark of secrecy (Điều 5.2); only a technician lifts one (`declassifyBooking`). */
  secret?: boolean;
  secretUnsure?: boolean;
}

/** What a change touched, as the audit trail says it. */
const PATCH_FIELD_VI: Record<keyof BookingPatch, string> = {
  start: "giờ bắt đầu",
  end: "giờ kết thúc",
  addParticipants: "thêm điểm cầu",
  unresolved: "tên điểm cầu chưa xác định",
  title: "nội dung",
  contact: "đầu mối liên hệ",
  host: "cơ quan chủ trì",
  emergency: "họp khẩn",
  recording: "ghi hình",
  cityHallRoom: "phòng họp UBND TP",
  secret: "độ mật",
  secretUnsure: "dấu hiệu mật",
};

export type ChangeResult = { duplicate: true } | { duplicate: false; booking: Booking; decision: Decision };

/**
 * A reply in the thread completes or changes a booking: the rules run again on the merged request (the
 * booking never conflicts with itself), the invite's SEQUENCE goes up, and the answer continues the thread.
 */
export async function changeBooking(
  desk: Desk,
  code: string,
  patch: BookingPatch,
  actor: Actor,
  opts: { now: Date; inbound?: InboundRef; notify?: NotifyOptions },
): Promise<ChangeResult> {
  const now = opts.now;
  return desk.store.tx(async (r) => {
    if (opts.inbound && !(await claimInbound(r, opts.inbound, now))) {
      return { duplicate: true };
    }
    const b = await r.bookings.get(code);
    if (!b) throw new DeskError(`Không tìm thấy lịch họp ${code}.`);
    if (!["needs-info", "needs-review", "confirmed", "checked"].includes(b.status)) {
      throw new DeskError(
        `Lịch họp ${code} đang ở trạng thái «${STATUS_VI[b.status]}» nên không thể thay đổi; đề nghị gửi đăng ký mới.`,
      );
    }
    const old = b.request;
    const duration =
      old.start && old.end
        ? old.end.getTime() - old.start.getTime()
        : desk.reg.defaultDurationMinutes * 60_000;
    const start = patch.start ?? old.start;
    const end = patch.end ?? (patch.start ? new Date(patch.start.getTime() + duration) : old.end);
    const req: BookingRequest = {
      ...old,
      host: patch.host ?? old.host,
      start,
      end,
      participants: [...new Set([...old.participants, ...(patch.addParticipants ?? [])])],
      unresolved: patch.unresolved ?? (patch.addParticipants?.length ? [] : old.unresolved),
      title: patch.title ?? old.title,
      contact: patch.contact ?? old.contact,
      emergency: patch.emergency ?? old.emergency,
      recording: patch.recording ?? old.recording,
      cityHallRoom: patch.cityHallRoom ?? old.cityHallRoom,
      // Secrecy only goes up by mail: a clear mark settles an ambiguous one, an ambiguous one never weakens a clear one.
      secret: old.secret || patch.secret === true,
      secretUnsure:
        patch.secret === true
          ? !!patch.secretUnsure && (!old.secret || !!old.secretUnsure)
          : old.secretUnsure,
    };
    const directory = await r.directory.snapshot();
    const decision = await decideWithAlternatives(desk, r, req, directory, now, code);
    const changed: Booking = {
      ...b,
      request: req,
      hostEndpoint: req.host ? directory.hostEndpoint(req.host) : null,
      sequence: b.sequence + 1,
      updatedAt: now,
    };
    await r.bookings.addEvent(code, {
      at: now,
      from: b.status,
      to: b.status,
      actor: actor.id,
      channel: actor.channel,
      reason: `thay đổi: ${Object.keys(patch)
        .map((k) => PATCH_FIELD_VI[k as keyof BookingPatch])
        .join(", ")}`,
    });
    // A rejected change, or one whose end is not after its start, leaves the booking as it was: the clerk is
    // told why and keeps the old slot.
    const nonsense = decision.reasons.some((x) => x.code === "invalid-time");
    if ((decision.outcome === "rejected" || nonsense) && b.status !== "needs-info") {
      const text = decisionText(code, req, decision, {
        ...(await answerOptions(desk, r, changed.hostEndpoint)),
      }).replace(
        `Lịch họp ${code}: ${OUTCOME_VI[decision.outcome]}.`,
        `Không thể thay đổi lịch họp ${code}; lịch cũ được giữ nguyên.`,
      );
      await notify(desk, r, b, decision, undefined, now, {
        ...opts.notify,
        text,
        kind: "booking-change-refused",
        calendar: null,
        // The booking stands as it was: the group's schedule has nothing new to show.
        groupText: null,
      });
      if (opts.inbound)
        await r.inbound.settle(opts.inbound.channel, opts.inbound.key, "change-refused", code);
      return { duplicate: false, booking: b, decision };
    }
    await r.bookings.save(changed);
    const booking = await settle(desk, r, changed, decision, now, {
      kind: "booking-changed",
      previousPriority: b.priority,
      ...opts.notify,
    });
    if (opts.inbound) await r.inbound.settle(opts.inbound.channel, opts.inbound.key, "changed", code);
    return { duplicate: false, booking, decision };
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
  if (channel) {
    // In the booking's mail thread, like every other answer about it.
    const payload = channel === "mail" ? { text, ...(await threadFor(r, b, undefined)) } : { text };
    await r.outbox.enqueue(
      { channel, recipient: b.request.sender, kind: "booking-displaced", booking: code, payload },
      now,
    );
  }
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
    // Confirming settles an ambiguous secrecy mark as secret (Điều 5.2): only `declassifyBooking` lifts it.
    const settled = b.request.secretUnsure ? settleSecrecy(b, true) : b;
    const why = b.request.secretUnsure ? `${reason} (giữ đánh dấu mật, Điều 5.2)` : reason;
    const next = await moveTo(r, settled, outcome, actor, why, now);
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

/** The booking with its secrecy decided by a technician: the `secret-unsure` flag and reason are gone. */
function settleSecrecy(b: Booking, secret: boolean): Booking {
  return {
    ...b,
    reasons: b.reasons.filter((x) => x !== "secret-unsure"),
    request: { ...b.request, secret, secretUnsure: false },
  };
}

/**
 * Điều 5.2: a technician lifts the secrecy of a booking that detection marked (ambiguous or by mistake), from the
 * desk's own tools only. The audit keeps who, when and why; the booking's status does not change (one in review
 * still needs `reviewBooking`).
 */
export async function declassifyBooking(
  desk: Desk,
  code: string,
  actor: Actor,
  reason: string,
  now: Date,
): Promise<Booking> {
  return desk.store.tx(async (r) => {
    const b = await r.bookings.get(code);
    if (!b) throw new DeskError(`Không tìm thấy lịch họp ${code}.`);
    if (!b.request.secret) throw new DeskError(`Lịch họp ${code} không được đánh dấu mật.`);
    const next = { ...settleSecrecy(b, false), updatedAt: now };
    await r.bookings.save(next);
    await r.bookings.addEvent(code, {
      at: now,
      from: b.status,
      to: b.status,
      actor: actor.id,
      channel: actor.channel,
      reason: `bỏ đánh dấu mật${b.request.secretUnsure ? " (dấu hiệu mật chưa rõ)" : ""}: ${reason}`,
    });
    return next;
  });
}

/** Claim the inbound message (null when it was seen before), then load the booking, or refuse an unknown code. */
async function claimAndLoad(
  r: Repos,
  code: string,
  inbound: InboundRef | undefined,
  now: Date,
): Promise<Booking | null> {
  if (inbound && !(await claimInbound(r, inbound, now))) return null;
  const b = await r.bookings.get(code);
  if (!b) throw new DeskError(`Không tìm thấy lịch họp ${code}.`);
  return b;
}

/** The clerk or a technician cancels a booking: its timers stop, the invite is withdrawn, everyone is told. */
export async function cancelBooking(
  desk: Desk,
  code: string,
  actor: Actor,
  reason: string,
  now: Date,
  opts: { inbound?: InboundRef; notify?: NotifyOptions } = {},
): Promise<Booking | null> {
  return desk.store.tx(async (r) => {
    const b = await claimAndLoad(r, code, opts.inbound, now);
    if (!b) return null;
    const next = await moveTo(r, b, "cancelled", actor, reason, now);
    await armTimers(desk, r, next, now);
    const text = `Lịch họp ${code} (${b.request.start && b.request.end ? formatRangeVi(b.request.start, b.request.end, desk.reg.zone) : "chưa rõ thời gian"}) ĐÃ HỦY.\nLý do: ${reason}.`;
    const decision: Decision = {
      outcome: "rejected",
      reasons: [],
      missing: [],
      displaced: [],
      priority: b.priority,
      alternatives: [],
    };
    await notify(desk, r, next, decision, undefined, now, {
      ...opts.notify,
      text,
      kind: "booking-cancelled",
      calendar: "CANCEL",
      groupText: `[${code}] ĐÃ HỦY — ${reason}`,
    });
    if (opts.inbound) await r.inbound.settle(opts.inbound.channel, opts.inbound.key, "cancelled", code);
    return next;
  });
}

/**
 * The clerk asks to postpone ("xin hoãn") without naming a new time: not a cancellation. The booking goes to a
 * technician (needs-review, with the answer clock from now), who agrees the new time with the agency; the clerk
 * is told the booking still stands until then. The invite is neither moved nor withdrawn.
 */
export async function postponeBooking(
  desk: Desk,
  code: string,
  actor: Actor,
  now: Date,
  opts: { inbound?: InboundRef; notify?: NotifyOptions } = {},
): Promise<Booking | null> {
  return desk.store.tx(async (r) => {
    const b = await claimAndLoad(r, code, opts.inbound, now);
    if (!b) return null;
    if (!["needs-info", "needs-review", "confirmed", "checked"].includes(b.status)) {
      throw new DeskError(
        `Lịch họp ${code} đang ở trạng thái «${STATUS_VI[b.status]}» nên không thể hoãn; đề nghị gửi đăng ký mới.`,
      );
    }
    const next = await moveTo(
      r,
      b,
      "needs-review",
      actor,
      "cơ quan đăng ký đề nghị hoãn, chưa có thời gian mới",
      now,
    );
    await armTimers(desk, r, next, now, now);
    const { zone, answerWithinMinutes } = desk.reg;
    const when =
      b.request.start && b.request.end
        ? formatRangeVi(b.request.start, b.request.end, zone)
        : "chưa rõ thời gian";
    const text = [
      `Lịch họp ${code} (${when}): ĐÃ GHI NHẬN ĐỀ NGHỊ HOÃN, CHỜ XEM XÉT.`,
      "Lịch họp chưa bị hủy. Thư chưa nêu thời gian mới nên cán bộ kỹ thuật sẽ liên hệ để thống nhất" +
        ` thời gian, trong vòng ${answerWithinMinutes / 60} giờ (Điều 12.2b).`,
      "Khi đã có thời gian mới, đề nghị trả lời thư này ghi rõ giờ và ngày họp; nếu không tổ chức nữa, đề nghị trả lời «xin hủy lịch họp».",
    ].join("\n");
    const decision: Decision = {
      outcome: "needs-review",
      reasons: [],
      missing: [],
      displaced: [],
      priority: b.priority,
      alternatives: [],
    };
    await notify(desk, r, next, decision, undefined, now, {
      ...opts.notify,
      text,
      kind: "booking-postponed",
      calendar: null,
      groupText: `[${code}] ĐỀ NGHỊ HOÃN, CHỜ XEM XÉT — ${when}`,
    });
    await r.outbox.enqueue(
      {
        channel: "desk",
        recipient: "mcu-technician",
        kind: "booking-postponed",
        booking: code,
        payload: {
          text: `Lịch họp ${code} (${when}): cơ quan đăng ký đề nghị hoãn nhưng chưa nêu thời gian mới; đề nghị liên hệ đầu mối để thống nhất.`,
        },
      },
      now,
    );
    if (opts.inbound) await r.inbound.settle(opts.inbound.channel, opts.inbound.key, "postponed", code);
    return next;
  });
}

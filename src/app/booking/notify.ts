import { calendarOf } from "../../core/booking/invite.js";
import {
  decisionText,
  groupLine,
  OUTCOME_VI,
  offHoursGroupNote,
  offHoursNote,
  offHoursRemark,
} from "../../core/booking/messages.js";
import type { Booking, Channel, Decision } from "../../core/booking/types.js";
import type { MailThread } from "../../mail/thread.js";
import type { Repos } from "../../store/store.js";
import type { Desk } from "../context.js";

/** Where the answer to a request goes: back to the mailbox it came from, or to the chat user. */
export function replyChannel(channel: Channel): "mail" | "direct" | null {
  if (channel === "mail") return "mail";
  if (channel === "telegram" || channel === "zalo") return "direct";
  return null;
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
export async function threadFor(
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

/** The decision a desk action (not the rules) stands for: its outcome alone, with the booking's priority. */
export function actionDecision(
  outcome: Decision["outcome"],
  priority: Booking["priority"],
  reasons: Decision["reasons"] = [],
): Decision {
  return { outcome, reasons, missing: [], displaced: [], priority, alternatives: [] };
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
  /** What a change altered, in Vietnamese: the group line then says «ĐÃ THAY ĐỔI (…)», not a second plain outcome. */
  groupNote?: string;
  /** The priority before a change, so that the answer says when it changed. */
  previousPriority?: Booking["priority"];
  /**
   * What reading the request found doubtful (a weekday that contradicts the date, a day no calendar has, a host
   * not recognised): said to the clerk as «Lưu ý» lines, so that nothing read by guess is confirmed in silence.
   * They close the answer whether or not it has its own `text`.
   */
  remarks?: string[];
  /** A line read right after the answer's first one: what the desk itself did to the booking (a move). */
  lead?: string;
  /** Mail copies of the answer: to each group of mailboxes (the agency's official ones), under its `preface`. */
  copy?: { to: string[]; preface: string }[];
  /**
   * Said first to the mailbox that registered the booking when another of the agency's mailboxes asked for this
   * (it holds the thread and the invite, and must hear that someone else spoke for the agency).
   */
  askedBy?: string;
}

/** How an answer names endpoints: by the directory's names, host's endpoint first. */
export async function answerOptions(desk: Desk, r: Repos, hostEndpoint: string | null, now?: Date) {
  const directory = await r.directory.snapshot();
  return {
    zone: desk.reg.zone,
    answerWithinMinutes: desk.reg.answerWithinMinutes,
    technicalCheckBeforeMinutes: desk.reg.technicalCheckBeforeMinutes,
    ...(now ? { now } : {}),
    endpointName: (c: string) => directory.endpoint(c)?.name,
    hostEndpoint,
  };
}

/** `text` with `lead` as its second line. */
function withLead(text: string, lead: string | undefined): string {
  if (!lead) return text;
  const cut = text.indexOf("\n");
  return cut < 0 ? `${text}\n${lead}` : `${text.slice(0, cut)}\n${lead}${text.slice(cut)}`;
}

/**
 * The invariant of every answer to the clerk who holds the thread: one that says «ĐÃ XÁC NHẬN» carries the invite
 * (a clerk confirmed without one has no session in the calendar and no way to tell), and only a booking that is
 * confirmed may be said so. The copies to the agency's other mailboxes get none by design (`copy`).
 */
export function confirmedCarriesInvite(
  b: Booking,
  text: string,
  method: "REQUEST" | "CANCEL" | null,
): "REQUEST" | "CANCEL" | null {
  const status = text.split("\n", 1)[0] ?? "";
  if (!status.endsWith(`: ${OUTCOME_VI.confirmed}.`) || method === "REQUEST") return method;
  if (!["confirmed", "checked"].includes(b.status))
    throw new Error(`answer for ${b.code} says «${OUTCOME_VI.confirmed}» but the booking is ${b.status}`);
  return "REQUEST";
}

/**
 * Whether a booking was ever sent an invite: only one once confirmed or checked was (`confirmedCarriesInvite`). A
 * withdrawal (METHOD:CANCEL) is due only then; a booking cancelled or lapsed while it waited had nothing to withdraw.
 */
export async function wasInvited(r: Repos, code: string): Promise<boolean> {
  return (await r.bookings.events(code)).some((e) => e.to === "confirmed" || e.to === "checked");
}

export async function notify(
  desk: Desk,
  r: Repos,
  b: Booking,
  decision: Decision,
  host: string | undefined,
  now: Date,
  opts: NotifyOptions = {},
) {
  const remark = offHoursRemark(b.request, decision.outcome, desk.reg.zone, desk.reg.workday, desk.holidays);
  // The remarks close every answer, one with its own text too (a cancellation, a refused change): a reply cut at
  // MAX_BODY_CHARS was refused or cancelled with no word that only its beginning was read.
  const text =
    (opts.text ??
      withLead(
        decisionText(b.code, b.request, decision, {
          ...(await answerOptions(desk, r, b.hostEndpoint, now)),
          ...(opts.previousPriority !== undefined ? { previousPriority: opts.previousPriority } : {}),
        }),
        opts.lead,
      ) + offHoursNote(remark, b.request.emergency)) +
    (opts.remarks ?? []).map((x) => `\nLưu ý: ${x}`).join("");
  const channel = replyChannel(b.request.channel);
  if (channel && !opts.suppressReply) {
    const payload: Record<string, unknown> = { text: opts.askedBy ? `${opts.askedBy}\n\n${text}` : text };
    if (channel === "mail") {
      Object.assign(payload, await threadFor(r, b, opts.thread));
      const asked =
        opts.calendar !== undefined ? opts.calendar : decision.outcome === "confirmed" ? "REQUEST" : null;
      const method = confirmedCarriesInvite(b, text, asked);
      // The invite's LOCATION: where the session is hosted (a host endpoint the clerk named included).
      const where = b.hostEndpoint
        ? ((await r.directory.snapshot()).endpoint(b.hostEndpoint)?.name ?? b.hostEndpoint)
        : null;
      if (method) payload.calendar = calendarOf(b, method, where);
    }
    await r.outbox.post(
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
    await r.outbox.post(
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
  for (const { to: mailboxes, preface } of opts.copy ?? [])
    for (const to of mailboxes) {
      // A withdrawn invite reaches every copy; a changed one stays with the clerk who holds the thread.
      const cancel = opts.calendar === "CANCEL";
      await r.outbox.post(
        {
          channel: "mail",
          recipient: to,
          kind: `${opts.kind ?? `booking-${decision.outcome}`}-copy`,
          booking: b.code,
          payload: {
            text: `${preface}\n\n${text}`,
            ...(cancel ? { calendar: calendarOf(b, "CANCEL") } : {}),
          },
        },
        now,
      );
    }
  if (opts.groupText === null) return;
  await r.outbox.post(
    {
      channel: "group",
      recipient: "support-group",
      kind: "booking-public",
      booking: b.code,
      payload: {
        text:
          opts.groupText ??
          groupLine(b.code, b.request, decision.outcome, desk.reg.zone, host).replace(
            `[${b.code}] `,
            opts.groupNote ? `[${b.code}] ĐÃ THAY ĐỔI (${opts.groupNote}), ` : `[${b.code}] `,
          ) + offHoursGroupNote(remark),
      },
    },
    now,
  );
}

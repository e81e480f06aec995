import { createHash } from "node:crypto";
import { BOOKING_CODE_RE, parseBookingCode } from "../core/booking/code.js";
import { STATUS_VI } from "../core/booking/state.js";
import type { Booking, BookingRequest, Decision } from "../core/booking/types.js";
import {
  addDays,
  dateVi,
  dayVi,
  formatRangeVi,
  formatVi,
  isoWeekday,
  localDateOf,
  localTimeOf,
} from "../core/calendar/zone.js";
import { fold } from "../core/text/fold.js";
import { mailboxShown } from "../core/text/mailbox.js";
import {
  findDates,
  findTimes,
  findWeekdays,
  foldKeepingIndex,
  hasDiacritics,
  wallClockInstant,
  withoutReplacedTimes,
} from "../core/text/vi-datetime.js";
import {
  AUTH_REASON_VI,
  type AuthVerdict,
  checkAuthenticity,
  type DnsResolver,
  type ReaderTrust,
} from "../mail/authenticity.js";
import { MAX_BODY_CHARS, type MailFacts, type OwnIdentity, readMail } from "../mail/extract.js";
import { readHead } from "../mail/head.js";
import { MailReader } from "../mail/parse-file.js";
import type { ReadAhead } from "../mail/read-pool.js";
import type { MailThread } from "../mail/thread.js";
import {
  hostEndpointSaid,
  resolveParticipants,
  supportsSaid,
  toBookingRequest,
  understand,
  understandingOf,
  understandNewBooking,
} from "../mail/understand.js";
import type { DirectorySnapshot } from "../store/directory-repo.js";
import type { Repos, Store } from "../store/store.js";
import {
  type BookingPatch,
  bookingsDescribed,
  cancelBooking,
  changeBooking,
  postponeBooking,
  RepeatedRegistration,
  registerBooking,
} from "./booking/index.js";
import type { NotifyOptions } from "./booking/notify.js";
import type { MailConfig } from "./config.js";
import { type Desk, DeskError } from "./desk.js";

export interface MailDeskOptions {
  own: OwnIdentity;
  /** Domains whose unknown senders still get a polite refusal; anyone else gets silence (no backscatter). */
  officialDomains: string[];
  /**
   * Điều 12.2a: a mail from an agency mailbox or an official domain is acted on only when DMARC passes aligned
   * with its From domain (see src/mail/authenticity.ts). Off only in a lab.
   */
  requireAuth: boolean;
  /** The boundary server's authserv-id: only its topmost `Authentication-Results` is trusted. */
  authservId?: string | null;
  /** DNS for our own verification when the boundary wrote no trusted header; tests pass a stub. */
  resolver?: DnsResolver;
  /** Larger mail is quarantined unread. */
  maxBytes: number;
  /** Automatic replies to one sender in 24 h, and about one booking in all. */
  replyCapPerSender: number;
  replyCapPerBooking: number;
}

/** The mail desk's options as configured: the service and `mail ingest` hold a mail to the same rules. */
export function mailDeskOptions(mail: MailConfig, resolver?: DnsResolver): MailDeskOptions {
  return {
    own: { addresses: [mail.address, ...mail.aliases], messageIdDomain: mail.messageIdDomain },
    officialDomains: mail.officialDomains,
    requireAuth: mail.requireAuth,
    authservId: mail.authservId,
    ...(resolver ? { resolver } : {}),
    maxBytes: mail.maxBytes,
    replyCapPerSender: mail.replyCapPerSender,
    replyCapPerBooking: mail.replyCapPerBooking,
  };
}

export interface HandleOptions {
  /** Written in the transaction that records the mail, e.g. the IMAP checkpoint (the mail's UID). */
  alsoInTx?: (r: Repos) => Promise<void>;
  /** The store to decide in instead of the desk's: the IMAP intake's batch (see `Store.batch`). */
  store?: Store;
  /**
   * The mail read, and understood against a directory given as `tagOf(snapshot)`, on the mail reader's thread
   * (src/mail/read-pool.ts); read and understood here otherwise.
   */
  read?: { ahead: Promise<ReadAhead>; tagOf(snapshot: DirectorySnapshot): number };
}

export type MailOutcome =
  | { kind: "duplicate"; key: string }
  | {
      kind: "ignored";
      key: string;
      reason: string;
      /** The booking the mail was about, when it was read as about one. */
      code?: string;
      /** The kind of the answer written to its sender (`booking-question-forwarded`…), when one was. */
      answered?: string;
    }
  | { kind: "quarantined"; key: string; reason: string }
  | {
      kind: "refused";
      key: string;
      reason: "not-official-sender" | "not-authenticated" | "not-booking-agency";
      replied: boolean;
    }
  | { kind: "registered" | "changed" | "change-refused"; key: string; code: string; decision: Decision }
  | { kind: "cancelled"; key: string; code: string }
  | { kind: "postponed"; key: string; code: string }
  | { kind: "error"; key: string; code: string | null; message: string };

const CHANNEL = "mail";

/**
 * The fields of the service's `mail` log line for an outcome: what was done with the mail, the booking it was
 * about, and for a mail that changed nothing, why, and the answer it got («answered», not «ignored», when one was
 * written).
 */
export function mailLogFields(outcome: MailOutcome): Record<string, unknown> {
  const code = "code" in outcome ? (outcome.code ?? null) : null;
  if (outcome.kind === "refused")
    return {
      outcome: outcome.kind,
      key: outcome.key,
      code,
      reason: outcome.reason,
      replied: outcome.replied,
    };
  if (outcome.kind !== "ignored") return { outcome: outcome.kind, key: outcome.key, code };
  return {
    outcome: outcome.answered ? "answered" : "ignored",
    key: outcome.key,
    code,
    reason: outcome.reason,
    ...(outcome.answered ? { answer: outcome.answered } : {}),
  };
}

/**
 * Whether a reply asks the desk something: a question mark, or «cho em hỏi», «xin hỏi», «xin cho biết», «đề nghị
 * cho biết», «hỏi lại». A thank-you («Xin cảm ơn Trung tâm đã bố trí») is none.
 */
function asksQuestion(text: string): boolean {
  if (/\?/.test(text)) return true;
  return /\b(?:cho (?:em|toi|minh|chung toi|so|phuong|xa|don vi) (?:duoc )?hoi|xin (?:duoc )?hoi|(?:xin|de nghi|vui long) cho (?:biet|hoi)|hoi lai)\b/.test(
    fold(text),
  );
}

const QUESTION_REMARK = "thư có câu hỏi; câu hỏi đã được chuyển cán bộ kỹ thuật để trả lời.";

/** The technician's notice of a reply's question, beside whatever the reply's request was answered. */
function questionNotice(code: string | null, raw: Buffer) {
  return {
    channel: "desk" as const,
    recipient: "mcu-technician",
    kind: "mail-reply-question",
    ...(code ? { booking: code } : {}),
    payload: {
      text: `Thư trả lời${code ? ` về lịch ${code}` : ""}, ngoài đề nghị với lịch họp, có câu hỏi của cơ quan đăng ký; đề nghị đọc trong hộp thư và trả lời (mã tham chiếu ${mailRef(raw)}).`,
    },
  };
}

/**
 * Whether a reply that asks for a change also asks a question of its own: a sentence ending in «?» or saying «cho
 * em hỏi», «xin hỏi», «xin cho biết», that asks for nothing the desk does (no «đổi», «dời», «hủy», «thêm»…). «Phường
 * xin đổi sang 9h được không ạ?» is the change itself, answered by the change's answer.
 */
function separateQuestion(text: string): boolean {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .some(
      (s) =>
        asksQuestion(s) &&
        !/\b(?:doi|dich|lui|hoan|huy|them|bo sung|bot|chuyen|ghi hinh|dang ky|sang|keo dai|rut|bo|khong moi)\b/.test(
          fold(s),
        ),
    );
}

/**
 * What the clerk is told of a body longer than MAX_BODY_CHARS: only its beginning was read, and how to send the rest.
 */
function cutRemark(of: "registration" | "reply"): string {
  const what = of === "registration" ? "thông tin đăng ký" : "đề nghị";
  return `thư dài hơn ${MAX_BODY_CHARS.toLocaleString("vi-VN")} ký tự nên hệ thống chỉ đọc phần đầu của thư; nếu còn ${what} ở phần sau, đề nghị trả lời thư này ghi ngắn gọn ${of === "registration" ? "các thông tin" : "các đề nghị"} đó.`;
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf("@") + 1).toLowerCase();
}

function threadOf(facts: MailFacts): MailThread {
  return {
    subject: facts.subject,
    inReplyTo: facts.messageId,
    // RFC 5322 3.6.4: the parent's References, else its single In-Reply-To, then the parent itself.
    references: [
      ...(facts.references.length
        ? facts.references
        : facts.inReplyTo && /^<[^<>\s]+>$/.test(facts.inReplyTo)
          ? [facts.inReplyTo]
          : []),
      ...(facts.messageId ? [facts.messageId] : []),
    ].slice(-20),
  };
}

/**
 * The mail channel's one entry into the desk: every mail that lands goes through `handle`, exactly once.
 * It never throws for bad mail: unreadable or oversized mail is quarantined, machines are ignored, strangers
 * are refused, and everything is recorded under the mail's unique key in the transaction of its effect.
 */
export class MailDesk {
  private reader: { snapshot: DirectorySnapshot; reader: MailReader } | null = null;

  constructor(
    private readonly desk: Desk,
    readonly opts: MailDeskOptions,
  ) {}

  /**
   * The mail reader (the directory's name matcher) for a directory snapshot. The snapshot comes from the read that
   * also looks the mail's key up, so the directory's version is read once a mail; a new version (an import by this
   * desk, another desk on the same PostgreSQL, or the CLI) gives a new snapshot and so a new matcher.
   */
  private readerFor(snapshot: DirectorySnapshot): MailReader {
    if (this.reader?.snapshot !== snapshot) {
      this.reader = { snapshot, reader: new MailReader(snapshot.directory, this.desk.reg, this.opts.own) };
    }
    return this.reader.reader;
  }

  /**
   * What the mail reader's thread must know to understand ahead only the mails this desk will act on (see
   * `understoodAhead`): a mail that may be forged is understood after the verdict here, or never.
   */
  get readerTrust(): ReaderTrust {
    return { requireAuth: this.opts.requireAuth, authservId: this.opts.authservId ?? null };
  }

  /** The desk with the store this mail is decided in (the intake's batch, or the desk's own). */
  private deskOf(ctx: HandleOptions): Desk {
    return ctx.store ? { ...this.desk, store: ctx.store } : this.desk;
  }

  /** Record a mail that leads to no booking (ignored, quarantined, refused), with its notices, once. */
  private async record(
    key: string,
    status: string,
    detail: string,
    raw: Buffer,
    now: Date,
    notices: {
      channel: "mail" | "desk";
      recipient: string;
      kind: string;
      /** The booking an answer is about: it counts against that booking's reply cap. */
      booking?: string;
      payload: Record<string, unknown>;
    }[],
    ctx: HandleOptions,
    /** The booking the mail is about: a reply to it is then read in that booking's thread. */
    booking?: string,
  ): Promise<boolean> {
    return this.deskOf(ctx).store.tx(async (r) => {
      if (!(await r.inbound.claim(CHANNEL, key, now, status, detail, raw))) return false;
      if (booking) await r.inbound.settle(CHANNEL, key, status, booking);
      for (const n of notices) await r.outbox.enqueue(n, now);
      await ctx.alsoInTx?.(r);
      return true;
    });
  }

  /** Record a mail that leads to no booking and no refusal, with its notices, once. */
  private async ignore(
    key: string,
    reason: string,
    raw: Buffer,
    now: Date,
    notices: Parameters<MailDesk["record"]>[5],
    ctx: HandleOptions,
    /** The booking the mail is about, when a later reply to it is to be read in that booking's thread. */
    booking?: string,
  ): Promise<MailOutcome> {
    const fresh = await this.record(key, "ignored", reason, raw, now, notices, ctx, booking);
    if (!fresh) return { kind: "duplicate", key };
    // What was done, for the log: «ignored code:null» was all it said of a reply answered in its thread.
    const answer = notices.find((n) => n.channel === "mail");
    const code = booking ?? notices.find((n) => n.booking)?.booking;
    return {
      kind: "ignored",
      key,
      reason,
      ...(code ? { code } : {}),
      ...(answer ? { answered: answer.kind } : {}),
    };
  }

  /**
   * A reply that changes nothing, answered in its thread (unless the reply cap holds the answer back): recorded as
   * ignored, with `lines` to `to` about booking `code`.
   */
  private async answerOnly(
    facts: MailFacts,
    reason: string,
    raw: Buffer,
    now: Date,
    answer: {
      to: string;
      kind: string;
      code: string;
      lines: string[];
      suppress: boolean;
      link?: boolean;
      /** The reply also asks a question of its own (`separateQuestion`): a technician is told, and its clerk. */
      asked?: boolean;
    },
    ctx: HandleOptions,
  ): Promise<MailOutcome> {
    const lines = [
      ...answer.lines,
      ...(facts.cut ? [`Lưu ý: ${cutRemark("reply")}`] : []),
      ...(answer.asked ? [`Lưu ý: ${QUESTION_REMARK}`] : []),
    ];
    const notice = {
      channel: "mail" as const,
      recipient: answer.to,
      kind: answer.kind,
      booking: answer.code,
      payload: { text: lines.join("\n"), thread: threadOf(facts) },
    };
    const link = answer.link ? answer.code : undefined;
    const notices = [
      ...(answer.suppress ? [] : [notice]),
      ...(answer.asked ? [questionNotice(answer.code, raw)] : []),
    ];
    return this.ignore(facts.key, reason, raw, now, notices, ctx, link);
  }

  private async quarantine(
    key: string,
    reason: string,
    raw: Buffer,
    now: Date,
    ctx: HandleOptions,
    answers: Parameters<MailDesk["record"]>[5] = [],
  ): Promise<MailOutcome> {
    // Oversized mail keeps only its head: enough to find it in the mailbox, not 20 MB in the database.
    const kept = raw.length > this.opts.maxBytes ? raw.subarray(0, 64 * 1024) : raw;
    const fresh = await this.record(
      key,
      "quarantined",
      reason,
      kept,
      now,
      [
        {
          channel: "desk",
          recipient: "mcu-technician",
          kind: "mail-quarantined",
          payload: {
            text: quarantineNotice(key, reason, raw, now, this.desk.reg.zone),
            // When the notice falls back to the group (nobody on duty reachable in private), the group reads only
            // that a mail is waiting: its Message-ID, size and reason can tell a secret session's mail from others.
            groupText: `Một thư nhận lúc ${formatVi(now, this.desk.reg.zone)} không xử lý tự động được và đã được cách ly; cán bộ kỹ thuật xem danh sách thư cách ly trên máy chủ bàn trực bằng lệnh \`${QUARANTINE_COMMAND}\`.`,
          },
        },
        ...answers,
      ],
      ctx,
    );
    return fresh ? { kind: "quarantined", key, reason } : { kind: "duplicate", key };
  }

  /**
   * A mail the desk failed to handle `attempts` times in a row for a fault of its own (see `MailIntake`): recorded
   * as quarantined under its content's hash, the raw mail kept, the technician told, so that the mails behind it
   * are read. The fault itself goes to the log, not into the notice.
   */
  async setAside(raw: Buffer, now: Date, attempts: number, opts: HandleOptions = {}): Promise<MailOutcome> {
    const key = `sha256:${createHash("sha256").update(raw).digest("hex")}`;
    const reason = `hệ thống gặp lỗi ${attempts} lần liên tiếp khi xử lý thư này; thư được để riêng để các thư đến sau không bị chặn`;
    return this.quarantine(key, reason, raw, now, opts);
  }

  /**
   * Decide one mail. `opts.alsoInTx` runs in the transaction that records the mail (the IMAP intake's checkpoint);
   * it does not run for a duplicate, which commits nothing.
   */
  async handle(raw: Buffer, now: Date, opts: HandleOptions = {}): Promise<MailOutcome> {
    if (raw.length > this.opts.maxBytes) {
      const key = `sha256:${createHash("sha256").update(raw).digest("hex")}`;
      const answer = await this.tooLargeAnswer(raw, now, opts);
      return this.quarantine(
        key,
        `thư quá lớn: ${(raw.length / 1048576).toFixed(1)} MB`,
        raw,
        now,
        opts,
        answer ? [answer] : [],
      );
    }
    let facts: MailFacts;
    let understood: ReadAhead["understood"] = null;
    try {
      if (opts.read) ({ facts, understood } = await opts.read.ahead);
      else facts = await readMail(raw, this.opts.own);
    } catch (err) {
      const key = `sha256:${createHash("sha256").update(raw).digest("hex")}`;
      return this.quarantine(key, `không đọc được thư: ${(err as Error).message}`, raw, now, opts);
    }
    const key = facts.key;
    const acts = !facts.autoReason && facts.from;
    const { existing, snapshot } = await this.deskOf(opts).store.read(async (r) => {
      const existing = await r.inbound.has(CHANNEL, key);
      return { existing, snapshot: existing || !acts ? null : await r.directory.snapshot() };
    });
    if (existing) return { kind: "duplicate", key };
    if (facts.autoReason) {
      return this.ignore(key, facts.autoReason, raw, now, [], opts);
    }
    if (!facts.from) return this.quarantine(key, "thư không có người gửi", raw, now, opts);
    try {
      // Read above whenever the mail has a sender and no machine wrote it.
      return await this.route(facts, raw, now, opts, snapshot!, understood);
    } catch (err) {
      if (!(err instanceof DeskError)) throw err;
      // An action the rules refuse (changing a cancelled booking…): answer why, once.
      // The booking the refused request was about, found as the route found it (the thread first): a reply whose
      // subject lost its [HTT-…] still names its booking in the technician's notice and the result.
      const code =
        (await this.deskOf(opts).store.read((r) => this.threadBooking(facts, r))) ?? namedCodeOf(facts);
      // «… Cho em hỏi có cần gửi lại công văn không ạ?» beside a request the rules refuse: the question still
      // reaches a technician, and its clerk hears so (it was lost with the refusal).
      const asked = separateQuestion(facts.text);
      const fresh = await this.record(
        key,
        "refused",
        err.message,
        raw,
        now,
        [
          {
            channel: "mail",
            recipient: facts.from,
            kind: "request-refused",
            payload: {
              text: asked ? `${err.message}\nLưu ý: ${QUESTION_REMARK}` : err.message,
              thread: threadOf(facts),
            },
          },
          ...(asked ? [questionNotice(code, raw)] : []),
        ],
        opts,
      );
      return fresh ? { kind: "error", key, code, message: err.message } : { kind: "duplicate", key };
    }
  }

  private async route(
    facts: MailFacts,
    raw: Buffer,
    now: Date,
    ctx: HandleOptions,
    snapshot: DirectorySnapshot,
    understood: ReadAhead["understood"],
  ): Promise<MailOutcome> {
    const key = facts.key;
    const tag = ctx.read?.tagOf(snapshot);
    const from = facts.from!;
    const desk = this.deskOf(ctx);
    const reader = this.readerFor(snapshot);
    const agency = snapshot.agencyByMailbox(from);
    const official = this.opts.officialDomains.includes(domainOf(from));
    if (this.opts.requireAuth && (agency || official)) {
      // Possibly spoofed: never answer the address in From, and act on nothing it asks.
      const verdict = await this.authenticity(facts, raw);
      // A genuine mail not addressed to the desk (a Bcc, or a forward kept whole) is told to its real sender, who
      // DMARC shows wrote it; a mail that may be forged is never answered.
      if (!verdict.authenticated)
        return this.refuse(
          facts,
          raw,
          now,
          ctx,
          "not-authenticated",
          verdict.reason === "not-addressed" && Boolean(agency),
          verdict,
        );
    }
    if (!agency) return this.refuse(facts, raw, now, ctx, "not-official-sender", official);
    // One read for the sender's reply cap, the thread's booking and that booking's own reply count.
    const { capped, code, booking, perBooking } = await desk.store.read(async (r) => {
      const sent = await r.outbox.countSince("mail", from, new Date(now.getTime() - 24 * 3600_000));
      // «Sở Công Thương xin hủy lịch họp HTT-2026-0002» in a new mail: the one code its text names.
      const code = (await this.threadBooking(facts, r)) ?? namedCodeOf(facts);
      const booking = code ? await r.bookings.get(code) : null;
      return {
        capped: sent >= this.opts.replyCapPerSender,
        code,
        booking,
        perBooking: booking ? await r.outbox.countSince("mail", from, new Date(0), booking.code) : 0,
      };
    });
    const inbound: { channel: string; key: string; raw: Buffer; alsoInTx?: (r: Repos) => Promise<void> } = {
      channel: CHANNEL,
      key,
      raw,
      ...(ctx.alsoInTx ? { alsoInTx: ctx.alsoInTx } : {}),
    };
    // «Sở đăng ký thêm một cuộc họp khác …» in the thread of a booking: a second session, registered on its own (it
    // moved the thread's booking to the new one's day, hour, endpoints and content).
    if (code && !anotherSession(facts.text)) {
      if (booking) {
        // A booking code (public in the group) or a thread reference is no authority: only the booking's own
        // agency, through one of its authenticated mailboxes, may change or cancel it.
        if (!ownsBooking(booking, agency.name, from, snapshot)) {
          return this.refuse(facts, raw, now, ctx, "not-booking-agency", true);
        }
        const asked = separateQuestion(facts.text);
        const notify = {
          thread: threadOf(facts),
          suppressReply: capped || perBooking >= this.opts.replyCapPerBooking,
          ...officialCopy(booking, from, snapshot),
          // A reply cut at MAX_BODY_CHARS: whatever it is answered, its clerk learns only the beginning was read.
          // «Phường xin đổi giờ họp sang 9h00. Cho em hỏi có cần gửi lại công văn không ạ?»: the change is made and
          // the question goes to a technician, its clerk told so (it was lost: answered with the change alone).
          ...(facts.cut || asked
            ? { remarks: [...(facts.cut ? [cutRemark("reply")] : []), ...(asked ? [QUESTION_REMARK] : [])] }
            : {}),
        };
        if (asked)
          inbound.alsoInTx = async (r: Repos) => {
            await ctx.alsoInTx?.(r);
            await r.outbox.enqueue(questionNotice(code, raw), now);
          };
        const actor = { id: from, channel: "mail" as const };
        // «Sở xin đăng ký lại lịch họp này», «xin khôi phục lịch họp đã hủy» to a cancelled booking: the same request
        // registered anew (it went unanswered, or with a time was told only «đề nghị gửi đăng ký mới»).
        const again = booking.status === "cancelled" && registersAgain(facts.text);
        if (isCancel(facts.text) && !again) {
          // «Do lãnh đạo Sở bận công tác đột xuất, Sở xin hủy lịch họp»: the clerk's reason is said back and posted
          // (it was «cơ quan đăng ký đề nghị hủy» alone); a secret session's words stay out (cancelBooking).
          const why = cancelReasonSaid(facts.text);
          const reason = `cơ quan đăng ký đề nghị hủy${why ? ` (${why})` : ""}`;
          const done = await cancelBooking(desk, code, actor, reason, now, {
            inbound,
            notify,
          });
          return done ? { kind: "cancelled", key, code } : { kind: "duplicate", key };
        }
        const contact = booking.request.contact;
        const read = this.patchFrom(facts, reader, snapshot, booking.request, agency.name, {
          needsContact: !contact?.name || !contact.phone,
          participants: booking.request.participants,
          hostEndpoint: booking.hostEndpoint,
        });
        // «Dạ Sở xin chọn khung giờ 09:00–11:00 Thứ Sáu, 11/12» to a refused booking whose answer offered that slot:
        // the same request at the new time, registered anew and decided by the rules (it was told «đề nghị gửi đăng
        // ký mới», though the mail said all a new registration would).
        if ((booking.status === "rejected" && read.start) || again) {
          const old = booking.request;
          const length = old.start && old.end ? old.end.getTime() - old.start.getTime() : null;
          const start = read.start ?? old.start;
          const end =
            read.end ?? (read.start ? (length ? new Date(read.start.getTime() + length) : null) : old.end);
          const lead = again
            ? `Lịch họp ${code} đã hủy nên không khôi phục được; hệ thống đăng ký lịch họp mới ${read.start ? "theo thời gian thư ghi" : "cùng thời gian"}, cùng cơ quan chủ trì, điểm cầu và nội dung.`
            : `Lịch họp ${code} đã được trả lời «KHÔNG BỐ TRÍ ĐƯỢC» nên không thay đổi được; hệ thống đăng ký lịch họp mới theo thời gian thư chọn, cùng cơ quan chủ trì, điểm cầu và nội dung.`;
          const request: BookingRequest = {
            ...old,
            start,
            end,
            receivedAt: now,
            sender: from,
            channel: "mail",
          };
          // «đăng ký lại» sent twice: the session the first one registered is that booking, nothing new.
          return this.registerOnce(desk, facts, raw, now, ctx, capped, request, {
            now,
            inbound,
            notify: { thread: threadOf(facts), suppressReply: notify.suppressReply, lead },
            vet: again
              ? async (r, whole) => ({ ...repeatOf(await ownAtSameTime(r, whole), whole), remarks: [] })
              : undefined,
          });
        }
        // «Đã nhận được lịch họp ngày 10/12, cảm ơn», «Đồng ý với lịch 9h00–11h00»: a settled booking's thank-you
        // that repeats what it holds asks for nothing (it was answered with a second «ĐÃ XÁC NHẬN», a new invite
        // and «ĐÃ THAY ĐỔI» in the group); so for one in review. A booking waiting for details is answered as
        // before: its clerk expects to hear what is still missing.
        const patch = ["needs-review", "confirmed", "checked"].includes(booking.status)
          ? withoutNoOps(read, booking.request)
          : read;
        // «Đề nghị đổi thời gian họp sang 14h00–15h30 ngày 11/12» when the session is already then: a request, not a
        // thank-you. Its clerk is told nothing needed changing (it went unanswered, as if never read).
        if (
          Object.keys(patch).length === 0 &&
          Object.keys(read).length > 0 &&
          asksToMove(facts.text) &&
          !isPostponement(facts.text)
        ) {
          const { start, end } = booking.request;
          const time = start && end ? formatRangeVi(start, end, this.desk.reg.zone) : "đã đăng ký";
          return this.answerOnly(
            facts,
            "thư đề nghị thay đổi trùng với lịch đang có",
            raw,
            now,
            {
              to: from,
              kind: "booking-change-same",
              code,
              suppress: notify.suppressReply,
              asked,
              lines: [
                `Lịch họp ${code}: KHÔNG CÓ GÌ CẦN THAY ĐỔI.`,
                `Lịch họp đã ở thời gian ${time}, đúng như thư đề nghị; lịch và thư mời đã gửi giữ nguyên.`,
                "Nếu cần thời gian khác, đề nghị trả lời thư này, ghi rõ giờ bắt đầu, giờ kết thúc và ngày họp.",
              ],
            },
            ctx,
          );
        }
        // «Giờ họp: từ 9h00 đến 11h00» to a booking that has no time yet: the hour cannot be placed without its day
        // (the booking keeps none without an hour). It went unanswered as a note asking for nothing.
        if (
          Object.keys(patch).length === 0 &&
          !booking.request.start &&
          findTimes(foldKeepingIndex(facts.text)).length > 0 &&
          !notify.suppressReply
        ) {
          return this.answerOnly(
            facts,
            "thư trả lời ghi giờ họp nhưng không ghi ngày",
            raw,
            now,
            {
              to: from,
              kind: "booking-time-without-day",
              code,
              suppress: false,
              asked,
              lines: [
                `Lịch họp ${code}: CẦN BỔ SUNG THÔNG TIN.`,
                "Thư trả lời ghi giờ họp nhưng không ghi ngày họp nên chưa xếp được lịch.",
                "Đề nghị trả lời thư này ghi cả giờ và ngày họp, ví dụ «9h00 đến 11h00 ngày 10/12/2026» (Điều 12.2a).",
              ],
            },
            ctx,
          );
        }
        // A reply cut at MAX_BODY_CHARS whose beginning asks for nothing: what it asks may be in the part not read.
        // Its clerk hears so (it went unanswered, like a thank-you).
        if (Object.keys(patch).length === 0 && !isPostponement(facts.text) && facts.cut)
          return this.answerOnly(
            facts,
            "thư trả lời quá dài, phần đã đọc không có đề nghị thay đổi",
            raw,
            now,
            {
              to: from,
              kind: "booking-reply-cut",
              code,
              suppress: notify.suppressReply,
              asked,
              lines: [
                `Lịch họp ${code}: CHƯA THẤY ĐỀ NGHỊ THAY ĐỔI.`,
                `Phần đầu của thư trả lời (${MAX_BODY_CHARS.toLocaleString("vi-VN")} ký tự) không có đề nghị thay đổi hay hủy lịch họp; lịch họp ${code} giữ nguyên như đã đăng ký.`,
              ],
            },
            ctx,
          );
        if (Object.keys(patch).length === 0 && !isPostponement(facts.text)) {
          // "Cảm ơn", "đã nhận": a reply that asks for nothing changes nothing and gets no answer; a person
          // reads it in the mailbox if it asks something the desk cannot read.
          // «Dạ cho em hỏi phòng họp có hỗ trợ trình chiếu không ạ?»: a question is not a thank-you. Its clerk hears
          // it reached a technician and the booking stands (it went unanswered, as if never read).
          const question = asksQuestion(facts.text);
          // «Lịch vẫn 9h ngày 10/12 đúng không ạ? Cho hỏi …»: the time the reply restates was checked against the
          // booking and is its time; the clerk hears so, as «KHÔNG CÓ GÌ CẦN THAY ĐỔI» says it (it heard only that
          // the question was forwarded, its own check unanswered).
          const { start, end } = booking.request;
          // «Lịch là 14h ngày 10/12 đúng không ạ?» when it is at 09:00: the time it is at, unchanged.
          const stands =
            ("start" in read || "end" in read || checksTime(facts.text) || restatesTime(facts.text)) &&
            start &&
            end
              ? `Lịch họp ${code} vẫn ở thời gian ${formatRangeVi(start, end, this.desk.reg.zone)} (đã kiểm tra theo thư); lịch và thư mời đã gửi giữ nguyên.`
              : `Lịch họp ${code} giữ nguyên như đã đăng ký.`;
          return this.ignore(
            key,
            question
              ? "thư trả lời có câu hỏi, không có đề nghị thay đổi"
              : "thư trả lời không có đề nghị thay đổi",
            raw,
            now,
            [
              {
                channel: "desk",
                recipient: "mcu-technician",
                kind: "mail-reply-no-change",
                payload: {
                  text: question
                    ? `Thư trả lời về lịch ${code} có câu hỏi của cơ quan đăng ký (không có đề nghị thay đổi hay hủy); cơ quan đã được báo câu hỏi được chuyển cán bộ kỹ thuật, đề nghị đọc trong hộp thư và trả lời (mã tham chiếu ${mailRef(raw)}).`
                    : `Thư trả lời về lịch ${code} không có đề nghị thay đổi hay hủy nên không được trả lời tự động; nếu thư có câu hỏi, đề nghị đọc trong hộp thư (mã tham chiếu ${mailRef(raw)}).`,
                },
              },
              ...(question && !notify.suppressReply
                ? [
                    {
                      channel: "mail" as const,
                      recipient: from,
                      kind: "booking-question-forwarded",
                      booking: code,
                      payload: {
                        text: [
                          `Lịch họp ${code}: ĐÃ NHẬN CÂU HỎI.`,
                          "Thư có câu hỏi nhưng không có đề nghị thay đổi hay hủy lịch họp; câu hỏi đã được chuyển cán bộ kỹ thuật để trả lời.",
                          `${stands} Nếu cần thay đổi, đề nghị trả lời thư này ghi rõ đề nghị (ví dụ: «Đề nghị đổi giờ họp sang 14h00 đến 16h00 ngày …»).`,
                        ].join("\n"),
                        thread: threadOf(facts),
                      },
                    },
                  ]
                : []),
            ],
            ctx,
          );
        }
        // «Đề nghị bổ sung điểm cầu Kho bạc XK-21 Sóc Sơn»: a reply whose only request is an endpoint the directory
        // does not know changes nothing; its clerk hears which name was not recognised (it went unanswered).
        const { unresolved, addParticipants, ...rest } = patch;
        if (unresolved?.length && !addParticipants?.length && Object.keys(rest).length === 0) {
          const suggest = (name: string) => {
            const names = reader.matcher.resolve(name).suggestions.slice(0, 3);
            return names.length ? ` (có phải: ${names.join("; ")}?)` : "";
          };
          return this.answerOnly(
            facts,
            "thư trả lời đề nghị thêm điểm cầu không xác định được",
            raw,
            now,
            {
              to: from,
              kind: "booking-endpoint-unknown",
              code,
              suppress: notify.suppressReply,
              asked,
              lines: [
                `Lịch họp ${code}: CHƯA THÊM ĐƯỢC ĐIỂM CẦU.`,
                `Không xác định được điểm cầu: ${unresolved.map((u) => `«${u}»${suggest(u)}`).join("; ")} trong danh bạ điểm cầu.`,
                `Lịch họp ${code} giữ nguyên như đã đăng ký.`,
                "Đề nghị trả lời thư này, ghi đúng tên điểm cầu theo danh bạ (ví dụ: «Bổ sung điểm cầu UBND phường Ngọc Hà»).",
              ],
            },
            ctx,
          );
        }
        // «chuyển sang chiều thứ Sáu» with no hour, the session at 09:00: the kept hour is not in the part of the day
        // asked for, and which hour is meant is the clerk's to say (it was moved to Friday 09:00 in silence).
        const part =
          patch.start && !findTimes(foldKeepingIndex(facts.text)).length ? partOfDaySaid(facts.text) : null;
        const keptHour = patch.start ? Number(localTimeOf(patch.start, this.desk.reg.zone).slice(0, 2)) : 0;
        if (part && (part === "sáng" ? keptHour >= 12 : keptHour < 12)) {
          const day = dayVi(localDateOf(patch.start!, this.desk.reg.zone));
          return this.answerOnly(
            facts,
            "thư trả lời đổi sang buổi khác nhưng không ghi giờ",
            raw,
            now,
            {
              to: from,
              kind: "booking-time-without-hour",
              code,
              suppress: notify.suppressReply,
              asked,
              lines: [
                `Lịch họp ${code}: CHƯA ĐỔI ĐƯỢC THỜI GIAN.`,
                `Thư đề nghị chuyển sang buổi ${part} ${day} nhưng không ghi giờ họp; lịch họp ${code} giữ nguyên như đã đăng ký.`,
                `Đề nghị trả lời thư này, ghi rõ giờ bắt đầu và giờ kết thúc, ví dụ «${part === "sáng" ? "8h30 đến 10h30" : "14h00 đến 16h00"} ${day}».`,
              ],
            },
            ctx,
          );
        }
        // "hoãn" with a new time is a change; without one (or naming only the old date) it goes to a technician.
        const newTime = patch.start && patch.start.getTime() !== booking.request.start?.getTime();
        if (isPostponement(facts.text) && !newTime) {
          const done = await postponeBooking(desk, code, actor, now, { inbound, notify });
          return done ? { kind: "postponed", key, code } : { kind: "duplicate", key };
        }
        const res = await changeBooking(desk, code, patch, actor, { now, inbound, notify });
        if (res.duplicate) return { kind: "duplicate", key };
        const refused = res.booking.sequence === booking.sequence;
        return { kind: refused ? "change-refused" : "changed", key, code, decision: res.decision };
      }
    }
    // Understood on the reader's thread against this very directory, for this agency: the same answer as here
    // (src/mail/read-worker.ts makes the same understandNewBooking call).
    const ahead =
      understood && tag !== undefined && understood.tag === tag && understood.agency === agency.name
        ? understood.parsed
        : null;
    const parsed = ahead ?? understandNewBooking(facts, reader.matcher, this.desk.reg, agency.name);
    // «xin hủy lịch họp ngày mai», «xin dời lịch họp ngày 10/12 sang 14h00 ngày 11/12» in a new mail that names no
    // content (or cancels «lịch họp» in so many words): which session is meant is the clerk's to say, never a guess.
    // Both were booked as new sessions asking for endpoints, content and contact. A registration whose content
    // speaks of cancelling or changing something («Nội dung: Đề nghị hủy bỏ Quyết định …») stays one.
    const said = `${facts.subject}\n${facts.text}`;
    const bare = !parsed.participants.length && !parsed.unresolved.length && !parsed.title;
    if (isCancel(said) && (bare || SESSION_CANCELLED.test(fold(said))))
      return this.withoutCode("cancel", facts, raw, now, ctx, agency.name, from, snapshot, capped);
    // «Đề nghị dời cuộc họp giao ban công tác tháng 12 của Sở … sang 15h ngày 11/12»: the content it names is the
    // session to move, not a new one's (it was booked beside the old one).
    if (movesSession(said) || (bare && asksToMove(said)))
      return this.withoutCode("change", facts, raw, now, ctx, agency.name, from, snapshot, capped);
    if (!looksLikeBooking(facts, parsed.start, parsed.title, this.desk.reg.zone))
      return this.notBooking(facts, raw, now, ctx, agency.name, capped);
    // «xem văn bản đính kèm»: the clerk must learn that the desk read the mail, not the file.
    if (parsed.missing.length && facts.attachments)
      parsed.warnings.push(
        "thư có tệp đính kèm, nhưng hệ thống chỉ đọc nội dung thư, không đọc tệp đính kèm; đề nghị ghi các thông tin còn thiếu ngay trong nội dung thư trả lời.",
      );
    if (facts.cut) parsed.warnings.push(cutRemark("registration"));
    const request = toBookingRequest(parsed, from, now);
    const { zone } = this.desk.reg;
    return this.registerOnce(desk, facts, raw, now, ctx, capped, request, {
      now,
      inbound,
      notify: { thread: threadOf(facts), suppressReply: capped, remarks: parsed.warnings },
      vet: async (r, whole) => {
        const own = await ownAtSameTime(r, whole);
        // The same registration sent again (a new Message-ID, the same agency, time, endpoints and content): it
        // would be refused as clashing with the agency's own booking. It is that booking: its clerk hears so.
        // Another session of the agency's at that time: a real clash, but its clerk must learn it is its own.
        return { ...repeatOf(own, whole), remarks: own.map((b) => ownClashRemark(b, agency.name, zone)) };
      },
    });
  }

  /**
   * Register a mail's booking, its `vet` read in the registration's transaction: two paths with the same mail at
   * once (the IMAP listener and `mail ingest`, two desks on one PostgreSQL) book it once, and the other mail is
   * answered with that booking («ĐÃ ĐĂNG KÝ TRƯỚC ĐÓ»). `desk` is the one this mail is handled on (a batch's view).
   */
  private async registerOnce(
    desk: Desk,
    facts: MailFacts,
    raw: Buffer,
    now: Date,
    ctx: HandleOptions,
    capped: boolean,
    request: BookingRequest,
    opts: Parameters<typeof registerBooking>[2],
  ): Promise<MailOutcome> {
    const key = facts.key;
    try {
      const res = await registerBooking(desk, request, opts);
      if (res.duplicate) return { kind: "duplicate", key };
      return { kind: "registered", key, code: res.code, decision: res.decision };
    } catch (e) {
      if (e instanceof RepeatedRegistration)
        return this.alreadyRegistered(facts, raw, now, ctx, e.booking, capped);
      throw e;
    }
  }

  /** A registration that repeats a booking the agency already holds: answered with that booking, nothing new. */
  private async alreadyRegistered(
    facts: MailFacts,
    raw: Buffer,
    now: Date,
    ctx: HandleOptions,
    b: Booking,
    capped: boolean,
  ): Promise<MailOutcome> {
    const { start, end } = b.request;
    return this.answerOnly(
      facts,
      "đăng ký gửi lại trùng lịch đã có",
      raw,
      now,
      {
        to: facts.from!,
        kind: "booking-already-registered",
        code: b.code,
        suppress: capped,
        link: true,
        lines: [
          `Lịch họp ${b.code}: ĐÃ ĐĂNG KÝ TRƯỚC ĐÓ.`,
          `Thư này trùng với đăng ký đã gửi (cùng cơ quan, thời gian, điểm cầu và nội dung) nên hệ thống không tạo lịch họp mới.`,
          `Lịch họp ${b.code} thời gian ${formatRangeVi(start!, end!, this.desk.reg.zone)}, trạng thái: ${STATUS_VI[b.status]}.`,
          `Nếu cần thay đổi hoặc hủy, đề nghị trả lời thư của lịch ${b.code} hoặc ghi mã lịch trong tiêu đề thư.`,
        ],
      },
      ctx,
    );
  }

  /**
   * A new mail from an agency that asks for no session (a question, a complaint about a line): no booking is
   * opened, the clerk is told so and how to book, and the technicians are told to read it in the mailbox.
   */
  private async notBooking(
    facts: MailFacts,
    raw: Buffer,
    now: Date,
    ctx: HandleOptions,
    agency: string,
    capped: boolean,
  ): Promise<MailOutcome> {
    const reason = "thư không phải đăng ký lịch họp";
    const ref = mailRef(raw);
    const notices: Parameters<MailDesk["record"]>[5] = [
      {
        channel: "desk",
        recipient: "mcu-technician",
        kind: "mail-not-booking",
        payload: {
          text: `Thư của ${agency} (mã tham chiếu ${ref}) không nêu thời gian hay nội dung cuộc họp nên không được xử lý như đăng ký lịch họp; đề nghị đọc trong hộp thư và trả lời.`,
        },
      },
    ];
    if (!capped)
      notices.push({
        channel: "mail",
        recipient: facts.from!,
        kind: "mail-not-booking",
        payload: {
          text: `Thư của quý cơ quan không phải là đăng ký lịch họp (thư không nêu thời gian, nội dung cuộc họp) nên chưa có lịch họp nào được tạo; thư đã được chuyển cán bộ kỹ thuật để trả lời.\nNếu cần đăng ký lịch họp, đề nghị gửi thư nêu đủ: cơ quan chủ trì; danh sách điểm cầu thành phần; thời gian họp; nội dung họp; đầu mối liên hệ (họ tên, số điện thoại) (Điều 12.2a).`,
          thread: threadOf(facts),
        },
      });
    return this.ignore(facts.key, reason, raw, now, notices, ctx);
  }

  /**
   * Điều 12.2b: every registration is answered, an oversized one too. Its header alone is read (the body is what
   * is too large); its sender is answered in the thread, under the same conditions as a booking's answer (an
   * agency's or an official mailbox, authenticated when the desk requires it, within the sender's reply cap), that
   * the mail was not read, nothing was registered, and how to send it again. A mail that may be forged, a
   * stranger's or a machine's is never answered (no backscatter).
   */
  private async tooLargeAnswer(
    raw: Buffer,
    now: Date,
    ctx: HandleOptions,
  ): Promise<Parameters<MailDesk["record"]>[5][number] | null> {
    const head = headerBlock(raw);
    if (!head) return null;
    let facts: MailFacts;
    try {
      facts = await readMail(head, this.opts.own);
    } catch {
      return null;
    }
    const from = facts.from;
    if (!from || facts.autoReason) return null;
    const { agency, capped } = await this.deskOf(ctx).store.read(async (r) => ({
      agency: (await r.directory.snapshot()).agencyByMailbox(from),
      capped:
        (await r.outbox.countSince("mail", from, new Date(now.getTime() - 24 * 3600_000))) >=
        this.opts.replyCapPerSender,
    }));
    if ((!agency && !this.opts.officialDomains.includes(domainOf(from))) || capped) return null;
    if (this.opts.requireAuth && !(await this.authenticity(facts, raw)).authenticated) return null;
    const size = mbVi(raw.length);
    const limit = mbVi(this.opts.maxBytes);
    return {
      channel: "mail",
      recipient: from,
      kind: "mail-too-large",
      payload: {
        text: [
          `Thư của quý cơ quan có dung lượng ${size}, vượt quá giới hạn ${limit} mà hệ thống tiếp nhận tự động đọc được, nên thư chưa được đọc và CHƯA CÓ LỊCH HỌP NÀO ĐƯỢC ĐĂNG KÝ.`,
          `Nếu thư là đăng ký lịch họp, đề nghị gửi lại bằng một thư mới ghi nội dung đăng ký ngay trong thư (dạng văn bản, không kèm tệp đính kèm), hoặc với tệp đính kèm có tổng dung lượng dưới ${limit}. Thư đã được chuyển cán bộ kỹ thuật để kiểm tra.`,
        ].join("\n"),
        thread: threadOf(facts),
      },
    };
  }

  /** Trusted boundary header first, our own DKIM/SPF/DMARC check otherwise. */
  private async authenticity(facts: MailFacts, raw: Buffer): Promise<AuthVerdict> {
    if (!facts.auth.singleFrom) return { authenticated: false, via: "verified", reason: "no-single-from" };
    const verdict = await checkAuthenticity(raw, facts.auth.results, facts.from!, {
      authservId: this.opts.authservId ?? null,
      ...(this.opts.resolver ? { resolver: this.opts.resolver } : {}),
    });
    // A genuine signed mail to someone else (another agency, a ministry's desk), sent on to this mailbox, passes
    // DMARC as it did there: it speaks for its agency only to those it was written to.
    if (verdict.authenticated && !facts.addressedToUs)
      return { ...verdict, authenticated: false, reason: "not-addressed" };
    return verdict;
  }

  /**
   * A new mail that asks to cancel or move a session but names no booking (no thread, no code in the subject, not
   * exactly one in its text): nothing is cancelled or moved and no booking is opened (it used to be registered as
   * a new one missing every field). The clerk gets the agency's coming sessions (on the days the mail names, if
   * any) and how to ask for one; the technicians are told.
   */
  private async withoutCode(
    what: "cancel" | "change",
    facts: MailFacts,
    raw: Buffer,
    now: Date,
    ctx: HandleOptions,
    agency: string,
    from: string,
    snapshot: DirectorySnapshot,
    capped: boolean,
  ): Promise<MailOutcome> {
    const zone = this.desk.reg.zone;
    const text = `${facts.subject}\n${facts.text}`;
    const days = new Set(findDates(text, foldKeepingIndex(text), facts.date ?? now, zone).map((d) => d.date));
    const coming = await this.deskOf(ctx).store.read((r) =>
      r.bookings.list({ from: now, statuses: ["needs-info", "needs-review", "confirmed", "checked"] }),
    );
    const own = coming.filter((b) => b.request.start && ownsBooking(b, agency, from, snapshot));
    // «Đề nghị hủy cuộc họp giao ban công tác tháng 12 ngày 10/12/2026»: the agency's own session on that day with
    // that content (at the hour named, if any), when there is exactly one, is the one to cancel. It was answered
    // with a list and nothing cancelled, though the mail left no doubt.
    const described = what === "cancel" ? bookingsDescribed(text, own, facts.date ?? now, zone) : [];
    if (described.length === 1) {
      const b = described[0]!;
      const { secret, title } = b.request;
      // «… do lãnh đạo Sở bận đột xuất»: the reason is said back as for a cancellation in the thread (it was dropped).
      const why = cancelReasonSaid(facts.text);
      const done = await cancelBooking(
        this.deskOf(ctx),
        b.code,
        { id: from, channel: "mail" },
        `cơ quan đăng ký đề nghị hủy${why ? ` (${why})` : ""}`,
        now,
        {
          inbound: {
            channel: CHANNEL,
            key: facts.key,
            raw,
            ...(ctx.alsoInTx ? { alsoInTx: ctx.alsoInTx } : {}),
          },
          notify: {
            thread: threadOf(facts),
            suppressReply: capped,
            // Điều 5.2: a secret session's content is never written back.
            lead: `Thư không ghi mã lịch; hệ thống đã tìm theo ngày và nội dung thư và hủy lịch họp ${b.code}${secret ? "" : `${title ? ` «${title}»` : ""} của ${agency}`}. Nếu không đúng lịch cần hủy, đề nghị liên hệ ngay cán bộ kỹ thuật.`,
            ...officialCopy(b, from, snapshot),
          },
        },
      );
      return done
        ? { kind: "cancelled", key: facts.key, code: b.code }
        : { kind: "duplicate", key: facts.key };
    }
    const onDays = days.size ? own.filter((b) => days.has(localDateOf(b.request.start!, zone))) : own;
    // A move naming a session's content («dời cuộc họp giao ban công tác tháng 12 …») means that one, whatever day
    // it is on: the days such a mail names are the old and the new one.
    const titled = what === "change" ? own.filter((b) => namesTitle(text, b)) : [];
    // Two «Giao ban» sessions: the one on a day the mail names («… ngày 10/12 sang 15h ngày 11/12»).
    const titledOnDays = titled.filter((b) => onDays.includes(b));
    const byTitle = titled.length > 1 && titledOnDays.length ? titledOnDays : titled;
    // The days a move names may all be new ones: then every coming session of the agency is shown.
    // Several sessions the cancellation describes are those shown; none on the days it names, every coming one.
    const named = described.length > 1 ? described : byTitle.length ? byTitle : !onDays.length ? own : onDays;
    const shown = named.slice(0, 10);
    const line = (b: Booking) => {
      const { start, end, secret, title } = b.request;
      const time = end ? formatRangeVi(start!, end, zone) : formatVi(start!, zone);
      return `- ${b.code} (${time})${secret || !title ? "" : `: ${title}`}`;
    };
    const when = days.size && named === onDays ? ` ngày ${[...days].map(dateVi).join(", ")}` : "";
    const written = codesIn(text);
    const [verb, done, example] =
      what === "cancel"
        ? ["hủy", "bị hủy", "Hủy lịch họp [HTT-…]"]
        : ["thay đổi", "được thay đổi", "Đổi giờ họp [HTT-…]"];
    const answer = [
      written.length
        ? `Thư đề nghị ${verb} lịch họp nhưng chưa rõ là lịch nào (thư ghi ${written.join(", ")}) nên chưa có lịch họp nào ${done}.`
        : `Thư đề nghị ${verb} lịch họp nhưng không nêu mã lịch (HTT-…) nên chưa có lịch họp nào ${done}.`,
      ...(what === "change" && named.length === 1
        ? [
            `Hệ thống hiểu thư nói về lịch họp sau của ${agency}:`,
            line(named[0]!),
            `Nếu đúng, đề nghị trả lời thư xác nhận của lịch này (nêu thời gian mới), hoặc gửi thư ghi mã lịch trong tiêu đề (ví dụ: «Đổi giờ họp [${named[0]!.code}]»). Hệ thống không đăng ký thêm lịch họp mới.`,
          ]
        : named.length
          ? [
              ...(days.size && !onDays.length
                ? [`Hệ thống không có lịch họp nào ngày ${[...days].map(dateVi).join(", ")} của ${agency}.`]
                : []),
              described.length > 1
                ? `Thư khớp với ${described.length} lịch họp của ${agency}:`
                : `Các lịch họp sắp tới${when} của ${agency}:`,
              ...shown.map(line),
              ...(named.length > shown.length ? [`(và ${named.length - shown.length} lịch khác)`] : []),
              `Để ${verb}, đề nghị trả lời thư xác nhận của lịch cần ${verb}${what === "change" ? " (nêu thời gian mới)" : ""}, hoặc gửi thư ghi mã lịch trong tiêu đề (ví dụ: «${example}»).`,
            ]
          : [`Hệ thống không có lịch họp nào sắp diễn ra${when} của ${agency} để ${verb}.`]),
    ].join("\n");
    const reason = `thư đề nghị ${verb} không nêu mã lịch`;
    const candidates = named.map((b) => b.code).join(", ") || "không có";
    const notices: Parameters<MailDesk["record"]>[5] = [
      {
        channel: "desk",
        recipient: "mcu-technician",
        kind: `mail-${what}-no-code`,
        payload: {
          text: `Thư của ${agency} (mã tham chiếu ${mailRef(raw)}) đề nghị ${verb} lịch họp nhưng không nêu mã lịch; chưa lịch nào ${done}, đã hỏi lại cơ quan (lịch có thể liên quan: ${candidates}).`,
        },
      },
    ];
    if (!capped)
      notices.push({
        channel: "mail",
        recipient: from,
        kind: `mail-${what}-no-code`,
        payload: { text: answer, thread: threadOf(facts) },
      });
    return this.ignore(facts.key, reason, raw, now, notices, ctx);
  }

  /** Which booking a reply belongs to: our Message-IDs in its references, the clerk's first mail, or the subject. */
  private async threadBooking(facts: MailFacts, r: Repos): Promise<string | null> {
    const refs = [...(facts.inReplyTo ? [facts.inReplyTo] : []), ...facts.references];
    const domain = `@${this.opts.own.messageIdDomain.toLowerCase()}>`;
    for (const id of refs) {
      if (!id.toLowerCase().endsWith(domain)) continue;
      const code = parseBookingCode(id);
      if (code) return code;
    }
    const viaInbound = await r.inbound.bookingOf(CHANNEL, refs);
    if (viaInbound) return viaInbound;
    return BOOKING_CODE_RE.test(facts.subject) ? parseBookingCode(facts.subject) : null;
  }

  /** What a reply in the thread asks to change or complete. */
  private patchFrom(
    facts: MailFacts,
    reader: MailReader,
    snapshot: DirectorySnapshot,
    old: Pick<BookingRequest, "start" | "day" | "end">,
    agency: string,
    opts: { needsContact: boolean; participants?: readonly string[]; hostEndpoint?: string | null },
  ): BookingPatch {
    const oldStart = old.start;
    const text = facts.text;
    const folded = foldKeepingIndex(text);
    const patch: BookingPatch = {};
    const parsed = understand(
      // A reply's signature is no request to change the contact, but it completes a booking that has none.
      { ...facts, subject: "", signature: opts.needsContact ? facts.signature : "" },
      { matcher: reader.matcher, ...understandingOf(this.desk.reg), senderAgency: agency },
    );
    // «kết thúc lúc 11h30 thay vì 11h00», «sang ngày 12/12 thay vì 11/12»: the old value is no second hour or day.
    // «Lịch là 14h ngày 10/12 đúng không ạ?»: a time asked about is no time asked for.
    // «Thời gian vẫn từ 9h00 …» to a session that has its time: the time restated is no time asked for.
    const timed = withoutCheckedTimes(withoutReplacedTimes(oldStart ? withoutRestatedTimes(text) : text));
    const timedFolded = foldKeepingIndex(timed);
    const times = findTimes(timedFolded);
    const dates = findDates(timed, timedFolded, facts.date ?? new Date(), this.desk.reg.zone);
    // «lùi sang thứ Sáu cùng tuần»: that day of the session's own week (it was the mail's next Friday, days before
    // the session, or with an hour the session's own day and the weekday dropped in silence).
    if (oldStart && !dates.length)
      for (const w of findWeekdays(timed, timedFolded))
        if (/^(?:thu\s+\S+|chu nhat)[\s,]+(?:trong\s+)?cung\s+tuan\b/.test(folded.slice(w.index))) {
          const sessionDay = localDateOf(oldStart, this.desk.reg.zone);
          const date = addDays(sessionDay, w.weekday - isoWeekday(sessionDay));
          dates.push({ date, index: w.index, weekday: w.weekday });
          break;
        }
    // «chuyển sang (sáng) thứ Sáu» with no date and no week: that day of the session's own week, while it is still to
    // come (it was the mail's next Friday: a session of Thursday 10/12 moved to 04/12, six days earlier).
    const bare = dates.length === 1 ? dates[0]! : null;
    if (
      oldStart &&
      bare?.weekday &&
      findWeekdays(timed, timedFolded).some((w) => w.index === bare.index) &&
      !/^(?:thu\s+\S+|chu nhat)[\s,]+(?:\S+\s+){0,2}(?:tuan|thang|nam)\b/.test(folded.slice(bare.index))
    ) {
      const sessionDay = localDateOf(oldStart, this.desk.reg.zone);
      const date = addDays(sessionDay, bare.weekday - isoWeekday(sessionDay));
      if (date > localDateOf(facts.date ?? new Date(), this.desk.reg.zone)) bare.date = date;
    }
    if (times.length > 0 || dates.length > 0) {
      const zone = this.desk.reg.zone;
      const baseTime = oldStart ? localTimeOf(oldStart, zone) : null;
      // «8h30» to a booking that kept its day without an hour («buổi sáng ngày 24/12»): that day.
      const day = dates[0]?.date ?? (oldStart ? localDateOf(oldStart, zone) : (old.day ?? undefined));
      const t =
        times[0] ??
        (baseTime ? { hour: Number(baseTime.slice(0, 2)), minute: Number(baseTime.slice(3, 5)) } : null);
      // «kéo dài đến 12h00», «kết thúc lúc 11h30»: one hour that names the end moves the end, not the session.
      const endOnly = times.length === 1 && endsAt(folded, times[0]!.index);
      if (day && t && endOnly) {
        patch.end = wallClockInstant(day, t.hour, t.minute, zone);
      } else if (day && t) {
        patch.start = wallClockInstant(day, t.hour, t.minute, zone);
        if (times[1]) patch.end = wallClockInstant(day, times[1].hour, times[1].minute, zone);
      }
    } else if (oldStart) {
      // «lùi 30 phút», «dời lại 1 tiếng», «bắt đầu sớm hơn 30 phút»: the session moves by that much.
      const shift = shiftSaid(folded);
      // «kết thúc sớm hơn 30 phút», «kết thúc muộn hơn 15 phút»: the end moves, not the session (it moved both).
      const endMoves = /\b(?:ket thuc|xong|be mac)\s+(?:som|muon|tre)\b/.test(folded);
      // «kéo dài thêm 30 phút», «gia hạn thêm 1 tiếng»: the end moves by that much (it was an unknown endpoint
      // «30 phút», the session unchanged).
      const longer = lengthenedBy(folded);
      if (longer && old.end) patch.end = new Date(old.end.getTime() + longer * 60_000);
      else if (shift && endMoves && old.end) patch.end = new Date(old.end.getTime() + shift * 60_000);
      else if (shift) patch.start = new Date(oldStart.getTime() + shift * 60_000);
    }
    const removed = removedParticipants(text, reader);
    // «Đề nghị đổi điểm cầu chủ trì sang UBND phường Ngọc Hà»: the session's host moves there (it was added as a
    // participant, the Sở's own endpoint still booked as the host).
    const hostAt = hostMoveSaid(text, reader);
    if (hostAt && hostAt !== opts.hostEndpoint) patch.hostEndpoint = hostAt;
    // «thêm điểm cầu X», and «bổ sung điểm cầu X» (an unknown X went unread: the clerk got no answer at all).
    // Not «thêm 30 phút»: a length is no endpoint.
    const ADD_WORD =
      /\b(?:them(?! \d{1,3} (?:phut|tieng|gio)\b)|bo sung(?= (?:them )?(?:cac )?diem cau\b))\b/;
    const add = new RegExp(`${ADD_WORD.source} (?:them )?(?:cac )?(?:diem cau )?(.+)$`, "m").exec(
      fold(text).replace(/ *\n */g, "\n"),
    );
    // A reply moving the host names other places only to explain («do hội trường phường Ngọc Hà đang sửa chữa»): it
    // adds an endpoint only with «thêm» or «bổ sung».
    // «Đổi điểm cầu chủ trì sang UBND phường Láng, điểm cầu tham dự: UBND phường Giảng Võ»: the list of who attends,
    // as the answer to a move refused for leaving none, is read (it was dropped, and the move refused again).
    const attending = hostAt && /\bdiem cau (?:tham du|thanh phan)\b/.test(fold(text));
    // The list names whom it names, the agency's own endpoint or the old host included: a swap of host and
    // participant («…, điểm cầu tham dự: Sở Công Thương») was refused as leaving no participant.
    const listed = attending ? attendingListed(text, reader) : null;
    if (add || attending || (!hostAt && (parsed.participants.length || parsed.unresolved.length))) {
      const codes = new Set(parsed.participants);
      const unresolved = [...parsed.unresolved];
      for (const c of listed?.codes ?? []) codes.add(c);
      if (add) {
        const line = text.split("\n").find((l) => ADD_WORD.test(fold(l))) ?? "";
        const word = ADD_WORD.exec(foldKeepingIndex(line));
        const after = line
          .slice(word ? word.index + word[0].length : 0)
          .replace(/^\s*(?:thêm\s+)?(?:các\s+)?(?:điểm cầu|diem cau)\s*/i, "");
        // «thêm phường Giảng Võ, bỏ phường Ba Đình»: the names to add end where a removal begins.
        const removal = new RegExp((hasDiacritics(after) ? REMOVE_MARKED : REMOVE_FOLDED).source, "iu").exec(
          hasDiacritics(after) ? after : foldKeepingIndex(after),
        );
        const named = removal ? after.slice(0, removal.index).replace(/[,;\s]+(?:và|va)?\s*$/i, "") : after;
        // «thêm điểm cầu UBND phường Giảng Võ. Cần trao đổi xin gọi máy lẻ 1430»: the names end with their sentence
        // (not at «P.» or «TT.»); the next sentence was taken for an unknown endpoint and the confirmed session sent
        // back for details.
        const end = foldKeepingIndex(named).search(/(?<!\b(?:p|x|q|h|tt|tp))\.(?:\s|$)/);
        const sentence = end < 0 ? named : named.slice(0, end);
        // «bổ sung điểm cầu UBND phường Láng và đề nghị ghi hình phiên họp»: the names end where the next request
        // begins (it was an unknown endpoint «đề nghị ghi hình phiên họp», and the session sent back for details).
        const next = /(?:\s*[,;]\s*|\s+(?:va|dong thoi)\s+)(?:de nghi|xin|dong thoi|ghi hinh|ghi am)\b/.exec(
          foldKeepingIndex(sentence),
        );
        // «bổ sung UBND phường Giảng Võ và UBND phường Ba Đình tham dự cuộc họp»: the names end at what they do (it
        // was an unknown endpoint «UBND phường Ba Đình tham dự cuộc họp», and the session sent back for details).
        const does = /\s+(?:cung\s+)?(?:tham du|tham gia|du hop|ket noi)\b/.exec(foldKeepingIndex(sentence));
        const cut = Math.min(next?.index ?? sentence.length, does?.index ?? sentence.length);
        const tail = sentence.slice(0, cut);
        // "thêm điểm cầu Sở Nông nghiệp và Môi trường": the same list reader as a booking, so "và" inside a name
        // the directory knows does not split it.
        const list = resolveParticipants(reader.matcher, tail.replace(/[.]\s*$/, ""));
        for (const c of list.codes) codes.add(c);
        for (const u of list.unresolved) if (!unresolved.includes(u)) unresolved.push(u);
      }
      const kept = listed?.codes ?? [];
      const hostEndpoint = snapshot.hostEndpoint(agency);
      if (hostEndpoint && !kept.includes(hostEndpoint)) codes.delete(hostEndpoint);
      if (hostAt) codes.delete(hostAt);
      // The endpoint hosting (one the clerk named), or the one a move of the host leaves («do hội trường phường
      // Ngọc Hà đang sửa chữa»), is no participant either.
      if (opts.hostEndpoint && !kept.includes(opts.hostEndpoint)) codes.delete(opts.hostEndpoint);
      for (const c of removed) codes.delete(c);
      if (codes.size || unresolved.length || !removed.length) patch.addParticipants = [...codes];
      if (unresolved.length) patch.unresolved = unresolved;
    }
    // «Xin gửi lại danh sách điểm cầu: A, B», «Điểm cầu (cập nhật): A, B»: the list sent again is the whole list,
    // so an endpoint of the old one it leaves out is taken out (an addition says «thêm» or «bổ sung»).
    if (
      parsed.participants.length &&
      !add &&
      RESENT_LIST.test(folded) &&
      !/\b(?:them|bo sung)\b/.test(fold(text))
    )
      for (const c of opts.participants ?? [])
        if (!parsed.participants.includes(c) && c !== snapshot.hostEndpoint(agency) && !removed.includes(c))
          removed.push(c);
    if (removed.length) patch.removeParticipants = removed;
    if (parsed.title && /noi dung|chu de/.test(fold(text))) patch.title = parsed.title;
    if (parsed.contact?.name && parsed.contact.phone) patch.contact = parsed.contact;
    // Not `parsed.emergency`: "đột xuất" in a reply usually explains the change, it does not ask for priority.
    const urgency = emergencyAsked(text);
    if (urgency !== null) patch.emergency = urgency;
    // «đề nghị không ghi hình nữa», «không sử dụng phòng họp tại trụ sở UBND»: a support withdrawn.
    const said = supportsSaid(text);
    if (said.recording !== null) patch.recording = said.recording;
    if (said.cityHallRoom !== null) patch.cityHallRoom = said.cityHallRoom;
    if (parsed.secret) Object.assign(patch, { secret: true, secretUnsure: parsed.secretUnsure });
    return patch;
  }

  /**
   * A mail that fails authenticity: not acted on, not answered (the answer would reach the real agency), kept
   * raw for inspection. The group hears a neutral reference and the reason category, nothing written in the
   * mail (not its sender, subject, body or Message-ID): a forger must not be able to post through the desk.
   */
  private async refuseUnauthenticated(
    facts: MailFacts,
    raw: Buffer,
    now: Date,
    ctx: HandleOptions,
    verdict: AuthVerdict | undefined,
    tellSender: boolean,
  ): Promise<MailOutcome> {
    const reason = verdict?.reason ?? "verify-error";
    const ref = mailRef(raw);
    const how =
      verdict?.via === "header"
        ? "theo kết quả của máy chủ thư biên"
        : "theo kiểm tra DKIM/SPF/DMARC của hệ thống";
    const from = facts.from!;
    const answer = tellSender && !(await this.capped(from, now, ctx));
    const notices: Parameters<MailDesk["record"]>[5] = [
      {
        channel: "desk",
        recipient: "mcu-technician",
        kind: "mail-not-authenticated",
        payload: {
          text: `Một thư đến hộp thư kỹ thuật không qua được kiểm tra xác thực (${AUTH_REASON_VI[reason]}, ${how}) nên không được xử lý (Điều 12.2a); ${answer ? "hộp thư gửi đã được đề nghị gửi lại thư tới hộp thư kỹ thuật" : "thư không được trả lời"}. Bản gốc được lưu để kiểm tra, mã tham chiếu ${ref}.`,
        },
      },
    ];
    if (answer) {
      const desk = this.opts.own.addresses[0]!;
      notices.push({
        channel: "mail",
        recipient: from,
        kind: "mail-not-addressed",
        payload: {
          text: [
            `Thư của quý cơ quan đã đến hộp thư kỹ thuật nhưng không gửi trực tiếp tới địa chỉ ${desk} (địa chỉ này không có ở mục Người nhận hoặc Đồng gửi/Cc, ví dụ thư gửi dạng Bcc hoặc thư gửi nơi khác rồi được chuyển nguyên văn đến) nên chưa được xử lý và chưa có lịch họp nào được tạo hay thay đổi.`,
            `Nếu thư là đăng ký, thay đổi hoặc hủy lịch họp, đề nghị gửi lại thư ghi địa chỉ ${desk} ở mục Người nhận hoặc Đồng gửi (Cc) (Điều 12.2a).`,
          ].join("\n"),
          thread: threadOf(facts),
        },
      });
    }
    const fresh = await this.record(
      facts.key,
      "refused",
      `not-authenticated: ${reason} (${verdict?.via ?? "verified"}) ref=${ref}`,
      raw,
      now,
      notices,
      ctx,
    );
    return fresh
      ? { kind: "refused", key: facts.key, reason: "not-authenticated", replied: answer }
      : { kind: "duplicate", key: facts.key };
  }

  /** Whether `from` had its day's share of answers (the reply cap per sender, 24 h). */
  private async capped(from: string, now: Date, ctx: HandleOptions): Promise<boolean> {
    const sent = await this.deskOf(ctx).store.read((r) =>
      r.outbox.countSince("mail", from, new Date(now.getTime() - 24 * 3600_000)),
    );
    return sent >= this.opts.replyCapPerSender;
  }

  private async refuse(
    facts: MailFacts,
    raw: Buffer,
    now: Date,
    ctx: HandleOptions,
    reason: "not-official-sender" | "not-authenticated" | "not-booking-agency",
    reply: boolean,
    verdict?: AuthVerdict,
  ): Promise<MailOutcome> {
    if (reason === "not-authenticated")
      return this.refuseUnauthenticated(facts, raw, now, ctx, verdict, reply);
    const from = facts.from!;
    // What the technicians (and the sender) read: a look-alike of an official mailbox is spelled out.
    const shown = mailboxShown(from);
    const why = {
      "not-official-sender": `Hòm thư ${shown} không phải hòm thư công vụ đã đăng ký của cơ quan nào trong Hệ thống; đề nghị gửi đăng ký từ hòm thư công vụ của văn thư/kỹ thuật cơ quan (Điều 12.2a).`,
      "not-authenticated": `Thư từ ${shown} không qua được kiểm tra xác thực (DMARC/SPF) nên không được xử lý.`,
      "not-booking-agency": `Hòm thư ${shown} không thuộc cơ quan đã đăng ký lịch họp này nên không thể thay đổi lịch.`,
    }[reason];
    const answer = reply && !(await this.capped(from, now, ctx));
    const notices: Parameters<MailDesk["record"]>[5] = [
      {
        channel: "desk",
        recipient: "mcu-technician",
        kind: `mail-${reason}`,
        // A reference, not the Message-ID: the sender chose that string, and the group must not carry it.
        payload: { text: `Thư (mã tham chiếu ${mailRef(raw)}): ${why}` },
      },
    ];
    if (answer)
      notices.push({
        channel: "mail",
        recipient: from,
        kind: `mail-${reason}`,
        payload: { text: why, thread: threadOf(facts) },
      });
    const fresh = await this.record(facts.key, "refused", reason, raw, now, notices, ctx);
    return fresh
      ? { kind: "refused", key: facts.key, reason, replied: answer }
      : { kind: "duplicate", key: facts.key };
  }
}

/**
 * Whether a new mail asks for a session at all: it gives an hour, a date or a content, or speaks of a meeting
 * («họp», «hội nghị», «giao ban», «tập huấn»). A question about how to register or a complaint about a line does
 * none of these; a booking that forgot its time still speaks of the meeting and is asked for what it lacks.
 */
function looksLikeBooking(facts: MailFacts, start: Date | null, title: string | null, zone: string): boolean {
  // A file attached is likely the registration itself: the answer then says the desk reads only the mail.
  if (start || title || facts.attachments) return true;
  const text = `${facts.subject}\n${facts.text}`;
  const folded = foldKeepingIndex(text);
  if (findTimes(folded).length || findDates(text, folded, facts.date ?? new Date(), zone).length) return true;
  return /\b(?:hop|hoi nghi|hoi thao|giao ban|tap huan|lich hop)\b/.test(folded);
}

/** The booking codes a text names, each once, in order. */
function codesIn(text: string): string[] {
  const re = new RegExp(BOOKING_CODE_RE.source, "gi");
  return [...new Set([...text.matchAll(re)].map((m) => `HTT-${m[1]}-${m[2]}`))];
}

/** The booking a new mail asks to cancel or move when its text names exactly one code. */
function namedCodeOf(facts: MailFacts): string | null {
  const text = `${facts.subject}\n${facts.text}`;
  const codes = codesIn(text);
  return codes.length === 1 && (isCancel(text) || asksToMove(text)) ? codes[0]! : null;
}

/** A cancellation that names the session itself: «hủy lịch họp», «hủy cuộc họp», «không tổ chức (cuộc họp) nữa». */
const SESSION_CANCELLED =
  /\b(?:huy|rut)(?: bo)? (?:lich hop|cuoc hop|phien hop|buoi hop)\b|\bkhong to chuc\b.*\bnua\b/;

/** «hoãn», «dời lịch», «đổi giờ họp», «điều chỉnh thời gian họp»: a session already booked is to move. */
/** A sentence that asks whether something is so: «… đúng không ạ?», «có phải … không?», «… phải không?». */
const CHECK_QUESTION = /\b(?:dung khong|phai khong|co phai|dung chua|dung a|dung vay khong)\b/;
/** Words that ask for a change of time, in a sentence («xin đổi sang 14h được không?» asks for one). */
const MOVE_WORD =
  /\b(?:doi|dich|lui|hoan|chuyen|dieu chinh|bat dau|ket thuc|keo dai|som hon|muon hon|thay vi|thay cho|dua len)\b/;

/**
 * `text` with each sentence that only checks the time blanked, indices kept: «Lịch là 14h ngày 10/12 đúng không ạ?»
 * asks whether the session is then, it asks for no move (the session was moved to 14:00).
 */
function withoutCheckedTimes(text: string): string {
  const folded = foldKeepingIndex(text);
  let out = "";
  let at = 0;
  // Sentences end at a line break or a mark before a space: «10.12» stays within its sentence.
  for (const m of folded.matchAll(/(?:[^.!?\n]|[.!?](?!\s|$))+[.!?]*/g)) {
    const sentence = m[0];
    if (!CHECK_QUESTION.test(sentence) || MOVE_WORD.test(sentence)) continue;
    if (
      !findTimes(sentence).length &&
      !/\d{1,2}\s*[/.-]\s*\d{1,2}|\bthu (?:hai|ba|tu|nam|sau|bay)\b/.test(sentence)
    )
      continue;
    out += text.slice(at, m.index) + " ".repeat(sentence.length);
    at = m.index + sentence.length;
  }
  return at ? out + text.slice(at) : text;
}

/** Words that ask for a change in a clause that also says «vẫn»: «vẫn họp ngày 10/12 nhưng xin đổi sang 14h». */
const CHANGE_WORD = /\b(?:doi|dich|lui|hoan|chuyen|dieu chinh|thay vi|thay cho|dua len|de nghi|xin|muon)\b/;

/**
 * `text` with each clause that restates the time with «vẫn» blanked, indices kept: «Thời gian vẫn từ 9h00 đến
 * 11h30 ạ» says the time stands (to a booking waiting for details it moved the end, and «vẫn từ 9h00» alone
 * re-decided the booking). A clause that also asks for a change keeps its time.
 */
function withoutRestatedTimes(text: string): string {
  const folded = foldKeepingIndex(text);
  let out = "";
  let at = 0;
  for (const m of folded.matchAll(/(?:[^.,;!?\n]|[.,](?=\d))+/g)) {
    const clause = text.slice(m.index, m.index + m[0].length);
    if (!/(?<!\p{L})vẫn(?!\p{L})/iu.test(clause.normalize("NFC")) || CHANGE_WORD.test(m[0])) continue;
    out += text.slice(at, m.index) + " ".repeat(clause.length);
    at = m.index + clause.length;
  }
  if (!at) return text;
  out += text.slice(at);
  // «bắt đầu lúc 8h30 thay vì 9h00, kết thúc vẫn 11h00»: beside a time or a day asked for, the one restated is
  // kept too: it says what stays (blanked, the end moved with the start, to 10:30).
  const rest = foldKeepingIndex(out);
  return findTimes(rest).length ||
    /\d{1,2}\s*[/.-]\s*\d{1,2}|\bthu (?:hai|ba|tu|nam|sau|bay)\b|\bchu nhat\b/.test(rest)
    ? text
    : out;
}

/** Whether a reply restates a time with «vẫn» (`withoutRestatedTimes`). */
function restatesTime(text: string): boolean {
  const blanked = withoutRestatedTimes(text);
  return (
    blanked !== text && findTimes(foldKeepingIndex(text)).length > findTimes(foldKeepingIndex(blanked)).length
  );
}

/** Whether a reply checks the session's time in a question (`withoutCheckedTimes`). */
function checksTime(text: string): boolean {
  return withoutCheckedTimes(text) !== text;
}

function asksToMove(text: string): boolean {
  return (
    isPostponement(text) ||
    /\b(?:doi|dieu chinh|thay doi|chuyen) (?:lai )?(?:gio(?: hop)?|(?:lich|thoi gian|ngay) (?:hop|to chuc))\b/.test(
      fold(text),
    )
  );
}

/**
 * A new mail that asks to move a session it describes: «đề nghị dời cuộc họp …», «xin chuyển phiên họp … sang …»,
 * «hoãn buổi họp …». The verb must act on the session itself; «chuyển đổi số» or «hoàn thành cuộc họp» do not.
 */
function movesSession(text: string): boolean {
  return clauses(text).some(({ original, folded }) => {
    if (negated(folded, "(?:tam )?(?:hoan|lui|doi|chuyen)")) return false;
    // «Nội dung họp: Phương án chuyển cuộc họp thường niên sang trực tuyến» is what a new session is about.
    if (/\b(?:noi dung|ten cuoc hop)\b/.test(folded)) return false;
    // Per clause: a body typed without diacritics under a subject with them.
    return hasDiacritics(original)
      ? /(?<!\p{L}|chuyển\s)(?:dời|đổi|chuyển|hoãn|lùi)(?:\s+lại)?(?:\s+(?:thời gian|lịch|giờ|ngày))?(?:\s+(?:tổ chức|của))?\s+(?:cuộc|phiên|buổi|lịch)\s+họp(?!\p{L})/iu.test(
          original,
        )
      : /\b(?<!chuyen )(?:doi|chuyen|lui|tam hoan|xin hoan|de nghi hoan)(?: lai)?(?: (?:thoi gian|lich|gio|ngay))?(?: (?:to chuc|cua))? (?:cuoc|phien|buoi|lich) hop\b/.test(
          folded,
        );
  });
}

/** The part of the day a reply names for its new day: «sáng thứ Sáu», «buổi chiều ngày 11/12», «chieu mai». */
function partOfDaySaid(text: string): "sáng" | "chiều" | null {
  // Without marks «sang» is also «sang» (to): «lùi sang thứ Sáu» names no morning; only «buổi sáng» does.
  const m = hasDiacritics(text)
    ? /(?<!\p{L})(sáng|chiều)\s+(?:ngày|thứ|chủ nhật|mai|nay|cùng ngày|hôm)(?!\p{L})/iu.exec(text)
    : /\b(buoi sang|chieu)(?: (?:ngay|thu|chu nhat|mai|nay|cung ngay|hom)\b)/.exec(fold(text));
  if (!m) return null;
  return fold(m[1]!).endsWith("sang") ? "sáng" : "chiều";
}

/** «đăng ký lại», «khôi phục lịch họp», «tổ chức lại như cũ», «không hủy nữa»: a cancelled session asked for again. */
function registersAgain(text: string): boolean {
  const folded = fold(text);
  return /\b(?:dang ky lai|khoi phuc|dat lai lich|to chuc lai|xep lai lich|khong huy nua|rut lai de nghi huy)\b/.test(
    folded,
  );
}

/**
 * Whether a reply registers another session beside the thread's: «đăng ký thêm một cuộc họp», «đăng ký một cuộc
 * họp khác», «tổ chức thêm một phiên họp nữa». «trùng với cuộc họp khác» is a reason, not a registration.
 */
function anotherSession(text: string): boolean {
  const folded = fold(text);
  return (
    /\b(?:dang ky|to chuc|bo tri)\s+them\s+(?:mot\s+|01\s+)?(?:cuoc|lich|phien|buoi)\s+hop\b/.test(folded) ||
    /\b(?:dang ky|to chuc|bo tri)\s+(?:them\s+)?(?:mot\s+|01\s+)?(?:cuoc|lich|phien|buoi)\s+hop(?:\s+truc tuyen)?\s+(?:khac|nua|moi|thu hai)\b/.test(
      folded,
    )
  );
}

/** Whether a mail names a session's content («giao ban công tác tháng 12»); never a secret session's. */
function namesTitle(text: string, booking: Booking): boolean {
  const title = fold(booking.request.title ?? "");
  if (booking.request.secret || title.length < 8) return false;
  return ` ${fold(text)} `.includes(` ${title} `);
}

/** `patch` without what `req` already holds: the same instants, endpoints already in, values already set. */
export function withoutNoOps(patch: BookingPatch, req: Booking["request"]): BookingPatch {
  const out: BookingPatch = { ...patch };
  const same = (a: Date | undefined, b: Date | null) => a !== undefined && a.getTime() === b?.getTime();
  // «bắt đầu lúc 8h30 thay vì 9h00, kết thúc vẫn 11h00»: the end said beside a new start stays in the patch, or
  // the start alone moves the whole session (it ended at 10:30).
  const moved = out.start !== undefined && !same(out.start, req.start);
  if (same(out.start, req.start)) delete out.start;
  if (same(out.end, req.end) && !moved) delete out.end;
  if (out.addParticipants) {
    out.addParticipants = out.addParticipants.filter((c) => !req.participants.includes(c));
    if (!out.addParticipants.length && !out.unresolved?.length) delete out.addParticipants;
  }
  if (out.removeParticipants) {
    out.removeParticipants = out.removeParticipants.filter((c) => req.participants.includes(c));
    if (!out.removeParticipants.length) delete out.removeParticipants;
  }
  if (out.unresolved && !out.unresolved.length) delete out.unresolved;
  if (out.title !== undefined && out.title.trim() === (req.title ?? "").trim()) delete out.title;
  if (out.contact && out.contact.name === req.contact?.name && out.contact.phone === req.contact?.phone)
    delete out.contact;
  if (out.host !== undefined && out.host === req.host) delete out.host;
  if (out.hostEndpoint !== undefined && out.hostEndpoint === req.hostEndpoint) delete out.hostEndpoint;
  for (const k of ["emergency", "recording", "cityHallRoom"] as const)
    if (out[k] !== undefined && out[k] === req[k]) delete out[k];
  if (out.secret !== undefined && out.secret === req.secret && !!out.secretUnsure === !!req.secretUnsure) {
    delete out.secret;
    delete out.secretUnsure;
  }
  return out;
}

/** A short reference to a mail that names nothing its sender wrote: the head of the SHA-256 of its source. */
/** Agency, time, endpoints and content all the same: one registration sent twice. */
/** The agency's live bookings whose time overlaps the request's (`req` already has its default length). */
async function ownAtSameTime(r: Repos, req: BookingRequest): Promise<Booking[]> {
  const { start, end, host } = req;
  if (!start || !end || !host) return [];
  const day = 24 * 3600_000;
  const near = await r.bookings.ofHostStarting(host, new Date(start.getTime() - day), end);
  return near.filter(
    (b) => b.request.start && b.request.end && b.request.start < end && b.request.end > start,
  );
}

/** The booking among `own` that `req` only repeats, as a registration vet's answer. */
function repeatOf(own: Booking[], req: BookingRequest): { repeats: Booking } | Record<string, never> {
  const same = own.find((b) => sameRequest(b.request, req));
  return same ? { repeats: same } : {};
}

function sameRequest(a: BookingRequest, b: BookingRequest): boolean {
  const set = (xs: readonly string[]) => [...new Set(xs)].sort().join("|");
  const text = (t: string | null) =>
    fold(t ?? "")
      .replace(/[^a-z0-9]+/g, " ")
      .trim();
  return (
    a.host === b.host &&
    a.start?.getTime() === b.start?.getTime() &&
    a.end?.getTime() === b.end?.getTime() &&
    set(a.participants) === set(b.participants) &&
    set(a.unresolved.map(text)) === set(b.unresolved.map(text)) &&
    text(a.title) === text(b.title) &&
    a.secret === b.secret
  );
}

function ownClashRemark(b: Booking, agency: string, zone: string): string {
  const { start, end, title, secret } = b.request;
  const what = secret || !title ? "" : ` «${title}»`;
  return `cùng thời gian đã có lịch họp ${b.code}${what} của chính ${agency} (${formatRangeVi(start!, end!, zone)}, trạng thái: ${STATUS_VI[b.status]}); nếu thư này là gửi lại đăng ký đó thì không cần làm gì thêm, nếu là cuộc họp khác đề nghị chọn thời gian khác.`;
}

function mailRef(raw: Buffer): string {
  return createHash("sha256").update(raw).digest("hex").slice(0, 16);
}

/** The booking's agency: its chair or the agency of the mailbox that registered it, or that very mailbox. */
function ownsBooking(booking: Booking, agency: string, from: string, snapshot: DirectorySnapshot): boolean {
  const req = booking.request;
  if (req.sender === from) return true;
  if (req.host === agency) return true;
  return req.channel === "mail" && snapshot.agencyByMailbox(req.sender)?.name === agency;
}

/**
 * A change or cancellation of a confirmed booking is also sent to the official mailboxes of the agencies that
 * own it, so a forged one that slipped through is seen by its owner. The clerk who gets the answer anyway
 * (the booking's sender) is not copied.
 */
function officialCopy(
  booking: Booking,
  from: string,
  snapshot: DirectorySnapshot,
): Pick<NotifyOptions, "copy" | "askedBy"> {
  if (!["confirmed", "checked"].includes(booking.status)) return {};
  const req = booking.request;
  const sender = req.sender.toLowerCase();
  const asker = from.toLowerCase();
  const owners = [
    req.host ? snapshot.agency(req.host) : undefined,
    req.channel === "mail" ? snapshot.agencyByMailbox(req.sender) : undefined,
  ];
  // The registering mailbox gets the answer itself; the asker and the agency's other mailboxes get copies.
  const others = [...new Set(owners.flatMap((a) => a?.mailboxes ?? []).map((m) => m.toLowerCase()))].filter(
    (m) => m !== sender && m !== asker,
  );
  const warn = "Nếu cơ quan không gửi đề nghị này, đề nghị báo ngay cho bộ phận kỹ thuật.";
  const copy: { to: string[]; preface: string }[] = [];
  if (others.length)
    copy.push({
      to: others,
      preface: `Bản sao gửi hòm thư công vụ của cơ quan để biết: hòm thư ${from} vừa gửi đề nghị về lịch họp ${booking.code} đã được xác nhận; kết quả xử lý ở dưới. ${warn}`,
    });
  if (asker === sender) return copy.length ? { copy } : {};
  // Another mailbox of the agency spoke for a booking this one registered: the registering mailbox is warned
  // first (it holds the thread and the invite), and the asker has its answer as a copy.
  copy.push({
    to: [from],
    preface: `Bản sao gửi hòm thư ${from}, nơi gửi đề nghị: lịch họp ${booking.code} do hòm thư ${req.sender} đăng ký, thư trả lời chính gửi hòm thư đó; kết quả xử lý ở dưới.`,
  });
  return {
    copy,
    askedBy: `Hòm thư ${from} của cơ quan vừa gửi đề nghị về lịch họp ${booking.code} do hòm thư này đăng ký; kết quả xử lý ở dưới. ${warn}`,
  };
}

/** The endpoints a reply lists after «điểm cầu tham dự (là|gồm|:)», to the end of that sentence. */
function attendingListed(text: string, reader: MailReader) {
  const folded = foldKeepingIndex(text);
  const at = /\bdiem cau (?:tham du|thanh phan)\b\s*(?:(?:la|gom)\b)?\s*:?\s*/.exec(folded);
  if (!at) return null;
  const after = text.slice(at.index + at[0].length);
  const end = foldKeepingIndex(after).search(/(?<!\b(?:p|x|q|h|tt|tp))\.(?:\s|$)|\n/);
  const list = resolveParticipants(reader.matcher, end < 0 ? after : after.slice(0, end));
  if (list.codes.length) return list;
  // «…, Sở Công Thương là điểm cầu tham dự», «; Sở Công Thương chuyển thành điểm cầu thành phần»: the names stand
  // before the label, from the clause's start (it was read only as «điểm cầu tham dự: Sở Công Thương»).
  const head = folded.slice(0, at.index);
  const start = Math.max(
    ...[...head.matchAll(/[,;\n]|(?<!\b(?:p|x|q|h|tt|tp))\.(?:\s|$)/g)].map((m) => m.index + m[0].length),
    0,
  );
  const clause =
    /^\s*(?:(?:con|va|dong thoi|rieng)\s+)?(.*?)\s*(?:(?:se|duoc)\s+)?(?:la|lam|thanh|tro thanh|chuyen thanh|chuyen sang(?: lam)?|doi thanh)?\s*$/.exec(
      head.slice(start),
    );
  // «Sở Công Thương không còn là điểm cầu tham dự»: not a list of who attends.
  if (!clause?.[1] || /\b(?:khong|chua|thoi)\b/.test(clause[1])) return null;
  const from = start + clause.index + clause[0].indexOf(clause[1]);
  const before = resolveParticipants(reader.matcher, text.slice(from, from + clause[1].length));
  return before.codes.length ? before : null;
}

/** A participants list sent again in a reply: «gửi lại danh sách điểm cầu», «điểm cầu (cập nhật)», «danh sách mới». */
const RESENT_LIST =
  /\b(?:gui lai|cap nhat|dieu chinh|sua lai|chinh sua)(?: lai)?\s+(?:(?:danh sach|thanh phan)\s+)?(?:cac\s+)?(?:diem cau|thanh phan)|\b(?:danh sach\s+)?diem cau[^:\n]{0,30}\((?:cap nhat|moi|sua lai|dieu chinh)\)|\bdanh sach (?:diem cau )?(?:moi|cap nhat|sau (?:khi )?dieu chinh)\b/;

/**
 * Whether the hour at `index` of a folded reply is the session's new end: «kéo dài đến», «kết thúc (lúc)»,
 * «giờ kết thúc:», «xong lúc», «bế mạc lúc» just before it. A bare «đến» is not enough: «dời đến 14h» moves the start.
 */
function endsAt(folded: string, index: number): boolean {
  const before = folded.slice(Math.max(0, index - 40), index);
  // «kết thúc sớm hơn, lúc 10h15», «kết thúc muộn hơn vào 11h30»: the end, said earlier or later (it moved the start).
  // «kéo dài thời gian (cuộc) họp đến 11h30», «kết thúc phiên họp lúc 11h30»: what ends may stand before the hour.
  return /(?:keo dai|ket thuc|xong|be mac)(?:\s+thoi gian)?(?:\s+(?:cuoc |phien |buoi )?hop)?(?:\s+(?:som|muon|tre)(?:\s+hon)?\s*,?)?(?:\s+(?:den|toi|luc|vao|vao luc|truoc))?\s*:?\s*$/.test(
    before,
  );
}

/**
 * A move by a length rather than to an hour, in minutes (negative: earlier): «lùi 30 phút», «dời lại 1 tiếng»,
 * «hoãn 15 phút», «muộn hơn 30 phút»; «sớm hơn 30 phút», «đưa lên sớm 1 tiếng». Null when the reply says none.
 */
function shiftSaid(folded: string): number | null {
  const later =
    /\b(?:lui|doi|hoan|day|tam hoan)(?: lai| lich| gio| thoi gian| cuoc hop| phien hop| buoi hop)?(?: (?:them|sau|muon|khoang))* (\d{1,3}) (phut|tieng)\b|\bmuon hon(?: khoang)? (\d{1,3}) (phut|tieng)\b/.exec(
      folded,
    );
  const earlier = /\b(?:som hon|len som|dua len(?: som)?|som)(?: khoang)? (\d{1,3}) (phut|tieng)\b/.exec(
    folded,
  );
  const m = later ?? earlier;
  if (!m) return null;
  const n = Number(m[1] ?? m[3]);
  const minutes = (m[2] ?? m[4]) === "tieng" ? n * 60 : n;
  if (minutes <= 0 || minutes > 12 * 60) return null;
  return later ? minutes : -minutes;
}

/**
 * A session made longer by a length, in minutes: «kéo dài thêm 30 phút», «gia hạn thêm 1 tiếng», «kéo dài 1 giờ».
 * Null when the reply says none.
 */
function lengthenedBy(folded: string): number | null {
  const m =
    /\b(?:keo dai|gia han|cho them thoi gian)(?: (?:them|khoang|cuoc hop|phien hop|thoi gian))* (\d{1,3}) (phut|tieng|gio)\b/.exec(
      folded,
    );
  if (!m) return null;
  const minutes = m[2] === "phut" ? Number(m[1]) : Number(m[1]) * 60;
  return minutes > 0 && minutes <= 12 * 60 ? minutes : null;
}

/**
 * «bớt (điểm cầu)», «bớt đi 1 điểm cầu là …», «bỏ/hủy/xóa/không mời/rút điểm cầu», «rút UBND phường … khỏi danh sách»,
 * «hủy lịch họp của điểm cầu»: the words that take endpoints out of a session.
 */
const REMOVE_MARKED =
  /(?<!\p{L})(?<!giảm )(?:(?:rút |bỏ )?bớt(?:\s+đi)?(?:\s+(?:\d{1,2}|một|hai|ba)(?=\s+điểm cầu))?(?:\s+(?:các\s+)?điểm cầu(?:\s+(?:là|gồm))?)?|loại bỏ(?:\s+(?:các\s+)?điểm cầu)?|(?:bỏ|hủy bỏ|huỷ bỏ|hủy|huỷ|xóa|xoá|không mời|rút|không kết nối)(?:\s+(?:giúp|giùm|dùm|hộ))?\s+(?:các\s+)?điểm cầu|(?:bỏ|xóa|xoá|không mời|rút)(?=\s+(?:(?:UBND|Ủy ban|Uỷ ban|phường|xã|thị trấn)(?!\p{L})|[PX]\.))|(?:hủy|huỷ)(?: bỏ)?\s+(?:lịch họp|lịch|cuộc họp|phiên họp|đăng ký)\s+(?:của|cho|tại|đối với)\s+(?:các\s+)?điểm cầu)(?!\p{L})\s*/giu;
const REMOVE_FOLDED =
  /\b(?<!giam )(?:(?:rut |bo )?bot(?:\s+di)?(?:\s+(?:\d{1,2}|mot|hai|ba)(?=\s+diem cau))?(?:\s+(?:cac\s+)?diem cau(?:\s+(?:la|gom))?)?|loai bo(?:\s+(?:cac\s+)?diem cau)?|(?:(?<!toan )bo|huy bo|huy|xoa|khong moi|rut|khong ket noi)(?:\s+(?:giup|gium|dum|ho))?\s+(?:cac\s+)?diem cau|(?:(?<!toan )bo|xoa|khong moi|rut)(?=\s+(?:(?:ubnd|uy ban|phuong|xa|thi tran)\b|[px]\.))|huy(?: bo)?\s+(?:lich hop|lich|cuoc hop|phien hop|dang ky)\s+(?:cua|cho|tai|doi voi)\s+(?:cac\s+)?diem cau)\b\s*/g;
/** Where a list of endpoints to remove stops: the next request in the sentence, or the sentence's end. */
const REMOVE_LIST_END =
  /[;\n]|\b(?:them|bo sung|dong thoi|cac diem cau khac|giu nguyen|nua|khoi)\b|(?<!\b(?:p|x|q|h|tt|tp))\.(?:\s|$)/;

/**
 * The endpoints a reply takes out of its session: «bớt điểm cầu P. Ba Đình», «đề nghị bỏ điểm cầu UBND phường
 * Ba Đình», «không mời điểm cầu … nữa». With diacritics the verb must be written with them: «toàn bộ điểm cầu» is
 * not «bỏ điểm cầu». Only names the directory knows are removed.
 */
function removedParticipants(text: string, reader: MailReader): string[] {
  const folded = foldKeepingIndex(text);
  const re = hasDiacritics(text) ? REMOVE_MARKED : REMOVE_FOLDED;
  const source = hasDiacritics(text) ? text : folded;
  const out: string[] = [];
  for (const m of source.matchAll(new RegExp(re.source, re.flags))) {
    const from = m.index + m[0].length;
    const rest = folded.slice(from);
    const stop = REMOVE_LIST_END.exec(rest);
    const list = text.slice(from, from + (stop ? stop.index : rest.length));
    for (const c of resolveParticipants(reader.matcher, list).codes) if (!out.includes(c)) out.push(c);
  }
  // «thay (thế) điểm cầu P. Ba Đình bằng P. Giảng Võ»: the first goes; the second is added as any name the reply gives.
  for (const m of folded.matchAll(/\bthay(?: the)?\s+(?:(?:cac\s+)?diem cau\s+)?([^\n;]+?)\s+bang\s/dg)) {
    const [from, to] = m.indices![1]!;
    const list = text.slice(from, to);
    for (const c of resolveParticipants(reader.matcher, list).codes) if (!out.includes(c)) out.push(c);
  }
  return out;
}

/**
 * The endpoint a reply moves the session's host to: «đổi điểm cầu chủ trì sang UBND phường Ngọc Hà», «chuyển điểm
 * cầu chính về Hội trường UBND phường Láng», «điểm cầu chủ trì là …», «chủ trì tại UBND phường Ngọc Hà», «điểm cầu
 * chủ trì từ Sở … sang …». Null when it names none the directory knows.
 */
function hostMoveSaid(text: string, reader: MailReader): string | null {
  const folded = foldKeepingIndex(text);
  const m =
    /\b(?:diem cau (?:chu tri|chinh)|chu tri (?=tai\b))(?:\s+(?:cua\s+)?(?:cuoc hop|phien hop|buoi hop))?(?:\s+(?:se|duoc))?(?:\s+(?:doi|chuyen|dat|thay doi|dieu chinh))?\s*(?:sang|thanh|la|tai|ve|o|den|:)?\s*/.exec(
      folded,
    );
  if (!m) return null;
  let from = m.index + m[0].length;
  // «từ Sở Công Thương sang UBND phường Ngọc Hà»: the new one follows «sang».
  const fromTo = /^tu\s[^\n;.]*?\s(?:sang|thanh|ve)\s+/.exec(folded.slice(from));
  if (fromTo) from += fromTo[0].length;
  const rest = folded.slice(from);
  // «… sang UBND phường Láng do hội trường phường Ngọc Hà đang sửa chữa»: the reason after it names no host.
  const stop =
    /[;\n]|\s(?:va|dong thoi|de nghi|do|vi|boi|de|nham|thay cho)\s|(?<!\b(?:p|x|q|h|tt|tp))\.(?:\s|$)|,/.exec(
      rest,
    );
  const phrase = text.slice(from, from + (stop ? stop.index : rest.length));
  return hostEndpointSaid(reader.matcher, phrase);
}

/**
 * Why a reply cancels its session, in its own words: «Do lãnh đạo Sở bận công tác đột xuất, …» → «lãnh đạo Sở bận
 * công tác đột xuất», «… vì lý do thời tiết» → «thời tiết». Null when it gives none.
 */
export function cancelReasonSaid(text: string): string | null {
  const m =
    /(?<!\p{L})(?:do|vì|bởi vì|bởi|lý do(?:\s+là)?\s*:?)\s+(?:lý do\s+)?(?!(?:đó|vậy|này|đấy)(?!\p{L}))([^.;!?\n]{3,120}?)\s*(?=[,.;!?\n]|$|\s+(?:nên|xin|đề nghị|kính)(?!\p{L}))/iu.exec(
      text,
    );
  const why = (m ?? REASON_NOTIFIED.exec(text) ?? REASON_OF_SESSION.exec(text))?.[1]?.trim();
  return why && why.length >= 3 ? why : null;
}

// «…, đề nghị Trung tâm hủy», «… nên Sở xin hủy»: the request to cancel that closes a clause giving its reason
// (without a comma only after «nên», else the reason's last words were taken for the requester).
const CANCEL_AFTER =
  "(?:\\s*,\\s*(?:(?:nên|vì vậy|do đó|vậy nên)\\s+)?|\\s+(?:nên|vì vậy|do đó|vậy nên)\\s+)(?:\\p{L}+\\s+){0,3}?(?:xin|đề nghị|kính đề nghị|mong)\\s+(?:\\p{L}+\\s+){0,4}?hủy(?!\\p{L})";
/** The session as a clause's subject: «cuộc họp (trên) chuyển sang …» says what became of it. */
const SESSION_SUBJECT = "(?:(?:cuộc|phiên|buổi)\\s+họp|hội nghị)(?:\\s+(?:này|trên|nói trên))?\\s+";
/** Words that name the session, not a reason: «cuộc họp ngày 10/12, Sở xin hủy». */
const NOT_A_REASON = "(?!(?:ngày|lúc|vào|hồi|số|mã|về|đã đăng ký)(?!\\p{L})|\\d|HTT)";
// «Sở xin thông báo: cuộc họp chuyển sang hình thức họp trực tiếp, đề nghị Trung tâm hủy lịch họp trực tuyến»,
// «Xin thông báo lãnh đạo Sở đi công tác cơ sở, đề nghị hủy lịch họp»: what is announced is why.
const REASON_NOTIFIED = new RegExp(
  `(?<!\\p{L})thông báo(?:\\s+(?:là|rằng))?\\s*:?\\s*(?:${SESSION_SUBJECT})?${NOT_A_REASON}([^.;:!?\\n,]{3,120}?)${CANCEL_AFTER}`,
  "iu",
);
// «Kính gửi Trung tâm, cuộc họp chuyển sang hình thức họp trực tiếp nên Sở xin hủy lịch họp»: so is what became of
// the session.
const REASON_OF_SESSION = new RegExp(
  `(?:^|[.;:!?\\n,])\\s*${SESSION_SUBJECT}${NOT_A_REASON}([^.;:!?\\n,]{3,120}?)${CANCEL_AFTER}`,
  "iu",
);

/** The clauses of a reply's own text (quotes and signature are already gone), each also folded. */
function clauses(text: string): { original: string; folded: string; marks: boolean }[] {
  const marks = hasDiacritics(text);
  return (
    text
      .split(/[.;!?\n]+/)
      .map((c) => c.trim())
      .filter(Boolean)
      // With diacritics, a bare "huy" is a name (anh Huy) or "huy động", never "hủy": keep it out of the folded form.
      .map((original) => ({
        original,
        marks,
        folded: fold(marks ? original.replace(/(?<!\p{L})huy(?!\p{L})/giu, " ") : original),
      }))
  );
}

/** "không hủy", "chưa cần hủy", "đừng hủy": the word is there, the request is not. */
function negated(folded: string, word: string): boolean {
  return new RegExp(`\\b(?:khong|chua|dung|cha)(?: (?:can|phai|duoc|the|muon|la))* ${word}\\b`).test(folded);
}

/** What a cancellation is about when it is not the session: one endpoint, the recording, the room, the priority. */
// «hủy giúp điểm cầu X», «hủy giùm điểm cầu X»: a courtesy word before the part (it cancelled the whole session).
const NOT_THE_SESSION =
  "(?!(?: (?:giup|gium|dum|ho|luon))? (?:bo )?(?:diem cau|dang ky diem cau|dang ky ghi|ghi hinh|ghi am|phong hop|dong|che do|yeu cau|muc|uu tien|(?:cuoc |phien )?hop khan))";
const CANCEL_RES = [
  // "xin hủy", "đề nghị hủy", "kính đề nghị Trung tâm hủy giúp", a clause that opens with "hủy".
  new RegExp(`\\b(?:xin|de nghi|vui long|mong|nho)(?: \\S+){0,3}? huy(?: bo)?\\b${NOT_THE_SESSION}`),
  new RegExp(`^huy(?: bo)?\\b${NOT_THE_SESSION}`),
  new RegExp(`\\bhuy(?: bo)? (?:lich|cuoc hop|phien hop|buoi hop|hoi nghi|dang ky)\\b${NOT_THE_SESSION}`),
  // "không tổ chức nữa", "sẽ không tổ chức cuộc họp này nữa", "thôi không họp nữa".
  /\bkhong to chuc(?: (?:cuoc|phien|buoi) hop| hop| hoi nghi)?(?: (?:nay|do|tren|nhu da dang ky|nhu dang ky))? nua\b/,
  /\bkhong to chuc (?:cuoc|phien|buoi) hop (?:nay|do|tren|nhu (?:da )?dang ky)\b/,
  /\bthoi khong hop\b|\bkhong hop nua\b/,
  /\b(?:ngung|bai bo) (?:to chuc|lich hop|cuoc hop|phien hop)\b|\bdung to chuc\b/,
  // "xin rút lịch", "rút lại đăng ký".
  /\brut(?: lai)? (?:lich|dang ky|de nghi dang ky|van ban dang ky)\b(?! diem cau)/,
];

/**
 * A reply asks to cancel the session anywhere in its own text, not only on its first line: clerks open with
 * "Kính gửi …" and give the reason first. Polite forms: "xin hủy", "đề nghị hủy", "không tổ chức nữa",
 * "xin rút lịch". A negated one ("không hủy, chỉ đổi giờ") or one about a part of the session ("hủy điểm cầu
 * …", "hủy ghi hình") is not a cancellation. Quoted history never reaches here (cleanBody removes it).
 */
export function isCancel(text: string): boolean {
  return clauses(text).some(({ folded }) => {
    if (negated(folded, "huy") || negated(folded, "rut")) return false;
    // «hủy lịch họp của điểm cầu phường Ba Đình»: one endpoint's part, not the session (removedParticipants).
    if (/\bhuy\b.*\b(?:cua|cho|tai|doi voi) (?:cac )?diem cau\b/.test(folded)) return false;
    return CANCEL_RES.some((re) => re.test(folded));
  });
}

/** "hoãn" ("tạm hoãn", "xin hoãn cuộc họp"), "lùi lịch", "dời lại": the session moves, the reply may not say where. */
export function isPostponement(text: string): boolean {
  // «đề nghị chuyển cuộc họp sang tuần sau, thời gian cụ thể sẽ thông báo sau»: a move to no time yet is a delay (it
  // went unanswered, as a reply asking for nothing).
  if (
    /\b(?:chuyen|doi|dich|lui) (?:lai )?(?:lich hop|lich|cuoc hop|phien hop|buoi hop)(?: nay)? (?:sang|vao|den) (?:(?:mot )?(?:tuan|thang|dip|ngay|hom|buoi) (?:sau|khac|toi)|thoi gian khac)\b/.test(
      fold(text),
    ) &&
    !negated(fold(text), "(?:chuyen|doi|dich|lui)")
  )
    return true;
  return clauses(text).some(({ original, folded, marks }) => {
    if (negated(folded, "(?:tam )?(?:hoan|lui|doi)")) return false;
    if (marks) {
      return /(?<!\p{L})(?:hoãn|lùi (?:lịch|lại|cuộc họp|phiên họp|thời gian|buổi họp)|dời (?:lịch|lại|cuộc họp|phiên họp|ngày|thời gian|buổi họp))(?!\p{L})/iu.test(
        original,
      );
    }
    // Without diacritics "hoan" is also "hoàn" (complete): keep to the forms that can only mean a delay.
    return /\b(?:tam hoan|xin hoan|de nghi hoan|hoan (?:lich|cuoc hop|phien hop|buoi hop|hop|to chuc|lai|sang|den)|lui lich)\b/.test(
      folded,
    );
  });
}

/**
 * Whether a reply explicitly asks for (true) or withdraws (false) emergency priority; null when it says neither.
 * "bận đột xuất, xin đổi giờ" explains a change and is no emergency request: only the session itself called
 * urgent ("họp khẩn", "đề nghị họp đột xuất, khẩn cấp", "chuyển thành họp khẩn") is.
 */
export function emergencyAsked(text: string): boolean | null {
  let asked: boolean | null = null;
  for (const { folded } of clauses(text)) {
    if (
      /\b(?:khong con|khong phai|khong con la|khong phai la)(?: (?:cuoc|phien))?(?: hop)? khan\b|\b(?:chuyen|ve) (?:lai )?(?:thanh |sang |ve )?hop (?:binh )?thuong\b|\bbo (?:che do|muc|dien) (?:uu tien )?(?:hop )?khan\b/.test(
        folded,
      )
    ) {
      asked = false;
      continue;
    }
    if (
      /\b(?:la|thanh|sang|dien|theo dien|che do|muc|uu tien|to chuc|bo tri|xep|dang ky|de nghi|xin|kinh de nghi) (?:(?:cuoc|phien|buoi) )?hop (?:dot xuat khan cap|dot xuat|khan cap|khan)\b(?! truong)/.test(
        folded,
      ) ||
      /\b(?:cuoc|phien|buoi) hop (?:nay|tren) (?:la |mang tinh |co tinh chat )?(?:dot xuat )?khan cap\b/.test(
        folded,
      )
    ) {
      asked = true;
    }
  }
  return asked;
}

/**
 * The technicians' notice of a quarantined mail: what finds it in the mailbox (when it arrived and was sent, its
 * size, its Message-ID without the host) and never its sender or subject, which can name a secret session's host
 * or content. The storage key is shown when it is the mail's hash (`db`/CLI lookups).
 */
/** The CLI command that lists quarantined mail: the CLI has no Vietnamese aliases, so it is named as typed. */
const QUARANTINE_COMMAND = "npm run cli -- mail quarantine";

/** A size in MB as the clerk reads it: «2 MB», «3,1 MB». */
function mbVi(bytes: number): string {
  return `${String(Math.round((bytes / 1048576) * 10) / 10).replace(".", ",")} MB`;
}

/** A mail's header block with an empty body (a mail too large to parse whole); null when it has no header end. */
function headerBlock(raw: Buffer): Buffer | null {
  const window = raw.subarray(0, 256 * 1024);
  const crlf = window.indexOf("\r\n\r\n");
  const lf = window.indexOf("\n\n");
  const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : -1;
  return end < 0 ? null : Buffer.from(window.subarray(0, end));
}

export function quarantineNotice(key: string, reason: string, raw: Buffer, now: Date, zone: string): string {
  const head = readHead(raw);
  const size =
    raw.length >= 1048576
      ? `${(raw.length / 1048576).toFixed(1)} MB`
      : `${Math.max(1, Math.round(raw.length / 1024))} KB`;
  const parts = [
    `nhận lúc ${formatVi(now, zone)}`,
    head.sent ? `ghi gửi lúc ${formatVi(head.sent, zone)}` : null,
    size,
    `Message-ID ${head.messageId ?? "(không có)"}`,
    key.startsWith("sha256:") ? `mã lưu ${key.slice(0, 23)}…` : null,
  ].filter(Boolean);
  return `Thư (${parts.join("; ")}) không xử lý tự động được (${reason}) và đã được cách ly; đề nghị tìm thư trong hộp thư theo thời điểm nhận hoặc Message-ID để kiểm tra.`;
}

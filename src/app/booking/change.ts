import { DateTime } from "luxon";
import { hostEndpointOf } from "../../core/booking/decide.js";
import { changeLineVi, decisionText, OUTCOME_VI, statusClauseVi } from "../../core/booking/messages.js";
import type { Booking, BookingRequest, Decision } from "../../core/booking/types.js";
import { addDays, formatRangeVi } from "../../core/calendar/zone.js";
import { wallClockInstant } from "../../core/text/vi-datetime.js";
import { type Actor, type Desk, DeskError } from "../context.js";
import { claimInbound, type InboundRef } from "./inbound.js";
import { lapseBooking } from "./lapse.js";
import { actionDecision, answerOptions, type NotifyOptions, notify } from "./notify.js";
import { decideWithAlternatives, settle } from "./settle.js";
import { UNSETTLED } from "./timers.js";

/** What a clerk may change by replying in the thread. */
export interface BookingPatch {
  start?: Date;
  end?: Date;
  addParticipants?: string[];
  /** Endpoints the reply takes out of the session («bớt điểm cầu …», «không mời điểm cầu … nữa»). */
  removeParticipants?: string[];
  unresolved?: string[];
  title?: string;
  contact?: BookingRequest["contact"];
  host?: string;
  /**
   * The endpoint the session moves its host to («đổi điểm cầu chủ trì sang UBND phường Ngọc Hà»); the old one is
   * freed. A new host agency without one hosts at its own.
   */
  hostEndpoint?: string;
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
  removeParticipants: "bớt điểm cầu",
  unresolved: "tên điểm cầu chưa xác định",
  title: "nội dung",
  contact: "đầu mối liên hệ",
  host: "cơ quan chủ trì",
  hostEndpoint: "điểm cầu chủ trì",
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
  opts: {
    now: Date;
    inbound?: InboundRef;
    notify?: NotifyOptions;
    /**
     * A technician trying a slot (the web desk): a change the rules refuse throws a DeskError with the answer's
     * words, and nothing is written or sent; the clerk, who asked for nothing, is not told of it.
     */
    refuseQuietly?: boolean;
  },
): Promise<ChangeResult> {
  const now = opts.now;
  return desk.store.tx(async (r) => {
    if (opts.inbound && !(await claimInbound(r, opts.inbound, now))) {
      return { duplicate: true };
    }
    const b = await r.bookings.get(code);
    if (!b) throw new DeskError(`Không tìm thấy lịch họp ${code}.`, "not-found");
    if (!["needs-info", "needs-review", "confirmed", "checked"].includes(b.status)) {
      throw new DeskError(
        `Lịch họp ${code} ${statusClauseVi(b.status)} nên không thể thay đổi; đề nghị gửi đăng ký mới.`,
      );
    }
    // A clerk's reply in an old thread, after the session's time: a new meeting, not a change of one already past.
    const past = b.request.start && b.request.end && b.request.end <= now ? b.request : null;
    if (actor.channel === "mail" && ["confirmed", "checked"].includes(b.status) && past)
      throw new DeskError(
        `Lịch họp ${code} (${formatRangeVi(past.start!, past.end!, desk.reg.zone)}) đã qua thời gian họp nên không thể thay đổi; đề nghị gửi đăng ký mới bằng một thư mới.`,
      );
    // Details for a booking still unsettled when its session has begun come too late: it lapses now, in the
    // lapse's own words (the scheduler may not have run yet), instead of being decided anew as a registration
    // «sent after the session, check the date».
    if (
      actor.channel === "mail" &&
      (UNSETTLED as readonly string[]).includes(b.status) &&
      b.request.start &&
      b.request.start <= now
    ) {
      const lapsed = await lapseBooking(desk, r, b, now);
      if (lapsed) {
        if (opts.inbound) await r.inbound.settle(opts.inbound.channel, opts.inbound.key, "lapsed", code);
        return { duplicate: false, booking: lapsed, decision: actionDecision("rejected", b.priority) };
      }
    }
    const old = b.request;
    const duration =
      old.start && old.end
        ? old.end.getTime() - old.start.getTime()
        : desk.reg.defaultDurationMinutes * 60_000;
    const start = patch.start ?? old.start;
    const end = patch.end ?? (patch.start ? new Date(patch.start.getTime() + duration) : old.end);
    // A technician's move onto the time the session already has (a double-clicked form: the second request finds
    // the first one's result) changes nothing: no audit row, no new SEQUENCE, no second mail to the clerk.
    const onlyTime = Object.keys(patch).every((k) => k === "start" || k === "end");
    if (
      opts.refuseQuietly &&
      onlyTime &&
      start?.getTime() === old.start?.getTime() &&
      end?.getTime() === old.end?.getTime() &&
      start &&
      end
    )
      throw new DeskError(
        `Lịch họp ${code} đã ở đúng thời gian này (${formatRangeVi(start, end, desk.reg.zone)}); không có gì thay đổi và không gửi thư nào.`,
        "unchanged",
      );
    // A technician's slot already past is a slip of the date or hour: said as such, not with the clerk's lead-time
    // rule (Điều 12.2a), and nothing is written or mailed.
    if (opts.refuseQuietly && start && start.getTime() <= now.getTime())
      throw new DeskError(
        `Không thể dời lịch họp ${code} sang thời gian đã qua (${formatRangeVi(start, end ?? start, desk.reg.zone)}); lịch cũ được giữ nguyên. Hãy kiểm tra lại ngày và giờ.`,
        "change-refused",
      );
    /**
     * A change that cannot be made: the booking stands as it was. A technician (web, CLI) is told by the error; a
     * clerk by an answer without an invite, and the group's schedule has nothing new to show.
     */
    const what = Object.keys(patch)
      .map((k) => PATCH_FIELD_VI[k as keyof BookingPatch])
      .join(", ");
    /** The change's one audit row: what was asked, and whether it was done. */
    const audit = (reason: string) =>
      r.bookings.addEvent(code, {
        at: now,
        from: b.status,
        to: b.status,
        actor: actor.id,
        channel: actor.channel,
        reason,
      });
    const refuse = async (text: string, decision: Decision) => {
      if (opts.refuseQuietly) throw new DeskError(text, "change-refused");
      // Every refusal is in the audit trail, as what was asked and not done (the host move onto the only participant
      // left none; a refused time read «thay đổi: …», as if it had been made).
      await audit(`đề nghị thay đổi không thực hiện được, lịch giữ nguyên: ${what}`);
      await notify(desk, r, b, decision, undefined, now, {
        ...opts.notify,
        text,
        kind: "booking-change-refused",
        calendar: null,
        groupText: null,
      });
      if (opts.inbound)
        await r.inbound.settle(opts.inbound.channel, opts.inbound.key, "change-refused", code);
      return { duplicate: false as const, booking: b, decision };
    };
    // The host's endpoint a mail named stays while the host agency does; a new host agency hosts at its own.
    const hostEndpoint =
      patch.hostEndpoint ?? (patch.host && patch.host !== old.host ? undefined : old.hostEndpoint);
    const { hostEndpoint: _, ...rest } = old;
    const req: BookingRequest = {
      ...rest,
      ...(hostEndpoint ? { hostEndpoint } : {}),
      host: patch.host ?? old.host,
      start,
      end,
      // The new host endpoint hosts: it is no longer one of the participants.
      participants: [...new Set([...old.participants, ...(patch.addParticipants ?? [])])].filter(
        (c) => !patch.removeParticipants?.includes(c) && c !== patch.hostEndpoint,
      ),
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
    // «Đổi điểm cầu chủ trì sang UBND phường Láng» when Láng is the session's only participant: the session would
    // have no participant left (it went back to «CẦN BỔ SUNG THÔNG TIN» and lost its slot). Which endpoints attend
    // is the clerk's to say: the booking stays as it was, and the clerk is asked.
    if (
      patch.hostEndpoint &&
      old.participants.includes(patch.hostEndpoint) &&
      req.participants.length === 0 &&
      !(patch.addParticipants ?? []).some((c) => c !== patch.hostEndpoint)
    ) {
      const name = directory.endpoint(patch.hostEndpoint)?.name;
      const which = req.secret ? "" : ` ${name ? `${name} (${patch.hostEndpoint})` : patch.hostEndpoint}`;
      // The booking as it stands, its status line left out (the first line says it is kept).
      const kept: Decision = {
        ...actionDecision(
          b.status === "checked" ? "confirmed" : (b.status as Decision["outcome"]),
          b.priority,
        ),
        missing: b.missing,
      };
      const standing = decisionText(code, old, kept, await answerOptions(desk, r, b.hostEndpoint, now))
        .split("\n")
        .slice(1);
      const text = [
        `Không thể thay đổi lịch họp ${code}; lịch cũ được giữ nguyên.`,
        `Thư đề nghị đổi điểm cầu chủ trì sang${which}, là điểm cầu tham dự duy nhất của phiên họp: nếu đổi, phiên họp không còn điểm cầu tham dự nào.`,
        `Đề nghị trả lời thư này, ghi rõ điểm cầu chủ trì và các điểm cầu tham dự${req.secret ? "" : ` (ví dụ: «Đổi điểm cầu chủ trì sang ${name ?? patch.hostEndpoint}, điểm cầu tham dự: UBND phường …»)`}.`,
        ...standing,
      ].join("\n");
      return refuse(text, kept);
    }
    // A clerk's move is a registration of the new time as it arrives (Điều 12.2a: 24 h, 6 h for an emergency): the
    // lead time counts from the reply, not from the first mail (a move sent at 16:00 to 14:00 the next day, or an
    // emergency to 20:00 the same day, was confirmed as if registered days before). The booking keeps its
    // received time: the 2-hour answer is counted from it.
    const moved = !opts.refuseQuietly && old.start && start && start.getTime() !== old.start.getTime();
    const decision = await decideWithAlternatives(
      desk,
      r,
      moved ? { ...req, receivedAt: now } : req,
      directory,
      now,
      code,
    );
    const changed: Booking = {
      ...b,
      request: req,
      hostEndpoint: hostEndpointOf(req, directory),
      sequence: b.sequence + 1,
      updatedAt: now,
    };
    // A technician's slot past the booking horizon is a mistyped year or month (2062 for 2026): the rule sends a
    // clerk's such date to a technician, but here the technician typed it. Refused, nothing written or mailed.
    const tooFar = decision.reasons.find((x) => x.code === "too-far-ahead");
    if (opts.refuseQuietly && tooFar)
      throw new DeskError(
        `Không thể thay đổi lịch họp ${code}; lịch cũ được giữ nguyên.\n- ${tooFar.message}`,
        "change-refused",
      );
    // A rejected change, or one whose end is not after its start, leaves the booking as it was: the clerk is
    // told why and keeps the old slot.
    const nonsense = decision.reasons.some((x) => x.code === "invalid-time");
    if ((decision.outcome === "rejected" || nonsense) && b.status !== "needs-info") {
      const text = decisionText(code, req, decision, {
        ...(await answerOptions(desk, r, changed.hostEndpoint, now)),
      }).replace(
        `Lịch họp ${code}: ${OUTCOME_VI[decision.outcome]}.`,
        // The details below are the change asked for, not the booking: said so, and the time kept named, or a clerk
        // read «lịch cũ được giữ nguyên» over «Thời gian: 14:00–16:00» and took the new hour as the booking's.
        [
          `Không thể thay đổi lịch họp ${code}; lịch cũ được giữ nguyên.`,
          ...(old.start && old.end
            ? [`Lịch họp vẫn giữ thời gian: ${formatRangeVi(old.start, old.end, desk.reg.zone)}.`]
            : []),
          "Đề nghị thay đổi không bố trí được:",
        ].join("\n"),
      );
      return refuse(text, decision);
    }
    await audit(`thay đổi: ${what}`);
    await r.bookings.save(changed);
    // A session the desk moved (web, CLI) must read as moved: the clerk asked for nothing, and a second
    // «ĐÃ XÁC NHẬN» with another hour is easily taken for a copy of the first.
    const movedByDesk =
      actor.channel !== "mail" &&
      actor.id !== old.sender &&
      old.start &&
      old.end &&
      start &&
      end &&
      (old.start.getTime() !== start.getTime() || old.end.getTime() !== end.getTime());
    // A clerk's reply: its answer says what it changed, before the booking as it now stands.
    const byMail =
      actor.channel === "mail"
        ? changeLineVi(old, req, {
            zone: desk.reg.zone,
            endpointName: directory.endpointName,
            hostEndpoint: (q) => hostEndpointOf(q, directory),
          })
        : undefined;
    const booking = await settle(desk, r, changed, decision, now, {
      kind: "booking-changed",
      previousPriority: b.priority,
      groupNote: what,
      ...(movedByDesk
        ? {
            lead: `Đơn vị vận hành kỹ thuật đã đổi thời gian họp: từ ${formatRangeVi(old.start!, old.end!, desk.reg.zone)} sang ${formatRangeVi(start!, end!, desk.reg.zone)}; đề nghị thông báo lại cho các điểm cầu.`,
          }
        : byMail
          ? { lead: byMail }
          : {}),
      ...opts.notify,
    });
    if (opts.inbound) await r.inbound.settle(opts.inbound.channel, opts.inbound.key, "changed", code);
    return { duplicate: false, booking, decision };
  });
}

/** The longest session an end before its start is read as reaching into the next day. */
const ACROSS_MIDNIGHT_MAX_MS = 8 * 3600_000;

/**
 * A new time typed by a technician (the web desk's form, the CLI's options): a day «YYYY-MM-DD» and two clocks
 * «HH:MM», as instants in `zone`, or what is wrong with them in Vietnamese.
 */
export function slotFromInput(
  day: string,
  from: string,
  to: string,
  zone: string,
): { start: Date; end: Date } | { error: string } {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || !DateTime.fromISO(day).isValid)
    return { error: `Ngày «${day}» không hợp lệ; hãy chọn ngày dạng 2026-12-10.` };
  const clock = (v: string) => /^([01]\d|2[0-3]):([0-5]\d)$/.exec(v);
  const [f, t] = [clock(from), clock(to)];
  if (!f || !t) return { error: `Giờ «${f ? to : from}» không hợp lệ; hãy ghi dạng 14:30.` };
  const start = wallClockInstant(day, Number(f[1]), Number(f[2]), zone);
  let end = wallClockInstant(day, Number(t[1]), Number(t[2]), zone);
  // «22:00 → 01:00»: a session across midnight ends the next day, as its own form shows it (it could not be moved
  // at all). A slip such as «14:00 → 13:00» (23 hours) is still refused.
  if (end <= start) {
    const next = wallClockInstant(addDays(day, 1), Number(t[1]), Number(t[2]), zone);
    if (next.getTime() - start.getTime() <= ACROSS_MIDNIGHT_MAX_MS) end = next;
  }
  if (end <= start) return { error: `Giờ kết thúc ${to} phải sau giờ bắt đầu ${from}.` };
  return { start, end };
}

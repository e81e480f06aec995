import { statusClauseVi } from "../../core/booking/messages.js";
import type { Booking } from "../../core/booking/types.js";
import { formatRangeVi, localDateOf, localTimeOf } from "../../core/calendar/zone.js";
import { fold } from "../../core/text/fold.js";
import { findDates, findTimes, foldKeepingIndex } from "../../core/text/vi-datetime.js";
import { type Actor, type Desk, DeskError } from "../context.js";
import { claimAndLoad, type InboundRef } from "./inbound.js";
import { actionDecision, type NotifyOptions, notify, wasInvited } from "./notify.js";
import { moveTo } from "./state.js";
import { armTimers } from "./timers.js";

/**
 * Why a booking cannot be cancelled, in words that say what it is now: a rejected one holds nothing, a live one is
 * ended by the MCU technician, an ended one is past. A clerk's «xin hủy» in an old thread after the session's time
 * cancels nothing either: the group would read «ĐÃ HỦY» for a session already past (a technician may still cancel
 * one that never took place, for the reports).
 */
function cancelRefusal(b: Booking, actor: Actor, now: Date, zone: string): string | null {
  const when =
    b.request.start && b.request.end ? ` (${formatRangeVi(b.request.start, b.request.end, zone)})` : "";
  switch (b.status) {
    case "rejected":
      return `Lịch họp ${b.code}${when} đã bị từ chối nên không có lịch nào để hủy; không cần làm gì thêm.`;
    case "live":
      return `Lịch họp ${b.code}${when} đang diễn ra nên không thể hủy; đề nghị báo cán bộ kỹ thuật điều khiển MCU để kết thúc phiên họp.`;
    case "ended":
    case "handed-over":
      return `Lịch họp ${b.code}${when} đã kết thúc nên không thể hủy.`;
  }
  if (actor.channel === "mail" && b.request.end && b.request.end <= now && b.status !== "cancelled")
    return `Lịch họp ${b.code}${when} đã qua thời gian họp nên không thể hủy; nếu phiên họp đã không diễn ra, đề nghị liên hệ cán bộ kỹ thuật.`;
  return null;
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
    const refused = cancelRefusal(b, actor, now, desk.reg.zone);
    if (refused) throw new DeskError(refused);
    const invited = await wasInvited(r, code);
    const next = await moveTo(r, b, "cancelled", actor, reason, now);
    await armTimers(desk, r, next, now);
    // A technician's reason is free text («Giám đốc Sở … bận»): for a secret session it stays in the audit trail;
    // its mail carries code and time only and the group reads what it reads for any change of one (Điều 5.2).
    const secret = b.request.secret;
    const said = secret ? "được trao đổi qua kênh bảo mật, không qua thư điện tử" : reason;
    // Cancelled by the desk (web, CLI, chat), not at the clerk's own request: the clerk, who asked for nothing, must
    // read who did it and that the endpoints are to be told.
    const byDesk = actor.channel !== "mail" && actor.id !== b.request.sender;
    const text = [
      `Lịch họp ${code} (${b.request.start && b.request.end ? formatRangeVi(b.request.start, b.request.end, desk.reg.zone) : "chưa rõ thời gian"}) ĐÃ HỦY.`,
      // Found by what the mail said rather than by its code: which booking that was, for the clerk to check.
      ...(opts.notify?.lead ? [opts.notify.lead] : []),
      ...(byDesk
        ? ["Đơn vị vận hành kỹ thuật đã hủy lịch họp này; đề nghị thông báo cho các điểm cầu."]
        : []),
      `Lý do: ${said}.`,
    ].join("\n");
    const decision = actionDecision("rejected", b.priority);
    await notify(desk, r, next, decision, undefined, now, {
      ...opts.notify,
      text,
      kind: "booking-cancelled",
      calendar: invited ? "CANCEL" : null,
      groupText: `[${code}] ĐÃ HỦY — ${secret ? "phiên mật" : reason}`,
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
        `Lịch họp ${code} ${statusClauseVi(b.status)} nên không thể hoãn; đề nghị gửi đăng ký mới.`,
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
    await armTimers(desk, r, next, now, { slaFrom: now });
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
    const decision = actionDecision("needs-review", b.priority);
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

/** Words of a title that name no session of their own: «cuộc họp», «về việc», «của». */
const TITLE_FILLER = new Set([
  "cuoc",
  "phien",
  "buoi",
  "lich",
  "hop",
  "hoi",
  "nghi",
  "truc",
  "tuyen",
  "ve",
  "viec",
  "cua",
  "va",
  "cac",
  "ngay",
  "thang",
  "nam",
  "so",
  "to",
  "chuc",
]);

/**
 * Whether a mail names a booking's content: every number of its title («tháng 12», «số 2») and most of its words
 * («giao ban công tác tháng 12» in «hủy cuộc họp giao ban công tác tháng 12 ngày 10/12/2026»), with at least two
 * words that are more than «cuộc họp».
 */
export function mailNamesTitle(mail: string, title: string | null): boolean {
  const words = fold(title ?? "")
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (!words.length) return false;
  // «10/12/2026», «9h00»: a day's or an hour's numbers are no number of the title («tháng 11» is not «tháng 12»).
  const spoken = foldKeepingIndex(mail).replace(
    /\d{1,2}\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{2,4})?|\d{1,2}\s*(?:h|g|:)(?![a-z])\s*\d{0,2}/g,
    " ",
  );
  const said = new Set(spoken.split(/[^a-z0-9]+/));
  if (words.some((w) => /^\d+$/.test(w) && !said.has(w))) return false;
  const found = words.filter((w) => said.has(w));
  const telling = found.filter((w) => !TITLE_FILLER.has(w) && !/^\d+$/.test(w));
  return telling.length >= 2 && found.length >= Math.ceil(words.length * 0.75);
}

/**
 * The bookings (of one agency, still to come) a mail asking to cancel without a code describes: on a day it names,
 * at an hour it names if it names one, with the content it names. A mail naming no day describes none: the content
 * alone («giao ban») repeats week after week.
 */
export function bookingsDescribed(
  mail: string,
  bookings: Booking[],
  reference: Date,
  zone: string,
): Booking[] {
  const folded = foldKeepingIndex(mail);
  const days = new Set(findDates(mail, folded, reference, zone).map((d) => d.date));
  if (!days.size) return [];
  const hours = new Set(
    findTimes(folded).map((t) => `${String(t.hour).padStart(2, "0")}:${String(t.minute).padStart(2, "0")}`),
  );
  return bookings.filter((b) => {
    const start = b.request.start;
    if (!start || !days.has(localDateOf(start, zone))) return false;
    if (hours.size && !hours.has(localTimeOf(start, zone))) return false;
    return mailNamesTitle(mail, b.request.title);
  });
}

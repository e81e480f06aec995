import { fieldVi } from "../../core/booking/rules.js";
import type { Booking } from "../../core/booking/types.js";
import { formatRangeVi, formatVi } from "../../core/calendar/zone.js";
import type { Repos } from "../../store/store.js";
import type { Desk } from "../context.js";
import { actionDecision, notify, wasInvited } from "./notify.js";
import { moveTo } from "./state.js";
import { armTimers, lapseAt, TIMELESS_LAPSE_DAYS } from "./timers.js";

/**
 * A booking still waiting for a technician (or for the clerk's missing details) when its session starts was never
 * arranged: the MCU opens no conference for it. It lapses: rejected by the system, its agency told in the thread
 * (an invite sent before a displacement is withdrawn), the group and the desk told, so that nothing waits in the
 * review queue for a session that is already over. Runs in the job's transaction.
 */
export async function lapseBooking(desk: Desk, r: Repos, b: Booking, now: Date): Promise<Booking | null> {
  const due = lapseAt(b);
  if (!due || due > now) return null;
  const words = lapseWords(b, desk.reg.zone);
  // A booking displaced back to review had an invite: the clerk's calendar must lose it.
  const invited = await wasInvited(r, b.code);
  const next = await moveTo(
    r,
    b,
    "rejected",
    { id: "system", channel: "system" },
    `hết hiệu lực: ${words.audit}`,
    now,
  );
  await armTimers(desk, r, next, now);
  const text = [
    `Lịch họp ${b.code} (${words.time}): KHÔNG BỐ TRÍ ĐƯỢC.`,
    `Lý do: ${words.why}.`,
    ...(invited ? ["Lời mời họp đã gửi trước đây được thu hồi."] : []),
    words.again,
  ].join("\n");
  await notify(desk, r, next, actionDecision("rejected", b.priority), undefined, now, {
    text,
    kind: "booking-lapsed",
    calendar: invited ? "CANCEL" : null,
    groupText: `[${b.code}] KHÔNG BỐ TRÍ ĐƯỢC — ${words.group}`,
  });
  await r.outbox.post(
    {
      channel: "desk",
      recipient: "mcu-technician",
      kind: "booking-lapsed",
      booking: b.code,
      payload: { text: `Lịch ${b.code} hết hiệu lực: ${words.desk}; đã báo cơ quan đăng ký.` },
    },
    now,
  );
  return next;
}

/**
 * What a lapse says, at its start or (a booking that never had a time) TIMELESS_LAPSE_DAYS after receipt: the time
 * shown, the audit reason, the clerk's reason and closing line, the group's and the desk's words.
 */
function lapseWords(b: Booking, zone: string) {
  const { start, end } = b.request;
  const missing = stillMissing(b);
  const lacking = missing.length ? ` (${missing.join("; ")})` : "";
  if (!start) {
    const waiting = `sau ${TIMELESS_LAPSE_DAYS} ngày vẫn chưa nhận được thông tin bổ sung${lacking}`;
    return {
      time: "chưa rõ thời gian",
      audit: waiting,
      why: `${waiting} nên đăng ký không còn hiệu lực`,
      again: "Nếu vẫn cần họp, đề nghị gửi đăng ký mới, ghi rõ ngày và giờ họp (Điều 12.2a).",
      group: "đăng ký chưa bổ sung đủ thông tin",
      desk: waiting,
    };
  }
  const time = end ? formatRangeVi(start, end, zone) : formatVi(start, zone);
  const waiting =
    b.status === "needs-info" ? `vẫn chờ bổ sung thông tin${lacking}` : "vẫn chờ cán bộ kỹ thuật xem xét";
  return {
    time,
    audit: `đến giờ họp lịch ${waiting}`,
    why: `đến giờ họp, lịch ${waiting} nên phiên họp không được tổ chức trên hệ thống`,
    again: "Nếu vẫn cần họp, đề nghị gửi đăng ký mới (Điều 12.2a).",
    group: "đến giờ họp lịch chưa được xác nhận",
    desk: `đến giờ họp (${time}) lịch ${waiting}`,
  };
}

/**
 * What a booking waiting for its clerk still lacks, in words the clerk can act on a day later: the missing fields,
 * and the names the directory did not know (a secret session's stay unnamed, as in all its answers). A booking
 * held only for an unknown endpoint has no missing field, and was reminded of «các thông tin đã đề nghị».
 */
function stillMissing(b: Booking): string[] {
  const out = b.missing.map((f) => fieldVi(f, b.request));
  if (b.reasons.includes("unknown-endpoint")) {
    const names = b.request.secret ? [] : b.request.unresolved;
    const shown = names.slice(0, 5).map((u) => `«${u}»`);
    if (names.length > shown.length) shown.push(`${names.length - shown.length} tên khác`);
    out.push(`tên điểm cầu đúng theo danh bạ${shown.length ? ` cho ${shown.join(", ")}` : ""}`);
  }
  if (b.reasons.includes("unknown-host")) out.push("tên cơ quan chủ trì đúng theo danh bạ");
  if (b.reasons.includes("invalid-time")) out.push("thời gian họp hợp lệ (giờ kết thúc sau giờ bắt đầu)");
  return out;
}

/**
 * A day before its session (or half-way when it is closer), a booking still missing details reminds its clerk in
 * the thread what is missing and that it lapses at the start without them. Runs in the job's transaction.
 */
export async function remindMissingInfo(desk: Desk, r: Repos, b: Booking, now: Date): Promise<boolean> {
  const { start, end } = b.request;
  if (b.status !== "needs-info" || !start || !end || start <= now) return false;
  const text = [
    `Lịch họp ${b.code} (${formatRangeVi(start, end, desk.reg.zone)}): VẪN CẦN BỔ SUNG THÔNG TIN.`,
    `Đề nghị bổ sung: ${stillMissing(b).join("; ") || "các thông tin đã đề nghị"} (Điều 12.2a), bằng cách trả lời thư này.`,
    "Nếu đến giờ họp vẫn chưa bổ sung, lịch họp sẽ không được bố trí.",
  ].join("\n");
  await notify(desk, r, b, actionDecision("needs-info", b.priority), undefined, now, {
    text,
    kind: "info-reminder",
    calendar: null,
    groupText: null,
  });
  return true;
}

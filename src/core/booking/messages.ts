import type { HolidayCalendar } from "../calendar/holidays.js";
import { dayVi, formatRangeVi, formatVi, localDateOf, localTimeOf } from "../calendar/zone.js";
import { fieldVi, LISTED_UNKNOWN } from "./rules.js";
import { STATUS_VI } from "./state.js";
import type { BookingRequest, BookingStatus, Decision, Outcome, Priority, ReasonCode } from "./types.js";

export const OUTCOME_VI: Record<Outcome, string> = {
  confirmed: "ĐÃ XÁC NHẬN",
  "needs-info": "CẦN BỔ SUNG THÔNG TIN",
  "needs-review": "ĐÃ TIẾP NHẬN, CHỜ XEM XÉT",
  rejected: "KHÔNG BỐ TRÍ ĐƯỢC",
};

/**
 * Where a booking stands, in the words its clerk was answered with: a refused booking was told «KHÔNG BỐ TRÍ
 * ĐƯỢC», so a later reply to it must not call it «từ chối», a word the clerk never saw.
 */
export function statusClauseVi(status: BookingStatus): string {
  if (status === "rejected") return `đã được trả lời «${OUTCOME_VI.rejected}»`;
  return `đang ở trạng thái «${STATUS_VI[status]}»`;
}

/**
 * Điều 5.2: reasons whose message names endpoints, the host or other bookings are told without them for a secret
 * session; the details go through the secure channel.
 */
const SECRET_REASON_VI: Partial<Record<ReasonCode, string>> = {
  "endpoint-busy":
    "Một số điểm cầu của phiên đã có lịch họp khác trùng thời gian; chi tiết được trao đổi qua kênh bảo mật.",
  "unknown-endpoint":
    "Có điểm cầu chưa xác định được trong danh bạ Hệ thống; chi tiết được trao đổi qua kênh bảo mật.",
  "unknown-host":
    "Chưa xác định được cơ quan chủ trì trong danh bạ Hệ thống; chi tiết được trao đổi qua kênh bảo mật.",
  // The technician's own words may name what is secret; they stay in the audit trail, as a cancellation's do.
  "desk-refused": "Lý do từ chối được trao đổi qua kênh bảo mật, không qua thư điện tử.",
};

function timeOf(req: BookingRequest, zone: string): string {
  if (req.start && req.end) return formatRangeVi(req.start, req.end, zone);
  // «buổi sáng ngày 24/12»: the day understood is said, the hour asked.
  return req.day ? `${dayVi(req.day)} (chưa rõ giờ bắt đầu)` : "(chưa rõ thời gian)";
}

const PRIORITY_VI: Record<Priority, string> = {
  1: "thông thường",
  2: "họp đột xuất, khẩn cấp (Điều 11.3)",
  3: "phiên họp do Thường trực Thành ủy, HĐND, UBND Thành phố chủ trì (Điều 11.1)",
};

export interface AnswerOptions {
  zone: string;
  answerWithinMinutes: number;
  /** The directory's name of an endpoint code, for the echo; without it codes are shown alone. */
  endpointName?: (code: string) => string | null | undefined;
  /** The host agency's own endpoint, listed first. */
  hostEndpoint?: string | null;
  /** The priority before a change: when it differs, the answer says so. */
  previousPriority?: Priority;
  /**
   * When the answer is made, and how long before a session its technical check runs (Điều 12.2b: 2 hours): a
   * confirmation made inside that time says the check runs now instead of promising it «2 hours before».
   */
  now?: Date;
  technicalCheckBeforeMinutes?: number;
}

const yesNo = (v: boolean) => (v ? "có" : "không");
/** Minutes as the regulation writes a span: «02 giờ», «01 giờ 30 phút». */
const hoursVi = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")} giờ${minutes % 60 ? ` ${minutes % 60} phút` : ""}`;

/**
 * What the desk understood, so the clerk can check it at a glance: host, endpoints by name (and code), flags.
 * Not for a secret session (Điều 5.2): its answer carries code and time only.
 */
export function echoLines(req: BookingRequest, opts: AnswerOptions): string[] {
  const codes = [...new Set([...(opts.hostEndpoint ? [opts.hostEndpoint] : []), ...req.participants])];
  const named = codes.map((c) => {
    const name = opts.endpointName?.(c);
    return name ? `${name} (${c})` : c;
  });
  // A host endpoint the mail named (not the host agency's own) is said as such: the list alone does not tell.
  const hostAt = req.hostEndpoint
    ? [
        `Điểm cầu chủ trì: ${opts.endpointName?.(req.hostEndpoint) ? `${opts.endpointName(req.hostEndpoint)} (${req.hostEndpoint})` : req.hostEndpoint}.`,
      ]
    : [];
  const unresolved = req.unresolved.slice(0, LISTED_UNKNOWN).map((u) => `«${u}» (chưa xác định)`);
  const more = req.unresolved.length - LISTED_UNKNOWN;
  if (more > 0) unresolved.push(`${more} tên khác chưa xác định`);
  const all = [...named, ...unresolved];
  // The contact as read: a clerk asked to complete it sees which part was not (a phone without a full name).
  const c = req.contact;
  const contact =
    c && (c.name || c.phone)
      ? [`Đầu mối liên hệ: ${c.name || "(chưa có họ tên đầy đủ)"}, ${c.phone || "(chưa có số điện thoại)"}.`]
      : [];
  return [
    `Cơ quan chủ trì: ${req.host ?? "(chưa rõ)"}.`,
    ...hostAt,
    `Điểm cầu (${named.length + req.unresolved.length}): ${all.length ? all.join("; ") : "(chưa có)"}.`,
    `Ghi hình: ${yesNo(req.recording)}. Phòng họp trực tuyến tại trụ sở UBND Thành phố: ${yesNo(req.cityHallRoom)}. Họp đột xuất, khẩn cấp: ${yesNo(req.emergency)}.`,
    ...contact,
  ];
}

/**
 * What a reply changed, for its answer's second line: «Đã cập nhật theo thư: thời gian từ … sang …; thêm điểm cầu
 * Phường Ngọc Hà (CX-00008).» Without it a changed booking's answer read like the first one («ĐÃ XÁC NHẬN.» and
 * the whole booking), and the clerk had to compare the two to see whether the change was made. A secret session's
 * line names its time only (Điều 5.2). Undefined when nothing the clerk reads changed.
 */
export function changeLineVi(
  old: BookingRequest,
  req: BookingRequest,
  opts: Pick<AnswerOptions, "zone" | "endpointName"> & {
    /** The endpoint hosting a request (hostEndpointOf); without it a change of host endpoint goes unsaid. */
    hostEndpoint?: (req: BookingRequest) => string | null;
  },
): string | undefined {
  const parts: string[] = [];
  const sameTime = old.start?.getTime() === req.start?.getTime() && old.end?.getTime() === req.end?.getTime();
  if (!sameTime && req.start && req.end)
    parts.push(
      old.start && old.end
        ? `thời gian từ ${formatRangeVi(old.start, old.end, opts.zone)} sang ${formatRangeVi(req.start, req.end, opts.zone)}`
        : `thời gian ${formatRangeVi(req.start, req.end, opts.zone)}`,
    );
  const named = (codes: string[]) =>
    codes.map((c) => (opts.endpointName?.(c) ? `${opts.endpointName(c)} (${c})` : c)).join("; ");
  const added = req.participants.filter((c) => !old.participants.includes(c));
  const [hostBefore, hostNow] = [opts.hostEndpoint?.(old) ?? null, opts.hostEndpoint?.(req) ?? null];
  // A participant become the host is no endpoint taken out: the host line says it.
  const removed = old.participants.filter((c) => !req.participants.includes(c) && c !== hostNow);
  const others: string[] = [];
  if (added.length) others.push(`thêm điểm cầu ${named(added)}`);
  if (removed.length) others.push(`bớt điểm cầu ${named(removed)}`);
  if (req.host !== old.host) others.push(`cơ quan chủ trì: ${req.host ?? "(chưa rõ)"}`);
  if (hostNow && hostBefore !== hostNow)
    others.push(
      hostBefore
        ? `điểm cầu chủ trì từ ${named([hostBefore])} sang ${named([hostNow])}`
        : `điểm cầu chủ trì: ${named([hostNow])}`,
    );
  if (req.title !== old.title && req.title) others.push(`nội dung: ${req.title}`);
  const c = req.contact;
  if ((c?.name ?? "") !== (old.contact?.name ?? "") || (c?.phone ?? "") !== (old.contact?.phone ?? ""))
    if (c) others.push(`đầu mối liên hệ: ${[c.name, c.phone].filter(Boolean).join(", ")}`);
  if (req.recording !== old.recording) others.push(`ghi hình: ${yesNo(req.recording)}`);
  if (req.cityHallRoom !== old.cityHallRoom)
    others.push(`phòng họp trực tuyến tại trụ sở UBND Thành phố: ${yesNo(req.cityHallRoom)}`);
  if (req.emergency !== old.emergency) others.push(`họp đột xuất, khẩn cấp: ${yesNo(req.emergency)}`);
  if (req.secret && others.length) parts.push("các thông tin khác của phiên họp");
  else parts.push(...others);
  return parts.length ? `Đã cập nhật theo thư: ${parts.join("; ")}.` : undefined;
}

/**
 * The answer to the registering agency: the outcome, then what was understood (echo), then why. A secret
 * session (Điều 5.2) is answered with its code and time only: its content never travels over an internet channel.
 */
export function decisionText(
  code: string,
  req: BookingRequest,
  decision: Decision,
  opts: AnswerOptions,
): string {
  const lines = [
    `Lịch họp ${code}: ${OUTCOME_VI[decision.outcome]}.`,
    `Thời gian: ${timeOf(req, opts.zone)}.`,
  ];
  if (!req.secret && req.title) lines.push(`Nội dung: ${req.title}.`);
  if (req.secret)
    lines.push("Phiên họp có nội dung mật: chi tiết được trao đổi qua kênh bảo mật, không qua thư điện tử.");
  else {
    lines.push(...echoLines(req, opts));
    if (opts.previousPriority !== undefined && opts.previousPriority !== decision.priority)
      lines.push(
        `Mức ưu tiên đã thay đổi: từ «${PRIORITY_VI[opts.previousPriority]}» sang «${PRIORITY_VI[decision.priority]}».`,
      );
  }
  switch (decision.outcome) {
    case "confirmed": {
      const before = opts.technicalCheckBeforeMinutes ?? 120;
      const late = opts.now && req.start && req.start.getTime() - opts.now.getTime() < before * 60_000;
      lines.push(
        late
          ? `Phiên họp bắt đầu trong chưa đầy ${hoursVi(before)} nữa: đơn vị vận hành kỹ thuật tổ chức kiểm tra kỹ thuật ngay; đề nghị các điểm cầu sẵn sàng kết nối (Điều 12.2b).`
          : `Đơn vị vận hành kỹ thuật sẽ tổ chức kiểm tra kỹ thuật chậm nhất ${hoursVi(before)} trước phiên họp (Điều 12.2b).`,
      );
      break;
    }
    case "needs-info":
      if (decision.missing.length > 0)
        lines.push(
          `Đề nghị bổ sung: ${decision.missing.map((f) => fieldVi(f, req)).join("; ")} (Điều 12.2a).`,
        );
      break;
    case "needs-review":
      lines.push(
        `Cán bộ kỹ thuật sẽ xem xét và trả lời trong vòng ${opts.answerWithinMinutes / 60} giờ kể từ khi tiếp nhận (Điều 12.2b).`,
      );
      break;
    case "rejected":
      break;
  }
  // The fields asked for above are not listed again as a reason.
  const asked = decision.outcome === "needs-info" && decision.missing.length > 0;
  for (const r of decision.reasons) {
    if (asked && r.code === "missing-fields") continue;
    lines.push(`- ${req.secret ? (SECRET_REASON_VI[r.code] ?? r.message) : r.message}`);
  }
  if (decision.alternatives.length > 0) {
    lines.push("Các khung giờ còn trống gần nhất:");
    for (const a of decision.alternatives) lines.push(`  • ${formatRangeVi(a.start, a.end, opts.zone)}`);
  }
  return lines.join("\n");
}

/** The public line in the support group (Điều 12.2b): code, time, outcome; never a secret session's content. */
export function groupLine(
  code: string,
  req: BookingRequest,
  outcome: Outcome,
  zone: string,
  host?: string,
): string {
  // Điều 5.2: the group sees the code, the time and that the session is secret; no host, no title.
  const who = req.secret ? " — phiên mật" : ` — ${host ?? req.host ?? "chưa rõ cơ quan chủ trì"}`;
  const what = req.secret || !req.title ? "" : `: ${req.title}`;
  return `[${code}] ${OUTCOME_VI[outcome]} — ${timeOf(req, zone)}${who}${what}`;
}

/**
 * A session on a day off or outside office hours is not refused (the regulation has no rule against it), but a
 * mistyped date often lands there: the answer and the group's line say so, so that the clerk and the desk look
 * twice. Null for a session in office hours on a working day, or an outcome that books nothing.
 */
export function offHoursRemark(
  req: Pick<BookingRequest, "start" | "end">,
  outcome: Outcome,
  zone: string,
  workday: { start: string; end: string },
  calendar: Pick<HolidayCalendar, "isWorkingDay" | "holidayName">,
): { day: string | null; time: string | null } | null {
  const { start, end } = req;
  if (!start || !end || (outcome !== "confirmed" && outcome !== "needs-review")) return null;
  const date = localDateOf(start, zone);
  let day: string | null = null;
  if (!calendar.isWorkingDay(date)) {
    const name = calendar.holidayName(date);
    day = `${formatVi(start, zone).slice(6)} là ${name ? `ngày nghỉ (${name})` : "ngày nghỉ cuối tuần"}`;
  }
  // An evening session on a holiday is said twice: either may be the typing mistake.
  const endDay = localDateOf(new Date(end.getTime() - 1), zone);
  const outside =
    localTimeOf(start, zone) < workday.start || endDay !== date || localTimeOf(end, zone) > workday.end;
  const time = outside ? `phiên họp ngoài giờ hành chính (${workday.start}–${workday.end})` : null;
  return day || time ? { day, time } : null;
}

/**
 * The remark as the clerk reads it in the answer. An emergency (Điều 11) on a day off or at night is meant: it is
 * said to be arranged, not asked to be checked.
 */
export function offHoursNote(remark: ReturnType<typeof offHoursRemark>, emergency = false): string {
  if (!remark) return "";
  if (emergency)
    return `\nLưu ý: ${[remark.day, remark.time].filter(Boolean).join("; ")}; phiên họp khẩn vẫn được bố trí.`;
  return (
    (remark.day ? `\nLưu ý: ${remark.day}; đề nghị kiểm tra lại ngày họp.` : "") +
    (remark.time ? `\nLưu ý: ${remark.time}; đề nghị kiểm tra lại giờ họp.` : "")
  );
}

/** The remark as the support group reads it under the booking's line. */
export function offHoursGroupNote(remark: ReturnType<typeof offHoursRemark>): string {
  if (!remark) return "";
  return `\nLưu ý: ${[remark.day, remark.time].filter(Boolean).join("; ")}.`;
}

export function displacedText(code: string, by: string, req: BookingRequest, zone: string): string {
  return [
    `Lịch họp ${code} (${timeOf(req, zone)}) phải chuyển sang chờ xem xét lại.`,
    `Lý do: phiên họp ${by} được ưu tiên theo Điều 11 Quy chế và sử dụng cùng điểm cầu hoặc năng lực MCU.`,
    "Cán bộ kỹ thuật sẽ liên hệ để bố trí thời gian khác.",
  ].join("\n");
}

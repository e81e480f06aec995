import { formatRangeVi } from "../calendar/zone.js";
import { fieldVi } from "./rules.js";
import type { BookingRequest, Decision, Outcome, ReasonCode } from "./types.js";

export const OUTCOME_VI: Record<Outcome, string> = {
  confirmed: "ĐÃ XÁC NHẬN",
  "needs-info": "CẦN BỔ SUNG THÔNG TIN",
  "needs-review": "ĐÃ TIẾP NHẬN, CHỜ XEM XÉT",
  rejected: "KHÔNG BỐ TRÍ ĐƯỢC",
};

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
};

function timeOf(req: BookingRequest, zone: string): string {
  return req.start && req.end ? formatRangeVi(req.start, req.end, zone) : "(chưa rõ thời gian)";
}

/**
 * The answer to the registering agency. A secret session (Điều 5.2) is answered with its code and time only:
 * its content never travels over an internet channel.
 */
export function decisionText(
  code: string,
  req: BookingRequest,
  decision: Decision,
  opts: { zone: string; answerWithinMinutes: number },
): string {
  const lines = [
    `Lịch họp ${code}: ${OUTCOME_VI[decision.outcome]}.`,
    `Thời gian: ${timeOf(req, opts.zone)}.`,
  ];
  if (!req.secret && req.title) lines.push(`Nội dung: ${req.title}.`);
  if (req.secret)
    lines.push("Phiên họp có nội dung mật: chi tiết được trao đổi qua kênh bảo mật, không qua thư điện tử.");
  switch (decision.outcome) {
    case "confirmed":
      lines.push(
        "Đơn vị vận hành kỹ thuật sẽ tổ chức kiểm tra kỹ thuật chậm nhất 02 giờ trước phiên họp (Điều 12.2b).",
      );
      break;
    case "needs-info":
      if (decision.missing.length > 0)
        lines.push(`Đề nghị bổ sung: ${decision.missing.map(fieldVi).join("; ")}.`);
      break;
    case "needs-review":
      lines.push(
        `Cán bộ kỹ thuật sẽ xem xét và trả lời trong vòng ${opts.answerWithinMinutes / 60} giờ kể từ khi tiếp nhận (Điều 12.2b).`,
      );
      break;
    case "rejected":
      break;
  }
  for (const r of decision.reasons)
    lines.push(`- ${req.secret ? (SECRET_REASON_VI[r.code] ?? r.message) : r.message}`);
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

export function displacedText(code: string, by: string, req: BookingRequest, zone: string): string {
  return [
    `Lịch họp ${code} (${timeOf(req, zone)}) phải chuyển sang chờ xem xét lại.`,
    `Lý do: phiên họp ${by} được ưu tiên theo Điều 11 Quy chế và sử dụng cùng điểm cầu hoặc năng lực MCU.`,
    "Cán bộ kỹ thuật sẽ liên hệ để bố trí thời gian khác.",
  ].join("\n");
}

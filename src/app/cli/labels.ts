import type { Booking } from "../../core/booking/types.js";
import type { JobStatus } from "../../store/queue-repos.js";

/** Timer kinds as the operator reads them; a kind added later shows as «hẹn giờ «kind»» until named here. */
export const JOB_KIND_VI: Record<string, string> = {
  "answer-reminder": "nhắc trả lời đăng ký",
  "answer-breach": "quá hạn trả lời đăng ký (Điều 12.2b)",
  "technical-check": "kiểm tra kỹ thuật trước phiên họp (Điều 12.2b)",
  "technical-check-followup": "nhắc điểm cầu xác nhận sẵn sàng",
  "recording-handover-today": "nhắc bàn giao bản ghi sáng ngày đến hạn (Điều 14.2)",
  "recording-handover-due": "hạn bàn giao bản ghi (Điều 14.2)",
  "booking-lapse": "lịch chưa được xác nhận hết hiệu lực khi đến giờ họp",
  "info-reminder": "nhắc cơ quan bổ sung thông tin đăng ký",
  "incident-ack-reminder": "nhắc nhận xử lý sự cố",
  "incident-escalate": "báo lên khi sự cố chưa có người nhận",
};

export const JOB_STATUS_VI: Record<JobStatus, string> = {
  pending: "đang chờ",
  done: "đã chạy",
  parked: "dừng do lỗi",
  cancelled: "đã hủy",
};

export function jobKindVi(kind: string): string {
  return JOB_KIND_VI[kind] ?? `hẹn giờ «${kind}»`;
}

/** The endpoints a session connects: the host's own and the participants, each once. */
export function endpointCount(b: Pick<Booking, "hostEndpoint" | "request">): number {
  return new Set([b.hostEndpoint, ...b.request.participants].filter(Boolean)).size;
}

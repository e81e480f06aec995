import type { BookingStatus } from "./types.js";

/**
 * The booking life cycle. `received` is where every registration starts; the rule pipeline moves it on.
 * A displaced booking goes back to needs-review; a change re-runs the rules from its current status.
 */
const TRANSITIONS: Record<BookingStatus, readonly BookingStatus[]> = {
  received: ["needs-info", "needs-review", "confirmed", "rejected"],
  "needs-info": ["needs-info", "needs-review", "confirmed", "rejected", "cancelled"],
  "needs-review": ["needs-review", "needs-info", "confirmed", "rejected", "cancelled"],
  confirmed: ["confirmed", "needs-review", "needs-info", "rejected", "cancelled", "checked", "live"],
  checked: ["checked", "confirmed", "needs-review", "needs-info", "rejected", "cancelled", "live"],
  live: ["ended"],
  ended: ["handed-over"],
  rejected: [],
  cancelled: [],
  "handed-over": [],
};

export const STATUS_VI: Record<BookingStatus, string> = {
  received: "đã tiếp nhận",
  "needs-info": "chờ bổ sung thông tin",
  "needs-review": "chờ cán bộ kỹ thuật xem xét",
  confirmed: "đã xác nhận",
  rejected: "từ chối",
  cancelled: "đã hủy",
  checked: "đã kiểm tra kỹ thuật",
  live: "đang họp",
  ended: "đã kết thúc",
  "handed-over": "đã bàn giao bản ghi",
};

export function canTransition(from: BookingStatus, to: BookingStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export type TransitionResult = { ok: true } | { ok: false; message: string };

export function checkTransition(from: BookingStatus, to: BookingStatus): TransitionResult {
  if (canTransition(from, to)) return { ok: true };
  // «hủy» twice (a second mail, the CLI after the chat): nothing to do, and no «from «đã hủy» to «đã hủy»».
  if (from === to) return { ok: false, message: `Lịch họp đã ở trạng thái «${STATUS_VI[to]}» từ trước.` };
  return {
    ok: false,
    message: `Không thể chuyển lịch họp từ trạng thái «${STATUS_VI[from]}» sang «${STATUS_VI[to]}».`,
  };
}

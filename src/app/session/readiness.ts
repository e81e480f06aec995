import { parseBookingCode } from "../../core/booking/code.js";
import { STATUS_VI } from "../../core/booking/state.js";
import type { Booking } from "../../core/booking/types.js";
import { formatVi } from "../../core/calendar/zone.js";
import type { Regulation } from "../../core/regulation.js";
import type { Repos } from "../../store/store.js";
import type { Actor, Desk } from "../context.js";

/** Why `/sansang` was refused, as a code; each comes with its Vietnamese message. */
export type ReadinessRefusal =
  /** No booking has this code, or no code was given. */
  | "not-found"
  /** The acting person belongs to no endpoint of the booking (or to none at all). */
  | "not-a-participant"
  /** Received, waiting for information or for review: nothing is decided yet. */
  | "not-confirmed"
  | "cancelled"
  | "rejected"
  /** Before the check window opens (`opensAt`). */
  | "too-early"
  /** The session has begun: the check is over, faults are reported as faults. */
  | "started"
  /** The session is over. */
  | "over";

export type ReadinessOutcome =
  | { ok: true; booking: Booking; endpoint: string; notice: string; again: boolean }
  | { ok: false; reason: "not-found"; given: string; message: string }
  | { ok: false; reason: "too-early"; booking: Booking; opensAt: Date; message: string }
  | {
      ok: false;
      reason: Exclude<ReadinessRefusal, "not-found" | "too-early">;
      booking: Booking;
      message: string;
    };

/** The numbers the check window is taken from. */
export type ReadinessRules = Pick<Regulation, "technicalCheckBeforeMinutes" | "zone">;

/**
 * When `/sansang` opens for a session. Điều 12.2b puts the technical check "no later than" 2 h
 * (`technicalCheckBeforeMinutes`, DESK_CHECK_BEFORE_MINUTES) before the start: a check done earlier the same
 * morning is a valid check, one done the day before is not (equipment and power change overnight). The window
 * therefore opens at twice that lead (4 h by default) and closes when the session begins: from then on a fault is
 * reported as a fault, not as a failed check.
 */
export function readinessOpensAt(start: Date, rules: ReadinessRules): Date {
  return new Date(start.getTime() - 2 * rules.technicalCheckBeforeMinutes * 60_000);
}

/**
 * Điều 12.2c: an endpoint confirms it has checked its equipment, power, sound, light and picture for a session.
 * `endpoint` is the acting person's endpoint (null when they have none); the audit keeps who and when. Accepted
 * only for a confirmed (or already checked) session, inside the check window; a second confirmation of the same
 * endpoint changes nothing and says when the first was.
 */
export function markReady(
  desk: Desk,
  actor: Actor,
  code: string,
  endpoint: string | null,
  now: Date,
): Promise<ReadinessOutcome> {
  return desk.store.tx((r) => markReadyIn(r, actor, code, endpoint, now, desk.reg));
}

const READY_REASON = (endpoint: string) => `điểm cầu ${endpoint} sẵn sàng (Điều 12.2c)`;

export async function markReadyIn(
  r: Repos,
  actor: Actor,
  code: string,
  endpoint: string | null,
  now: Date,
  rules: ReadinessRules,
): Promise<ReadinessOutcome> {
  const parsed = parseBookingCode(code);
  const b = parsed ? await r.bookings.get(parsed) : null;
  if (!b)
    return {
      ok: false,
      reason: "not-found",
      given: code,
      message: code.trim()
        ? `Không tìm thấy phiên họp «${code.trim()}». Cách dùng: /sansang HTT-2026-0042.`
        : "Thiếu mã phiên họp. Cách dùng: /sansang HTT-2026-0042.",
    };
  const endpoints = [b.hostEndpoint, ...b.request.participants];
  if (!endpoint || !endpoints.includes(endpoint)) {
    return {
      ok: false,
      reason: "not-a-participant",
      booking: b,
      message: endpoint
        ? `Điểm cầu ${endpoint} của anh/chị không thuộc phiên ${b.code}; chỉ các điểm cầu của phiên xác nhận sẵn sàng.`
        : `Tài khoản của anh/chị không gắn với điểm cầu nào của phiên ${b.code}.`,
    };
  }
  const refusal = windowRefusal(b, now, rules);
  if (refusal) return refusal;
  const reason = READY_REASON(endpoint);
  const before = (await r.bookings.events(b.code)).find((e) => e.reason === reason);
  // Điều 5.2: the group does not learn which endpoint takes part in a secret session.
  const who = b.request.secret
    ? `cho phiên mật ${b.code}`
    : `điểm cầu ${endpoint} sẵn sàng cho phiên ${b.code}`;
  if (before)
    return {
      ok: true,
      booking: b,
      endpoint,
      again: true,
      notice: b.request.secret
        ? `Xác nhận sẵn sàng ${who} đã được ghi nhận trước đó, lúc ${formatVi(before.at, rules.zone)}.`
        : `Đã ghi nhận ${who} từ trước, lúc ${formatVi(before.at, rules.zone)}.`,
    };
  await r.bookings.addEvent(b.code, {
    at: now,
    from: b.status,
    to: b.status,
    actor: actor.id,
    channel: actor.channel,
    reason,
  });
  const notice = b.request.secret ? `Đã ghi nhận xác nhận sẵn sàng ${who}.` : `Đã ghi nhận ${who}.`;
  return { ok: true, booking: b, endpoint, notice, again: false };
}

/** Why a session takes no readiness now: its state, or the time against the check window. */
function windowRefusal(b: Booking, now: Date, rules: ReadinessRules): ReadinessOutcome | null {
  const start = b.request.start;
  const end = b.request.end;
  const status = STATUS_VI[b.status];
  switch (b.status) {
    case "cancelled":
      return {
        ok: false,
        reason: "cancelled",
        booking: b,
        message: `Phiên ${b.code} đã hủy; không cần xác nhận sẵn sàng.`,
      };
    case "rejected":
      return {
        ok: false,
        reason: "rejected",
        booking: b,
        message: `Phiên ${b.code} đã bị từ chối đăng ký; không cần xác nhận sẵn sàng.`,
      };
    case "received":
    case "needs-info":
    case "needs-review":
      return {
        ok: false,
        reason: "not-confirmed",
        booking: b,
        message: `Phiên ${b.code} chưa được xác nhận (${status}); chỉ xác nhận sẵn sàng khi phiên đã được xác nhận và đến giờ kiểm tra kỹ thuật.`,
      };
    case "ended":
    case "handed-over":
      return over(b);
    case "live":
      return started(b, start, rules);
    case "confirmed":
    case "checked":
      break;
  }
  if (!start || !end) return null;
  if (now.getTime() >= end.getTime()) return over(b);
  if (now.getTime() >= start.getTime()) return started(b, start, rules);
  const opensAt = readinessOpensAt(start, rules);
  if (now.getTime() < opensAt.getTime())
    return {
      ok: false,
      reason: "too-early",
      booking: b,
      opensAt,
      message: `Chưa đến giờ kiểm tra kỹ thuật cho phiên ${b.code} (bắt đầu ${formatVi(start, rules.zone)}). Xác nhận sẵn sàng nhận từ ${formatVi(opensAt, rules.zone)}; kiểm tra kỹ thuật chậm nhất ${rules.technicalCheckBeforeMinutes / 60} giờ trước giờ họp (Điều 12.2b).`,
    };
  return null;
}

function over(b: Booking): ReadinessOutcome {
  return {
    ok: false,
    reason: "over",
    booking: b,
    message: `Phiên ${b.code} đã kết thúc; không cần xác nhận sẵn sàng.`,
  };
}

function started(b: Booking, start: Date | null | undefined, rules: ReadinessRules): ReadinessOutcome {
  return {
    ok: false,
    reason: "started",
    booking: b,
    message: `Phiên ${b.code} đã bắt đầu${start ? ` lúc ${formatVi(start, rules.zone)}` : ""}; thời gian kiểm tra kỹ thuật đã qua. Nếu điểm cầu gặp sự cố, đề nghị nhắn mô tả ngắn (ví dụ «mất tiếng») để bộ phận kỹ thuật xử lý.`,
  };
}

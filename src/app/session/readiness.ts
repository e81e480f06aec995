import { parseBookingCode } from "../../core/booking/code.js";
import type { Booking } from "../../core/booking/types.js";
import type { Repos } from "../../store/store.js";
import type { Actor, Desk } from "../context.js";

export type ReadinessOutcome =
  | { ok: true; booking: Booking; endpoint: string; notice: string }
  | { ok: false; reason: "not-found"; given: string; message: string }
  | { ok: false; reason: "not-a-participant"; booking: Booking; message: string };

/**
 * Điều 12.2c: an endpoint confirms it has checked its equipment, power, sound, light and picture for a session.
 * `endpoint` is the acting person's endpoint (null when they have none); the audit keeps who and when.
 */
export function markReady(
  desk: Desk,
  actor: Actor,
  code: string,
  endpoint: string | null,
  now: Date,
): Promise<ReadinessOutcome> {
  return desk.store.tx((r) => markReadyIn(r, actor, code, endpoint, now));
}

export async function markReadyIn(
  r: Repos,
  actor: Actor,
  code: string,
  endpoint: string | null,
  now: Date,
): Promise<ReadinessOutcome> {
  const parsed = parseBookingCode(code);
  const b = parsed ? await r.bookings.get(parsed) : null;
  if (!b)
    return {
      ok: false,
      reason: "not-found",
      given: code,
      message: `Không tìm thấy phiên họp «${code}». Cách dùng: /sansang HTT-2026-0042.`,
    };
  const endpoints = [b.hostEndpoint, ...b.request.participants];
  if (!endpoint || !endpoints.includes(endpoint)) {
    return {
      ok: false,
      reason: "not-a-participant",
      booking: b,
      message: `Tài khoản của anh/chị không gắn với điểm cầu nào của phiên ${b.code}.`,
    };
  }
  await r.bookings.addEvent(b.code, {
    at: now,
    from: b.status,
    to: b.status,
    actor: actor.id,
    channel: actor.channel,
    reason: `điểm cầu ${endpoint} sẵn sàng (Điều 12.2c)`,
  });
  // Điều 5.2: the group does not learn which endpoint takes part in a secret session.
  const notice = b.request.secret
    ? `Đã ghi nhận xác nhận sẵn sàng cho phiên mật ${b.code}.`
    : `Đã ghi nhận điểm cầu ${endpoint} sẵn sàng cho phiên ${b.code}.`;
  return { ok: true, booking: b, endpoint, notice };
}

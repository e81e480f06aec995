import { slotFindings } from "../../core/booking/decide.js";
import { STATUS_VI } from "../../core/booking/state.js";
import type { Booking } from "../../core/booking/types.js";
import { formatRangeVi } from "../../core/calendar/zone.js";
import { type Actor, type Desk, DeskError, type Refusal, refusalOf } from "../context.js";
import { actionDecision, notify } from "./notify.js";
import { holdersFor } from "./settle.js";
import { moveTo } from "./state.js";
import { armTimers } from "./timers.js";

/** A technician settles a booking in review: confirm it or reject it, with a reason. */
export async function reviewBooking(
  desk: Desk,
  code: string,
  outcome: "confirmed" | "rejected",
  actor: Actor,
  reason: string,
  now: Date,
): Promise<Booking> {
  return desk.store.tx(async (r) => {
    const b = await r.bookings.get(code);
    if (!b) throw new DeskError(`Không tìm thấy lịch họp ${code}.`, "not-found");
    // Two technicians on one booking (web and chat): the second learns what the first did.
    if (b.status !== "needs-review")
      throw new DeskError(`Lịch họp ${code} không ở trạng thái chờ xem xét (hiện: ${STATUS_VI[b.status]}).`);
    if (outcome === "confirmed" && b.request.start && b.request.end && b.request.end <= now) {
      // A review that came too late: «ĐÃ XÁC NHẬN» and an invite for a session already over would mislead the clerk.
      throw new DeskError(
        `Không thể xác nhận ${code}: phiên họp ${formatRangeVi(b.request.start, b.request.end, desk.reg.zone)} đã qua; hãy từ chối và ghi lý do để cơ quan đăng ký được trả lời.`,
      );
    }
    if (outcome === "confirmed") {
      // The slot may have been taken since: the rules run again, ignoring this booking's own hold.
      const directory = await r.directory.snapshot();
      const ctx = {
        now,
        reg: desk.reg,
        directory,
        holders: await holdersFor(r, b.request, desk.reg, directory),
        self: code,
      };
      const clash = slotFindings(b.request, ctx).flatMap((f) => f.reason.bookings ?? []);
      if (clash.length > 0) {
        throw new DeskError(
          `Không thể xác nhận ${code}: trùng điểm cầu, phòng họp hoặc năng lực MCU với lịch ${clash.join(", ")}.`,
          "slot-taken",
        );
      }
    }
    // Confirming settles an ambiguous secrecy mark as secret (Điều 5.2): only `declassifyBooking` lifts it.
    const settled = b.request.secretUnsure ? settleSecrecy(b, true) : b;
    const why = b.request.secretUnsure ? `${reason} (giữ đánh dấu mật, Điều 5.2)` : reason;
    const next = await moveTo(r, settled, outcome, actor, why, now);
    await armTimers(desk, r, next, now);
    // A refusal carries the technician's words under a code of its own: filed as «endpoint-busy», a secret
    // session's refusal told the clerk «Một số điểm cầu … đã có lịch họp khác trùng thời gian» whatever was written.
    const decision = actionDecision(
      outcome,
      b.priority,
      outcome === "rejected" ? [{ code: "desk-refused", message: reason }] : [],
    );
    await notify(desk, r, next, decision, b.request.host ?? undefined, now);
    return next;
  });
}

/** The booking with its secrecy decided by a technician: the `secret-unsure` flag and reason are gone. */
function settleSecrecy(b: Booking, secret: boolean): Booking {
  return {
    ...b,
    reasons: b.reasons.filter((x) => x !== "secret-unsure"),
    request: { ...b.request, secret, secretUnsure: false },
  };
}

/**
 * Điều 5.2: a technician lifts the secrecy of a booking that detection marked (ambiguous or by mistake), from the
 * desk's own tools only. The audit keeps who, when and why; the booking's status does not change (one in review
 * still needs `reviewBooking`).
 */
export async function declassifyBooking(
  desk: Desk,
  code: string,
  actor: Actor,
  reason: string,
  now: Date,
): Promise<Booking> {
  return desk.store.tx(async (r) => {
    const b = await r.bookings.get(code);
    if (!b) throw new DeskError(`Không tìm thấy lịch họp ${code}.`, "not-found");
    if (!b.request.secret) throw new DeskError(`Lịch họp ${code} không được đánh dấu mật.`, "not-secret");
    const next = { ...settleSecrecy(b, false), updatedAt: now };
    await r.bookings.save(next);
    await r.bookings.addEvent(code, {
      at: now,
      from: b.status,
      to: b.status,
      actor: actor.id,
      channel: actor.channel,
      reason: `bỏ đánh dấu mật${b.request.secretUnsure ? " (dấu hiệu mật chưa rõ)" : ""}: ${reason}`,
    });
    return next;
  });
}

/** Who may settle a booking in review: the MCU technicians and admins (the CLI and the system act as the desk). */
const REVIEWERS = ["mcu-technician", "admin"];

export type ReviewOutcome = { ok: true; booking: Booking } | Refusal;

async function review(
  desk: Desk,
  actor: Actor,
  code: string,
  outcome: "confirmed" | "rejected",
  reason: string,
  now: Date,
): Promise<ReviewOutcome> {
  if (actor.person && !REVIEWERS.includes(actor.person.role))
    return {
      ok: false,
      reason: "forbidden",
      message: "Chỉ cán bộ kỹ thuật MCU hoặc quản trị viên mới duyệt được lịch họp.",
    };
  const done = await refusalOf(() => reviewBooking(desk, code, outcome, actor, reason, now));
  return done.ok ? { ok: true, booking: done.value } : done;
}

/**
 * `reviewBooking` for the channels that branch on outcomes (web, chat): approve a booking in review. The answer
 * goes to the clerk by mail and to the group, as from any channel; a refusal is a value.
 */
export function approveBooking(
  desk: Desk,
  actor: Actor,
  code: string,
  note: string,
  now: Date,
): Promise<ReviewOutcome> {
  return review(desk, actor, code, "confirmed", note, now);
}

/** Reject a booking in review with a reason the clerk reads. */
export function rejectBooking(
  desk: Desk,
  actor: Actor,
  code: string,
  reason: string,
  now: Date,
): Promise<ReviewOutcome> {
  return review(desk, actor, code, "rejected", reason, now);
}

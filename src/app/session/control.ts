import { parseBookingCode } from "../../core/booking/code.js";
import { STATUS_VI } from "../../core/booking/state.js";
import type { Booking } from "../../core/booking/types.js";
import type { Repos } from "../../store/store.js";
import { moveTo } from "../booking/state.js";
import type { Actor, Desk } from "../context.js";

/** What an MCU technician asks of a session: the chat commands' names. */
export type SessionCommand = "bangiao" | "batdau" | "ketthuc" | "tatmic" | "batmic" | "bocuc" | "goilai";

export const SESSION_COMMANDS: readonly SessionCommand[] = [
  "bangiao",
  "batdau",
  "ketthuc",
  "tatmic",
  "batmic",
  "bocuc",
  "goilai",
];

/** The MCU operation each command becomes (an outbox row of channel `mcu`). */
const OPS: Record<Exclude<SessionCommand, "bangiao">, string> = {
  tatmic: "mute",
  batmic: "unmute",
  bocuc: "layout",
  goilai: "reconnect",
  batdau: "start",
  ketthuc: "end",
};

export type SessionControlOutcome =
  | { ok: true; booking: Booking; notice: string }
  | {
      ok: false;
      reason: "forbidden" | "not-found" | "no-recording" | "wrong-status" | "not-live" | "missing-argument";
      message: string;
    };

/**
 * The MCU technician's session commands: handover of the recording (Điều 14.2), and operator commands for the
 * MCU (start, end, mute, unmute, layout, reconnect). `arg` is the endpoint or the layout, where one is needed.
 */
export function controlSession(
  desk: Desk,
  actor: Actor,
  command: SessionCommand,
  code: string,
  arg: string | undefined,
  now: Date,
): Promise<SessionControlOutcome> {
  return desk.store.tx((r) => controlSessionIn(r, actor, command, code, arg, now));
}

/** Điều 14.2: the recording of an ended session was handed to its host. */
export function handOverRecording(desk: Desk, actor: Actor, code: string, now: Date) {
  return controlSession(desk, actor, "bangiao", code, undefined, now);
}

const refuse = (reason: Extract<SessionControlOutcome, { ok: false }>["reason"], message: string) =>
  ({ ok: false, reason, message }) as const;

export async function controlSessionIn(
  r: Repos,
  actor: Actor,
  command: SessionCommand,
  given: string,
  arg: string | undefined,
  now: Date,
): Promise<SessionControlOutcome> {
  if (!actor.person || !["mcu-technician", "admin"].includes(actor.person.role)) {
    return refuse("forbidden", "Chỉ cán bộ kỹ thuật MCU hoặc quản trị viên mới điều khiển được phiên họp.");
  }
  const code = parseBookingCode(given);
  const b = code ? await r.bookings.get(code) : null;
  if (!b)
    return refuse(
      "not-found",
      given.trim()
        ? `Không tìm thấy phiên họp «${given.trim()}». Ví dụ: /${command} HTT-2026-0042.`
        : `Thiếu mã phiên họp. Ví dụ: /${command} HTT-2026-0042.`,
    );
  if (command === "bangiao") {
    if (b.status !== "ended" || !b.request.recording) {
      return refuse(
        "no-recording",
        `Phiên ${b.code} không có bản ghi chờ bàn giao (trạng thái: ${STATUS_VI[b.status]}).`,
      );
    }
    const next = await moveTo(r, b, "handed-over", actor, "đã bàn giao bản ghi (Điều 14.2)", now);
    const host = b.request.secret ? "cơ quan chủ trì" : (b.request.host ?? "cơ quan chủ trì");
    return { ok: true, booking: next, notice: `Đã ghi nhận bàn giao bản ghi phiên ${b.code} cho ${host}.` };
  }
  if (command === "batdau" || command === "ketthuc") {
    const starting = command === "batdau";
    const ok = starting ? ["confirmed", "checked"].includes(b.status) : b.status === "live";
    if (!ok) {
      const verb = starting ? "bắt đầu" : "kết thúc";
      return refuse(
        "wrong-status",
        `Không thể ${verb} phiên ${b.code} ở trạng thái «${STATUS_VI[b.status]}».`,
      );
    }
    const op = OPS[command];
    await r.outbox.enqueue(
      {
        channel: "mcu",
        recipient: "mcu",
        kind: `mcu-${op}`,
        booking: b.code,
        payload: { op, booking: b.code },
      },
      now,
    );
    return {
      ok: true,
      booking: b,
      notice: `Đã chuyển lệnh ${starting ? "bắt đầu" : "kết thúc"} phiên ${b.code} cho MCU.`,
    };
  }
  if (b.status !== "live")
    return refuse("not-live", `Phiên ${b.code} không đang diễn ra (${STATUS_VI[b.status]}).`);
  if (!arg)
    return refuse(
      "missing-argument",
      `Thiếu ${command === "bocuc" ? "bố cục" : "mã điểm cầu"}: /${command} ${b.code} ${command === "bocuc" ? "<bố cục>" : "<mã điểm cầu>"}.`,
    );
  const op = OPS[command];
  const payload =
    command === "bocuc"
      ? { op, booking: b.code, layout: arg }
      : { op, booking: b.code, endpoint: arg.toUpperCase() };
  await r.outbox.enqueue(
    { channel: "mcu", recipient: "mcu", kind: `mcu-${op}`, booking: b.code, payload },
    now,
  );
  return { ok: true, booking: b, notice: `Đã chuyển lệnh ${command} cho MCU (phiên ${b.code}).` };
}

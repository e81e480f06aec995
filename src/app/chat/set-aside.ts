import type { ChatEvent } from "../../bot/conversation.js";
import { formatVi } from "../../core/calendar/zone.js";
import type { Desk } from "../context.js";

const PLATFORM_VI: Record<ChatEvent["platform"], string> = { telegram: "Telegram", zalo: "Zalo" };
const WHERE_VI: Record<ChatEvent["chatType"], string> = {
  group: "trong nhóm hỗ trợ",
  "other-group": "trong một nhóm khác",
  private: "nhắn riêng cho bot",
};

/**
 * A chat update the desk failed on `attempts` times in a row for a fault of its own: recorded under its update id
 * as set aside (its event kept, so that a technician can read it with the CLI), and the MCU technician told who
 * wrote and where, not what: the words stay in the record. The platform then counts it as handled and the updates
 * behind it are read. Returns false when the update was already recorded.
 */
export async function setAsideChat(desk: Desk, ev: ChatEvent, attempts: number, now: Date): Promise<boolean> {
  return desk.store.tx(async (r) => {
    const reason = `hệ thống gặp lỗi ${attempts} lần liên tiếp khi xử lý tin nhắn này`;
    const fresh = await r.inbound.claim(
      ev.platform,
      ev.updateId,
      now,
      "quarantined",
      reason,
      Buffer.from(JSON.stringify(ev)),
    );
    if (!fresh) return false;
    await r.outbox.post(
      {
        channel: "desk",
        recipient: "mcu-technician",
        kind: "chat-set-aside",
        booking: null,
        payload: {
          // Landing in the group (nobody on duty has a private chat), it names neither the sender nor the chat.
          groupText: `Một tin nhắn ${PLATFORM_VI[ev.platform]} lúc ${formatVi(now, desk.reg.zone)} không xử lý tự động được và đã được để riêng; người gửi vui lòng nhắn lại hoặc báo trực tiếp cán bộ kỹ thuật.`,
          text: `Tin nhắn ${PLATFORM_VI[ev.platform]} của ${ev.userName || "người dùng chưa rõ tên"} (${WHERE_VI[ev.chatType]}, lúc ${formatVi(now, desk.reg.zone)}, mã cập nhật ${ev.updateId}) không xử lý tự động được (${reason}) và đã được để riêng để các tin nhắn sau không bị chặn; đề nghị liên hệ người gửi để nhắn lại, hoặc xử lý thủ công.`,
        },
      },
      now,
    );
    return true;
  });
}

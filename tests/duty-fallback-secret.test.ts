import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { handleChatEvent } from "../src/app/chat/conversation.js";
import type { ChatButton } from "../src/bot/conversation.js";
import { type ChatTransport, DEFAULT_DELIVERY, deliverChat } from "../src/bot/delivery.js";
import { Pacer } from "../src/bot/pacing.js";
import { at, makeDesk, request, sampleDirectory } from "./helpers.js";
import { ev, GROUP } from "./security/chat-support.js";

const people = sampleDirectory.people;
const syt = people.find((p) => p.endpoint === "SYT-01" && p.role === "technician")!;
const giang = people.find((p) => p.name === "Bùi Ngọc Giang" && p.role === "mcu-technician")!;
// Thursday, while the session runs.
const NOW = at("2026-12-10", "09:30");

/** A transport that records what each chat receives (no reactions: the named report is answered in words). */
function recorder(): ChatTransport & { sent: { chat: string; text: string; buttons?: ChatButton[][] }[] } {
  const sent: { chat: string; text: string; buttons?: ChatButton[][] }[] = [];
  return {
    platform: "telegram",
    groupChatId: GROUP,
    maxLength: 4096,
    supportsButtons: true,
    sent,
    async send(chat, text, buttons) {
      sent.push({ chat, text, ...(buttons ? { buttons } : {}) });
      return String(sent.length);
    },
  };
}

/**
 * A live session at Ba Đình (secret or not), the MCU technician on duty has never written to the bot privately;
 * the Sở Y tế technician reports Ba Đình's fault in the group. Everything the group reads after the booking's post.
 */
async function scene(secret: boolean) {
  const desk = await makeDesk();
  await desk.store.tx((r) =>
    r.duty.replaceShifts([{ role: "mcu", weekday: 4, fromMinute: 0, toMinute: 1440, person: giang.name }]),
  );
  await registerBooking(
    desk,
    request({ participants: ["CX-00004", "CX-00008"], secret, title: "Nội dung phiên" }),
    { now: at("2026-12-07", "08:30") },
  );
  const t = recorder();
  const pacer = new Pacer();
  const deliver = (ms: number) =>
    deliverChat(
      desk.store,
      [t],
      pacer,
      () => new Date(NOW.getTime() + ms),
      async () => undefined,
    );
  await deliver(0);
  t.sent.length = 0;
  await handleChatEvent(
    desk,
    ev(syt.telegramId!, "Phòng họp UBND phường Ba Đình mất hình", { messageId: "41", userName: "Khánh" }),
    NOW,
  );
  for (const later of [0, DEFAULT_DELIVERY.noticeHoldMs, DEFAULT_DELIVERY.noticeHoldMs + 60_000])
    await deliver(later);
  const full = (await desk.store.read((r) => r.outbox.list()))
    .filter((m) => m.channel === "desk")
    .map((m) => String(m.payload.text));
  return {
    group: t.sent.filter((s) => s.chat === GROUP),
    elsewhere: t.sent.filter((s) => s.chat !== GROUP),
    full,
  };
}

describe("a duty notice fallen back to the group (Điều 5.2)", () => {
  it("reads the same byte for byte for a secret and an open session, names the person on duty, and says nothing of the incident", async () => {
    const open = await scene(false);
    const secret = await scene(true);
    expect(open.elsewhere).toEqual([]);
    expect(open.group).toHaveLength(2);
    expect(secret.group).toEqual(open.group);
    const notice = open.group.find((s) => s.text.includes(`@${giang.name}`))!;
    expect(notice.text).toContain("[Kỹ thuật MCU]");
    expect(notice.text).toContain("nhắn riêng /suco cho bot");
    expect(notice.buttons).toBeUndefined();
    for (const s of open.group)
      for (const hidden of ["HTT-2026", "mật", "SC-2026"]) expect(s.text).not.toContain(hidden);
    // The notice itself still carries everything, for the private chat and the web desk.
    expect(secret.full).toEqual([
      "Sự cố mới SC-2026-0001 (hình ảnh) tại một điểm cầu của phiên mật HTT-2026-0001.",
    ]);
  });
});

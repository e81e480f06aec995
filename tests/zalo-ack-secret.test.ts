import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { handleChatEvent } from "../src/app/chat/conversation.js";
import { type ChatTransport, DEFAULT_DELIVERY, deliverChat } from "../src/bot/delivery.js";
import { Pacer } from "../src/bot/pacing.js";
import { at, makeDesk, request, sampleDirectory } from "./helpers.js";
import { ev, GROUP } from "./security/chat-support.js";

const reporter = sampleDirectory.people.find((p) => p.endpoint === "CX-00008" && p.role === "technician")!;
const NOW = at("2026-12-10", "09:30");

/** Zalo as the delivery sees it: no reactions, no buttons. */
function zaloRecorder(): ChatTransport & { sent: { chat: string; text: string }[] } {
  const sent: { chat: string; text: string }[] = [];
  return {
    platform: "zalo",
    groupChatId: GROUP,
    maxLength: 2000,
    supportsButtons: false,
    sent,
    async send(chat, text) {
      sent.push({ chat, text });
      return String(sent.length);
    },
  };
}

/**
 * A live session at CX-00008 (secret, open, or none); its technician reports «mất tiếng» in the Zalo group, then
 * again. The acknowledgements the group reads in words (the desk's own notices aside).
 */
async function scene(session: "secret" | "open" | "none") {
  const desk = await makeDesk();
  if (session !== "none")
    await registerBooking(
      desk,
      request({
        participants: ["CX-00004", "CX-00008"],
        secret: session === "secret",
        title: "Nội dung phiên",
      }),
      { now: at("2026-12-07", "08:30") },
    );
  const t = zaloRecorder();
  const deliver = () =>
    deliverChat(
      desk.store,
      [t],
      new Pacer(),
      () => new Date(NOW.getTime() + 60_000 + DEFAULT_DELIVERY.noticeHoldMs),
      async () => undefined,
    );
  await deliver();
  t.sent.length = 0;
  const zalo = (text: string, id: string) =>
    ev(reporter.zaloId!, text, { platform: "zalo", userName: "Ngọc Hà", messageId: id, updateId: `z${id}` });
  await handleChatEvent(desk, zalo("mất tiếng", "1"), NOW);
  await handleChatEvent(desk, zalo("vẫn mất tiếng", "2"), new Date(NOW.getTime() + 60_000));
  await deliver();
  const acks = (await desk.store.read((r) => r.outbox.list()))
    .filter((m) => m.channel === "chat" && m.kind === "chat-reply" && m.recipient === `zalo:${GROUP}`)
    .map((m) => String(m.payload.text));
  return { acks, sent: t.sent.map((s) => s.text).join("\n") };
}

describe("Zalo's acknowledgement of a report at the reporter's own endpoint (Điều 5.2)", () => {
  it("reads the same byte for byte in a secret session, an open one and none", async () => {
    const open = await scene("open");
    const secret = await scene("secret");
    const none = await scene("none");
    expect(open.acks).toEqual([
      "Đã tiếp nhận phản ánh sự cố SC-2026-0001 (âm thanh); đã chuyển Kỹ thuật MCU. Diễn biến: nhắn riêng /suco SC-2026-0001 cho bot.",
      "Phản ánh sự cố (âm thanh) đã được bổ sung vào sự cố SC-2026-0001 đang xử lý. Diễn biến: nhắn riêng /suco SC-2026-0001 cho bot.",
    ]);
    expect(secret.acks).toEqual(open.acks);
    expect(none.acks).toEqual(open.acks);
    for (const a of open.acks) expect(open.sent).toContain(a);
  });
});

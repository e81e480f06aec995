import { describe, expect, it } from "vitest";
import { cancelBooking, registerBooking } from "../src/app/booking/index.js";
import { handleChatEvent } from "../src/app/chat/conversation.js";
import type { ChatButton } from "../src/bot/conversation.js";
import {
  type ChatTransport,
  DEFAULT_DELIVERY,
  deliverChat,
  ReactionRefusedError,
} from "../src/bot/delivery.js";
import { Pacer } from "../src/bot/pacing.js";
import { at, makeDesk, request } from "./helpers.js";
import { ev, GROUP, mcu, tech } from "./security/chat-support.js";

// Found by a trial of the running product in the support group (round 19), on Telegram and Zalo.

type Desk = Awaited<ReturnType<typeof makeDesk>>;
type Sent = { chat: string; text: string; buttons?: ChatButton[][]; replyTo?: string };

const ZGROUP = "zalo-group-19";
const NOW = at("2026-12-10", "09:30");

/** A platform as the delivery sees it, recording every send. Telegram here refuses reactions (as the emulator). */
function recorder(platform: "telegram" | "zalo"): ChatTransport & { sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    platform,
    groupChatId: platform === "telegram" ? GROUP : ZGROUP,
    maxLength: platform === "telegram" ? 3500 : 2000,
    supportsButtons: platform === "telegram",
    sent,
    async send(chat, text, buttons, opts) {
      sent.push({
        chat,
        text,
        ...(buttons ? { buttons } : {}),
        ...(opts?.replyTo ? { replyTo: opts.replyTo } : {}),
      });
      return String(sent.length);
    },
    ...(platform === "telegram"
      ? {
          async react() {
            throw new ReactionRefusedError("Bad Request: REACTION_INVALID");
          },
        }
      : {}),
  };
}

/** A desk with HTT-2026-0001 live at CX-00008 at 09:30 on 10/12/2026 (secret or not) and HTT-2026-0002 tomorrow. */
async function twoSessions(secret = false) {
  const desk = await makeDesk();
  await registerBooking(desk, request({ secret, title: "Nội dung phiên" }), {
    now: at("2026-12-07", "08:30"),
  });
  await registerBooking(
    desk,
    request({
      host: "Sở Công Thương",
      participants: ["CX-00004"],
      start: at("2026-12-11", "14:00"),
      end: at("2026-12-11", "16:00"),
      title: "Giao ban tháng 12",
    }),
    { now: at("2026-12-07", "08:40") },
  );
  const tg = recorder("telegram");
  const zl = recorder("zalo");
  const pacer = new Pacer();
  /** Everything due, with the pace served at once (the waits cost nothing). */
  const deliver = async (when: Date) => {
    for (const later of [0, DEFAULT_DELIVERY.noticeHoldMs, DEFAULT_DELIVERY.noticeHoldMs + 60_000])
      await deliverChat(
        desk.store,
        [tg, zl],
        pacer,
        () => new Date(when.getTime() + later),
        async () => undefined,
      );
  };
  await deliver(at("2026-12-07", "08:45"));
  tg.sent.length = 0;
  zl.sent.length = 0;
  return { desk, tg, zl, deliver };
}

const zaloEv = (userId: string, text: string, messageId: string) =>
  ev(userId, text, {
    platform: "zalo",
    chatId: ZGROUP,
    messageId,
    updateId: `z19-${messageId}`,
    userName: "Hà",
  });

const cancelTomorrow = (desk: Desk) =>
  cancelBooking(desk, "HTT-2026-0002", { id: "cli:kythuat", channel: "cli" }, "lãnh đạo bận", NOW);

describe("the answer to a person's message is its own message (a reply to it on Telegram)", () => {
  it("Telegram: a report's acknowledgement, a command's answer and a cancellation notice are three messages", async () => {
    const { desk, tg, deliver } = await twoSessions();
    await cancelTomorrow(desk);
    await handleChatEvent(desk, ev(tech("CX-00008").telegramId!, "mất tiếng rồi", { messageId: "41" }), NOW);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/phien HTT-2026-0001", { messageId: "42" }), NOW);
    await deliver(NOW);
    const group = tg.sent.filter((s) => s.chat === GROUP);
    const ack = group.filter((s) => s.text.includes("Đã tiếp nhận phản ánh"));
    expect(ack).toHaveLength(1);
    expect(ack[0]!.text.split("\n")).toHaveLength(1);
    expect(ack[0]!.replyTo).toBe("41");
    const answer = group.filter((s) => s.text.includes("HTT-2026-0001 —"));
    expect(answer).toHaveLength(1);
    expect(answer[0]!.text.split("\n")).toHaveLength(1);
    expect(answer[0]!.replyTo).toBe("42");
    const cancelled = group.find((s) => s.text.includes("[HTT-2026-0002] ĐÃ HỦY"))!;
    expect(cancelled.text).not.toContain("Đã tiếp nhận");
    expect(cancelled.replyTo).toBeUndefined();
    // The notices besides may still go together: only answers stand alone.
    expect(group.filter((s) => s.replyTo === undefined).length).toBeGreaterThanOrEqual(1);
  });

  it("Zalo (no reply in its Bot API): the acknowledgement and the answer are each their own message", async () => {
    const { desk, zl, deliver } = await twoSessions();
    await cancelTomorrow(desk);
    await handleChatEvent(desk, zaloEv(tech("CX-00008").zaloId!, "@HoTroKyThuat mất tiếng rồi", "z1"), NOW);
    await handleChatEvent(desk, zaloEv(mcu.zaloId!, "@HoTroKyThuat /phien HTT-2026-0001", "z2"), NOW);
    await deliver(NOW);
    const group = zl.sent.filter((s) => s.chat === ZGROUP);
    const ack = group.filter((s) => s.text.includes("Đã tiếp nhận phản ánh"));
    expect(ack).toHaveLength(1);
    expect(ack[0]!.text.split("\n")).toHaveLength(1);
    const answer = group.filter((s) => s.text.includes("HTT-2026-0001 —"));
    expect(answer).toHaveLength(1);
    expect(answer[0]!.text.split("\n")).toHaveLength(1);
    expect(group.find((s) => s.text.includes("[HTT-2026-0002] ĐÃ HỦY"))!.text).not.toContain("Đã tiếp nhận");
  });
});

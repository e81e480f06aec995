import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleChatEvent } from "../src/app/chat/conversation.js";
import { DEFAULT_DELIVERY, deliverChat } from "../src/bot/delivery.js";
import { Pacer } from "../src/bot/pacing.js";
import { zaloToChatEvent, zaloTransport } from "../src/bot/zalo/adapter.js";
import { ZaloClient } from "../src/bot/zalo/client.js";
import { at, makeDesk, sampleDirectory } from "./helpers.js";
import { FakeZalo } from "./support/fake-zalo.js";

const TOKEN = "987654321:zalo-test-token";
const GROUP = "g-hotro-kythuat";
const people = sampleDirectory.people;
const giang = people.find((p) => p.name === "Bùi Ngọc Giang" && p.role === "mcu-technician")!;
const khanh = people.find((p) => p.name === "Đỗ Văn Khánh" && p.role === "wan-duty")!;
const reporter = (ep: string) => people.find((p) => p.endpoint === ep && p.role === "technician")!;

describe("the person on duty on Zalo", () => {
  const fake = new FakeZalo(TOKEN);
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  it("gets a notice in their private chat with the bot; without one, the group names them with an @mention", async () => {
    const desk = await makeDesk();
    // Thursday: Giang on MCU duty (has written to the bot privately), Khánh on WAN duty (has not).
    await desk.store.tx((r) =>
      r.duty.replaceShifts([
        { role: "mcu", weekday: 4, fromMinute: 0, toMinute: 1440, person: giang.name },
        { role: "wan", weekday: 4, fromMinute: 0, toMinute: 1440, person: khanh.name },
      ]),
    );
    const now = at("2026-12-10", "14:00");
    const privateChat = "zc-private-giang";
    const hello = zaloToChatEvent({
      event_name: "message.text.received",
      message: {
        message_id: "p1",
        from: { id: giang.zaloId!, display_name: "Giang" },
        chat: { id: privateChat, chat_type: "PRIVATE" },
        date: now.getTime(),
        text: "chào bot",
      },
    })!;
    expect(hello.chatType).toBe("private");
    await handleChatEvent(desk, hello, now);
    let n = 0;
    const report = (ep: string, text: string) =>
      handleChatEvent(
        desk,
        {
          platform: "zalo",
          chatId: GROUP,
          chatType: "group",
          userId: reporter(ep).zaloId!,
          userName: "Cán bộ",
          text,
          button: null,
          updateId: `g${++n}`,
          messageId: `g${n}`,
        },
        now,
      );
    await report("CX-00008", "mất tiếng");
    await report("CX-00025", "rớt mạng");
    fake.sent.length = 0;
    // Two rounds a few seconds apart: the private chat also holds the bot's answer to «chào bot», older and too long
    // for one Zalo message (its two parts go first, a second apart), and each part is sent once.
    const transports = [
      zaloTransport(new ZaloClient({ token: TOKEN, baseUrl: fake.url, backoffMs: 10 }), GROUP),
    ];
    const pacer = new Pacer();
    for (const later of [0, 5_000]) {
      await deliverChat(
        desk.store,
        transports,
        pacer,
        () => new Date(now.getTime() + DEFAULT_DELIVERY.noticeHoldMs + later),
        async () => undefined,
      );
    }
    const to = (chat: string) =>
      fake.sent
        .filter((m) => m.chat_id === chat)
        .map((m) => m.text)
        .join("\n");
    expect(to(privateChat)).toContain("[Kỹ thuật MCU] Sự cố mới SC-2026-0001 (âm thanh) tại CX-00008");
    expect(fake.sent.filter((m) => m.text.startsWith("Bot chưa hiểu yêu cầu"))).toHaveLength(1);
    expect(to(privateChat)).toContain("Gõ /nhan SC-2026-0001 để nhận");
    expect(to(GROUP)).not.toContain("Sự cố mới SC-2026-0001");
    // Without a private chat, the group reads the notice's neutral words (Điều 5.2): the code and kind, no place.
    expect(to(GROUP)).toContain(
      `[Trực ban WAN] @${khanh.name}: Sự cố mới: sự cố SC-2026-0002 (đường truyền), đã chuyển Trực ban mạng WAN`,
    );
    const notice = to(GROUP)
      .split("\n")
      .filter((l) => l.startsWith("[Trực ban WAN]"));
    expect(notice).toHaveLength(1);
    for (const hidden of ["CX-00025", "rớt mạng"]) expect(notice[0]).not.toContain(hidden);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { handleChatEvent } from "../../src/app/chat/conversation.js";
import { loadConfig } from "../../src/app/config.js";
import { DeskService } from "../../src/app/service.js";
import { createTelegramBot, telegramTransport, toChatEvent } from "../../src/bot/telegram/adapter.js";
import { zaloTransport } from "../../src/bot/zalo/adapter.js";
import { ZaloClient } from "../../src/bot/zalo/client.js";
import { at, makeDesk, tempDir } from "../helpers.js";
import { FakeTelegram } from "../support/fake-telegram.js";
import { FakeZalo } from "../support/fake-zalo.js";
import { until } from "../support/until.js";
import { deskNotices, GROUP } from "./chat-support.js";

/**
 * Threat: a stranger's chat name and report are quoted in the bot's own posts to the support group («tài khoản
 * zalo chưa đăng ký «…» báo «…»»). A name or report carrying a line break writes a line of its own into the
 * bot's post (a fake «✅ … đã xử lý xong» under the bot's name), and a right-to-left override (U+202E) or an
 * isolate turns the rest of the bot's line around on every reader's screen; zero-width characters make two
 * names that look the same differ. The desk's words must stay the desk's.
 */

const TOKEN = "987654321:zalo-khong-phai-that";
const ZALO_GROUP = "g-hotro-kythuat";
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
const FAKE_LINE = "✅ [SC-2026-0001] ĐÃ XỬ LÝ XONG, không cần liên hệ";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** No line of the bot's post is the attacker's, and nothing in it reorders or hides text. */
function expectDeskWords(post: string) {
  expect(post).not.toMatch(BIDI);
  expect(post).not.toMatch(/[\u200B\u2060\uFEFF]/);
  for (const line of post.split(/\r?\n|\u2028|\u2029/)) expect(line.trimStart()).not.toMatch(/^✅/);
}

describe("a chat name or report cannot write the bot's lines", () => {
  it("Zalo: a stranger's display name and report with line breaks and a RTL override, through the fake Zalo API", async () => {
    const zalo = new FakeZalo(TOKEN);
    await zalo.start();
    cleanups.push(() => zalo.stop());
    const service = new DeskService(
      loadConfig({
        DESK_DB: `${tempDir()}/desk.db`,
        DESK_POLL_MS: "200",
        DESK_ZALO_TOKEN: TOKEN,
        DESK_ZALO_GROUP_ID: ZALO_GROUP,
        DESK_ZALO_BASE_URL: zalo.url,
      }),
      () => undefined,
      () => at("2026-12-10", "09:30"),
    );
    await service.start();
    cleanups.push(() => service.stop());
    zalo.push({
      event_name: "message.text.received",
      message: {
        message_id: "z-spoof-1",
        from: { id: "z-stranger-1", display_name: `Ngọc Hà\u202E\n${FAKE_LINE}` },
        chat: { id: ZALO_GROUP, chat_type: "GROUP" },
        date: Date.now(),
        text: `@HoTroKyThuat CX-00004 mất hình\u2067\n\n${FAKE_LINE}\u2069`,
      },
    });
    const posts = await until(() => {
      const texts = zalo.sent.filter((m) => m.chat_id === ZALO_GROUP).map((m) => m.text);
      return texts.some((t) => t.includes("đã ghi nhận phản ánh")) && texts;
    }, "the stranger's answer in the group");
    // The duty's notice quotes the name and the report too (delivered to the duty's chat).
    const notices = await deskNotices(service.desk.store);
    expect(notices.some((n) => n.includes("CHƯA XÁC MINH"))).toBe(true);
    posts.push(...notices);
    for (const post of posts) expectDeskWords(post);
    // What was said is still there to read, on one line: the name and the report, without their tricks.
    expect(posts.join("\n")).toContain("Ngọc Hà");
  }, 60_000);

  it("Telegram: a display name with a zero-width space and a RTL override reaches the group clean", async () => {
    const desk = await makeDesk();
    const ev = toChatEvent({
      update_id: 1,
      message: {
        message_id: 5,
        date: 1,
        chat: { id: Number(GROUP), type: "supergroup", title: "Hỗ trợ" },
        from: { id: 999, is_bot: false, first_name: "Đỗ\u200B Ngọc\u202E", last_name: `Nam\n${FAKE_LINE}` },
        text: "CX-00004 mất tiếng",
      },
    } as never)!;
    await handleChatEvent(desk, ev, at("2026-12-10", "09:30"));
    const notices = await deskNotices(desk.store);
    expect(notices.some((n) => n.includes("CHƯA XÁC MINH"))).toBe(true);
    for (const n of notices) expectDeskWords(n);
    expect(notices.join("\n")).toContain("Đỗ Ngọc Nam");
  });

  it("whatever the desk posts loses bidi controls on the way out: a meeting title from mail cannot turn the line", async () => {
    // A title as a clerk's mail gave it (the desk keeps what the clerk wrote), inside the desk's confirmation.
    const text =
      "[HTT-2026-0001] ĐÃ XÁC NHẬN — 09:00–11:00 Thứ Năm, 10/12/2026 — Sở Công Thương: Phiên họp số 1\u202E YỦH ÃĐ\u2066 x\u2069";
    const tg = new FakeTelegram("123456:khong-phai-token-that");
    await tg.start();
    cleanups.push(() => tg.stop());
    const bot = createTelegramBot(
      { token: "123456:khong-phai-token-that", apiRoot: tg.url, groupChatId: "-100777", mode: "polling" },
      async () => undefined,
      () => undefined,
    );
    await telegramTransport(bot, "-100777").send("-100777", text);
    const zalo = new FakeZalo(TOKEN);
    await zalo.start();
    cleanups.push(() => zalo.stop());
    await zaloTransport(new ZaloClient({ token: TOKEN, baseUrl: zalo.url, backoffMs: 10 }), ZALO_GROUP).send(
      ZALO_GROUP,
      text,
    );
    const posted = [...tg.sent.map((m) => m.text), ...zalo.sent.map((m) => m.text)];
    expect(posted).toHaveLength(2);
    for (const p of posted) {
      expect(p).not.toMatch(BIDI);
      expect(p).toContain("Phiên họp số 1 YỦH ÃĐ x");
    }
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/app/config.js";
import { DeskService } from "../../src/app/service.js";
import { at, tempDir } from "../helpers.js";
import { FakeTelegram } from "../support/fake-telegram.js";
import { freePort } from "../support/servers.js";
import { admin } from "./chat-support.js";

/**
 * Threat: Telegram lets a member write in a group on behalf of a chat (as one of their channels, or as an
 * anonymous admin), and then every such message carries the same placeholder sender: `from` is @Channel_Bot
 * (136817688) or @GroupAnonymousBot (1087968824), the real author is only in `sender_chat`. Read by `from`, every
 * channel in the world is one account: once one of them is linked to an endpoint (`/dangky`, `/duyet`), any other
 * stranger posting as any channel speaks for that endpoint.
 */

const TOKEN = "123456:khong-phai-token-that";
const GROUP = -100777;
const SECRET = "bi-mat-webhook-0123456789";
const CHANNEL_BOT = { id: 136817688, is_bot: true, first_name: "Channel", username: "Channel_Bot" };
const ANONYMOUS = { id: 1087968824, is_bot: true, first_name: "Group", username: "GroupAnonymousBot" };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function webhookDesk() {
  const tg = new FakeTelegram(TOKEN);
  await tg.start();
  cleanups.push(() => tg.stop());
  const port = await freePort();
  const service = new DeskService(
    loadConfig({
      DESK_DB: `${tempDir()}/desk.db`,
      DESK_POLL_MS: "200",
      DESK_TELEGRAM_TOKEN: TOKEN,
      DESK_TELEGRAM_GROUP_ID: String(GROUP),
      DESK_TELEGRAM_API_ROOT: tg.url,
      DESK_TELEGRAM_MODE: "webhook",
      DESK_TELEGRAM_WEBHOOK_DOMAIN: "desk.example",
      DESK_TELEGRAM_WEBHOOK_HOST: "127.0.0.1",
      DESK_TELEGRAM_WEBHOOK_PORT: String(port),
      DESK_TELEGRAM_WEBHOOK_SECRET: SECRET,
    }),
    () => undefined,
    () => at("2026-12-10", "09:30"),
  );
  await service.start();
  cleanups.push(() => service.stop());
  let update = 700;
  const post = async (message: Record<string, unknown>) => {
    const id = ++update;
    const res = await fetch(`http://127.0.0.1:${port}/telegram`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body: JSON.stringify({ update_id: id, message: { message_id: id, date: 1, ...message } }),
    });
    expect(res.status).toBe(200);
  };
  const group = { id: GROUP, type: "supergroup", title: "Hỗ trợ kỹ thuật" };
  const asChat = (chat: Record<string, unknown>, from: Record<string, unknown>, text: string) =>
    post({ chat: group, from, sender_chat: chat, text });
  const privately = (userId: string, text: string) =>
    post({
      chat: { id: Number(userId), type: "private", first_name: "Quản trị" },
      from: { id: Number(userId), is_bot: false, first_name: "Quản trị" },
      text,
    });
  const store = service.desk.store;
  const repliesToGroup = async () =>
    (await store.read((r) => r.outbox.list()))
      .filter((m) => m.channel === "chat" && m.recipient === `telegram:${GROUP}`)
      .map((m) => String(m.payload.text));
  return { post, asChat, privately, store, repliesToGroup };
}

describe("a message sent on behalf of a chat is not its placeholder sender's", () => {
  it("two strangers' channels are two accounts: one channel's approved /dangky gives another nothing", async () => {
    const d = await webhookDesk();
    const channelA = { id: -1001111, type: "channel", title: "Kênh Phường Ba Đình" };
    const channelB = { id: -1002222, type: "channel", title: "Kênh lạ" };
    await d.asChat(channelA, CHANNEL_BOT, "/dangky CX-00004");
    await d.privately(admin.telegramId!, "/duyet 1 them");
    // Another channel, another owner: it must not speak for CX-00004.
    await d.asChat(channelB, CHANNEL_BOT, "CX-00004 mất hình");
    const [link, incidents] = await d.store.read(async (r) => [
      await r.incidents.link(1),
      await r.incidents.list(),
    ]);
    // No link is requested from a chat: its owner is told to register from their own account.
    expect(link).toBeNull();
    expect((await d.repliesToGroup()).join("\n")).toContain("tài khoản cá nhân");
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ unverified: true });
    expect(incidents[0]!.reporter).not.toBe(`telegram:${CHANNEL_BOT.id}`);
  }, 60_000);

  it("an anonymous admin is not linked either: every anonymous admin of the group shares the sender", async () => {
    const d = await webhookDesk();
    await d.asChat(
      { id: GROUP, type: "supergroup", title: "Hỗ trợ kỹ thuật" },
      ANONYMOUS,
      "/dangky CX-00004",
    );
    expect(await d.store.read((r) => r.incidents.link(1))).toBeNull();
    expect((await d.repliesToGroup()).join("\n")).toContain("tài khoản cá nhân");
  }, 60_000);
});

describe("a command addressed to another bot in the group is not the desk's", () => {
  it("«/start@OtherBot» and «/batdau@OtherBot» get no answer; «/tro_giup@HoTroKyThuatBot» does", async () => {
    const d = await webhookDesk();
    const someone = { id: 555, is_bot: false, first_name: "Thành viên" };
    const inGroup = (text: string) =>
      d.post({ chat: { id: GROUP, type: "supergroup", title: "Hỗ trợ" }, from: someone, text });
    await inGroup("/start@OtherBot");
    await inGroup("/batdau@other_bot HTT-2026-0001");
    expect(await d.repliesToGroup()).toEqual([]);
    await inGroup("/tro_giup@HoTroKyThuatBot");
    expect((await d.repliesToGroup()).join("\n")).toContain("Hướng dẫn sử dụng bot");
  }, 60_000);
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleChatEvent } from "../src/app/chat/conversation.js";
import { DEFAULT_DELIVERY, deliverChat } from "../src/bot/delivery.js";
import { Pacer } from "../src/bot/pacing.js";
import { pollZalo, zaloToChatEvent, zaloTransport } from "../src/bot/zalo/adapter.js";
import { ZaloApiError, ZaloClient, ZaloNetworkError, zaloWebhookAuthorized } from "../src/bot/zalo/client.js";
import { at, makeDesk, sampleDirectory } from "./helpers.js";
import { FakeZalo } from "./support/fake-zalo.js";

const TOKEN = "987654321:zalo-test-token";
const GROUP = "g-hotro-kythuat";

describe("Zalo Bot API client against a fake built from the published shapes", () => {
  const fake = new FakeZalo(TOKEN);
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  const client = () => new ZaloClient({ token: TOKEN, baseUrl: fake.url, backoffMs: 10 });

  it("reads the envelope, splits long text at 2 000 characters, and types its errors", async () => {
    expect(await client().getMe()).toMatchObject({ id: "bot-1" });
    const sent = await client().sendMessage(GROUP, "Dòng thông báo.\n".repeat(200));
    expect(sent).toHaveLength(2);
    expect(fake.sent.every((m) => m.text.length <= 2000)).toBe(true);
    await expect(new ZaloClient({ token: "sai", baseUrl: fake.url }).getMe()).rejects.toBeInstanceOf(
      ZaloApiError,
    );
    await expect(client().call("sendMessage", { text: "x" })).rejects.toMatchObject({
      errorCode: 400,
      retryable: false,
    });
    await expect(
      new ZaloClient({ token: TOKEN, baseUrl: "http://127.0.0.1:1", retries: 0 }).getMe(),
    ).rejects.toBeInstanceOf(ZaloNetworkError);
  });

  it("retries on 429 and 5xx, then succeeds", async () => {
    fake.failures = [429, 500, 502];
    expect(await client().getMe()).toMatchObject({ id: "bot-1" });
    fake.failures = [500, 500, 500, 500, 500];
    await expect(
      new ZaloClient({ token: TOKEN, baseUrl: fake.url, retries: 2, backoffMs: 5 }).getMe(),
    ).rejects.toMatchObject({ errorCode: 500 });
    fake.failures = [];
  });

  it("polling and webhook are exclusive; the webhook checks X-Bot-Api-Secret-Token", async () => {
    await client().setWebhook("https://desk.example/zalo", "bi-mat-webhook-123456");
    await expect(client().getUpdates(0)).rejects.toMatchObject({ errorCode: 409 });
    await client().deleteWebhook();
    expect(await client().getUpdates(0)).toEqual([]);
    expect(
      zaloWebhookAuthorized({ "x-bot-api-secret-token": "bi-mat-webhook-123456" }, "bi-mat-webhook-123456"),
    ).toBe(true);
    expect(zaloWebhookAuthorized({ "x-bot-api-secret-token": "sai" }, "bi-mat-webhook-123456")).toBe(false);
    expect(zaloWebhookAuthorized({}, "bi-mat-webhook-123456")).toBe(false);
  });

  it("a group report that mentions the bot opens an incident; actions come back as commands, not buttons", async () => {
    const desk = await makeDesk();
    const reporter = sampleDirectory.people.find(
      (p) => p.endpoint === "CX-00008" && p.role === "technician",
    )!;
    fake.push({
      event_name: "message.text.received",
      message: {
        message_id: "z1",
        from: { id: reporter.zaloId!, display_name: "Ngọc Hà" },
        chat: { id: GROUP, chat_type: "GROUP" },
        date: Date.now(),
        text: "@HoTroKyThuat mất tiếng",
      },
    });
    const abort = new AbortController();
    const now = at("2026-12-10", "09:30");
    const seen: string[] = [];
    const loop = pollZalo(
      client(),
      async (ev) => {
        seen.push(ev.text);
        await handleChatEvent(desk, ev, now);
        abort.abort();
      },
      abort.signal,
      () => undefined,
      "HoTroKyThuat",
    );
    await loop;
    expect(seen).toEqual(["mất tiếng"]);
    fake.sent.length = 0;
    await deliverChat(
      desk.store,
      [zaloTransport(client(), GROUP)],
      new Pacer(),
      // After the new incident's notice hold (it waits in case its report joins a storm).
      () => new Date(now.getTime() + DEFAULT_DELIVERY.noticeHoldMs),
      async () => undefined,
    );
    const texts = fake.sent.map((m) => m.text).join("\n");
    expect(texts).toContain("Đã tiếp nhận phản ánh sự cố SC-2026-0001 (âm thanh); đã chuyển Kỹ thuật MCU.");
    // The acknowledgement is its own message (round 19), not glued to the desk notice.
    expect(fake.sent.some((m) => m.text.startsWith("Đã tiếp nhận") && !m.text.includes("\n"))).toBe(true);
    expect(texts).toContain("Gõ /nhan SC-2026-0001 để nhận");
    expect(fake.sent.every((m) => m.chat_id === GROUP)).toBe(true);
    expect(zaloToChatEvent({ event_name: "message.sticker.received" })).toBeNull();
  });

  it("reads the two chat types Zalo documents and nothing else: an unknown type is not taken for a private chat", () => {
    const update = (chat_type: string) =>
      ({
        event_name: "message.text.received",
        message: {
          message_id: "z9",
          from: { id: "u1", display_name: "Ai đó" },
          chat: { id: "c1", chat_type },
          date: Date.now(),
          text: "/suco SC-2026-0001",
        },
      }) as unknown as Parameters<typeof zaloToChatEvent>[0];
    expect(zaloToChatEvent(update("PRIVATE"))?.chatType).toBe("private");
    expect(zaloToChatEvent(update("GROUP"))?.chatType).toBe("group");
    expect(zaloToChatEvent(update("CHANNEL"))).toBeNull();
  });
});

describe("Zalo webhook mode in the service", () => {
  it("sets the webhook, refuses a wrong secret and handles a real update", async () => {
    const { loadConfig } = await import("../src/app/config.js");
    const { DeskService } = await import("../src/app/service.js");
    const { freePort } = await import("./support/servers.js");
    const { join } = await import("node:path");
    const { tempDir, testDb } = await import("./helpers.js");
    const fake = new FakeZalo(TOKEN);
    await fake.start();
    const port = await freePort();
    const secret = "bi-mat-zalo-0123";
    const service = await DeskService.open(
      loadConfig({
        DESK_DB: await testDb(join(tempDir(), "desk.db")),
        DESK_ZALO_TOKEN: TOKEN,
        DESK_ZALO_GROUP_ID: GROUP,
        DESK_ZALO_BASE_URL: fake.url,
        DESK_ZALO_MODE: "webhook",
        DESK_ZALO_WEBHOOK_URL: "https://desk.example/zalo",
        DESK_ZALO_WEBHOOK_HOST: "127.0.0.1",
        DESK_ZALO_WEBHOOK_PORT: String(port),
        DESK_ZALO_WEBHOOK_SECRET: secret,
        DESK_POLL_MS: "100",
      }),
      () => undefined,
      () => at("2026-12-10", "09:30"),
    );
    await service.start();
    try {
      expect(fake.calls).toContain("setWebhook");
      const reporter = sampleDirectory.people.find(
        (p) => p.endpoint === "CX-00025" && p.role === "technician",
      )!;
      const update = JSON.stringify({
        event_name: "message.text.received",
        message: {
          message_id: "w1",
          from: { id: reporter.zaloId },
          chat: { id: GROUP, chat_type: "GROUP" },
          date: Date.now(),
          text: "@HoTroKyThuat rớt mạng",
        },
      });
      const post = (token?: string) =>
        fetch(`http://127.0.0.1:${port}/zalo`, {
          method: "POST",
          headers: token ? { "x-bot-api-secret-token": token } : {},
          body: update,
        });
      expect((await post("sai")).status).toBe(403);
      expect((await post()).status).toBe(403);
      expect((await post(secret)).status).toBe(200);
      expect((await post(secret)).status).toBe(200); // redelivered: recorded once
      const incidents = await service.desk.store.read((r) => r.incidents.list());
      expect(incidents).toMatchObject([{ endpoint: "CX-00025", category: "network", route: "wan" }]);
    } finally {
      await service.stop();
      await fake.stop();
    }
  });
});

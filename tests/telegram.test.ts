import { join } from "node:path";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/app/config.js";
import { DeskService } from "../src/app/service.js";
import { at, sampleDirectory, suiteDb, tempDir, testDb } from "./helpers.js";
import { freePort } from "./support/servers.js";

const TOKEN = "123456:test-token-khong-phai-that";
const GROUP = -100777;
const tech = sampleDirectory.people.find((p) => p.endpoint === "CX-00008" && p.role === "technician")!;
const tech2 = sampleDirectory.people.find((p) => p.endpoint === "CX-00025" && p.role === "technician")!;
const mcu = sampleDirectory.people.find((p) => p.role === "mcu-technician")!;

async function until<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("Telegram group flows through telegraf against telegram-test-api", () => {
  let server: TelegramServer;
  let service: DeskService;
  let releaseDb: () => Promise<void>;
  beforeAll(async () => {
    server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 60 });
    await server.start();
    const { db, release } = await suiteDb(join(tempDir(), "desk.db"));
    releaseDb = release;
    const config = loadConfig({
      DESK_DB: db,
      DESK_TELEGRAM_TOKEN: TOKEN,
      DESK_TELEGRAM_GROUP_ID: String(GROUP),
      DESK_TELEGRAM_API_ROOT: server.config.apiURL,
      DESK_POLL_MS: "200",
    });
    // The desk's clock runs from 09:30 (the chat delivery paces and holds by it; a frozen clock would stall it).
    const started = Date.now();
    service = await DeskService.open(
      config,
      () => undefined,
      () => new Date(at("2026-12-10", "09:30").getTime() + (Date.now() - started)),
    );
    await service.start();
  });
  afterAll(async () => {
    await service.stop();
    await server.stop();
    await releaseDb();
  });

  it("a report in the group is acknowledged there; a technician presses a button; several users at once", async () => {
    const reporter = server.getClient(TOKEN, {
      chatId: GROUP,
      type: "group",
      chatTitle: "Hỗ trợ kỹ thuật họp trực tuyến Thành phố",
      userId: Number(tech.telegramId),
      firstName: "Hà",
    });
    const other = server.getClient(TOKEN, {
      chatId: GROUP,
      type: "group",
      chatTitle: "Hỗ trợ kỹ thuật",
      userId: Number(tech2.telegramId),
      firstName: "Nam",
    });
    const technician = server.getClient(TOKEN, {
      chatId: GROUP,
      type: "group",
      chatTitle: "Hỗ trợ kỹ thuật",
      userId: Number(mcu.telegramId),
      firstName: "Kỹ thuật",
    });
    await reporter.sendMessage(reporter.makeMessage("xã mình mất tiếng <b>gấp</b>"));
    await other.sendMessage(other.makeMessage("mat hinh"));
    type Sent = {
      text: string;
      chat_id: string | number;
      reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] };
    };
    const sent = () =>
      server.storage.botMessages.map((u) => ({ ...(u.message as unknown as Sent), messageId: u.messageId }));
    await until(async () => {
      const texts = sent().map((m) => m.text);
      // Each report acknowledged in words (the emulator has no reactions); the second may be a merged line
      // when the group's pace is taken.
      return texts.join("\n").split("Đã tiếp nhận").length > 2 &&
        texts.some((t) => t.includes("[Kỹ thuật MCU]"))
        ? true
        : undefined;
    }, "acknowledgements");
    const all = sent()
      .map((m) => m.text)
      .join("\n");
    // In words, neither place nor code: the same as for a secret session (Điều 5.2).
    expect(all).toContain("Đã tiếp nhận phản ánh sự cố (âm thanh); đã chuyển Kỹ thuật MCU.");
    expect(all).toMatch(/Đã tiếp nhận phản ánh sự cố \(hình ảnh\)|Đã tiếp nhận phản ánh: [^\n]*\(hình ảnh\)/);
    expect(sent().every((m) => String(m.chat_id) === String(GROUP))).toBe(true);
    // Nobody is on duty: the desk notice of the audio fault lands in the group, in the same words as any incident's
    // (its code, kind and route, no place: Điều 5.2), with its buttons.
    const notice = sent().find(
      (m) => m.text.includes("[Kỹ thuật MCU] Sự cố mới:") && m.text.includes("(âm thanh)") && m.reply_markup,
    )!;
    expect(notice.text).not.toContain("CX-00008");
    const button = notice
      .reply_markup!.inline_keyboard.flat()
      .find((b) => b.callback_data.startsWith("nhan:") && notice.text.includes(b.callback_data.slice(5)))!;
    const data = button.callback_data;
    await technician.sendCallback(
      technician.makeCallbackQuery(data, {
        message: { message_id: notice.messageId, chat: { id: GROUP, type: "group" } },
      }),
    );
    await until(
      async () => (sent().some((m) => m.text.includes("đã nhận xử lý sự cố")) ? true : undefined),
      "the acknowledgement",
    );
    const code = data.split(":")[1]!;
    const inc = await service.desk.store.read((r) => r.incidents.get(code));
    expect(inc).toMatchObject({ status: "acknowledged", assignee: `telegram:${mcu.telegramId}` });
  }, 40_000);
});

describe("Telegram webhook mode", () => {
  it("accepts updates only with the secret token in X-Telegram-Bot-Api-Secret-Token", async () => {
    const server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 60 });
    await server.start();
    const port = await freePort();
    const secret = "bi-mat-webhook-0123456789";
    const config = loadConfig({
      DESK_DB: await testDb(join(tempDir(), "desk.db")),
      DESK_TELEGRAM_TOKEN: TOKEN,
      DESK_TELEGRAM_GROUP_ID: String(GROUP),
      DESK_TELEGRAM_API_ROOT: server.config.apiURL,
      DESK_TELEGRAM_MODE: "webhook",
      DESK_TELEGRAM_WEBHOOK_DOMAIN: "desk.example",
      DESK_TELEGRAM_WEBHOOK_HOST: "127.0.0.1",
      DESK_TELEGRAM_WEBHOOK_PORT: String(port),
      DESK_TELEGRAM_WEBHOOK_SECRET: secret,
    });
    const service = await DeskService.open(
      config,
      () => undefined,
      () => at("2026-12-10", "09:30"),
    );
    await service.start();
    try {
      const update = (id: number) =>
        JSON.stringify({
          update_id: id,
          message: {
            message_id: id,
            date: 1,
            chat: { id: GROUP, type: "group", title: "Hỗ trợ" },
            from: { id: Number(tech.telegramId), is_bot: false, first_name: "Hà" },
            text: "mất hình",
          },
        });
      const post = async (body: string, token?: string) => {
        for (let i = 0; ; i++) {
          try {
            return await fetch(`http://127.0.0.1:${port}/telegram`, {
              method: "POST",
              headers: {
                "content-type": "application/json",
                ...(token ? { "x-telegram-bot-api-secret-token": token } : {}),
              },
              body,
            });
          } catch (err) {
            if (i > 50) throw err;
            await new Promise((r) => setTimeout(r, 100)); // the webhook server is still starting
          }
        }
      };
      const forged = await post(update(1), "sai-mat-khau");
      expect(forged.status).toBe(403);
      expect((await post(update(2))).status).toBe(403);
      const real = await post(update(3), secret);
      expect(real.status).toBe(200);
      const incidents = await until(async () => {
        const list = await service.desk.store.read((r) => r.incidents.list());
        return list.length ? list : undefined;
      }, "the incident");
      expect(incidents).toMatchObject([{ category: "video", endpoint: "CX-00008" }]);
    } finally {
      await service.stop();
      await server.stop();
    }
  }, 40_000);
});

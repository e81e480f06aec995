import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { at, sampleDirectory } from "./helpers.js";
import { openTelegramDesk, type TelegramDesk, TEST_TOKEN as TOKEN } from "./support/chat-desk.js";
import { freePort } from "./support/servers.js";
import { until } from "./support/until.js";

const GROUP = -100777;
const tech = sampleDirectory.people.find((p) => p.endpoint === "CX-00008" && p.role === "technician")!;
const tech2 = sampleDirectory.people.find((p) => p.endpoint === "CX-00025" && p.role === "technician")!;
const mcu = sampleDirectory.people.find((p) => p.role === "mcu-technician")!;

describe("Telegram group flows through telegraf against telegram-test-api", () => {
  let desk: TelegramDesk;
  beforeAll(async () => {
    desk = await openTelegramDesk({ group: GROUP, from: at("2026-12-10", "09:30") });
  });
  afterAll(async () => {
    await desk.stop();
  });

  it("a report in the group is acknowledged there; a technician presses a button; several users at once", async () => {
    const reporter = desk.server.getClient(TOKEN, {
      chatId: GROUP,
      type: "group",
      chatTitle: "Hỗ trợ kỹ thuật họp trực tuyến Thành phố",
      userId: Number(tech.telegramId),
      firstName: "Hà",
    });
    const other = desk.server.getClient(TOKEN, {
      chatId: GROUP,
      type: "group",
      chatTitle: "Hỗ trợ kỹ thuật",
      userId: Number(tech2.telegramId),
      firstName: "Nam",
    });
    const technician = desk.server.getClient(TOKEN, {
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
      desk.server.storage.botMessages.map((u) => ({
        ...(u.message as unknown as Sent),
        messageId: u.messageId,
      }));
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
    // In words, the code and no place: the same as for a secret session (Điều 5.2).
    expect(all).toMatch(/Đã tiếp nhận phản ánh sự cố SC-2026-000\d \(âm thanh\); đã chuyển Kỹ thuật MCU\./);
    expect(all).toMatch(
      /Đã tiếp nhận phản ánh sự cố SC-2026-000\d \(hình ảnh\)|Đã tiếp nhận phản ánh: [^\n]*SC-2026-000\d \(hình ảnh\)/,
    );
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
    const inc = await desk.service.desk.store.read((r) => r.incidents.get(code));
    expect(inc).toMatchObject({ status: "acknowledged", assignee: `telegram:${mcu.telegramId}` });
  }, 40_000);
});

describe("Telegram webhook mode", () => {
  it("accepts updates only with the secret token in X-Telegram-Bot-Api-Secret-Token", async () => {
    const port = await freePort();
    const secret = "bi-mat-webhook-0123456789";
    const { service, stop } = await openTelegramDesk({
      group: GROUP,
      from: at("2026-12-10", "09:30"),
      frozen: true,
      env: {
        DESK_TELEGRAM_MODE: "webhook",
        DESK_TELEGRAM_WEBHOOK_DOMAIN: "desk.example",
        DESK_TELEGRAM_WEBHOOK_HOST: "127.0.0.1",
        DESK_TELEGRAM_WEBHOOK_PORT: String(port),
        DESK_TELEGRAM_WEBHOOK_SECRET: secret,
      },
    });
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
      await stop();
    }
  }, 40_000);
});

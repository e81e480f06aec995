import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ASK_BACK_TEXT } from "../src/app/incident/messages.js";
import { at, sampleDirectory } from "./helpers.js";
import { openTelegramDesk, type TelegramDesk, TEST_TOKEN as TOKEN } from "./support/chat-desk.js";
import { until } from "./support/until.js";

/**
 * Through telegraf and the telegram-test-api emulator: what the group reads when endpoint staff answer the check,
 * report a fault without its kind, then with it, and two technicians press «Nhận» on its notice at once.
 */
const GROUP = -100778;
const tech = sampleDirectory.people.find((p) => p.endpoint === "CX-00008" && p.role === "technician")!;
const mcu = sampleDirectory.people.find((p) => p.role === "mcu-technician")!;
const wan = sampleDirectory.people.find((p) => p.role === "wan-duty")!;

type Sent = {
  text: string;
  chat_id: string | number;
  reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] };
};

describe("Telegram: endpoint staff and two technicians in the group", () => {
  let desk: TelegramDesk;
  beforeAll(async () => {
    desk = await openTelegramDesk({ group: GROUP, from: at("2026-12-10", "09:30") });
  });
  afterAll(async () => {
    await desk.stop();
  });

  it("a check's answer is not answered, a kindless fault is asked back, a second «Nhận» is refused", async () => {
    const client = (userId: string, firstName: string) =>
      desk.server.getClient(TOKEN, {
        chatId: GROUP,
        type: "group",
        chatTitle: "Hỗ trợ kỹ thuật họp trực tuyến Thành phố",
        userId: Number(userId),
        firstName,
      });
    const staff = client(tech.telegramId!, "Hà");
    const one = client(mcu.telegramId!, "MCU");
    const two = client(wan.telegramId!, "WAN");
    const sent = () =>
      desk.server.storage.botMessages.map((u) => ({
        ...(u.message as unknown as Sent),
        messageId: u.messageId,
      }));
    const texts = () => sent().map((m) => m.text);

    await staff.sendMessage(staff.makeMessage("âm thanh hình ảnh tốt"));
    await staff.sendMessage(staff.makeMessage("điểm cầu em có vấn đề, ad ơi giúp em với"));
    await until(async () => (texts().includes(ASK_BACK_TEXT) ? true : undefined), "the question back");
    await staff.sendMessage(staff.makeMessage("mất tiếg"));
    await until(
      async () => (sent().some((m) => m.reply_markup) ? true : undefined),
      "the notice with buttons",
    );
    expect(await desk.service.desk.store.read((r) => r.incidents.list())).toMatchObject([
      { category: "audio", route: "mcu", text: "mất tiếg" },
    ]);
    const notice = sent().find((m) => m.reply_markup)!;
    const data = notice
      .reply_markup!.inline_keyboard.flat()
      .find((b) => b.callback_data.startsWith("nhan:"))!.callback_data;
    const on = { message: { message_id: notice.messageId, chat: { id: GROUP, type: "group" } } };
    await Promise.all([
      one.sendCallback(one.makeCallbackQuery(data, on)),
      two.sendCallback(two.makeCallbackQuery(data, on)),
    ]);
    await until(
      async () => (texts().some((t) => t.includes(`Sự cố ${data.slice(5)} đã có`)) ? true : undefined),
      "the refusal of the second",
    );
    const all = texts().join("\n");
    expect(all.split("đã nhận xử lý sự cố").length - 1).toBe(1);
    // The check's answer got nothing: the bot spoke only the question, the notice, the taking and the refusal.
    expect(all).not.toMatch(/âm thanh hình ảnh tốt/);
    const inc = await desk.service.desk.store.read((r) => r.incidents.get(data.slice(5)));
    expect(inc?.status).toBe("acknowledged");
  }, 40_000);
});

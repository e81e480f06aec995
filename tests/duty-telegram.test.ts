import type { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeskService } from "../src/app/service.js";
import { at, sampleDirectory } from "./helpers.js";
import { openTelegramDesk, type TelegramDesk, TEST_TOKEN as TOKEN } from "./support/chat-desk.js";
import { until } from "./support/until.js";

const GROUP = -100778;
const tech = sampleDirectory.people.find((p) => p.endpoint === "CX-00008" && p.role === "technician")!;
const giang = sampleDirectory.people.find((p) => p.name === "Bùi Ngọc Giang" && p.role === "mcu-technician")!;

describe("the person on duty in a private chat (telegraf against telegram-test-api)", () => {
  let desk: TelegramDesk;
  let server: TelegramServer;
  let service: DeskService;
  beforeAll(async () => {
    desk = await openTelegramDesk({ group: GROUP, from: at("2026-12-10", "09:30") });
    ({ server, service } = desk);
    // Thursday: Giang is the MCU technician on duty all day.
    await service.desk.store.tx((r) =>
      r.duty.replaceShifts([{ role: "mcu", weekday: 4, fromMinute: 0, toMinute: 1440, person: giang.name }]),
    );
  });
  afterAll(async () => {
    await desk.stop();
  });

  it("after /start in private, an incident routed to the role arrives in the private chat, not as a notice in the group", async () => {
    type Sent = { text: string; chat_id: string | number };
    const sent = () => server.storage.botMessages.map((u) => u.message as unknown as Sent);
    const duty = server.getClient(TOKEN, {
      chatId: Number(giang.telegramId),
      type: "private",
      userId: Number(giang.telegramId),
      firstName: "Giang",
    });
    await duty.sendMessage(duty.makeMessage("/start"));
    await until(
      async () => (sent().some((m) => String(m.chat_id) === giang.telegramId) ? true : undefined),
      "the answer to /start",
    );
    const reporter = server.getClient(TOKEN, {
      chatId: GROUP,
      type: "group",
      chatTitle: "Hỗ trợ kỹ thuật họp trực tuyến Thành phố",
      userId: Number(tech.telegramId),
      firstName: "Hà",
    });
    await reporter.sendMessage(reporter.makeMessage("xã mình mất tiếng"));
    const notice = await until(
      async () =>
        sent().find((m) => String(m.chat_id) === giang.telegramId && m.text.includes("Sự cố mới")) ??
        undefined,
      "the private notice",
    );
    expect(notice.text).toMatch(/^\[Kỹ thuật MCU\] Sự cố mới SC-2026-0001 \(âm thanh\) tại CX-00008/);
    // The group read the acknowledgement (public status) and no desk notice.
    await until(
      async () =>
        sent().some((m) => String(m.chat_id) === String(GROUP) && m.text.includes("Đã tiếp nhận"))
          ? true
          : undefined,
      "the acknowledgement in the group",
    );
    expect(sent().filter((m) => String(m.chat_id) === String(GROUP) && m.text.includes("Sự cố mới"))).toEqual(
      [],
    );
    const chat = await service.desk.store.read((r) => r.duty.privateChat("telegram", giang.telegramId!));
    expect(chat).toBe(giang.telegramId);
  }, 40_000);
});

import { describe, expect, it } from "vitest";
import { DEFAULT_CHAT_OPTIONS, handleChatEvent } from "../src/app/chat/conversation.js";
import { at, makeDesk, sampleDirectory } from "./helpers.js";
import { chatOut, ev, mcu, repliesTo } from "./security/chat-support.js";
import { useSpiedTelegramDesk } from "./support/spied-telegram.js";
import { until } from "./support/until.js";

/**
 * Through telegraf and the telegram-test-api emulator: a person who presses the incident notice's buttons past the
 * chat rate limit. The «quá nhiều lệnh» notice went to the whole group as a message; a press's refusal is its
 * presser's alone, as the callback's answer shown as an alert. The emulator keeps no callback answers: a spy
 * between the bot and the emulator records them.
 */
const GROUP = -100779;
const tech = sampleDirectory.people.find((p) => p.endpoint === "CX-00008" && p.role === "technician")!;

describe("Telegram: a button pressed past the rate limit", () => {
  const tg = useSpiedTelegramDesk({
    group: GROUP,
    from: at("2026-12-10", "09:30"),
    // One command per window: the second press is over the limit.
    env: { DESK_CHAT_COMMAND_LIMIT: "1" },
  });

  it("is told to the presser alone, in an alert, each time; the group reads nothing of it", async () => {
    const { desk, spy, sent } = tg;
    const staff = tg.member(tech.telegramId!, "Hà");
    await staff.sendMessage(staff.makeMessage("mất tiếng"));
    const notice = await until(async () => sent().find((m) => m.reply_markup), "the notice with buttons");
    const data = notice
      .reply_markup!.inline_keyboard.flat()
      .find((b) => b.callback_data.startsWith("nhan:"))!.callback_data;
    const on = { message: { message_id: notice.messageId, chat: { id: GROUP, type: "group" } } };
    const mine = () => spy.answers.filter((a) => a.presser === tech.telegramId);
    for (let n = 1; n <= 3; n++) {
      await staff.sendCallback(staff.makeCallbackQuery(data, on));
      await until(async () => (mine().length >= n ? true : undefined), `press ${n} answered`);
    }
    // The first press is within the limit and refused by the action (endpoint staff may not take an incident);
    // the next two are over it, each told so in an alert.
    expect(mine()).toMatchObject([
      { showAlert: true, text: expect.stringContaining("Chỉ cán bộ kỹ thuật MCU") },
      { showAlert: true, text: expect.stringContaining("Anh/chị đã gửi quá nhiều lệnh") },
      { showAlert: true, text: expect.stringContaining("Anh/chị đã gửi quá nhiều lệnh") },
    ]);
    // Each answer is given after its press's transaction committed: had the notice been meant for the group, it
    // would be in the outbox by now.
    const queued = await desk.service.desk.store.read((r) => r.outbox.list());
    const texts = [
      ...queued.map((m) => String((m.payload as { text?: string }).text ?? "")),
      ...sent().map((m) => m.text),
    ];
    expect(texts.filter((t) => t.includes("quá nhiều"))).toEqual([]);
    expect(texts.filter((t) => t.startsWith("Chỉ cán bộ kỹ thuật MCU"))).toEqual([]);
  }, 40_000);
});

describe("a press's refusal before any action", () => {
  it("from a stranger's group: the presser's alert, nothing in that group", async () => {
    const desk = await makeDesk();
    const press = ev(mcu.telegramId!, "", {
      chatId: "-100999",
      chatType: "other-group",
      button: "nhan:SC-2026-0001",
    });
    const verdict = await handleChatEvent(desk, press, at("2026-12-10", "09:30"));
    expect(verdict.alert).toMatch(/^Bot chỉ làm việc trong nhóm Hỗ trợ kỹ thuật/);
    expect(await chatOut(desk.store)).toEqual([]);
    // A typed command there is still answered in that chat, once.
    await handleChatEvent(
      desk,
      ev(mcu.telegramId!, "/lich", { chatId: "-100999", chatType: "other-group" }),
      at("2026-12-10", "09:31"),
    );
    expect(await repliesTo(desk.store, "-100999")).toHaveLength(1);
  });

  it("over the limit: every press is told, to its presser alone", async () => {
    const desk = await makeDesk();
    const opts = {
      ...DEFAULT_CHAT_OPTIONS,
      limits: { ...DEFAULT_CHAT_OPTIONS.limits, commands: { limit: 1, windowMinutes: 10 } },
    };
    const t = at("2026-12-10", "09:30");
    const press = () => ev(tech.telegramId!, "", { button: "nhan:SC-2026-0001" });
    await handleChatEvent(desk, press(), t, opts);
    const second = await handleChatEvent(desk, press(), t, opts);
    const third = await handleChatEvent(desk, press(), t, opts);
    expect([second.alert, third.alert]).toEqual([
      expect.stringContaining("quá nhiều lệnh"),
      expect.stringContaining("quá nhiều lệnh"),
    ]);
    expect(await chatOut(desk.store)).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { ASK_BACK_TEXT } from "../src/app/incident/messages.js";
import { alertText } from "../src/bot/telegram/adapter.js";
import { at, sampleDirectory } from "./helpers.js";
import { useSpiedTelegramDesk } from "./support/spied-telegram.js";
import { until } from "./support/until.js";

/**
 * Through telegraf and the telegram-test-api emulator: what the group reads when endpoint staff answer the check,
 * report a fault without its kind, then with it, and two technicians press «Nhận» on its notice at once. A refused
 * press is answered to its presser alone (an alert); the emulator keeps no callback answers, so a spy between the
 * bot and the emulator records them.
 */
const GROUP = -100778;
const tech = sampleDirectory.people.find((p) => p.endpoint === "CX-00008" && p.role === "technician")!;
const mcu = sampleDirectory.people.find((p) => p.role === "mcu-technician")!;
const wan = sampleDirectory.people.find((p) => p.role === "wan-duty")!;

describe("Telegram: endpoint staff and two technicians in the group", () => {
  const tg = useSpiedTelegramDesk({
    group: GROUP,
    from: at("2026-12-10", "09:30"),
  });

  it("a check's answer is not answered, a kindless fault is asked back, a second «Nhận» is refused to its presser", async () => {
    const { desk, spy, sent } = tg;
    const client = tg.member;
    const staff = client(tech.telegramId!, "Hà");
    const one = client(mcu.telegramId!, "MCU");
    const two = client(wan.telegramId!, "WAN");
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
    const code = data.slice(5);
    await until(async () => (spy.answers.length >= 2 ? true : undefined), "both presses answered");
    await until(
      async () => (texts().some((t) => t.includes("đã nhận xử lý sự cố")) ? true : undefined),
      "the taking",
    );
    const inc = await desk.service.desk.store.read((r) => r.incidents.get(code));
    expect(inc?.status).toBe("acknowledged");
    // The one who has it got a plain answer; the other an alert naming who has it, and nothing in the group.
    const taker = inc!.assignee!.replace("telegram:", "");
    const late = taker === mcu.telegramId ? wan.telegramId : mcu.telegramId;
    expect(spy.answers.find((a) => a.presser === taker)).toMatchObject({ presser: taker });
    expect(spy.answers.find((a) => a.presser === taker)?.text).toBeUndefined();
    expect(spy.answers.find((a) => a.presser === late)).toMatchObject({
      showAlert: true,
      text: expect.stringContaining(`Sự cố ${code} đã có`),
    });
    // Endpoint staff may not take an incident: told so alone, in an alert.
    await staff.sendCallback(staff.makeCallbackQuery(data, on));
    const refused = await until(
      async () => spy.answers.find((a) => a.presser === tech.telegramId),
      "the endpoint technician's press answered",
    );
    expect(refused).toMatchObject({
      showAlert: true,
      text: "Chỉ cán bộ kỹ thuật MCU, trực ban mạng WAN hoặc quản trị viên mới thao tác được với sự cố.",
    });
    // A typed /nhan is still answered in the group, as a command is.
    await staff.sendMessage(staff.makeMessage(`/nhan ${code}`));
    await until(
      async () => (texts().some((t) => t.startsWith("Chỉ cán bộ kỹ thuật MCU")) ? true : undefined),
      "the typed command's refusal",
    );
    const all = texts().join("\n");
    expect(all.split("đã nhận xử lý sự cố").length - 1).toBe(1);
    // No refusal of a press reached the group: only the typed command's.
    expect(all).not.toContain(`Sự cố ${code} đã có`);
    expect(all.split("Chỉ cán bộ kỹ thuật MCU").length - 1).toBe(1);
    // The check's answer got nothing: the bot spoke only the question, the notice, the taking and the refusal.
    expect(all).not.toMatch(/âm thanh hình ảnh tốt/);
  }, 40_000);
});

describe("a press's alert", () => {
  it("keeps within Telegram's 200 characters, cut at a word", () => {
    const long = `Sự cố SC-2026-0001 đã có ${"Nguyễn Thị Minh Khai ".repeat(6)}nhận xử lý. Cần giao lại thì chuyển sự cố (lệnh /chuyen SC-2026-0001 @Tên cán bộ).`;
    const cut = alertText(long);
    expect(cut.length).toBeLessThanOrEqual(200);
    expect(cut).toMatch(/^Sự cố SC-2026-0001 đã có Nguyễn.*\S…$/);
    expect(alertText("Chỉ cán bộ kỹ thuật.")).toBe("Chỉ cán bộ kỹ thuật.");
  });
});

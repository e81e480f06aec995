import { describe, expect, it } from "vitest";
import { at, sampleDirectory } from "./helpers.js";
import { useSpiedTelegramDesk } from "./support/spied-telegram.js";
import { until } from "./support/until.js";

/**
 * Through telegraf and the telegram-test-api emulator (found by the tester, polish14): callback_data is the
 * client's to send, and a forged «rác:không:có» was run as the group command /rác («Lệnh /rác không tồn tại» to the
 * whole group). A press of a button the desk never issued is refused to its presser alone, in an alert.
 */
const GROUP = -100781;
const tech = sampleDirectory.people.find((p) => p.endpoint === "CX-00008" && p.role === "technician")!;

describe("Telegram: a press of a button the desk did not issue", () => {
  const tg = useSpiedTelegramDesk({
    group: GROUP,
    from: at("2026-12-10", "09:30"),
  });

  it("is answered to the presser alone, in an alert; the group reads nothing of it", async () => {
    const { desk, spy, sent } = tg;
    const staff = tg.member(tech.telegramId!, "Hà");
    await staff.sendMessage(staff.makeMessage("mất tiếng"));
    const notice = await until(async () => sent().find((m) => m.reply_markup), "the notice with buttons");
    const issued = notice
      .reply_markup!.inline_keyboard.flat()
      .find((b) => b.callback_data.startsWith("nhan:"))!.callback_data;
    const on = { message: { message_id: notice.messageId, chat: { id: GROUP, type: "group" } } };
    const mine = () => spy.answers.filter((a) => a.presser === tech.telegramId);
    for (const [n, data] of ["rác:không:có", "nhan:SC-2026-0001:thêm", issued].entries()) {
      await staff.sendCallback(staff.makeCallbackQuery(data, on));
      await until(async () => (mine().length > n ? true : undefined), `press ${n + 1} answered`);
    }
    // The two forged presses: an alert each, saying nothing was done.
    expect(mine().slice(0, 2)).toMatchObject([
      { showAlert: true, text: expect.stringContaining("không do bot Hỗ trợ kỹ thuật gửi") },
      { showAlert: true, text: expect.stringContaining("không do bot Hỗ trợ kỹ thuật gửi") },
    ]);
    // The issued button still works as before (endpoint staff may not take an incident: its own refusal).
    expect(mine()[2]).toMatchObject({
      showAlert: true,
      text: expect.stringContaining("Chỉ cán bộ kỹ thuật MCU"),
    });
    // Presses are handled in order: the third was answered after its transaction committed, so anything the
    // forged ones had queued for the group would be in the outbox by now.
    const queued = await desk.service.desk.store.read((r) => r.outbox.list());
    const texts = [
      ...queued.map((m) => String((m.payload as { text?: string }).text ?? "")),
      ...sent().map((m) => m.text),
    ];
    expect(texts.filter((t) => /không tồn tại|rác/.test(t))).toEqual([]);
  }, 40_000);
});

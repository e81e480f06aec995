import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { reportIncident } from "../src/app/incident/report.js";
import { at, request, sampleDirectory } from "./helpers.js";
import { type Replied, repliedTo, userMessageId, useSpiedTelegramDesk } from "./support/spied-telegram.js";
import { until } from "./support/until.js";

/**
 * Through telegraf and the telegram-test-api emulator (round 20): «… đã nhận xử lý SC-…» in the group was a new
 * message of its own, under whatever had been said since; the group could not tell which report it answered without
 * scrolling. It replies to the report that opened the incident, when the desk knows that message.
 */
const GROUP = -100920;
const person = (endpoint: string) =>
  sampleDirectory.people.find((p) => p.endpoint === endpoint && p.role === "technician")!;
const mcu = sampleDirectory.people.find((p) => p.role === "mcu-technician")!;

describe("Telegram: /nhan's announcement replies to the report it concerns", () => {
  const tg = useSpiedTelegramDesk({ group: GROUP, from: at("2026-12-10", "09:30") });

  it("the report in the group is the message «đã nhận xử lý» answers; a report the desk has no message of is not", async () => {
    const { desk } = tg;
    const service = desk.service.desk;
    const sent = () => tg.sent() as Replied[];
    await registerBooking(service, request({ title: "Nội dung phiên" }), { now: at("2026-12-07", "08:30") });
    const ha = tg.member(person("CX-00008").telegramId!, "Hà");
    await ha.sendMessage(ha.makeMessage("mất tiếng rồi"));
    await until(
      async () => (sent().some((m) => m.text.includes("Đã tiếp nhận phản ánh")) ? true : undefined),
      "the acknowledgement",
    );
    const technician = tg.member(mcu.telegramId!, "Giang");
    await technician.sendMessage(technician.makeMessage("/nhan SC-2026-0001"));
    const taken = await until(
      async () => sent().find((m) => m.text.includes("đã nhận xử lý sự cố SC-2026-0001")),
      "the announcement",
    );
    expect(String(taken.chat_id)).toBe(String(GROUP));
    expect(repliedTo(taken)).toBe(userMessageId(tg, "mất tiếng rồi"));
    // Filed from the web or the CLI (no chat message): the announcement is a message of its own, as before.
    const filed = await reportIncident(
      service,
      { id: "cli:kythuat", channel: "cli", person: null, name: "Kỹ thuật" },
      { text: "CX-00025 mất hình" },
      new Date(),
    );
    expect(filed.ok).toBe(true);
    await technician.sendMessage(technician.makeMessage("/nhan SC-2026-0002"));
    const plain = await until(
      async () => sent().find((m) => m.text.includes("đã nhận xử lý sự cố SC-2026-0002")),
      "the second announcement",
    );
    expect(repliedTo(plain)).toBeUndefined();
  }, 60_000);
});

import { describe, expect, it } from "vitest";
import { cancelBooking, registerBooking } from "../src/app/booking/index.js";
import { at, request, sampleDirectory } from "./helpers.js";
import { type Replied, repliedTo, userMessageId, useSpiedTelegramDesk } from "./support/spied-telegram.js";
import { until } from "./support/until.js";

/**
 * Through telegraf and the telegram-test-api emulator (round 19), as the reporter reads the support group: the
 * answers to their messages, and the codes of their incidents.
 */
const GROUP = -100919;
const person = (endpoint: string) =>
  sampleDirectory.people.find((p) => p.endpoint === endpoint && p.role === "technician")!;
const mcu = sampleDirectory.people.find((p) => p.role === "mcu-technician")!;

describe("Telegram: answers to a person's message in the support group", () => {
  const tg = useSpiedTelegramDesk({ group: GROUP, from: at("2026-12-10", "09:30") });

  it("a report's acknowledgement and a command's answer are replies of their own, not glued to a cancellation", async () => {
    const { desk } = tg;
    const service = desk.service.desk;
    const sent = () => tg.sent() as Replied[];
    await registerBooking(service, request({ title: "Nội dung phiên" }), { now: at("2026-12-07", "08:30") });
    await registerBooking(
      service,
      request({
        participants: ["CX-00004"],
        start: at("2026-12-11", "14:00"),
        end: at("2026-12-11", "16:00"),
        title: "Giao ban tháng 12",
      }),
      { now: at("2026-12-07", "08:40") },
    );
    const ha = tg.member(person("CX-00008").telegramId!, "Hà");
    await ha.sendMessage(ha.makeMessage("mất tiếng rồi"));
    await until(
      async () => (sent().some((m) => m.text.includes("Đã tiếp nhận phản ánh")) ? true : undefined),
      "the first acknowledgement",
    );
    // The group's pace now holds the next messages a few seconds: what comes meanwhile is delivered together.
    await cancelBooking(
      service,
      "HTT-2026-0002",
      { id: "cli:kythuat", channel: "cli" },
      "lãnh đạo bận",
      new Date(),
    );
    const khanh = tg.member(person("CX-00025").telegramId!, "Khánh");
    await khanh.sendMessage(khanh.makeMessage("bên em mất hình"));
    const technician = tg.member(mcu.telegramId!, "Giang");
    await technician.sendMessage(technician.makeMessage("/phien HTT-2026-0001"));
    const all = await until(async () => {
      const s = sent();
      return s.filter((m) => m.text.includes("Đã tiếp nhận phản ánh")).length === 2 &&
        s.some((m) => m.text.includes("HTT-2026-0001 —")) &&
        s.some((m) => m.text.includes("[HTT-2026-0002] ĐÃ HỦY"))
        ? s
        : undefined;
    }, "both acknowledgements, the answer and the cancellation");
    const acks = all.filter((m) => m.text.includes("Đã tiếp nhận phản ánh"));
    expect(acks.map((m) => m.text.split("\n").length)).toEqual([1, 1]);
    expect(acks.map(repliedTo)).toEqual([
      userMessageId(tg, "mất tiếng rồi"),
      userMessageId(tg, "bên em mất hình"),
    ]);
    const answer = all.find((m) => m.text.includes("HTT-2026-0001 —"))!;
    expect(answer.text.split("\n")).toHaveLength(1);
    expect(repliedTo(answer)).toBe(userMessageId(tg, "/phien HTT-2026-0001"));
    const cancelled = all.find((m) => m.text.includes("[HTT-2026-0002] ĐÃ HỦY"))!;
    expect(cancelled.text).not.toContain("Đã tiếp nhận");
    expect(repliedTo(cancelled)).toBeUndefined();
  }, 60_000);

  it("a reporter's bare «xong» is answered with who closes it; the technician's «xong» answer is a reply too", async () => {
    const sent = () => tg.sent() as Replied[];
    const ha = tg.member(person("CX-00008").telegramId!, "Hà");
    await ha.sendMessage(ha.makeMessage("xong rồi"));
    const told = await until(
      async () => sent().find((m) => m.text.startsWith("Chỉ cán bộ kỹ thuật đang xử lý")),
      "the reporter's answer",
    );
    expect(told.text).toBe(
      "Chỉ cán bộ kỹ thuật đang xử lý mới đóng được sự cố SC-2026-0001; bot chưa đóng sự cố. Nếu điểm cầu đã hết lỗi, đề nghị nhắn /ghichu SC-2026-0001 đã hết lỗi để người xử lý kiểm tra và đóng sự cố.",
    );
    expect(repliedTo(told)).toBe(userMessageId(tg, "xong rồi"));
    const store = tg.desk.service.desk.store;
    expect((await store.read((r) => r.incidents.get("SC-2026-0001")))?.status).toBe("open");
    const technician = tg.member(mcu.telegramId!, "Giang");
    await technician.sendMessage(technician.makeMessage("/nhan SC-2026-0001"));
    await until(
      async () =>
        (await store.read((r) => r.incidents.get("SC-2026-0001")))?.status === "acknowledged"
          ? true
          : undefined,
      "taken",
    );
    await technician.sendMessage(technician.makeMessage("ok xong"));
    const done = await until(
      async () => sent().find((m) => m.text.startsWith("Bot hiểu «xong» là sự cố SC-2026-0001")),
      "the technician's answer",
    );
    expect(repliedTo(done)).toBe(userMessageId(tg, "ok xong"));
  }, 60_000);
});

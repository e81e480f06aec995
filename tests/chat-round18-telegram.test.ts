import { describe, expect, it } from "vitest";
import { at, sampleDirectory } from "./helpers.js";
import { useSpiedTelegramDesk } from "./support/spied-telegram.js";
import { until } from "./support/until.js";

/**
 * Through telegraf and the telegram-test-api emulator (round 18): a report naming two faults of two duties, and the
 * MCU technician's bare «xong».
 */
const GROUP = -100918;
const tech = sampleDirectory.people.find((p) => p.endpoint === "CX-00008" && p.role === "technician")!;
const mcu = sampleDirectory.people.find((p) => p.role === "mcu-technician")!;

describe("Telegram: «mất mạng, máy chiếu cũng hỏng», then the MCU technician's «xong»", () => {
  const tg = useSpiedTelegramDesk({ group: GROUP, from: at("2026-12-10", "09:30") });

  it("each fault reaches its duty, the group reads both; «xong» closes the projector's and says so", async () => {
    const { desk, sent } = tg;
    const store = desk.service.desk.store;
    const lines = () => sent().flatMap((m) => m.text.split("\n"));
    await tg
      .member(tech.telegramId!, "Giang")
      .sendMessage(
        tg
          .member(tech.telegramId!, "Giang")
          .makeMessage("Điểm cầu phường Ngọc Hà mất mạng, máy chiếu cũng hỏng"),
      );
    const incs = await until(async () => {
      const all = await store.read((r) => r.incidents.list());
      return all.length === 2 ? all.sort((a, b) => a.code.localeCompare(b.code)) : undefined;
    }, "two incidents");
    expect(incs.map((i) => [i.category, i.route])).toEqual([
      ["network", "wan"],
      ["equipment", "mcu"],
    ]);
    const said = await until(async () => {
      const all = lines();
      return all.some((t) => t.startsWith("[Trực ban WAN] Sự cố mới")) &&
        all.some((t) => t.startsWith("[Kỹ thuật MCU] Sự cố mới")) &&
        all.some((t) => t.startsWith("Đã tiếp nhận phản ánh 2 sự cố"))
        ? all
        : undefined;
    }, "both duties' notices and the group's acknowledgement");
    expect(said.find((t) => t.startsWith("Đã tiếp nhận phản ánh 2 sự cố"))).toContain(
      `${incs[0]!.code} (đường truyền): đã chuyển Trực ban mạng WAN (Sở Khoa học và Công nghệ); ${incs[1]!.code} (thiết bị): đã chuyển Kỹ thuật MCU.`,
    );
    const technician = tg.member(mcu.telegramId!, "Kỹ thuật");
    await technician.sendMessage(technician.makeMessage(`/nhan ${incs[1]!.code}`));
    await until(
      async () =>
        (await store.read((r) => r.incidents.get(incs[1]!.code)))?.status === "acknowledged"
          ? true
          : undefined,
      "taken",
    );
    await technician.sendMessage(technician.makeMessage("xong rồi"));
    await until(
      async () =>
        (await store.read((r) => r.incidents.get(incs[1]!.code)))?.status === "resolved" ? true : undefined,
      "closed by «xong rồi»",
    );
    await until(
      async () =>
        lines().some((t) => t.startsWith(`Bot hiểu «xong» là sự cố ${incs[1]!.code}`)) ? true : undefined,
      "the group told which one",
    );
    expect((await store.read((r) => r.incidents.get(incs[0]!.code)))?.status).toBe("open");
  }, 40_000);
});

import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { at, sampleDirectory } from "./helpers.js";
import { useSpiedTelegramDesk } from "./support/spied-telegram.js";
import { until } from "./support/until.js";

/**
 * Through telegraf and the telegram-test-api emulator (round 14): a report edited in the group into another fault.
 * The emulator has no way for a user to edit a message; its update formatting is wrapped so that a message sent
 * with `edits: <message id>` reaches the bot as Telegram sends an edit (`edited_message`, the first message's id, its
 * date and the edit's).
 */
const GROUP = -100914;
const tech = sampleDirectory.people.find((p) => p.endpoint === "CX-00008" && p.role === "technician")!;

type Update = {
  updateId: number;
  message?: Record<string, unknown> & { edits?: number; edit_date?: number };
};
const server = TelegramServer as unknown as { formatUpdate(u: Update): unknown };
const format = server.formatUpdate;
beforeAll(() => {
  server.formatUpdate = (u: Update) => {
    if (!u.message?.edits) return format.call(TelegramServer, u);
    const { edits, botToken: _, ...message } = u.message;
    return { update_id: u.updateId, edited_message: { ...message, message_id: edits } };
  };
});
afterAll(() => {
  server.formatUpdate = format;
});

describe("Telegram: a report edited in the group", () => {
  const tg = useSpiedTelegramDesk({ group: GROUP, from: at("2026-12-10", "09:30") });

  it("«mất tiếng» edited into «mất mạng»: the incident goes to the WAN duty, the MCU technician is told to leave it", async () => {
    const { desk, sent } = tg;
    const staff = tg.member(tech.telegramId!, "Hà");
    const store = desk.service.desk.store;
    const first = (desk.server as unknown as { messageId: number }).messageId;
    const said = staff.makeMessage("bên em mất tiếng");
    await staff.sendMessage(said);
    const opened = await until(
      async () => (await store.read((r) => r.incidents.list()))[0],
      "the incident of the report",
    );
    expect(opened).toMatchObject({ category: "audio", route: "mcu" });
    await until(
      async () =>
        sent().some((m) => m.text.includes(`[Kỹ thuật MCU] Sự cố mới: sự cố ${opened.code}`))
          ? true
          : undefined,
      "the MCU technician's notice in the group",
    );
    await staff.sendMessage({ ...said, text: "bên em mất mạng", edits: first, edit_date: said.date + 40 });
    const rerouted = await until(async () => {
      const inc = (await store.read((r) => r.incidents.list()))[0];
      return inc?.route === "wan" ? inc : undefined;
    }, "the incident rerouted");
    expect(rerouted).toMatchObject({ code: opened.code, category: "network", status: "open" });
    const texts = await until(async () => {
      // The delivery may merge the group's lines into one message: read them line by line.
      const all = sent().flatMap((m) => m.text.split("\n"));
      return all.some((t) => t.startsWith(`[Trực ban WAN] Sự cố mới: sự cố ${opened.code} (đường truyền)`))
        ? all
        : undefined;
    }, "the WAN duty's notice in the group");
    // The reporter reads the correction once; the MCU technician reads that the first report is not theirs.
    expect(texts.filter((t) => t.startsWith("Đã sửa phản ánh theo tin nhắn đã chỉnh"))).toHaveLength(1);
    expect(
      texts.filter((t) =>
        t.startsWith(`[Kỹ thuật MCU] Sự cố ${opened.code} được điểm cầu sửa thành (đường truyền)`),
      ),
    ).toEqual([expect.stringContaining("Kỹ thuật MCU không cần xử lý")]);
    expect(await store.read((r) => r.incidents.list())).toHaveLength(1);
    // Nothing in the group names the endpoint.
    expect(texts.join("\n")).not.toContain("CX-00008");
  }, 40_000);
});

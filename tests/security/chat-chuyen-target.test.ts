import { describe, expect, it } from "vitest";
import { handleChatEvent } from "../../src/app/chat/conversation.js";
import { at, makeDesk } from "../helpers.js";
import { deskNotices, ev, mcu, tech, wan } from "./chat-support.js";

/**
 * Threat: `/chuyen` hands a fault to any text ("@ai_do", a link, a typo): the incident leaves the duty's queue
 * (reminders stop, status "đã chuyển xử lý") and nobody who reads it is responsible.
 */
describe("/chuyen only to a desk role or a known desk person", () => {
  const now = at("2026-12-10", "09:30");
  async function withIncident() {
    const desk = await makeDesk();
    await handleChatEvent(desk, ev(tech("CX-00008").telegramId!, "mất tiếng"), now);
    return desk;
  }
  const lastText = async (desk: Awaited<ReturnType<typeof makeDesk>>) =>
    String((await desk.store.read((r) => r.outbox.list())).at(-1)!.payload.text);

  for (const target of [
    "@ai_do",
    "https://example.com/phishing",
    "@Nguyễn Văn Không Có",
    tech("CX-00025").name,
  ]) {
    it(`refuses «${target}» clearly and leaves the incident where it was`, async () => {
      const desk = await withIncident();
      const before = await desk.store.read((r) => r.outbox.list());
      await handleChatEvent(desk, ev(mcu.telegramId!, `/chuyen SC-2026-0001 ${target}`), now);
      const inc = await desk.store.read((r) => r.incidents.get("SC-2026-0001"));
      expect(inc).toMatchObject({ status: "open", assignee: null, route: "mcu" });
      const after = await desk.store.read((r) => r.outbox.list());
      expect(after).toHaveLength(before.length + 1); // the refusal only: no group update, no desk notice
      const refusal = await lastText(desk);
      expect(refusal).toContain("Không chuyển được sự cố SC-2026-0001");
      expect(refusal).toContain("không phải bộ phận hay cán bộ trực trong danh bạ");
      const events = await desk.store.read((r) => r.incidents.events("SC-2026-0001"));
      expect(events.map((e) => e.action)).toEqual(["opened"]);
    });
  }

  it("hands to the WAN duty, to the MCU technicians, or to a desk person by name with or without diacritics", async () => {
    const desk = await withIncident();
    await handleChatEvent(desk, ev(mcu.telegramId!, "/chuyen SC-2026-0001 wan"), now);
    expect(await desk.store.read((r) => r.incidents.get("SC-2026-0001"))).toMatchObject({
      status: "dispatched",
      route: "wan",
      assignee: "wan-duty",
    });
    await handleChatEvent(desk, ev(wan.telegramId!, "/chuyen SC-2026-0001 mcu"), now);
    expect(await desk.store.read((r) => r.incidents.get("SC-2026-0001"))).toMatchObject({
      route: "mcu",
      assignee: "mcu-technician",
    });
    // "@Đỗ Văn Khánh" as typed, or "@dovankhanh" as a Telegram handle would read.
    const folded = `@${wan.name
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐ]/g, "d")
      .replace(/ /g, "")
      .toLowerCase()}`;
    for (const target of [`@${wan.name}`, folded]) {
      await handleChatEvent(desk, ev(mcu.telegramId!, `/chuyen SC-2026-0001 ${target}`), now);
      const inc = await desk.store.read((r) => r.incidents.get("SC-2026-0001"));
      expect(inc).toMatchObject({ status: "dispatched", route: "wan" });
      expect(inc?.assignee).toMatch(/^person:\d+$/);
      expect((await deskNotices(desk.store, "wan-duty")).at(-1)).toContain(`được chuyển cho ${wan.name}`);
    }
  });

  it("a command without a target explains the usage", async () => {
    const desk = await withIncident();
    await handleChatEvent(desk, ev(mcu.telegramId!, "/chuyen SC-2026-0001"), now);
    expect(await lastText(desk)).toMatch(/^Cách dùng: \/chuyen SC-2026-0001 wan/);
  });
});

import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { handleChatEvent } from "../src/app/chat/conversation.js";
import type { Store } from "../src/store/store.js";
import { at, makeDesk, request, sampleDirectory } from "./helpers.js";
import { groupMessages } from "./support/chat-events.js";

/**
 * Technicians act from the group's buttons and with commands typed as they come («/NHẬN sc-…»). Two pressing
 * «Nhận» at once, or one pressing twice: the first has the incident, the group reads it once, and the second is
 * told who has it. Before, the second press took the incident from the first without a word to them and the group
 * read «… đã nhận xử lý» twice.
 */
const GROUP = "-100200";
const people = sampleDirectory.people;
const staff = people.find((p) => p.endpoint === "CX-00008" && p.role === "technician")!;
const mcu = people.find((p) => p.role === "mcu-technician")!;
const wan = people.find((p) => p.role === "wan-duty")!;

const ev = groupMessages({ chatId: GROUP, messageIds: true });
const press = (userId: string, data: string) => ev(userId, "", { button: data, messageId: undefined });

async function groupTexts(store: Store): Promise<string[]> {
  return (await store.read((r) => r.outbox.list()))
    .filter((m) => m.recipient === `telegram:${GROUP}` || m.recipient === "support-group")
    .filter((m) => m.channel !== "reaction")
    .map((m) => (m.payload as { text: string }).text);
}

async function opened(now: Date) {
  const desk = await makeDesk();
  await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
  await handleChatEvent(desk, ev(staff.telegramId!, "mất tiếng"), now);
  const before = (await groupTexts(desk.store)).length;
  return { desk, before };
}

describe("two technicians, one incident", () => {
  it("pressing «Nhận» at once: the first has it, the second alone is told who, the group reads it once", async () => {
    const now = at("2026-12-10", "09:30");
    const { desk, before } = await opened(now);
    const [byMcu, byWan] = await Promise.all([
      handleChatEvent(desk, press(mcu.telegramId!, "nhan:SC-2026-0001"), now),
      handleChatEvent(desk, press(wan.telegramId!, "nhan:SC-2026-0001"), now),
    ]);
    const [inc] = await desk.store.read((r) => r.incidents.list());
    const first = inc!.assignee === `telegram:${mcu.telegramId}` ? mcu : wan;
    expect(inc).toMatchObject({ status: "acknowledged", assignee: `telegram:${first.telegramId}` });
    const after = (await groupTexts(desk.store)).slice(before);
    expect(after.filter((t) => t.includes("đã nhận xử lý sự cố SC-2026-0001"))).toEqual([
      `${first.name} đã nhận xử lý sự cố SC-2026-0001.`,
    ]);
    // The second presser is told who has it, in an alert of their own: the group does not read the refusal.
    const second = first === mcu ? byWan : byMcu;
    expect(second.alert).toContain(`đã có ${first.name} nhận xử lý`);
    expect((first === mcu ? byMcu : byWan).alert).toBeUndefined();
    expect(after.filter((t) => t.startsWith("Sự cố SC-2026-0001 đã có"))).toEqual([]);
    const events = await desk.store.read((r) => r.incidents.events("SC-2026-0001"));
    expect(events.filter((e) => e.action === "nhan")).toHaveLength(1);
  });

  it("one technician pressing twice reads, alone, that they have it already; the group reads it once", async () => {
    const now = at("2026-12-10", "09:30");
    const { desk, before } = await opened(now);
    await handleChatEvent(desk, press(mcu.telegramId!, "nhan:SC-2026-0001"), now);
    const again = await handleChatEvent(desk, press(mcu.telegramId!, "nhan:SC-2026-0001"), now);
    expect(again.alert).toBe("Anh/chị đã nhận xử lý sự cố SC-2026-0001 từ trước.");
    expect((await groupTexts(desk.store)).slice(before)).toEqual([
      `${mcu.name} đã nhận xử lý sự cố SC-2026-0001.`,
    ]);
  });

  it("a transferred incident is taken by whoever it went to; commands in any case, with or without diacritics", async () => {
    const now = at("2026-12-10", "09:30");
    const { desk } = await opened(now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/NHẬN sc-2026-0001"), now);
    await handleChatEvent(desk, ev(mcu.telegramId!, "/Chuyen SC-2026-0001 WAN"), now);
    await handleChatEvent(desk, ev(wan.telegramId!, "/nhan SC-2026-0001"), now);
    expect((await desk.store.read((r) => r.incidents.list()))[0]).toMatchObject({
      status: "acknowledged",
      assignee: `telegram:${wan.telegramId}`,
    });
    await handleChatEvent(desk, ev(wan.telegramId!, "/XONG Sc-2026-0001 đã thay cáp"), now);
    expect((await desk.store.read((r) => r.incidents.list()))[0]).toMatchObject({ status: "resolved" });
  });
});

import { describe, expect, it } from "vitest";
import { type ChatEvent, handleChatEvent } from "../src/app/chat/conversation.js";
import { TELEGRAM_UPDATES, toChatEvent } from "../src/bot/telegram/adapter.js";
import type { Store } from "../src/store/store.js";
import { at, makeDesk, sampleDirectory } from "./helpers.js";

/**
 * A report edited after it was sent. Telegram sends the edit as its own update; the desk did not ask for edits, so
 * «mất tiếng» corrected to «mất mạng» left the MCU technician with the fault and never told the WAN duty.
 */
const GROUP = -100200;
const staff = sampleDirectory.people.find((p) => p.endpoint === "CX-00008" && p.role === "technician")!;
const now = at("2026-12-10", "09:30");

let update = 0;
function message(messageId: number, text: string, edit?: { after: number }): ChatEvent | null {
  const m = {
    message_id: messageId,
    date: 1_000,
    chat: { id: GROUP, type: "supergroup", title: "Hỗ trợ" },
    from: { id: Number(staff.telegramId), is_bot: false, first_name: "Hà" },
    text,
    ...(edit ? { edit_date: 1_000 + edit.after } : {}),
  };
  return toChatEvent({ update_id: ++update, ...(edit ? { edited_message: m } : { message: m }) } as never);
}

async function rows(store: Store) {
  return (await store.read((r) => r.outbox.list())).filter((m) =>
    ["chat", "group", "reaction"].includes(m.channel),
  );
}

describe("a report edited after it was sent", () => {
  it("the desk asks Telegram for edits", () => {
    expect(TELEGRAM_UPDATES).toContain("edited_message");
  });

  it("corrected to another fault before anyone took it: the incident it opened is routed where it belongs", async () => {
    const desk = await makeDesk();
    await handleChatEvent(desk, message(7, "mất tiếng")!, now);
    await handleChatEvent(desk, message(7, "mất mạng", { after: 40 })!, now);
    const list = await desk.store.read((r) => r.incidents.list());
    // One incident, the fault the message says now (the MCU technician was paged for a typo).
    expect(list.map((i) => [i.category, i.route, i.text])).toEqual([["network", "wan", "mất mạng"]]);
    // Acknowledged on the message itself, then one answer in words about the correction.
    expect((await rows(desk.store)).filter((m) => m.channel === "reaction")).toHaveLength(1);
    expect((await rows(desk.store)).filter((m) => m.channel === "chat")).toHaveLength(1);
  });

  it("the same fault again, or chatter: nothing more is said and no incident opens", async () => {
    const desk = await makeDesk();
    await handleChatEvent(desk, message(8, "mất tiếng")!, now);
    const before = (await rows(desk.store)).length;
    await handleChatEvent(desk, message(8, "mất tiếng rồi ạ", { after: 30 })!, now);
    await handleChatEvent(desk, message(9, "chào cả nhà")!, now);
    await handleChatEvent(desk, message(9, "chào cả nhà ạ", { after: 5 })!, now);
    expect(await desk.store.read((r) => r.incidents.list())).toHaveLength(1);
    expect((await rows(desk.store)).length).toBe(before);
  });

  it("a question asked back, then the fault edited in: filed", async () => {
    const desk = await makeDesk();
    await handleChatEvent(desk, message(10, "bên em có vấn đề")!, now);
    await handleChatEvent(desk, message(10, "bên em rớt mạng", { after: 60 })!, now);
    expect(await desk.store.read((r) => r.incidents.list())).toMatchObject([
      { category: "network", route: "wan" },
    ]);
  });

  it("an edited command is not run again; an edit long after is the group's own", async () => {
    expect(message(11, "/xong SC-2026-0001 đã thay cáp", { after: 10 })).toBeNull();
    const desk = await makeDesk();
    await handleChatEvent(desk, message(12, "chào cả nhà")!, now);
    await handleChatEvent(desk, message(12, "mất tiếng", { after: 3 * 3600 })!, now);
    expect(await desk.store.read((r) => r.incidents.list())).toEqual([]);
  });
});

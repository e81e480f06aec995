import { describe, expect, it } from "vitest";
import { type ChatEvent, handleChatEvent } from "../src/app/chat/conversation.js";
import { MEDIA_TEXT, VOICE_TEXT } from "../src/app/incident/messages.js";
import { toChatEvent } from "../src/bot/telegram/adapter.js";
import { zaloToChatEvent } from "../src/bot/zalo/adapter.js";
import type { Store } from "../src/store/store.js";
import { at, makeDesk, sampleDirectory } from "./helpers.js";

/**
 * Endpoint staff send what their phone sends: a photo of the screen with words under it, a voice message, a
 * sticker. A report under a photo was dropped (only `text` was read), and a voice report went unanswered.
 */
const GROUP = -100200;
const people = sampleDirectory.people;
const staff = people.find((p) => p.endpoint === "CX-00008" && p.role === "technician")!;
const zaloStaff = people.find((p) => p.role === "technician" && p.zaloId)!;
const mcu = people.find((p) => p.role === "mcu-technician")!;
const now = at("2026-12-10", "09:30");

let update = 0;
function telegram(
  from: string,
  extra: object,
  chat: { id: number; type: string } = { id: GROUP, type: "supergroup" },
) {
  const ev = toChatEvent({
    update_id: ++update,
    message: {
      message_id: update,
      date: 1,
      chat: { ...chat, title: "Hỗ trợ" },
      from: { id: Number(from), is_bot: false, first_name: "Cán bộ" },
      ...extra,
    },
  } as never);
  return ev as ChatEvent;
}

async function said(store: Store) {
  return (await store.read((r) => r.outbox.list()))
    .filter((m) => ["chat", "group"].includes(m.channel))
    .map((m) => [m.recipient, (m.payload as { text?: string }).text]);
}

describe("a report that is not plain text", () => {
  it("Telegram: a photo's caption is the report", async () => {
    const desk = await makeDesk();
    const ev = telegram(staff.telegramId!, {
      photo: [{ file_id: "x", width: 1, height: 1 }],
      caption: "hình bị vỡ như này",
    });
    expect(ev).toMatchObject({ text: "hình bị vỡ như này", chatType: "group" });
    await handleChatEvent(desk, ev, now);
    expect(await desk.store.read((r) => r.incidents.list())).toMatchObject([
      { endpoint: "CX-00008", category: "video", route: "mcu" },
    ]);
  });

  it("Zalo: a photo's caption is the report, the bot's mention removed", async () => {
    const desk = await makeDesk();
    const ev = zaloToChatEvent(
      {
        event_name: "message.image.received",
        message: {
          message_id: "m1",
          from: { id: zaloStaff.zaloId!, display_name: "Cán bộ" },
          chat: { id: "g-hotro", chat_type: "GROUP" },
          date: 1,
          photo: "https://example.invalid/a.jpg",
          caption: "@HoTroBot mất tiếng",
        },
      },
      "HoTroBot",
    )!;
    expect(ev).toMatchObject({ text: "mất tiếng" });
    await handleChatEvent(desk, ev, now);
    expect(await desk.store.read((r) => r.incidents.list())).toMatchObject([
      { category: "audio", route: "mcu" },
    ]);
  });

  it("a voice message is asked to be typed, in the group and in private; desk staff's is their own talk", async () => {
    const desk = await makeDesk();
    const voice = { voice: { file_id: "v", file_unique_id: "v", duration: 4 } };
    await handleChatEvent(desk, telegram(staff.telegramId!, voice), now);
    const own = { id: Number(staff.telegramId), type: "private" };
    await handleChatEvent(desk, telegram(staff.telegramId!, voice, own), now);
    await handleChatEvent(desk, telegram(mcu.telegramId!, voice), now);
    expect(await desk.store.read((r) => r.incidents.list())).toEqual([]);
    expect(await said(desk.store)).toEqual([
      [`telegram:${GROUP}`, VOICE_TEXT],
      [`telegram:${staff.telegramId}`, VOICE_TEXT],
    ]);
  });

  it("a sticker or a photo without words: nothing in the group, the request in private", async () => {
    const desk = await makeDesk();
    const sticker = {
      sticker: { file_id: "s", file_unique_id: "s", width: 1, height: 1, is_animated: false },
    };
    await handleChatEvent(desk, telegram(staff.telegramId!, sticker), now);
    await handleChatEvent(
      desk,
      telegram(staff.telegramId!, { photo: [{ file_id: "x", width: 1, height: 1 }] }),
      now,
    );
    const own = { id: Number(staff.telegramId), type: "private" };
    await handleChatEvent(desk, telegram(staff.telegramId!, sticker, own), now);
    expect(await desk.store.read((r) => r.incidents.list())).toEqual([]);
    expect(await said(desk.store)).toEqual([[`telegram:${staff.telegramId}`, MEDIA_TEXT]]);
  });

  it("a join or a pin is nothing at all", () => {
    expect(telegram(staff.telegramId!, { new_chat_members: [] })).toBeNull();
  });
});

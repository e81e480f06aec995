import type { ChatEvent } from "../../src/bot/conversation.js";
import type { Store } from "../../src/store/store.js";
import { sampleDirectory } from "../helpers.js";

/** Shared fixtures of the chat authorisation tests: the sample directory's people and an event builder. */
export const GROUP = "-100200";
const people = sampleDirectory.people;
export const tech = (endpoint: string) =>
  people.find((p) => p.endpoint === endpoint && p.role === "technician")!;
export const mcu = people.find((p) => p.role === "mcu-technician")!;
export const wan = people.find((p) => p.role === "wan-duty")!;
export const admin = people.find((p) => p.role === "admin")!;

let update = 0;
export function ev(userId: string, text: string, extra: Partial<ChatEvent> = {}): ChatEvent {
  return {
    platform: "telegram",
    chatId: GROUP,
    chatType: "group",
    userId,
    userName: "Người lạ",
    text,
    button: null,
    updateId: `sec-${++update}`,
    ...extra,
  };
}

/** A private chat with the bot: on Telegram its chat id is the user's id. */
export function dm(userId: string, text: string, extra: Partial<ChatEvent> = {}): ChatEvent {
  return ev(userId, text, { chatType: "private", chatId: userId, ...extra });
}

export async function chatOut(store: Store) {
  return (await store.read((r) => r.outbox.list())).filter(
    (m) => ["chat", "desk", "group"].includes(m.channel) && m.kind !== "booking-public",
  );
}

/** Replies sent into one chat (`telegram:<chat id>`). */
export async function repliesTo(store: Store, chatId: string): Promise<string[]> {
  return (await chatOut(store))
    .filter((m) => m.channel === "chat" && m.recipient === `telegram:${chatId}`)
    .map((m) => String(m.payload.text));
}

/** Notices to the desk roles (they go to the support group, tagged with the role). */
export async function deskNotices(store: Store, role?: string): Promise<string[]> {
  return (await chatOut(store))
    .filter((m) => m.channel === "desk" && (!role || m.recipient === role))
    .map((m) => String(m.payload.text));
}

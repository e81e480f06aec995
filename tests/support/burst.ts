import { handleChatEvent } from "../../src/app/chat/conversation.js";
import type { Desk } from "../../src/app/context.js";
import { type ChatTransport, deliverChat } from "../../src/bot/delivery.js";
import type { Pacer } from "../../src/bot/pacing.js";
import type { Store } from "../../src/store/store.js";
import type { FakeTelegram } from "./fake-telegram.js";

/**
 * The pieces the chat-burst tests and the chat bench share: a burst's arrivals, a report typed in the group (the
 * fake Bot API gets the message, the desk handles its update), and one delivery round on a virtual clock. No vitest
 * here: the bench imports it (the test-only scene is in burst-scene.ts).
 */

/** One report of a burst: when it is typed, from which endpoint's technician, and what. */
export interface Arrival {
  at: number;
  ep: string;
  text: string;
}

/** `n` reports spread evenly over a minute from `t0`, cycling through the endpoints, then through the faults. */
export function burstArrivals(
  n: number,
  t0: number,
  endpoints: readonly string[],
  faults: readonly string[],
): Arrival[] {
  return Array.from({ length: n }, (_, i) => ({
    at: t0 + Math.floor((i * 60_000) / n),
    ep: endpoints[i % endpoints.length]!,
    text: faults[Math.floor(i / endpoints.length) % faults.length]!,
  }));
}

/** A technician types `text` in the group at `at`: the fake records the message, the desk handles the update. */
export async function reportInGroup(
  desk: Desk,
  fake: FakeTelegram,
  group: string,
  userId: string,
  text: string,
  at: number,
): Promise<number> {
  const messageId = fake.message(Number(group), Number(userId), text);
  await handleChatEvent(
    desk,
    {
      platform: "telegram",
      chatId: group,
      chatType: "group",
      userId,
      userName: "x",
      text,
      button: null,
      updateId: String(messageId),
      messageId: String(messageId),
    },
    new Date(at),
  );
  return messageId;
}

/** A virtual clock in epoch ms that the delivery's waits move forward. */
export interface VirtualClock {
  now: number;
}

/**
 * One delivery round on the virtual clock: every wait moves the clock, and reports keep arriving while it waits
 * (`arrive` is called with the clock after each wait).
 */
export function deliverRound(
  store: Store,
  transport: ChatTransport,
  pacer: Pacer,
  clock: VirtualClock,
  arrive: (until: number) => Promise<void>,
): Promise<unknown> {
  return deliverChat(
    store,
    [transport],
    pacer,
    () => new Date(clock.now),
    async (w) => {
      clock.now += w;
      await arrive(clock.now);
    },
  );
}

import { afterAll, beforeAll } from "vitest";
import { botApiSpy } from "./bot-api-spy.js";
import { openTelegramDesk, SUPPORT_GROUP_TITLE, TEST_TOKEN, type TelegramDesk } from "./chat-desk.js";

/** A message the bot sent, as the emulator keeps it, with its id. */
export type BotSent = {
  text: string;
  chat_id: string | number;
  messageId: number;
  reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] };
};

/**
 * For one suite: the desk on the telegram-test-api emulator with a spy between the bot and the emulator (the
 * emulator keeps no callback answers; the spy records them), opened before the suite's tests and stopped after.
 */
export function useSpiedTelegramDesk(opts: { group: number; from: Date; env?: Record<string, string> }) {
  const ctx = {} as { desk: TelegramDesk; spy: Awaited<ReturnType<typeof botApiSpy>> };
  beforeAll(async () => {
    ctx.spy = await botApiSpy();
    ctx.desk = await openTelegramDesk({
      group: opts.group,
      from: opts.from,
      env: { DESK_TELEGRAM_API_ROOT: ctx.spy.url, ...opts.env },
    });
    ctx.spy.target(ctx.desk.server.config.apiURL);
  });
  afterAll(async () => {
    await ctx.desk?.stop();
    await ctx.spy?.close();
  });
  return {
    ...ctx,
    get desk() {
      return ctx.desk;
    },
    get spy() {
      return ctx.spy;
    },
    /** A person of the support group, as the emulator's client. */
    member(userId: string, firstName: string) {
      return ctx.desk.server.getClient(TEST_TOKEN, {
        chatId: opts.group,
        type: "group",
        chatTitle: SUPPORT_GROUP_TITLE,
        userId: Number(userId),
        firstName,
      });
    },
    /** Everything the bot has sent, in order. */
    sent(): BotSent[] {
      return ctx.desk.server.storage.botMessages.map((u) => ({
        ...(u.message as unknown as Omit<BotSent, "messageId">),
        messageId: u.messageId,
      }));
    },
  };
}

/** A bot message as telegraf sent it, with what it replies to (an object, or its JSON). */
export type Replied = BotSent & { reply_parameters?: { message_id: number } | string };

/** The message id a person's message got in the emulator (the bot reads the same). */
export function userMessageId(tg: ReturnType<typeof useSpiedTelegramDesk>, text: string): number {
  const found = tg.desk.server.storage.userMessages.find(
    (u) => (u as unknown as { message: { text: string } }).message.text === text,
  ) as unknown as { messageId: number } | undefined;
  if (!found) throw new Error(`no user message «${text}»`);
  return found.messageId;
}

/** The message id a bot message replies to, whichever way telegraf wrote it. */
export function repliedTo(m: Replied): number | undefined {
  const p = typeof m.reply_parameters === "string" ? JSON.parse(m.reply_parameters) : m.reply_parameters;
  return p?.message_id;
}

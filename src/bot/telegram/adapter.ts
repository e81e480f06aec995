import { Telegraf, TelegramError } from "telegraf";
import type { Update } from "telegraf/types";
import type { ChatEvent } from "../conversation.js";
import { type ChatTransport, RetryAfterError } from "../delivery.js";
import { escapeHtml, splitText } from "../pacing.js";
import { secretsEqual } from "../secret.js";

export interface TelegramSettings {
  token: string;
  /** For tests against telegram-test-api, or a local Bot API server. */
  apiRoot?: string;
  groupChatId: string;
  mode: "polling" | "webhook";
  webhook?: { domain: string; path: string; host: string; port: number; secretToken: string };
}

/** Turn a Telegram update into the channel-neutral event; null for updates the desk ignores (joins, stickers). */
export function toChatEvent(update: Update): ChatEvent | null {
  if ("callback_query" in update && update.callback_query && "data" in update.callback_query) {
    const q = update.callback_query;
    const chat = q.message?.chat;
    return {
      platform: "telegram",
      chatId: String(chat?.id ?? q.from.id),
      chatType: chat && chat.type !== "private" ? "group" : "private",
      userId: String(q.from.id),
      userName:
        [q.from.first_name, q.from.last_name].filter(Boolean).join(" ") ||
        q.from.username ||
        String(q.from.id),
      text: "",
      button: q.data ?? null,
      updateId: String(update.update_id),
    };
  }
  if ("message" in update && update.message && "text" in update.message) {
    const m = update.message;
    return {
      platform: "telegram",
      chatId: String(m.chat.id),
      chatType: m.chat.type === "private" ? "private" : "group",
      userId: String(m.from?.id ?? m.chat.id),
      userName: [m.from?.first_name, m.from?.last_name].filter(Boolean).join(" ") || m.from?.username || "?",
      text: m.text,
      button: null,
      updateId: String(update.update_id),
    };
  }
  return null;
}

/**
 * The telegraf side of the chat desk. Every update goes to `onEvent` (which records it and its effect in one
 * transaction); `bot.catch` keeps one bad update from stopping the bot. In a group the bot sees ordinary
 * messages only with privacy mode off (BotFather /setprivacy) or as an admin.
 */
export function createTelegramBot(
  settings: TelegramSettings,
  onEvent: (ev: ChatEvent) => Promise<void>,
  log: (event: string, fields?: Record<string, unknown>) => void,
): Telegraf {
  const bot = new Telegraf(
    settings.token,
    settings.apiRoot ? { telegram: { apiRoot: settings.apiRoot } } : {},
  );
  bot.on(["message", "callback_query"], async (ctx) => {
    const ev = toChatEvent(ctx.update);
    if (!ev) return;
    await onEvent(ev);
    if ("callback_query" in ctx.update) await ctx.answerCbQuery().catch(() => undefined);
  });
  // Our own webhook filter: the secret header is compared in constant time over digests (telegraf's filter
  // compares the raw strings and, under DEBUG, logs both the presented and the real secret). Fails closed.
  bot.webhookFilter = function (req) {
    return (
      req.method === "POST" &&
      req.url === this.path &&
      this.secretToken !== undefined &&
      secretsEqual(req.headers["x-telegram-bot-api-secret-token"], this.secretToken)
    );
  };
  bot.catch((err, ctx) =>
    log("telegram-update-failed", { updateId: ctx.update.update_id, message: (err as Error).message }),
  );
  return bot;
}

/** Sending through the Bot API: HTML parse mode with every user text escaped, split at 4 096 characters. */
export function telegramTransport(bot: Telegraf, groupChatId: string): ChatTransport {
  return {
    platform: "telegram",
    groupChatId,
    maxLength: 3500, // leaves room for HTML escaping inside Telegram's 4 096
    supportsButtons: true,
    async send(chatId, text, buttons) {
      const parts = splitText(escapeHtml(text), 4096);
      for (const [i, part] of parts.entries()) {
        const last = i === parts.length - 1;
        try {
          await bot.telegram.sendMessage(chatId, part, {
            parse_mode: "HTML",
            ...(last && buttons
              ? {
                  reply_markup: {
                    inline_keyboard: buttons.map((row) =>
                      row.map((b) => ({ text: b.label, callback_data: b.data })),
                    ),
                  },
                }
              : {}),
          });
        } catch (err) {
          if (err instanceof TelegramError && err.code === 429) {
            throw new RetryAfterError(((err.parameters?.retry_after as number | undefined) ?? 1) * 1000);
          }
          throw err;
        }
      }
    },
  };
}

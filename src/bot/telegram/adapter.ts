import { createServer, type Server } from "node:http";
import { Telegraf, TelegramError } from "telegraf";
import type { Update } from "telegraf/types";
import { incidentCodeIn } from "../../core/incident/types.js";
import { cleanChatName, cleanChatText, outboundText } from "../clean.js";
import { FOREIGN_BUTTON_VI, issuedButton } from "../commands.js";
import type { ChatButton, ChatEvent, ChatVerdict } from "../conversation.js";
import { type ChatTransport, ReactionRefusedError, RetryAfterError } from "../delivery.js";
import { stripBotMention } from "../mention.js";
import { htmlParts, sleep } from "../pacing.js";
import { secretsEqual } from "../secret.js";

export interface TelegramSettings {
  token: string;
  /** For tests against telegram-test-api, or a local Bot API server. */
  apiRoot?: string;
  groupChatId: string;
  mode: "polling" | "webhook";
  webhook?: { domain: string; path: string; host: string; port: number; secretToken: string };
}

/** `/lenh@TenBot …`: the bot a group command is addressed to. */
const ADDRESSED = /^\s*\/[\p{L}_]+@(\S+)/u;

/**
 * Turn a Telegram update into the channel-neutral event; null for updates the desk ignores (joins, stickers, and a
 * command addressed to another bot of the group: `/start@OtherBot` is that bot's, and the desk, which reads every
 * message of the group, would answer it). `botUsername`: this bot's, from getMe.
 */
export function toChatEvent(update: Update, botUsername?: string): ChatEvent | null {
  if ("callback_query" in update && update.callback_query && "data" in update.callback_query) {
    const q = update.callback_query;
    const chat = q.message?.chat;
    return {
      platform: "telegram",
      chatId: String(chat?.id ?? q.from.id),
      chatType: chat && chat.type !== "private" ? "group" : "private",
      userId: String(q.from.id),
      userName: cleanChatName(
        [q.from.first_name, q.from.last_name].filter(Boolean).join(" ") || q.from.username || "",
        String(q.from.id),
      ),
      text: "",
      button: q.data ?? null,
      updateId: String(update.update_id),
    };
  }
  const edited = "edited_message" in update && update.edited_message ? update.edited_message : null;
  const message = "message" in update && update.message ? update.message : edited;
  if (message) {
    const m = message;
    // A photo of the screen with «hình bị vỡ như này» under it is a report: its caption is its text. A voice
    // message or a sticker has none, and is told apart so that a voice report is not passed over in silence.
    const said = "text" in m ? m.text : "caption" in m && typeof m.caption === "string" ? m.caption : "";
    const media = said ? undefined : mediaOf(m);
    if (!said && !media) return null;
    // An edited message is read again as a report; an edited command is not run again (a /xong edited to add a
    // word would resolve twice).
    if (edited && (media || /^\s*(?:@\S+\s+)?\//.test(said))) return null;
    const to = ADDRESSED.exec(said)?.[1];
    if (to && botUsername && to.toLowerCase() !== botUsername.toLowerCase()) return null;
    // Written as a channel or by an anonymous admin, a message's `from` is a placeholder every such message
    // shares (@Channel_Bot, @GroupAnonymousBot): the author is the chat in `sender_chat`, never that account.
    const on = m.sender_chat;
    // A reply to the bot's own message about an incident (its notice, a reminder): the incident a command typed
    // without its code is about.
    const quoted = "reply_to_message" in m ? m.reply_to_message : undefined;
    const fromBot =
      quoted?.from?.is_bot &&
      (!botUsername || quoted.from.username?.toLowerCase() === botUsername.toLowerCase());
    const quotedText =
      quoted && "text" in quoted ? quoted.text : quoted && "caption" in quoted ? quoted.caption : undefined;
    const repliedIncident = fromBot && typeof quotedText === "string" ? incidentCodeIn(quotedText) : null;
    // Relayed from another chat: «mất mạng» forwarded from a commune's own group is that commune's fault, not the
    // forwarder's. `forward_date`: a Bot API server older than 7.0 (no `forward_origin`).
    const forwarded = "forward_origin" in m || "forward_date" in m;
    return {
      platform: "telegram",
      chatId: String(m.chat.id),
      chatType: m.chat.type === "private" ? "private" : "group",
      userId: String(on?.id ?? m.from?.id ?? m.chat.id),
      userName: on
        ? cleanChatName("title" in on ? on.title : "", String(on.id))
        : cleanChatName(
            [m.from?.first_name, m.from?.last_name].filter(Boolean).join(" ") || m.from?.username || "",
            "?",
          ),
      // «@HoTroKyThuatBot mất mạng rồi»: the words after the bot's mention are the report (the mention was kept
      // in its text, quoted back to the duty and the group).
      text: cleanChatText(botUsername ? stripBotMention(said, [botUsername]) : said),
      button: null,
      updateId: String(update.update_id),
      messageId: String(m.message_id),
      ...(on ? { onBehalfOfChat: true } : {}),
      ...(repliedIncident ? { repliedIncident } : {}),
      ...(forwarded ? { forwarded: true } : {}),
      ...(media ? { media } : {}),
      ...(edited ? { editedAfterSeconds: Math.max(0, (edited.edit_date ?? edited.date) - edited.date) } : {}),
    };
  }
  return null;
}

/** What a message without text is; undefined for those nobody writes to the desk (joins, pins, polls…). */
function mediaOf(m: object): ChatEvent["media"] {
  if ("voice" in m || "audio" in m || "video_note" in m) return "voice";
  if ("photo" in m || "video" in m || "document" in m) return "photo";
  if ("sticker" in m) return "sticker";
  return undefined;
}

/**
 * The telegraf side of the chat desk. Every update goes to `onEvent` (which records it and its effect in one
 * transaction). A failed update is logged and its error handed back to whoever fed it in (`bot.handleUpdate`
 * rejects), so that the polling loop does not confirm it and the webhook answers 5xx: Telegram delivers it again
 * and the update id keeps it from counting twice. In a group the bot sees ordinary messages only with privacy
 * mode off (BotFather /setprivacy) or as an admin.
 */
export function createTelegramBot(
  settings: TelegramSettings,
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler with nothing to say back returns nothing
  onEvent: (ev: ChatEvent) => Promise<ChatVerdict | void>,
  log: (event: string, fields?: Record<string, unknown>) => void,
): Telegraf {
  const bot = new Telegraf(
    settings.token,
    settings.apiRoot ? { telegram: { apiRoot: settings.apiRoot } } : {},
  );
  bot.on([...TELEGRAM_UPDATES], async (ctx) => {
    const ev = toChatEvent(ctx.update, ctx.me);
    if (!ev) return;
    // A press of a button the desk never issued does nothing; its presser alone is told, the chat reads nothing.
    if (ev.button !== null && !issuedButton(ev.button)) {
      await ctx.answerCbQuery(FOREIGN_BUTTON_VI, { show_alert: true }).catch((err: Error) =>
        log("telegram-callback-answer-failed", {
          updateId: ctx.update.update_id,
          message: err.message.replaceAll(bot.telegram.token, "***"),
        }),
      );
      return;
    }
    const verdict = await onEvent(ev);
    // Every press is answered (the button stops spinning); a refused one with the refusal, as an alert only the
    // presser sees, here and not through the outbox: Telegram takes the answer only within seconds of the press.
    if ("callback_query" in ctx.update) {
      const alert = verdict ? verdict.alert : undefined;
      await (alert ? ctx.answerCbQuery(alertText(alert), { show_alert: true }) : ctx.answerCbQuery()).catch(
        (err: Error) =>
          log("telegram-callback-answer-failed", {
            updateId: ctx.update.update_id,
            message: err.message.replaceAll(bot.telegram.token, "***"),
          }),
      );
    }
  });
  bot.catch((err, ctx) => {
    log("telegram-update-failed", { updateId: ctx.update.update_id, message: (err as Error).message });
    throw err;
  });
  return bot;
}

/** A callback's answer holds at most 200 characters: a longer refusal is cut at a word, with «…». */
export function alertText(text: string, max = 200): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** The updates the desk reads: messages, their edits (a report corrected after it was sent), button presses. */
export const TELEGRAM_UPDATES = ["message", "edited_message", "callback_query"] as const;

/**
 * Long polling with our own offset (telegraf's own loop moves the offset past an update before handling it, so a
 * failed update would be confirmed and lost). The offset moves past an update only after its transaction
 * committed; when one fails, the loop waits and asks again from that update, so Telegram hands it back. Stops
 * when `signal` aborts, after the update in hand is finished.
 */
export async function pollTelegram(
  bot: Telegraf,
  signal: AbortSignal,
  log: (event: string, fields?: Record<string, unknown>) => void,
  opts: {
    retryMs?: number;
    timeoutSeconds?: number;
    /**
     * Called once when getUpdates has failed without a success for `stuckAfterMs` (default 60 s): `conflict` when
     * Telegram answers 409 (another poller or a webhook set on the same token: nothing reaches this desk until that
     * other one stops), and once more with `recovered` after the next success. `since`: the first failure of the run
     * (for `recovered`, the success).
     */
    onStuck?: (state: "conflict" | "unreachable" | "recovered", since: Date) => void;
    stuckAfterMs?: number;
  } = {},
): Promise<void> {
  const retryMs = opts.retryMs ?? 2000;
  const stuckAfterMs = opts.stuckAfterMs ?? 60_000;
  let failingSince: number | null = null;
  let told = false;
  const redact = (err: unknown) => (err as Error).message.replaceAll(bot.telegram.token, "***");
  while (!signal.aborted) {
    try {
      await bot.telegram.deleteWebhook({ drop_pending_updates: false });
      break;
    } catch (err) {
      log("telegram-error", { message: redact(err) });
      await sleep(retryMs, signal);
    }
  }
  let offset = 0;
  while (!signal.aborted) {
    let updates: Update[];
    try {
      updates = await bot.telegram.callApi(
        "getUpdates",
        { offset, timeout: opts.timeoutSeconds ?? 25, allowed_updates: [...TELEGRAM_UPDATES] },
        // telegraf types the signal with its abort-controller shim; node-fetch takes the standard one.
        { signal: signal as never },
      );
    } catch (err) {
      if (signal.aborted) break;
      const retryAfter = err instanceof TelegramError ? err.parameters?.retry_after : undefined;
      log("telegram-error", { message: redact(err) });
      failingSince ??= Date.now();
      if (!told && Date.now() - failingSince >= stuckAfterMs) {
        told = true;
        opts.onStuck?.(
          err instanceof TelegramError && err.code === 409 ? "conflict" : "unreachable",
          new Date(failingSince),
        );
      }
      await sleep(retryAfter ? retryAfter * 1000 : retryMs, signal);
      continue;
    }
    if (told) opts.onStuck?.("recovered", new Date());
    failingSince = null;
    told = false;
    for (const update of updates) {
      try {
        await bot.handleUpdate(update);
      } catch {
        // Not confirmed: the next getUpdates starts at this update again (already logged by bot.catch).
        await sleep(retryMs, signal);
        break;
      }
      offset = update.update_id + 1;
    }
  }
}

/**
 * The webhook receiver. Telegram POSTs each update with the secret in `X-Telegram-Bot-Api-Secret-Token`; a request
 * without it is refused with 403. The answer is 200 only after the update's transaction committed; a failure
 * answers 500, and Telegram delivers the update again.
 */
export function telegramWebhookServer(
  bot: Telegraf,
  path: string,
  secret: string,
  log: (event: string, fields?: Record<string, unknown>) => void,
): Server {
  return createServer((req, res) => {
    if (req.method !== "POST" || req.url !== path) {
      res.writeHead(404).end();
      return;
    }
    if (!secretsEqual(req.headers["x-telegram-bot-api-secret-token"], secret)) {
      res.writeHead(403).end();
      return;
    }
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      body += c;
      if (body.length > 1_000_000) req.destroy();
    });
    req.on("end", async () => {
      let update: Update;
      try {
        update = JSON.parse(body) as Update;
      } catch {
        res.writeHead(400).end();
        return;
      }
      try {
        await bot.handleUpdate(update);
        res.writeHead(200).end();
      } catch (err) {
        log("telegram-webhook-error", { message: (err as Error).message });
        res.writeHead(500).end();
      }
    });
  });
}

/** A 429 becomes a RetryAfterError with Telegram's `retry_after`; anything else is rethrown. */
function rateLimited(err: unknown): never {
  if (err instanceof TelegramError && err.code === 429) {
    throw new RetryAfterError(((err.parameters?.retry_after as number | undefined) ?? 1) * 1000);
  }
  throw err;
}

function keyboard(buttons: ChatButton[][]) {
  return {
    inline_keyboard: buttons.map((row) => row.map((b) => ({ text: b.label, callback_data: b.data }))),
  };
}

/**
 * Sending through the Bot API: HTML parse mode with every user text escaped, split at 4 096 characters. Reports
 * are acknowledged with a reaction (setMessageReaction, 👌 is in Telegram's allowed list); the storm message is
 * edited in place (editMessageText) by the id its sendMessage returned.
 */
export function telegramTransport(bot: Telegraf, groupChatId: string): ChatTransport {
  return {
    platform: "telegram",
    groupChatId,
    maxLength: 3500, // leaves room for HTML escaping inside Telegram's 4 096
    supportsButtons: true,
    supportsReplies: true,
    async send(chatId, text, buttons, opts) {
      const parts = htmlParts(outboundText(text), 4096);
      let id: string | undefined;
      for (const [i, part] of parts.entries()) {
        const last = i === parts.length - 1;
        // An answer replies to the person's message; sent all the same if that message was deleted meanwhile
        // (Telegram would refuse it with 400 for ever, and the answer would never go).
        const reply =
          i === 0 && opts?.replyTo && /^\d+$/.test(opts.replyTo)
            ? { reply_parameters: { message_id: Number(opts.replyTo), allow_sending_without_reply: true } }
            : {};
        try {
          const sent = await bot.telegram.sendMessage(chatId, part, {
            parse_mode: "HTML",
            ...reply,
            ...(last && buttons ? { reply_markup: keyboard(buttons) } : {}),
          });
          id = String(sent.message_id);
        } catch (err) {
          rateLimited(err);
        }
      }
      return id;
    },
    async react(chatId, messageId, emoji) {
      try {
        await bot.telegram.callApi("setMessageReaction", {
          chat_id: chatId,
          message_id: Number(messageId),
          reaction: [{ type: "emoji", emoji: emoji as "👌" }],
        });
      } catch (err) {
        // 400: reactions are off in this chat or the message is gone; say it in words instead.
        // 404: a Bot API server without the method (older local servers, telegram-test-api).
        if (err instanceof TelegramError && (err.code === 400 || err.code === 404))
          throw new ReactionRefusedError(err.description);
        rateLimited(err);
      }
    },
    async edit(chatId, messageId, text, buttons) {
      try {
        // Without reply_markup an edit removes the message's buttons: they are sent again.
        await bot.telegram.editMessageText(
          chatId,
          Number(messageId),
          undefined,
          htmlParts(outboundText(text), 4096)[0] ?? "",
          { parse_mode: "HTML", ...(buttons ? { reply_markup: keyboard(buttons) } : {}) },
        );
      } catch (err) {
        // Telegram refuses an edit to the same text; the message already says it.
        if (err instanceof TelegramError && /not modified/.test(err.description)) return;
        rateLimited(err);
      }
    },
  };
}

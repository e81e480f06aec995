import { createServer, type Server } from "node:http";
import { cleanChatName, cleanChatText, outboundText } from "../clean.js";
import type { ChatEvent } from "../conversation.js";
import { type ChatTransport, RetryAfterError } from "../delivery.js";
import { stripBotMention } from "../mention.js";
import { sleep } from "../pacing.js";
import {
  ZALO_TEXT_LIMIT,
  ZaloApiError,
  type ZaloClient,
  type ZaloUpdate,
  zaloWebhookAuthorized,
} from "./client.js";

/**
 * What a message without words is, by its event. The published API has four message events: text, image, sticker
 * and «unsupported», which carries whatever the bot cannot read (a voice message, an audio file, a document…)
 * without saying what: `other`. `message.voice.received` and `message.audio.received`, should Zalo send them, are
 * voice. Either may be a report that would otherwise be passed over in silence: the desk asks for it in words. Any
 * other event (one added later, a reaction…) is nothing.
 */
const ZALO_MEDIA: Record<string, ChatEvent["media"]> = {
  "message.image.received": "photo",
  "message.sticker.received": "sticker",
  "message.unsupported.received": "other",
  "message.voice.received": "voice",
  "message.audio.received": "voice",
};

/**
 * A Zalo update as a chat event. Zalo delivers a group message to a bot only when it mentions the bot or
 * replies to it, so a leading mention of the bot by any of its `botNames` (see `stripBotMention`) is removed
 * before the text is read: the rest is classified as if it had not been there. An update without a message, or
 * with one that names no chat or sender (Zalo sends «unsupported» bare for some accounts), is nothing: there is
 * nobody to answer, and a crash here would fail every delivery of it.
 */
export function zaloToChatEvent(update: ZaloUpdate, botNames?: BotNames): ChatEvent | null {
  const m = update.message;
  if (!m || typeof m.chat?.id !== "string" || typeof m.from?.id !== "string" || !m.chat.id || !m.from.id)
    return null;
  // A photo sent with words under it («@bot hình bị vỡ như này») is a report: its caption is its text.
  const raw =
    update.event_name === "message.text.received"
      ? m.text
      : update.event_name === "message.image.received"
        ? m.caption
        : undefined;
  const said = typeof raw === "string" ? raw : "";
  const media = said
    ? undefined
    : Object.hasOwn(ZALO_MEDIA, update.event_name)
      ? ZALO_MEDIA[update.event_name]
      : undefined;
  if (!said && !media) return null;
  // Only the two chat types Zalo documents: a type added later is neither the group nor a person (a private
  // answer there could carry what only a person may read), so it is not read at all.
  const chatType = m.chat.chat_type === "GROUP" ? "group" : m.chat.chat_type === "PRIVATE" ? "private" : null;
  if (!chatType) return null;
  const text = stripBotMention(cleanChatText(said).trim(), namesOf(botNames));
  const messageId = typeof m.message_id === "string" && m.message_id ? m.message_id : undefined;
  return {
    platform: "zalo",
    chatId: m.chat.id,
    chatType,
    userId: m.from.id,
    // A name Zalo sends as no string (an account named «2026» arrives as a number) threw here: the webhook answered
    // 500 and the update came back for ever, polling dropped it. The sender is then named by id.
    userName: cleanChatName(typeof m.from.display_name === "string" ? m.from.display_name : "", m.from.id),
    text,
    button: null,
    // Zalo has no update id: the message id is unique per chat. One without it is read once, as delivered.
    updateId: `${m.chat.id}:${messageId ?? `${m.from.id}:${m.date}`}`,
    ...(messageId ? { messageId } : {}),
    ...(media ? { media } : {}),
  };
}

/**
 * The names a mention of the bot may carry: the configured ones, and its account name once `getMe` told it (the
 * service adds it to the same array after the adapter started, so a live array is read at each update).
 */
export type BotNames = string | readonly string[];

const namesOf = (names: BotNames | undefined): readonly string[] =>
  names === undefined ? [] : typeof names === "string" ? [names] : names;

export function zaloTransport(client: ZaloClient, groupChatId: string): ChatTransport {
  return {
    platform: "zalo",
    groupChatId,
    maxLength: ZALO_TEXT_LIMIT,
    supportsButtons: false,
    async send(chatId, text) {
      try {
        await client.sendMessage(chatId, outboundText(text));
      } catch (err) {
        if (err instanceof ZaloApiError && err.errorCode === 429) throw new RetryAfterError(1000);
        throw err;
      }
    },
  };
}

/**
 * Long polling loop; stops when `signal` aborts, after the update in hand. Polling and webhook are mutually
 * exclusive: the webhook is removed first. Zalo's getUpdates has no offset to hold back: an update it returned
 * is gone from the platform, so one whose transaction fails is kept here and retried before any newer update is
 * fetched (the update id makes the retry count once).
 */
export async function pollZalo(
  client: ZaloClient,
  onEvent: (ev: ChatEvent) => Promise<unknown>, // Zalo has no buttons: nothing to answer a press with
  signal: AbortSignal,
  log: (event: string, fields?: Record<string, unknown>) => void,
  botNames?: BotNames,
  retryMs = 2000,
): Promise<void> {
  await client.deleteWebhook().catch((err: Error) => log("zalo-error", { message: err.message }));
  const pending: ChatEvent[] = [];
  while (!signal.aborted) {
    if (!pending.length) {
      try {
        for (const u of await client.getUpdates(20, signal)) {
          const ev = zaloToChatEvent(u, botNames);
          if (ev) pending.push(ev);
        }
      } catch (err) {
        if (signal.aborted) break;
        log("zalo-error", { message: (err as Error).message });
        await sleep(retryMs, signal);
        continue;
      }
    }
    while (pending.length) {
      try {
        await onEvent(pending[0]!);
        pending.shift();
      } catch (err) {
        log("zalo-update-failed", { updateId: pending[0]!.updateId, message: (err as Error).message });
        await sleep(retryMs, signal);
        break;
      }
      if (signal.aborted) break;
    }
  }
  // Zalo cannot deliver these again: say so, so that an operator can ask the sender to repeat.
  if (pending.length) log("zalo-unprocessed-at-stop", { updateIds: pending.map((e) => e.updateId) });
}

/**
 * The webhook receiver: Zalo POSTs each update with the secret in `X-Bot-Api-Secret-Token`. A request without the
 * right secret is refused with 403 and never reaches the desk. Polling and webhook are mutually exclusive: the
 * caller sets the webhook (which stops getUpdates) when it starts this.
 */
export function zaloWebhookServer(
  secret: string,
  path: string,
  onEvent: (ev: ChatEvent) => Promise<unknown>, // Zalo has no buttons: nothing to answer a press with
  log: (event: string, fields?: Record<string, unknown>) => void,
  botNames?: BotNames,
): Server {
  return createServer((req, res) => {
    if (req.method !== "POST" || req.url !== path) {
      res.writeHead(404).end();
      return;
    }
    if (!zaloWebhookAuthorized(req.headers, secret)) {
      res.writeHead(403).end();
      return;
    }
    let body = "";
    // Decoded across pieces: a piece may end inside a Vietnamese letter (as the Telegram receiver does).
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      body += c;
      if (body.length > 1_000_000) req.destroy();
    });
    req.on("end", async () => {
      // A body that is no JSON object is no update: Zalo delivering it again would not make it one (400, as the
      // Telegram receiver answers), where a 500 would have it sent again for ever.
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = null;
      }
      if (!parsed || typeof parsed !== "object") {
        log("zalo-webhook-error", { message: "not a JSON object" });
        res.writeHead(400).end();
        return;
      }
      try {
        const wrapped = parsed as ZaloUpdate | { result?: ZaloUpdate };
        const update = "event_name" in wrapped ? wrapped : wrapped.result;
        const ev = update && typeof update === "object" ? zaloToChatEvent(update, botNames) : null;
        if (ev) await onEvent(ev);
        res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      } catch (err) {
        log("zalo-webhook-error", { message: (err as Error).message });
        // 500 makes Zalo deliver again; the update id dedupes it.
        res.writeHead(500).end();
      }
    });
  });
}

import { createServer, type Server } from "node:http";

/** A few of the emoji Telegram allows as a bot's reaction (ReactionTypeEmoji). */
const REACTIONS = new Set(["👌", "👍", "🔥", "❤", "🙏", "👀"]);

/** Telegram's published limits: one message a second per chat, twenty a minute per group, thirty a second overall. */
export interface TelegramLimits {
  perChatMs: number;
  perGroupPerMinute: number;
  globalPerSecond: number;
}

export const TELEGRAM_LIMITS: TelegramLimits = {
  perChatMs: 1_000,
  perGroupPerMinute: 20,
  globalPerSecond: 30,
};

/** A call that counts against the limits (sendMessage, editMessageText, setMessageReaction). */
export interface CountedCall {
  method: string;
  chat_id: string;
  at: number;
}

/**
 * A strict fake of the Telegram Bot API's update queue, for what telegram-test-api does not model: getUpdates
 * with `offset` confirms every update below it, and an update that was not confirmed is delivered again, as the
 * real Bot API does. Also the few methods the desk calls (getMe, webhooks, sendMessage, answerCallbackQuery), and
 * the storm desk's setMessageReaction and editMessageText, shaped as the Bot API documents them
 * (https://core.telegram.org/bots/api#setmessagereaction, #editmessagetext).
 *
 * Limits: Telegram's FAQ documents one message a second per chat, twenty a minute per group (a negative chat id)
 * and about thirty a second overall, for messages only; it documents no separate limit for reactions or edits,
 * so this fake counts both like messages, and answers a call over any limit with 429 and `retry_after`, as
 * Telegram does. `tooMany` lists every such call: a desk that paces itself never sees one. The clock is the
 * test's (virtual time) unless left to `Date.now`.
 */
export class FakeTelegram {
  /** Every offset the bot asked getUpdates with, in order. */
  readonly offsets: number[] = [];
  /** When each getUpdates call arrived (Date.now), refused ones included. */
  readonly pollTimes: number[] = [];
  /**
   * Answer the next getUpdates calls with these errors, one each, as the Bot API does: 409 when another poller (or
   * a webhook) holds the bot's updates, 429 with `retry_after` in whole seconds.
   */
  refuseUpdates: { error_code: number; description: string; retry_after?: number }[] = [];
  /** The getUpdates calls (indexes into `pollTimes`) answered with a `refuseUpdates` error. */
  readonly refusedPolls: number[] = [];
  readonly sent: { chat_id: string; text: string; message_id: number; at: number; buttons: number }[] = [];
  readonly reactions: { chat_id: string; message_id: number; emoji: string; at: number }[] = [];
  readonly edits: { chat_id: string; message_id: number; text: string; at: number; buttons: number }[] = [];
  /** Every call that counted against the limits and was accepted. */
  readonly calls: CountedCall[] = [];
  /** Every call refused with 429 because it was over a limit. */
  readonly tooMany: CountedCall[] = [];
  /** Answer the next `n` counted calls with 500 (a failing Bot API), before any limit check. */
  failNext = 0;
  /**
   * Answer the next `n` counted calls with 429 (retry after 1 s) whatever the pace, as Telegram does under its own
   * load; these are not limit violations and are not listed in `tooMany`.
   */
  throttleNext = 0;
  /** How many calls `throttleNext` refused. */
  throttled = 0;
  /** Messages per chat that exist (the users' and the bot's), for reactions and edits to refer to. */
  private readonly messages = new Map<string, Map<number, string>>();
  private nextMessageId = 100_000;
  /** How often each update id was handed to the bot. */
  readonly deliveries = new Map<number, number>();
  private queue: Record<string, unknown>[] = [];
  private nextId = 1;
  private server: Server;
  port = 0;

  constructor(
    private readonly token: string,
    private readonly opts: { clock?: () => number; limits?: TelegramLimits } = {},
  ) {
    this.server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", async () => {
        const json = (status: number, payload: unknown) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(payload));
        };
        const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? "");
        if (!m || m[1] !== this.token)
          return json(401, { ok: false, error_code: 401, description: "Unauthorized" });
        const params = body ? (JSON.parse(body) as Record<string, unknown>) : {};
        switch (m[2]) {
          case "getMe":
            return json(200, {
              ok: true,
              result: { id: 42, is_bot: true, first_name: "Hỗ trợ kỹ thuật", username: "HoTroKyThuatBot" },
            });
          case "deleteWebhook":
          case "setWebhook":
          case "answerCallbackQuery":
            return json(200, { ok: true, result: true });
          case "getUpdates": {
            this.pollTimes.push(Date.now());
            const refusal = this.refuseUpdates.shift();
            if (refusal) {
              this.refusedPolls.push(this.pollTimes.length - 1);
              const { retry_after, ...rest } = refusal;
              return json(refusal.error_code, {
                ok: false,
                ...rest,
                ...(retry_after ? { parameters: { retry_after } } : {}),
              });
            }
            const offset = Number(params.offset ?? 0);
            this.offsets.push(offset);
            if (offset > 0) this.queue = this.queue.filter((u) => (u.update_id as number) >= offset);
            // A short long-poll: enough to keep the bot from spinning, short enough for a test.
            for (let i = 0; i < 5 && this.queue.length === 0 && !res.destroyed; i++)
              await new Promise((r) => setTimeout(r, 100));
            for (const u of this.queue)
              this.deliveries.set(
                u.update_id as number,
                (this.deliveries.get(u.update_id as number) ?? 0) + 1,
              );
            return json(200, { ok: true, result: this.queue });
          }
          case "sendMessage":
          case "editMessageText":
          case "setMessageReaction": {
            const chat = String(params.chat_id ?? "");
            const refused = this.gate(m[2], chat);
            if (refused) return json(refused.status, refused.body);
            const at = this.now();
            const buttons = ((params.reply_markup as { inline_keyboard?: unknown[] } | undefined)
              ?.inline_keyboard ?? []) as unknown[][];
            const nButtons = buttons.flat().length;
            const known = this.messages.get(chat) ?? new Map<number, string>();
            this.messages.set(chat, known);
            const chatObj = { id: Number(chat), type: Number(chat) < 0 ? "supergroup" : "private" };
            if (m[2] === "sendMessage") {
              const text = String(params.text ?? "");
              if (!text)
                return json(400, {
                  ok: false,
                  error_code: 400,
                  description: "Bad Request: message text is empty",
                });
              const message_id = this.nextMessageId++;
              known.set(message_id, text);
              this.sent.push({ chat_id: chat, text, message_id, at, buttons: nButtons });
              this.calls.push({ method: m[2], chat_id: chat, at });
              return json(200, {
                ok: true,
                result: { message_id, date: Math.floor(at / 1000), chat: chatObj, text },
              });
            }
            const message_id = Number(params.message_id);
            if (!known.has(message_id))
              return json(400, {
                ok: false,
                error_code: 400,
                description: "Bad Request: message to edit not found",
              });
            if (m[2] === "editMessageText") {
              const text = String(params.text ?? "");
              if (message_id < 100_000)
                return json(400, {
                  ok: false,
                  error_code: 400,
                  description: "Bad Request: message can't be edited",
                });
              if (
                known.get(message_id) === text &&
                nButtons ===
                  ([...this.edits].reverse().find((e) => e.message_id === message_id)?.buttons ??
                    this.sent.find((x) => x.message_id === message_id)?.buttons)
              )
                return json(400, {
                  ok: false,
                  error_code: 400,
                  description:
                    "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
                });
              known.set(message_id, text);
              this.edits.push({ chat_id: chat, message_id, text, at, buttons: nButtons });
              this.calls.push({ method: m[2], chat_id: chat, at });
              return json(200, {
                ok: true,
                result: { message_id, date: Math.floor(at / 1000), chat: chatObj, text },
              });
            }
            // setMessageReaction: `reaction` is an array of ReactionType; bots may set one emoji from the list.
            const reaction = (params.reaction ?? []) as { type?: string; emoji?: string }[];
            if (
              reaction.length > 1 ||
              reaction.some((x) => x.type !== "emoji" || !REACTIONS.has(x.emoji ?? ""))
            )
              return json(400, { ok: false, error_code: 400, description: "Bad Request: REACTION_INVALID" });
            this.reactions.push({ chat_id: chat, message_id, emoji: reaction[0]?.emoji ?? "", at });
            this.calls.push({ method: m[2], chat_id: chat, at });
            return json(200, { ok: true, result: true });
          }
          default:
            return json(404, { ok: false, error_code: 404, description: "Not Found" });
        }
      });
    });
  }

  /** Queue a text message from a user in a group; returns its update id. */
  message(chatId: number, userId: number, text: string): number {
    const id = this.nextId++;
    const known = this.messages.get(String(chatId)) ?? new Map<number, string>();
    known.set(id, text);
    this.messages.set(String(chatId), known);
    this.queue.push({
      update_id: id,
      message: {
        message_id: id,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chatId, type: "group", title: "Hỗ trợ kỹ thuật họp trực tuyến" },
        from: { id: userId, is_bot: false, first_name: "Hà" },
        text,
      },
    });
    return id;
  }

  private now(): number {
    return this.opts.clock ? this.opts.clock() : Date.now();
  }

  /**
   * Refuse a counted call over a limit (429 with `retry_after`, in whole seconds as Telegram sends it) or when told
   * to fail (500); null lets it through.
   */
  private gate(method: string, chat: string): { status: number; body: unknown } | null {
    if (this.failNext > 0) {
      this.failNext--;
      return { status: 500, body: { ok: false, error_code: 500, description: "Internal Server Error" } };
    }
    if (this.throttleNext > 0) {
      this.throttleNext--;
      this.throttled++;
      return {
        status: 429,
        body: {
          ok: false,
          error_code: 429,
          description: "Too Many Requests: retry after 1",
          parameters: { retry_after: 1 },
        },
      };
    }
    const limits = this.opts.limits ?? TELEGRAM_LIMITS;
    const now = this.now();
    const mine = this.calls.filter((c) => c.chat_id === chat);
    const waits: number[] = [];
    const last = mine.at(-1);
    if (last && now - last.at < limits.perChatMs) waits.push(last.at + limits.perChatMs - now);
    if (Number(chat) < 0) {
      const minute = mine.filter((c) => c.at > now - 60_000);
      if (minute.length >= limits.perGroupPerMinute)
        waits.push(minute[minute.length - limits.perGroupPerMinute]!.at + 60_000 - now);
    }
    const second = this.calls.filter((c) => c.at > now - 1_000);
    if (second.length >= limits.globalPerSecond) waits.push(second[0]!.at + 1_000 - now);
    if (waits.length === 0) return null;
    this.tooMany.push({ method, chat_id: chat, at: now });
    const retry_after = Math.max(1, Math.ceil(Math.max(...waits) / 1000));
    return {
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${retry_after}`,
        parameters: { retry_after },
      },
    };
  }

  /** Whether the bot confirmed this update (asked for an offset past it). */
  confirmed(updateId: number): boolean {
    return this.offsets.some((o) => o > updateId);
  }

  /** Started again after `stop`, it listens on the same port: the Bot API back after an outage, updates kept. */
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(this.port, "127.0.0.1", resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

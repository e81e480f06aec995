import { createServer, type Server } from "node:http";

/**
 * A strict fake of the Telegram Bot API's update queue, for what telegram-test-api does not model: getUpdates
 * with `offset` confirms every update below it, and an update that was not confirmed is delivered again, as the
 * real Bot API does. Also the few methods the desk calls (getMe, webhooks, sendMessage, answerCallbackQuery).
 */
export class FakeTelegram {
  /** Every offset the bot asked getUpdates with, in order. */
  readonly offsets: number[] = [];
  readonly sent: { chat_id: string; text: string }[] = [];
  /** How often each update id was handed to the bot. */
  readonly deliveries = new Map<number, number>();
  private queue: Record<string, unknown>[] = [];
  private nextId = 1;
  private server: Server;
  port = 0;

  constructor(private readonly token: string) {
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
            this.sent.push({ chat_id: String(params.chat_id), text: String(params.text ?? "") });
            return json(200, {
              ok: true,
              result: { message_id: this.sent.length, date: 1, chat: { id: params.chat_id, type: "group" } },
            });
          default:
            return json(404, { ok: false, error_code: 404, description: "Not Found" });
        }
      });
    });
  }

  /** Queue a text message from a user in a group; returns its update id. */
  message(chatId: number, userId: number, text: string): number {
    const id = this.nextId++;
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

  /** Whether the bot confirmed this update (asked for an offset past it). */
  confirmed(updateId: number): boolean {
    return this.offsets.some((o) => o > updateId);
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
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

import { createServer, type Server } from "node:http";
import type { ZaloUpdate } from "../../src/bot/zalo/client.js";

/**
 * A fake of the Zalo Bot API built from its published shapes: POST /bot<token>/<method> with a JSON body,
 * answers in the `{ ok, result, error_code, description }` envelope, string ids, millisecond dates.
 */
export class FakeZalo {
  readonly sent: { chat_id: string; text: string; at: number }[] = [];
  readonly calls: string[] = [];
  private readonly updates: ZaloUpdate[] = [];
  private webhook = "";
  /** Answer the next calls with this HTTP status (429, 500…). */
  failures: number[] = [];
  private server: Server;
  port = 0;

  constructor(private readonly token: string) {
    this.server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? "");
        const json = (status: number, payload: unknown) => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(payload));
        };
        if (!m || m[1] !== this.token)
          return json(401, { ok: false, error_code: 401, description: "Unauthorized" });
        const method = m[2]!;
        this.calls.push(method);
        const fail = this.failures.shift();
        if (fail)
          return json(fail, {
            ok: false,
            error_code: fail,
            description: fail === 429 ? "Too Many Requests" : "Internal Server Error",
          });
        const params = body ? (JSON.parse(body) as Record<string, string>) : {};
        switch (method) {
          case "getMe":
            return json(200, {
              ok: true,
              result: {
                id: "bot-1",
                account_name: "bot.HoTroKyThuat",
                account_type: "BASIC",
                can_join_groups: true,
              },
            });
          case "getUpdates":
            if (this.webhook)
              return json(200, { ok: false, error_code: 409, description: "Conflict: webhook is active" });
            return json(200, { ok: true, result: this.updates.shift() ?? null });
          case "setWebhook":
            this.webhook = params.url ?? "";
            return json(200, { ok: true, result: { url: this.webhook, updated_at: Date.now() } });
          case "deleteWebhook":
            this.webhook = "";
            return json(200, { ok: true, result: { url: "", updated_at: Date.now() } });
          case "getWebhookInfo":
            return json(200, { ok: true, result: { url: this.webhook, updated_at: Date.now() } });
          case "sendMessage":
            if (!params.chat_id)
              return json(400, { ok: false, error_code: 400, description: "chat_id is required" });
            if ((params.text ?? "").length > 2000)
              return json(400, { ok: false, error_code: 400, description: "text is too long" });
            this.sent.push({ chat_id: params.chat_id, text: params.text ?? "", at: Date.now() });
            return json(200, { ok: true, result: { message_id: `m${this.sent.length}`, date: Date.now() } });
          case "sendChatAction":
          case "sendPhoto":
            return json(200, { ok: true, result: { message_id: "p1", date: Date.now() } });
          default:
            return json(404, { ok: false, error_code: 404, description: "Not Found" });
        }
      });
    });
  }

  push(update: ZaloUpdate): void {
    this.updates.push(update);
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

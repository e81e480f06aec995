import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import type { ChatEvent } from "../../src/bot/conversation.js";
import { zaloWebhookServer } from "../../src/bot/zalo/adapter.js";

/**
 * A webhook body that reaches the desk in more than one piece (a reverse proxy, a slow link) with a piece ending
 * inside a Vietnamese letter: each piece was turned into text on its own, so «mất tiếng» became «m��t tiếng» and
 * the report was filed as unreadable. Through a real socket, the body sent in two writes cut inside «ấ».
 */
const SECRET = "bi-mat-webhook-zalo-123456";

describe("Zalo webhook: a body cut inside a letter reads whole", () => {
  it("the text of a two-piece body is the text that was sent", async () => {
    const seen: ChatEvent[] = [];
    const server = zaloWebhookServer(
      SECRET,
      "/zalo",
      async (ev) => void seen.push(ev),
      () => {},
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const text = "điểm cầu mất tiếng";
      const body = Buffer.from(
        JSON.stringify({
          event_name: "message.text.received",
          message: {
            message_id: "m1",
            from: { id: "u1", display_name: "Cán bộ" },
            chat: { id: "g1", chat_type: "GROUP" },
            date: 0,
            text,
          },
        }),
      );
      // Cut one byte into the three bytes of «ấ».
      const cut = body.indexOf(Buffer.from("ấ")) + 1;
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: "127.0.0.1",
            port,
            path: "/zalo",
            method: "POST",
            headers: { "x-bot-api-secret-token": SECRET, "content-length": body.length },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on("error", reject);
        req.on("socket", (s) => s.setNoDelay(true));
        req.flushHeaders();
        req.write(body.subarray(0, cut), () => {
          // The second piece after the first has left: the server reads them as two.
          setTimeout(() => req.end(body.subarray(cut)), 50);
        });
      });
      expect(status).toBe(200);
      expect(seen.map((e) => e.text)).toEqual([text]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

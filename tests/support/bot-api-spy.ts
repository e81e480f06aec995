import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** One `answerCallbackQuery` the bot made, with the Telegram user whose press it answers. */
export interface CallbackAnswer {
  callbackQueryId: string;
  /** The presser's user id, from the update that carried the press (undefined if the spy never saw it). */
  presser: string | undefined;
  text?: string;
  showAlert?: boolean;
}

/**
 * An HTTP spy between the bot and telegram-test-api: it forwards every Bot API call unchanged and records the
 * callback answers, which the emulator accepts and forgets (it stores only messages). The emulator's address is
 * set once it is known (`target`); calls before that wait for it.
 */
export async function botApiSpy(): Promise<{
  url: string;
  target(url: string): void;
  answers: CallbackAnswer[];
  close(): Promise<void>;
}> {
  let setTarget!: (url: string) => void;
  const target = new Promise<string>((resolve) => {
    setTarget = resolve;
  });
  const pressers = new Map<string, string>();
  const answers: CallbackAnswer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      const method = (req.url ?? "").split("?")[0]!.split("/").pop();
      try {
        if (method === "answerCallbackQuery") {
          const p = JSON.parse(body.toString("utf8") || "{}") as {
            callback_query_id: string;
            text?: string;
            show_alert?: boolean;
          };
          answers.push({
            callbackQueryId: p.callback_query_id,
            presser: pressers.get(p.callback_query_id),
            ...(p.text !== undefined ? { text: p.text } : {}),
            ...(p.show_alert !== undefined ? { showAlert: p.show_alert } : {}),
          });
        }
        const up = await fetch(`${await target}${req.url}`, {
          method: req.method ?? "POST",
          headers: { "content-type": req.headers["content-type"] ?? "application/json" },
          ...(req.method === "GET" || req.method === "HEAD" ? {} : { body }),
        });
        const out = Buffer.from(await up.arrayBuffer());
        if (method === "getUpdates") {
          const got = JSON.parse(out.toString("utf8")) as {
            result?: { callback_query?: { id: string; from: { id: number } } }[];
          };
          for (const u of got.result ?? [])
            if (u.callback_query) pressers.set(u.callback_query.id, String(u.callback_query.from.id));
        }
        res.writeHead(up.status, { "content-type": up.headers.get("content-type") ?? "application/json" });
        res.end(out);
      } catch (err) {
        res.writeHead(502).end((err as Error).message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    target: setTarget,
    answers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

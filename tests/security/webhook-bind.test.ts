import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { describe, expect, it, vi } from "vitest";

vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const { timingSafeEqual } = await import("node:crypto");
const { loadConfig } = await import("../../src/app/config.js");
const { DeskService } = await import("../../src/app/service.js");
const { secretsEqual } = await import("../../src/bot/secret.js");
const { createTelegramBot, telegramWebhookServer } = await import("../../src/bot/telegram/adapter.js");
const { zaloWebhookAuthorized } = await import("../../src/bot/zalo/client.js");
const { tempDir, testDb } = await import("../helpers.js");
const { FakeZalo } = await import("../support/fake-zalo.js");
const { freePort } = await import("../support/servers.js");

/**
 * Threats: the webhooks answer the whole network instead of only the reverse proxy in front of them, and a
 * secret compared with `===` leaks through timing how many leading characters a guess got right.
 */

const TG_TOKEN = "123456:test-token-khong-phai-that";
const ZALO_TOKEN = "zalo-token-khong-phai-that";
const TG_SECRET = "bi-mat-webhook-0123456789";
const ZALO_SECRET = "bi-mat-zalo-0123";
const spy = vi.mocked(timingSafeEqual);

/** The local addresses listening on a TCP port, from the kernel's own table (IPv4 and IPv6). */
function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const out: string[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== "0A" || !local?.endsWith(`:${hexPort}`)) continue;
      const addr = local.slice(0, -5);
      out.push(
        addr.length === 8
          ? Buffer.from(addr, "hex").reverse().join(".")
          : addr === "00000000000000000000000001000000"
            ? "::1"
            : addr === "00000000000000000000000000000000"
              ? "::"
              : addr,
      );
    }
  }
  return out;
}

async function listening(port: number): Promise<string[]> {
  // The Telegram webhook opens after getMe answers; wait for the kernel to show the socket.
  for (;;) {
    const found = listeners(port);
    if (found.length) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function webhookEnv(tgApi: string, zaloApi: string, tgPort: number, zaloPort: number) {
  return {
    DESK_DB: await testDb(join(tempDir(), "desk.db")),
    DESK_TELEGRAM_TOKEN: TG_TOKEN,
    DESK_TELEGRAM_GROUP_ID: "-100777",
    DESK_TELEGRAM_API_ROOT: tgApi,
    DESK_TELEGRAM_MODE: "webhook",
    DESK_TELEGRAM_WEBHOOK_DOMAIN: "desk.example",
    DESK_TELEGRAM_WEBHOOK_PORT: String(tgPort),
    DESK_TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
    DESK_ZALO_TOKEN: ZALO_TOKEN,
    DESK_ZALO_GROUP_ID: "zalo-group",
    DESK_ZALO_BASE_URL: zaloApi,
    DESK_ZALO_MODE: "webhook",
    DESK_ZALO_WEBHOOK_URL: "https://desk.example/zalo",
    DESK_ZALO_WEBHOOK_PORT: String(zaloPort),
    DESK_ZALO_WEBHOOK_SECRET: ZALO_SECRET,
  };
}

describe("webhooks bind to loopback by default", () => {
  it("the Telegram and Zalo webhook servers listen on 127.0.0.1 only, unless a host is set", async () => {
    const tg = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 60 });
    await tg.start();
    const zalo = new FakeZalo(ZALO_TOKEN);
    await zalo.start();
    const [tgPort, zaloPort] = [await freePort(), await freePort()];
    const config = loadConfig(await webhookEnv(tg.config.apiURL, zalo.url, tgPort, zaloPort));
    expect(config.telegram?.webhook?.host).toBe("127.0.0.1");
    expect(config.zalo?.webhook?.host).toBe("127.0.0.1");
    const service = await DeskService.open(config, () => undefined);
    await service.start();
    try {
      expect(await listening(tgPort)).toEqual(["127.0.0.1"]);
      expect(await listening(zaloPort)).toEqual(["127.0.0.1"]);
    } finally {
      await service.stop();
      await zalo.stop();
      await tg.stop();
    }
    // An operator who runs without a proxy can still choose; the variables keep their names.
    const open = loadConfig({
      ...(await webhookEnv("http://127.0.0.1:1", "http://127.0.0.1:2", 8443, 8444)),
      DESK_TELEGRAM_WEBHOOK_HOST: "0.0.0.0",
      DESK_ZALO_WEBHOOK_HOST: "::",
    });
    expect([open.telegram?.webhook?.host, open.zalo?.webhook?.host]).toEqual(["0.0.0.0", "::"]);
  }, 40_000);
});

describe("webhook secrets are compared in constant time", () => {
  it("secretsEqual accepts only the exact secret, whatever the length of a wrong one", () => {
    expect(secretsEqual(ZALO_SECRET, ZALO_SECRET)).toBe(true);
    expect(secretsEqual("bi-mat-zalo-0124", ZALO_SECRET)).toBe(false); // same length, last character wrong
    expect(secretsEqual("ci-mat-zalo-0123", ZALO_SECRET)).toBe(false); // same length, first character wrong
    expect(secretsEqual("bi-mat", ZALO_SECRET)).toBe(false); // a prefix
    expect(secretsEqual(`${ZALO_SECRET}x`, ZALO_SECRET)).toBe(false); // longer
    expect(secretsEqual("", ZALO_SECRET)).toBe(false);
    expect(secretsEqual(undefined, ZALO_SECRET)).toBe(false);
    expect(secretsEqual([ZALO_SECRET, ZALO_SECRET], ZALO_SECRET)).toBe(false); // a repeated header
    expect(secretsEqual("", "")).toBe(false); // no secret configured never matches
  });

  it("the Zalo check runs crypto.timingSafeEqual over equal-length digests, even for a guess of another length", () => {
    for (const guess of ["x", "bi-mat-zalo-0124", `${ZALO_SECRET}-dai-hon`]) {
      spy.mockClear();
      expect(zaloWebhookAuthorized({ "x-bot-api-secret-token": guess }, ZALO_SECRET)).toBe(false);
      expect(spy).toHaveBeenCalledTimes(1);
      const [a, b] = spy.mock.calls[0]! as [Buffer, Buffer];
      expect([a.length, b.length]).toEqual([32, 32]);
    }
    spy.mockClear();
    expect(zaloWebhookAuthorized({ "x-bot-api-secret-token": ZALO_SECRET }, ZALO_SECRET)).toBe(true);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it("the Telegram webhook checks its secret header the same way, and refuses without one", async () => {
    const bot = createTelegramBot(
      { token: TG_TOKEN, groupChatId: "-100777", mode: "webhook" },
      async () => {},
      () => {},
    );
    const server = telegramWebhookServer(bot, "/telegram", TG_SECRET, () => {});
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as { port: number };
    const post = (token?: string) =>
      fetch(`http://127.0.0.1:${port}/telegram`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(token ? { "x-telegram-bot-api-secret-token": token } : {}),
        },
        body: JSON.stringify({ update_id: 1 }),
      });
    try {
      for (const guess of ["sai", "bi-mat-webhook-0123456780"]) {
        spy.mockClear();
        expect((await post(guess)).status).toBe(403);
        expect(spy).toHaveBeenCalledTimes(1);
        const [a, b] = spy.mock.calls[0]! as [Buffer, Buffer];
        expect([a.length, b.length]).toEqual([32, 32]);
      }
      expect((await post()).status).toBe(403);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

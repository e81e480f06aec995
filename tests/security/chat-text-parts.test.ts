import { Telegraf } from "telegraf";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { strangerNotice } from "../../src/app/incident/messages.js";
import { telegramTransport } from "../../src/bot/telegram/adapter.js";
import { freePort } from "../support/servers.js";

/**
 * Threat: texts the desk sends are cut at fixed lengths, and what a person typed decides where the cut falls.
 * A report whose 200th character is half an emoji left a lone surrogate in the duty's notice (a text with no
 * UTF-8 form, which the platform refuses, and every notice merged with it); a comment of «<» or «&», escaped for
 * Telegram's HTML mode after the split point was chosen, was cut inside «&lt;». Through telegraf and the
 * telegram-test-api emulator, as the Bot API receives them.
 */
const TOKEN = "123456:test-token-khong-phai-that";
const GROUP = -100777;
let server: TelegramServer;

beforeAll(async () => {
  server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 60 });
  await server.start();
});
afterAll(async () => {
  await server.stop();
});

async function sent(text: string): Promise<string[]> {
  server.storage.botMessages.length = 0;
  const bot = new Telegraf(TOKEN, { telegram: { apiRoot: server.config.apiURL } });
  await telegramTransport(bot, String(GROUP)).send(String(GROUP), text);
  return server.storage.botMessages.map((u) => (u.message as unknown as { text: string }).text);
}

const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("what reaches the Bot API is well formed and escaped whole", () => {
  it("a stranger's report cut at 200 characters inside an emoji is sent without half of it", async () => {
    const report = `mất hình ${"x".repeat(190)}💥💥`;
    const notice = strangerNotice("SC-2026-0001", "video", "telegram", "Người lạ", report);
    const parts = await sent(notice);
    expect(parts.length).toBeGreaterThan(0);
    for (const p of parts) expect(LONE.test(p), p.slice(-40)).toBe(false);
  });

  it("a long text of emoji is split between them, never inside one", async () => {
    // One letter first: the 4,096th unit is then the first half of an emoji.
    const parts = await sent(`x${"💥".repeat(3000)}`);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(4096);
      expect(LONE.test(p)).toBe(false);
    }
    expect(parts.join("")).toBe(`x${"💥".repeat(3000)}`);
  });

  it("a comment of «<» and «&» is escaped whole in every part: no part ends inside an entity", async () => {
    const text = `Sự cố SC-2026-0001 có ghi chú mới.\n${"<&>".repeat(1200)}`;
    const parts = await sent(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(4096);
      expect(p, p.slice(-12)).not.toMatch(/&(?!(?:lt|gt|amp);)/);
      expect(p).not.toMatch(/^(?:lt|gt|amp|t|p|mp);/);
    }
    const plain = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
    expect(parts.map(plain).join("")).toBe(text);
  });
});

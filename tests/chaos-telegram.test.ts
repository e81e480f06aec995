import { afterEach, describe, expect, it } from "vitest";
import type { ChatEvent } from "../src/bot/conversation.js";
import { createTelegramBot, pollTelegram } from "../src/bot/telegram/adapter.js";
import { openChatDesk } from "./support/chat-desk.js";
import { FakeTelegram } from "./support/fake-telegram.js";
import { until } from "./support/until.js";

const TOKEN = "123456:thu-nghiem";
const GROUP = -100123;

/**
 * The Telegram long-polling loop (src/bot/telegram/adapter.ts) against a Bot API that refuses (409 Conflict: another
 * poller; 429 with retry_after) or goes away and comes back: it waits as told and carries on, and every update
 * reaches the desk once, none lost.
 */
describe("Telegram polling under refusals and outages", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("waits out 409 and 429 (retry_after), survives the API going away, and hands each update on once", async () => {
    const api = new FakeTelegram(TOKEN);
    await api.start();
    cleanups.push(() => api.stop().catch(() => undefined));
    const seen: ChatEvent[] = [];
    const log: { event: string; fields?: Record<string, unknown> }[] = [];
    const bot = createTelegramBot(
      { token: TOKEN, apiRoot: api.url, groupChatId: String(GROUP), mode: "polling" },
      async (ev) => {
        seen.push(ev);
      },
      (event, fields) => log.push({ event, fields }),
    );
    const abort = new AbortController();
    const loop = pollTelegram(bot, abort.signal, (event, fields) => log.push({ event, fields }), {
      retryMs: 200,
      timeoutSeconds: 1,
    });
    cleanups.push(async () => {
      abort.abort();
      await loop;
    });
    const ids: number[] = [];
    const arrived = (n: number) => until(() => seen.length >= n, `${n} updates`);

    ids.push(api.message(GROUP, 7, "Điểm cầu CX-00008 mất tiếng"));
    await arrived(1);

    // Another poller holds the bot's updates for two rounds: logged, retried, nothing lost.
    api.refuseUpdates.push(
      { error_code: 409, description: "Conflict: terminated by other getUpdates request" },
      { error_code: 409, description: "Conflict: terminated by other getUpdates request" },
    );
    ids.push(api.message(GROUP, 7, "Điểm cầu CX-00025 mất hình"));
    await until(
      () => api.refuseUpdates.length === 0 && api.pollTimes.length > api.refusedPolls.at(-1)! + 1,
      "the refusals",
    );
    await arrived(2);
    expect(log.filter((l) => String(l.fields?.message).includes("409")).length).toBe(2);

    // 429 with retry_after 2: the next getUpdates comes no sooner than two seconds later (not after retryMs).
    api.refuseUpdates.push({
      error_code: 429,
      description: "Too Many Requests: retry after 2",
      retry_after: 2,
    });
    ids.push(api.message(GROUP, 8, "Phòng họp UBND xã Sóc Sơn không vào được"));
    await arrived(3);
    await until(
      () => api.refuseUpdates.length === 0 && api.pollTimes.length > api.refusedPolls.at(-1)! + 1,
      "the refusal",
    );
    const refusedAt = api.refusedPolls.at(-1)!;
    expect(api.pollTimes[refusedAt + 1]! - api.pollTimes[refusedAt]!).toBeGreaterThanOrEqual(2_000);

    // The API gone for a while (the emulator stopped): the loop keeps trying; an update queued meanwhile arrives.
    await api.stop();
    const errorsBefore = log.filter((l) => l.event === "telegram-error").length;
    ids.push(api.message(GROUP, 9, "Đường truyền phường Ba Đình chập chờn"));
    await until(
      () => log.filter((l) => l.event === "telegram-error").length >= errorsBefore + 3,
      "polling failures while the API is down",
    );
    await api.start();
    await arrived(4);
    ids.push(api.message(GROUP, 9, "Đã ổn, cảm ơn"));
    await arrived(5);
    // Two more rounds: nothing comes twice.
    const polls = api.pollTimes.length;
    await until(() => api.pollTimes.length >= polls + 2, "two more polls");
    expect(seen.map((e) => Number(e.updateId))).toEqual(ids);
    for (const id of ids) expect(api.confirmed(id)).toBe(true);
  }, 40_000);

  it("tells once when updates stop reaching the desk (409: another program takes them; or the API unreachable), and once when they come back", async () => {
    const api = new FakeTelegram(TOKEN);
    await api.start();
    cleanups.push(() => api.stop().catch(() => undefined));
    const seen: ChatEvent[] = [];
    const bot = createTelegramBot(
      { token: TOKEN, apiRoot: api.url, groupChatId: String(GROUP), mode: "polling" },
      async (ev) => {
        seen.push(ev);
      },
      () => undefined,
    );
    const states: string[] = [];
    const abort = new AbortController();
    const loop = pollTelegram(bot, abort.signal, () => undefined, {
      retryMs: 50,
      timeoutSeconds: 1,
      stuckAfterMs: 400,
      onStuck: (state) => states.push(state),
    });
    cleanups.push(async () => {
      abort.abort();
      await loop;
    });
    // Two refusals are a hiccup (well under stuckAfterMs): nobody is told.
    const conflict = {
      error_code: 409,
      description: "Conflict: can't use getUpdates method while webhook is active",
    };
    api.refuseUpdates.push(conflict, conflict);
    api.message(GROUP, 7, "Điểm cầu CX-00008 mất tiếng");
    await until(() => seen.length === 1, "the first update");
    expect(states).toEqual([]);
    // A webhook set by someone else: every getUpdates refused for longer than stuckAfterMs.
    api.refuseUpdates.push(...Array.from({ length: 40 }, () => conflict));
    await until(() => states.length === 1, "the conflict told");
    expect(states).toEqual(["conflict"]);
    await until(() => api.refuseUpdates.length === 0, "the refusals served");
    api.message(GROUP, 7, "Điểm cầu CX-00025 mất hình");
    await until(() => seen.length === 2 && states.length === 2, "the recovery told");
    expect(states).toEqual(["conflict", "recovered"]);
    // The API gone: unreachable, told once however long it lasts, then back.
    await api.stop();
    await until(() => states.length === 3, "the outage told");
    await new Promise((r) => setTimeout(r, 600));
    await api.start();
    api.message(GROUP, 8, "Đã ổn");
    await until(() => seen.length === 3 && states.length === 4, "the second recovery");
    expect(states).toEqual(["conflict", "recovered", "unreachable", "recovered"]);
  }, 40_000);

  it("the desk's notice of it goes to the admin and the MCU technician, in Vietnamese, through the outbox", async () => {
    const desk = await openChatDesk({ from: new Date("2026-12-10T02:00:00Z"), frozen: true, env: {} });
    cleanups.push(() => desk.stop());
    const notice = (
      desk.service as unknown as { chatIntakeNotice(p: string, s: string, since: Date): Promise<void> }
    ).chatIntakeNotice.bind(desk.service);
    await notice("Telegram", "conflict", new Date("2026-12-10T01:58:00Z"));
    await notice("Telegram", "recovered", new Date("2026-12-10T02:20:00Z"));
    const rows = await desk.service.desk.store.read((r) =>
      r.outbox.due(new Date("2026-12-11T00:00:00Z"), 100, ["desk"]),
    );
    const mine = rows.filter((m) => m.kind === "chat-intake");
    expect(mine.map((m) => m.recipient).sort()).toEqual([
      "admin",
      "admin",
      "mcu-technician",
      "mcu-technician",
    ]);
    const texts = mine.map((m) => String(m.payload.text));
    // From when the failures began, not when the notice was made.
    expect(texts[0]).toContain("Bot Telegram không nhận được tin nhắn từ 08:58");
    expect(texts[0]).toContain("xung đột (lỗi 409)");
    expect(texts.at(-1)).toContain("Bot Telegram đã nhận tin nhắn trở lại từ 09:20");
  });
});

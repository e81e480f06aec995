import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/app/config.js";
import { DeskService } from "../src/app/service.js";
import { Store } from "../src/store/store.js";
import { sampleDirectory, tempDir } from "./helpers.js";
import { FakeTelegram } from "./support/fake-telegram.js";
import { until } from "./support/until.js";

// SQLite only (kept out of BOTH_STORES): the stop of one desk with a chat backlog.
// Found by tests/chaos-desk-kill.test.ts: a desk asked to stop (SIGTERM) while its chat delivery round held the next
// group message for Telegram's pace (20 a minute in a group) waited for the whole round, up to a minute, and
// `npm start` cut it short after 4.5 s with exit code 1 (systemd counts a failure). The wait must end with the stop;
// what was sent stays marked, the rest waits for the next start.

const TG_TOKEN = "123456:khong-phai-token-that";
const TG_GROUP = -100777;
const POSTS = 40;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("stopping while the chat delivery waits for the group's pace", () => {
  it("ends the round's wait: the stop does not wait for the backlog, and what it cut short stays pending", async () => {
    const tg = new FakeTelegram(TG_TOKEN);
    await tg.start();
    cleanups.push(() => tg.stop());
    const path = join(tempDir(), "desk.db");
    const seed = Store.open(path);
    const now = new Date();
    await seed.tx(async (r) => {
      await r.directory.replaceAll(sampleDirectory);
      for (let i = 0; i < POSTS; i++)
        await r.outbox.enqueue(
          {
            channel: "group",
            recipient: "support-group",
            kind: "notice",
            booking: null,
            // Long enough that the posts, merged for the group, go as many messages paced apart.
            payload: { text: `Thông báo thử số ${i + 1}: ${"nội dung dài ".repeat(80)}` },
          },
          now,
        );
    });
    await seed.close();
    const service = new DeskService(
      loadConfig({
        DESK_DB: path,
        DESK_POLL_MS: "200",
        DESK_WEB_PORT: "0",
        DESK_TELEGRAM_TOKEN: TG_TOKEN,
        DESK_TELEGRAM_GROUP_ID: String(TG_GROUP),
        DESK_TELEGRAM_API_ROOT: tg.url,
      }),
      () => undefined,
    );
    await service.start();
    let stopped = false;
    cleanups.push(() => (stopped ? undefined : service.stop()));
    // The group's burst goes out, then the round holds the next message for the pace.
    await until(() => tg.sent.length >= 2, "the first messages");
    await service.stop();
    stopped = true;
    const chars = tg.sent.reduce((n, m) => n + m.text.length, 0);
    // Stopped before the backlog was through, not after it.
    const store = Store.open(path);
    cleanups.push(() => store.close());
    const rows = (await store.read((r) => r.outbox.list())).filter((m) => m.kind === "notice");
    const unsent = rows.filter((m) => m.channel === "chat" && m.status !== "sent");
    expect(chars).toBeLessThan(POSTS * 900);
    expect(unsent.length).toBeGreaterThan(0);
    // What the stop interrupted waits for the next start: pending, never parked.
    expect(unsent.every((m) => m.status === "pending")).toBe(true);
  }, 30_000);
});

import { join } from "node:path";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleChatEvent } from "../../src/app/chat/conversation.js";
import { loadConfig } from "../../src/app/config.js";
import { DeskService } from "../../src/app/service.js";
import { at, makeDesk, suiteDb, tempDir } from "../helpers.js";
import { freePort } from "../support/servers.js";
import { dm, ev, GROUP, repliesTo, tech } from "./chat-support.js";

/**
 * Threat: anyone in the group (or in a private chat) types `/constructor`. The command table was a plain object,
 * so the name found JavaScript's own `Object` there, the handler threw, the update's transaction failed, and the
 * desk, which acknowledges an update only after it commits, asked Telegram for the same update again and again:
 * one message stopped every fault report behind it.
 */
const NOW = at("2026-12-10", "09:30");
const NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"];

describe("a command named like one of JavaScript's own properties is an unknown command", () => {
  it("/constructor, /__proto__, /toString in the group and in private are answered, never thrown", async () => {
    const desk = await makeDesk();
    const member = tech("CX-00008").telegramId!;
    for (const name of NAMES) {
      await handleChatEvent(desk, ev(member, `/${name} SC-2026-0001`), NOW);
      await handleChatEvent(desk, dm("777", `/${name}`), NOW);
    }
    const group = await repliesTo(desk.store, GROUP);
    expect(group.filter((t) => t.startsWith("Lệnh /"))).toHaveLength(NAMES.length);
  });
});

async function until<T>(fn: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("through telegraf and telegram-test-api: /constructor stops nothing behind it", () => {
  const TOKEN = "123456:test-token-khong-phai-that";
  const SUPPORT = -100777;
  let server: TelegramServer;
  let service: DeskService;
  let releaseDb: () => Promise<void>;
  beforeAll(async () => {
    server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 60 });
    await server.start();
    const { db, release } = await suiteDb(join(tempDir(), "desk.db"));
    releaseDb = release;
    service = await DeskService.open(
      loadConfig({
        DESK_DB: db,
        DESK_TELEGRAM_TOKEN: TOKEN,
        DESK_TELEGRAM_GROUP_ID: String(SUPPORT),
        DESK_TELEGRAM_API_ROOT: server.config.apiURL,
        DESK_POLL_MS: "200",
      }),
      () => undefined,
      () => NOW,
    );
    await service.start();
  });
  afterAll(async () => {
    await service.stop();
    await server.stop();
    await releaseDb();
  });

  it("a stranger's /constructor is answered, and the fault report sent after it is recorded", async () => {
    const client = (userId: number, firstName: string) =>
      server.getClient(TOKEN, {
        chatId: SUPPORT,
        type: "group",
        chatTitle: "Hỗ trợ kỹ thuật họp trực tuyến Thành phố",
        userId,
        firstName,
      });
    const stranger = client(4242, "Người lạ");
    const reporter = client(Number(tech("CX-00025").telegramId), "Nam");
    await stranger.sendMessage(stranger.makeMessage("/constructor"));
    await reporter.sendMessage(reporter.makeMessage("mất hình"));
    type Sent = { text: string; chat_id: string | number };
    const sent = () =>
      server.storage.botMessages
        .map((u) => u.message as unknown as Sent)
        .filter((m) => String(m.chat_id) === String(SUPPORT))
        .map((m) => m.text)
        .join("\n");
    // The group's pacing holds a second message to the group at the test's fixed clock: the report is seen
    // as its incident, recorded after the command that came before it.
    const incidents = () => service.desk.store.read((r) => r.incidents.list());
    await until(
      async () =>
        sent().includes("Lệnh /constructor không tồn tại") && (await incidents()).length === 1
          ? true
          : undefined,
      "the answer to /constructor and the incident of the report sent after it",
    ).catch((err) => {
      console.log(sent());
      throw err;
    });
    expect((await incidents()).map((i) => i.endpoint)).toEqual(["CX-00025"]);
  }, 40_000);
});

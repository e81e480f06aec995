import { join } from "node:path";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { loadConfig } from "../../src/app/config.js";
import { DeskService } from "../../src/app/service.js";
import { suiteDb, tempDir } from "../helpers.js";
import { freePort } from "./servers.js";

/** A bot token of the emulator's: not a real one, and not a secret. */
export const TEST_TOKEN = "123456:test-token-khong-phai-that";
export const SUPPORT_GROUP_TITLE = "Hỗ trợ kỹ thuật họp trực tuyến Thành phố";

/** What the bot sent, as the emulator stored it. */
export interface SentMessage {
  text: string;
  chat_id: string | number;
  reply_markup?: { inline_keyboard?: { text: string; callback_data: string }[][] };
}

export interface TelegramDesk {
  server: TelegramServer;
  service: DeskService;
  /** Every message the bot has sent so far, oldest first. */
  sent(): SentMessage[];
  stop(): Promise<void>;
}

/**
 * The whole service on the test store (SQLite, or a fresh PostgreSQL database in the pg project) with `env` on top
 * of its defaults. The desk's clock starts at `from` and runs with real time (the chat delivery paces and holds by
 * it; a frozen clock would stall it), unless `frozen`.
 */
export async function openChatDesk(opts: {
  from: Date;
  frozen?: boolean;
  env: Record<string, string>;
}): Promise<{ service: DeskService; stop(): Promise<void> }> {
  const { db, release } = await suiteDb(join(tempDir(), "desk.db"));
  const config = loadConfig({ DESK_DB: db, DESK_POLL_MS: "200", ...opts.env });
  const started = Date.now();
  const clock = opts.frozen ? () => opts.from : () => new Date(opts.from.getTime() + (Date.now() - started));
  const service = await DeskService.open(config, () => undefined, clock);
  try {
    await service.start();
  } catch (err) {
    await service.stop().catch(() => undefined);
    await release();
    throw err;
  }
  return {
    service,
    stop: async () => {
      await service.stop();
      await release();
    },
  };
}

/** `openChatDesk` with its Telegram bot polling a telegram-test-api emulator on loopback. */
export async function openTelegramDesk(opts: {
  group: number;
  from: Date;
  frozen?: boolean;
  env?: Record<string, string>;
}): Promise<TelegramDesk> {
  const server = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 60 });
  await server.start();
  let desk: Awaited<ReturnType<typeof openChatDesk>>;
  try {
    desk = await openChatDesk({
      from: opts.from,
      frozen: opts.frozen ?? false,
      env: {
        DESK_TELEGRAM_TOKEN: TEST_TOKEN,
        DESK_TELEGRAM_GROUP_ID: String(opts.group),
        DESK_TELEGRAM_API_ROOT: server.config.apiURL,
        ...opts.env,
      },
    });
  } catch (err) {
    await server.stop();
    throw err;
  }
  return {
    server,
    service: desk.service,
    sent: () => server.storage.botMessages.map((u) => u.message as unknown as SentMessage),
    stop: async () => {
      await desk.stop();
      await server.stop();
    },
  };
}

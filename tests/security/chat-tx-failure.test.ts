import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/app/config.js";
import { DeskService } from "../../src/app/service.js";
import { at, sampleDirectory } from "../helpers.js";
import { FakeTelegram } from "../support/fake-telegram.js";
import { FakeZalo } from "../support/fake-zalo.js";
import { freePort } from "../support/servers.js";
import { TinyDisk } from "../support/tiny-disk.js";
import { until } from "../support/until.js";

// SQLite only (kept out of BOTH_STORES): the failed transaction is a full tmpfs under the database file.
// Threat: a chat update whose transaction fails (here: a really full disk) is acknowledged to the platform anyway,
// and the report in it is lost for good. It must stay unacknowledged until it is recorded, then count once.

const TG_TOKEN = "123456:khong-phai-token-that";
const TG_GROUP = -100777;
const ZALO_TOKEN = "987654321:zalo-khong-phai-that";
const ZALO_GROUP = "g-hotro-kythuat";
const reporter = sampleDirectory.people.find((p) => p.endpoint === "CX-00008" && p.role === "technician")!;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A desk whose database lives on its own tiny tmpfs. */
async function deskOnTinyDisk(env: Record<string, string>) {
  const disk = new TinyDisk(8).mount();
  cleanups.push(() => disk.destroy());
  const dbPath = disk.path("desk.db");
  const events: { event: string; fields: Record<string, unknown> }[] = [];
  const service = new DeskService(
    loadConfig({ DESK_DB: dbPath, DESK_POLL_MS: "200", ...env }),
    (event, fields = {}) => events.push({ event, fields }),
    () => at("2026-12-10", "09:30"),
  );
  await service.start();
  cleanups.push(() => service.stop());
  const incidents = () => service.desk.store.read((r) => r.incidents.list());
  const inbound = async (platform: string) =>
    (await service.desk.store.read((r) => r.inbound.list())).filter((m) => m.channel === platform);
  return { disk, dbPath, events, service, incidents, inbound };
}

describe("a chat update whose transaction fails is not acknowledged", () => {
  it("Telegram polling: the offset does not move past it while the disk is full; it counts once after", async () => {
    const tg = new FakeTelegram(TG_TOKEN);
    await tg.start();
    cleanups.push(() => tg.stop());
    const d = await deskOnTinyDisk({
      DESK_TELEGRAM_TOKEN: TG_TOKEN,
      DESK_TELEGRAM_GROUP_ID: String(TG_GROUP),
      DESK_TELEGRAM_API_ROOT: tg.url,
    });
    await until(() => tg.offsets.length > 0, "the bot to poll");

    d.disk.fill(d.dbPath);
    const id = tg.message(TG_GROUP, Number(reporter.telegramId), "mất hình");
    await until(
      () => d.events.some((e) => e.event === "telegram-update-failed" && e.fields.updateId === id),
      "the failed transaction",
    );
    // Telegram hands the update back because the bot never confirmed it.
    await until(() => (tg.deliveries.get(id) ?? 0) >= 2, "a redelivery");
    expect(tg.confirmed(id)).toBe(false);

    d.disk.free();
    await until(() => tg.confirmed(id), "the update to be confirmed after the disk has room");
    expect(await d.incidents()).toMatchObject([{ endpoint: "CX-00008", category: "video" }]);
    expect((await d.inbound("telegram")).map((m) => m.key)).toEqual([String(id)]);
  }, 90_000);

  it("Telegram webhook: answers 5xx while the disk is full, so Telegram delivers again; counts once", async () => {
    const tg = new FakeTelegram(TG_TOKEN);
    await tg.start();
    cleanups.push(() => tg.stop());
    const port = await freePort();
    const secret = "bi-mat-webhook-0123456789";
    const d = await deskOnTinyDisk({
      DESK_TELEGRAM_TOKEN: TG_TOKEN,
      DESK_TELEGRAM_GROUP_ID: String(TG_GROUP),
      DESK_TELEGRAM_API_ROOT: tg.url,
      DESK_TELEGRAM_MODE: "webhook",
      DESK_TELEGRAM_WEBHOOK_DOMAIN: "desk.example",
      DESK_TELEGRAM_WEBHOOK_HOST: "127.0.0.1",
      DESK_TELEGRAM_WEBHOOK_PORT: String(port),
      DESK_TELEGRAM_WEBHOOK_SECRET: secret,
    });
    const update = JSON.stringify({
      update_id: 501,
      message: {
        message_id: 9,
        date: 1,
        chat: { id: TG_GROUP, type: "group", title: "Hỗ trợ" },
        from: { id: Number(reporter.telegramId), is_bot: false, first_name: "Hà" },
        text: "mất hình",
      },
    });
    const post = () =>
      fetch(`http://127.0.0.1:${port}/telegram`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
        body: update,
      });

    d.disk.fill(d.dbPath);
    const refused = await post();
    expect(refused.status).toBeGreaterThanOrEqual(500);
    expect(await d.incidents()).toEqual([]);

    d.disk.free();
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200); // Telegram may deliver a third time: still one incident
    expect(await d.incidents()).toMatchObject([{ endpoint: "CX-00008", category: "video" }]);
    expect((await d.inbound("telegram")).length).toBe(1);
  }, 60_000);

  it("Zalo polling: an update the desk could not record is kept and retried, then counts once", async () => {
    const zalo = new FakeZalo(ZALO_TOKEN);
    await zalo.start();
    cleanups.push(() => zalo.stop());
    const d = await deskOnTinyDisk({
      DESK_ZALO_TOKEN: ZALO_TOKEN,
      DESK_ZALO_GROUP_ID: ZALO_GROUP,
      DESK_ZALO_BASE_URL: zalo.url,
    });
    await until(() => zalo.calls.includes("getUpdates"), "the bot to poll");

    d.disk.fill(d.dbPath);
    zalo.push({
      event_name: "message.text.received",
      message: {
        message_id: "z-full-1",
        from: { id: reporter.zaloId!, display_name: "Ngọc Hà" },
        chat: { id: ZALO_GROUP, chat_type: "GROUP" },
        date: Date.now(),
        text: "@HoTroKyThuat mất hình",
      },
    });
    await until(
      () => d.events.filter((e) => e.event === "zalo-update-failed").length >= 2,
      "the update to fail and be retried",
    );
    expect(await d.incidents()).toEqual([]);

    d.disk.free();
    await until(async () => (await d.incidents()).length > 0, "the incident after the disk has room");
    expect(await d.incidents()).toMatchObject([{ endpoint: "CX-00008", category: "video" }]);
    expect((await d.inbound("zalo")).map((m) => m.key)).toEqual([`${ZALO_GROUP}:z-full-1`]);
  }, 90_000);

  it("Zalo webhook: answers 5xx while the disk is full; counts once when delivered again", async () => {
    const zalo = new FakeZalo(ZALO_TOKEN);
    await zalo.start();
    cleanups.push(() => zalo.stop());
    const port = await freePort();
    const secret = "bi-mat-zalo-0123";
    const d = await deskOnTinyDisk({
      DESK_ZALO_TOKEN: ZALO_TOKEN,
      DESK_ZALO_GROUP_ID: ZALO_GROUP,
      DESK_ZALO_BASE_URL: zalo.url,
      DESK_ZALO_MODE: "webhook",
      DESK_ZALO_WEBHOOK_URL: "https://desk.example/zalo",
      DESK_ZALO_WEBHOOK_HOST: "127.0.0.1",
      DESK_ZALO_WEBHOOK_PORT: String(port),
      DESK_ZALO_WEBHOOK_SECRET: secret,
    });
    const post = () =>
      fetch(`http://127.0.0.1:${port}/zalo`, {
        method: "POST",
        headers: { "x-bot-api-secret-token": secret },
        body: JSON.stringify({
          event_name: "message.text.received",
          message: {
            message_id: "w-full-1",
            from: { id: reporter.zaloId },
            chat: { id: ZALO_GROUP, chat_type: "GROUP" },
            date: Date.now(),
            text: "@HoTroKyThuat mất hình",
          },
        }),
      });
    d.disk.fill(d.dbPath);
    expect((await post()).status).toBeGreaterThanOrEqual(500);
    d.disk.free();
    expect((await post()).status).toBe(200);
    expect(await d.incidents()).toMatchObject([{ endpoint: "CX-00008", category: "video" }]);
    expect((await d.inbound("zalo")).length).toBe(1);
  }, 60_000);
});

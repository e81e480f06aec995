import { afterEach, describe, expect, it } from "vitest";
import { at, sampleDirectory } from "./helpers.js";
import { FakeTelegram } from "./support/fake-telegram.js";
import { useMailServers } from "./support/mail-servers.js";
import { bookingMails, startService } from "./support/service.js";
import { TinyDisk } from "./support/tiny-disk.js";
import { until } from "./support/until.js";

// SQLite only (kept out of BOTH_STORES): a real full tmpfs under the database file.
// Threat: the disk under the desk's database fills up in the middle of the day. Every write fails with
// SQLITE_FULL mid-decision. Nothing may be half-written, no mail flagged as read that was not recorded, and the
// admin must hear of it in Vietnamese while it lasts (the outbox cannot take a row then), and again when it is over.

const TG_TOKEN = "123456:khong-phai-token-that";
const TG_GROUP = -100777;
const admin = sampleDirectory.people.find((p) => p.role === "admin" && p.telegramId)!;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const communes = sampleDirectory.endpoints.filter((e) => e.level === "commune").map((e) => e.name);

/** An 8 MB tmpfs for the database, the Telegram fake, and the settings that put the desk on both. */
async function diskAndTelegram() {
  const disk = new TinyDisk(8).mount();
  cleanups.push(() => disk.destroy());
  const tg = new FakeTelegram(TG_TOKEN);
  await tg.start();
  cleanups.push(() => tg.stop());
  const env = {
    DESK_IMAP_POLL_SECONDS: "1",
    DESK_TELEGRAM_TOKEN: TG_TOKEN,
    DESK_TELEGRAM_GROUP_ID: String(TG_GROUP),
    DESK_TELEGRAM_API_ROOT: tg.url,
  };
  const toAdmin = () => tg.sent.filter((m) => String(m.chat_id) === admin.telegramId);
  return { disk, tg, env, toAdmin };
}

describe("the disk under the SQLite file fills up", () => {
  const { dovecot, sink } = useMailServers();

  it("holds the mails unread, tells the admin at once and when it is over, then answers each mail once", async () => {
    const { disk, tg, env, toAdmin } = await diskAndTelegram();
    const { service, events } = await startService(dovecot, sink, disk.dir, at("2026-12-07", "08:30"), env);
    cleanups.push(() => service.stop());
    await until(() => events.some((e) => e.event === "imap-connected"), "the intake to connect");
    await until(() => tg.offsets.length > 0, "the bot to poll");

    disk.fill(disk.path("desk.db"));
    const mails = bookingMails("day-full", 3, communes, "từ 14h00 đến 15h00");
    await dovecot.append(...mails);
    await until(
      () => events.filter((e) => e.event === "imap-fetch-failed").length >= 3,
      "three rounds failing on the full disk",
    );
    // Nothing recorded, nothing flagged, nothing answered.
    for (const [uid, flags] of await dovecot.flags()) expect(flags, `uid ${uid}`).toEqual([]);
    expect(sink.messages).toEqual([]);
    // The log says it in Vietnamese, once, and the admin hears of it on Telegram, once, outside the outbox.
    const full = events.filter((e) => e.event === "db-full");
    expect(full).toHaveLength(1);
    expect(String(full[0]!.fields.message)).toContain("Ổ đĩa chứa cơ sở dữ liệu");
    await until(() => toAdmin().length > 0, "the admin's notice");
    expect(toAdmin()).toHaveLength(1);
    expect(toAdmin()[0]!.text).toContain("đã đầy");
    expect(toAdmin()[0]!.text).toContain("chưa đánh dấu đã đọc");

    disk.free();
    await until(() => new Set(sink.messages.map((m) => m.parsed.inReplyTo)).size >= 3, "the three answers");
    await until(() => events.some((e) => e.event === "db-full-cleared"), "the recovery");
    // Each mail answered once, flagged once recorded.
    expect(sink.messages.map((m) => m.parsed.inReplyTo).sort()).toEqual([
      "<day-full-0@hanoi.gov.vn>",
      "<day-full-1@hanoi.gov.vn>",
      "<day-full-2@hanoi.gov.vn>",
    ]);
    await until(
      async () => [...(await dovecot.flags()).values()].every((f) => f.includes("\\Seen")),
      "the mails flagged",
    );
    // The recovery notice goes through the outbox, once, to the admin and the MCU technician.
    const notices = await service.desk.store.read((r) => r.outbox.list());
    const dbFull = notices.filter((m) => m.kind === "db-full" && m.channel === "desk");
    expect(dbFull.map((m) => m.recipient).sort()).toEqual(["admin", "mcu-technician"]);
    expect(String(dbFull[0]!.payload.text)).toContain("có chỗ trống trở lại");
  }, 90_000);
});

// Its own Dovecot and sink: the first test's mails and answers stay in the file's servers.
describe("the desk restarted while the disk under the SQLite file is full", () => {
  const { dovecot, sink } = useMailServers();

  it("restarted while the disk is still full: it says why it cannot start, and later when it is over", async () => {
    const { disk, tg, env, toAdmin } = await diskAndTelegram();
    const first = await startService(dovecot, sink, disk.dir, at("2026-12-07", "08:30"), env);
    await until(() => first.events.some((e) => e.event === "imap-connected"), "the intake to connect");
    await until(() => tg.offsets.length > 0, "the bot to poll");
    disk.fill(disk.path("desk.db"));
    await dovecot.append(...bookingMails("restart-full", 1, communes, "từ 14h00 đến 15h00"));
    await until(() => toAdmin().length > 0, "the admin's notice");
    // The desk goes down on the full disk: its lease stays in the file (releasing it is a write too).
    await first.service.stop();

    // Its supervisor restarts it every two seconds while the disk is still full. Until the dead desk's lease runs
    // out (30 s, its last renewal was before the disk filled) a start is refused as busy; then each start stops on
    // the full disk, with the reason in Vietnamese.
    const refusals: string[] = [];
    await until(
      async () => {
        const failed = await startService(dovecot, sink, disk.dir, at("2026-12-07", "08:40"), env).then(
          () => "started",
          (err: Error) => err.message,
        );
        if (!failed.includes("đang được một bàn khác sử dụng")) refusals.push(failed);
        if (refusals.length < 2) await new Promise((r) => setTimeout(r, 2_000));
        return refusals.length >= 2;
      },
      "two starts on the full disk",
      60_000,
    );
    for (const failed of refusals) {
      expect(failed).toContain("ổ đĩa chứa cơ sở dữ liệu của bàn trực");
      expect(failed).toContain("đã đầy");
      expect(failed).not.toMatch(/database or disk is full/i);
    }
    expect(toAdmin()).toHaveLength(1);
    expect(sink.messages).toEqual([]);

    // Space comes back and the desk starts: it tells of the end once, with the time the outage began.
    disk.free();
    const last = await startService(dovecot, sink, disk.dir, at("2026-12-07", "09:00"), env);
    cleanups.push(() => last.service.stop());
    await until(() => last.events.some((e) => e.event === "db-full-cleared"), "the recovery");
    await until(() => sink.messages.length > 0, "the answer");
    const notices = await last.service.desk.store.read((r) => r.outbox.list());
    const dbFull = notices.filter((m) => m.kind === "db-full" && m.channel === "desk");
    expect(dbFull.map((m) => m.recipient).sort()).toEqual(["admin", "mcu-technician"]);
    expect(String(dbFull[0]!.payload.text)).toContain("có chỗ trống trở lại lúc 09:00");
    expect(String(dbFull[0]!.payload.text)).toContain("đầy từ 08:30");
    expect(toAdmin()).toHaveLength(1);
  }, 120_000);
});

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, ROOT } from "../src/app/config.js";
import { configSecrets, createLog, scrubKeys } from "../src/app/ops/log.js";
import { DeskService } from "../src/app/service.js";
import { at, sampleDirectory, tempDir, testDb } from "./helpers.js";
import { useMailServers } from "./support/mail-servers.js";
import { freePort, IMAP_PASS } from "./support/servers.js";
import { deskEnv, mail, template } from "./support/service.js";
import { until } from "./support/until.js";

const TOKEN = "987654:log-test-token-khong-phai-that";
const GROUP = -100888;
const SECRET_TITLE = "Phương án bảo vệ mục tiêu XK-47";
const tech = sampleDirectory.people.find((p) => p.endpoint === "CX-00008" && p.role === "technician")!;

function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (s: string) => void lines.push(s) } };
}

describe("logs through pino", () => {
  it("one JSON line per event with a level; secret keys redacted at any depth, known secrets scrubbed", () => {
    const { lines, destination } = capture();
    const log = createLog({ level: "info", destination, secrets: ["gia-tri-bi-mat"] });
    log("telegram-failed", {
      token: "t-1",
      smtp: { password: "p-1", auth: { pass: "p-2" } },
      request: { headers: { authorization: "Bearer a-1", Authorization: "Basic a-2" } },
      webhook: { secretToken: "w-1" },
      message: "lỗi khi gọi https://api/botgia-tri-bi-mat/getMe",
    });
    log("debug-only", { n: 1 }, "debug");
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: "error", event: "telegram-failed", token: "***" });
    expect(typeof line.time).toBe("string");
    for (const s of ["t-1", "p-1", "p-2", "a-1", "a-2", "w-1", "gia-tri-bi-mat"])
      expect(lines[0]).not.toContain(s);
    expect(line.message).toBe("lỗi khi gọi https://api/bot***/getMe");
  });

  it("finds secret keys in arrays, in errors and deeper than three levels, and copies nothing when there are none", () => {
    const { lines, destination } = capture();
    const log = createLog({ level: "info", destination });
    const err = Object.assign(new Error("yêu cầu thất bại"), {
      config: { headers: { Authorization: "Bearer e-1" } },
    });
    log("zalo-failed", {
      attempts: [{ request: { cookie: "c-1" } }, { ok: true }],
      err,
      a: { b: { c: { d: { e: { token: "t-5" } } } } },
    });
    const line = JSON.parse(lines[0]!);
    for (const s of ["e-1", "c-1", "t-5"]) expect(lines[0]).not.toContain(s);
    expect(line.attempts[0].request.cookie).toBe("***");
    expect(line.attempts[1]).toEqual({ ok: true });
    expect(line.err.message).toBe("yêu cầu thất bại");
    expect(line.a.b.c.d.e.token).toBe("***");
    // The caller's objects are left as they were.
    expect(err.config.headers.Authorization).toBe("Bearer e-1");
    const clean = { event: "mail", n: [1, { x: 2 }] };
    expect(scrubKeys(clean)).toBe(clean);
  });

  describe("a full run of the desk", () => {
    const { dovecot, sink } = useMailServers();
    let telegram: TelegramServer;
    beforeAll(async () => {
      telegram = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 60 });
      await telegram.start();
    });
    afterAll(() => telegram.stop());

    it("a secret booking by mail and a fault report in chat leave no secret and no secret title in the log; each mail and each chat update has its own correlation id on all its lines", async () => {
      const config = loadConfig({
        ...deskEnv(dovecot, sink, await testDb(join(tempDir(), "desk.db"))),
        DESK_TELEGRAM_TOKEN: TOKEN,
        DESK_TELEGRAM_GROUP_ID: String(GROUP),
        DESK_TELEGRAM_API_ROOT: telegram.config.apiURL,
        DESK_LOG_LEVEL: "trace",
      });
      const { lines, destination } = capture();
      // As in production (src/app/main.ts), at the most verbose level.
      const log = createLog({ level: config.logLevel, destination, secrets: configSecrets(config) });
      // The desk's clock runs from 09:00 (the chat delivery paces and holds by it; a frozen clock would stall it).
      const started = Date.now();
      const service = await DeskService.open(
        config,
        log,
        () => new Date(at("2026-12-07", "09:00").getTime() + (Date.now() - started)),
      );
      await service.start();
      try {
        await dovecot.append(
          mail({
            id: "mat-1@hanoi.gov.vn",
            body: `Kính gửi: Trung tâm Tin học - Công báo

- Tên cơ quan chủ trì họp: Sở Công Thương
- Danh sách điểm cầu thành phần: UBND phường Ngọc Hà
- Thời gian đăng ký họp: từ 09h00 đến 11h00 ngày 10/12/2026
- Nội dung họp: ${SECRET_TITLE}
- Độ mật: Mật
- Thông tin đầu mối liên hệ: Lâm Thị Ngọc, SĐT 0983 210 456
`,
          }),
        );
        await dovecot.append(mail({ id: "thuong-2@hanoi.gov.vn", body: template(2) }));
        await sink.waitFor(2);
        const reporter = telegram.getClient(TOKEN, {
          chatId: GROUP,
          type: "group",
          chatTitle: "Hỗ trợ kỹ thuật",
          userId: Number(tech.telegramId),
          firstName: "Hà",
        });
        await reporter.sendMessage(reporter.makeMessage("xã mình mất tiếng gấp"));
        await until(
          () =>
            // In words (the emulator has no reactions), or as a merged line when the group's pace is taken.
            telegram.storage.botMessages.some((m) => String(m.message.text).includes("Đã tiếp nhận")),
          "the chat acknowledgement",
        );
        await reporter.sendMessage(reporter.makeMessage("/help"));
        await until(
          () => lines.filter((l) => l.includes('"event":"chat"')).length >= 2,
          "the second chat log line",
        );
        await until(
          () => lines.filter((l) => l.includes('"event":"mail"')).length >= 2,
          "the mail log lines",
        );
      } finally {
        await service.stop();
      }
      const all = lines.join("");
      // The mail was answered without the title (Điều 5.2), and the log carries neither it nor any credential.
      expect(sink.messages[0]!.parsed.text).toContain("Phiên họp có nội dung mật");
      expect(sink.messages[0]!.parsed.text).not.toContain(SECRET_TITLE);
      expect(all).not.toContain(SECRET_TITLE);
      expect(all).not.toContain("XK-47");
      expect(all).not.toContain(TOKEN);
      expect(all).not.toContain(TOKEN.split(":")[1]!);
      expect(all).not.toContain(IMAP_PASS);
      const events = lines.map(
        (l) => JSON.parse(l) as { level: string; event: string; cid?: string; key?: string },
      );
      expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(["started", "mail", "stopped"]));
      expect(events.every((e) => typeof e.level === "string")).toBe(true);

      // Correlation ids: one per mail, on every line written while that mail was handled, and on no other line.
      const cidOf = (event: string, where: (e: (typeof events)[number]) => boolean = () => true) =>
        events.filter((e) => e.event === event && where(e)).map((e) => e.cid);
      const [secretCid] = cidOf("mail", (e) => e.key === "<mat-1@hanoi.gov.vn>");
      const [otherCid] = cidOf("mail", (e) => e.key === "<thuong-2@hanoi.gov.vn>");
      expect(secretCid).toMatch(/^m-[0-9a-f]{16}$/);
      expect(otherCid).toMatch(/^m-[0-9a-f]{16}$/);
      expect(otherCid).not.toBe(secretCid);
      for (const cid of [secretCid, otherCid]) {
        expect(events.filter((e) => e.cid === cid).map((e) => e.event)).toEqual(["mail-received", "mail"]);
      }
      expect(new Set(cidOf("mail-received"))).toEqual(new Set([secretCid, otherCid]));
      // One per chat update likewise, through the same use case from start to end.
      const chatCids = cidOf("chat");
      expect(chatCids).toHaveLength(2);
      expect(new Set(chatCids).size).toBe(2);
      for (const cid of chatCids) {
        expect(cid).toMatch(/^c-[0-9a-f]{16}$/);
        expect(events.filter((e) => e.cid === cid).map((e) => e.event)).toEqual(["chat-received", "chat"]);
      }
      // The answers leave later, each delivery under its own id: the mail's id does not leak into the worker.
      const sent = cidOf("outbox-sent");
      expect(sent.length).toBeGreaterThanOrEqual(2);
      for (const cid of sent) expect(cid).toMatch(/^o-[0-9a-f]{16}$/);
      expect(new Set(sent).size).toBe(sent.length);
      // Lines outside any inbound item carry none.
      for (const e of events.filter((x) => ["started", "stopped", "imap-connected"].includes(x.event))) {
        expect(e.cid).toBeUndefined();
      }
    }, 90_000);
  });

  it("the demo (npm run demo), run with every credential set and the most verbose log, prints none of them and no secret title", () => {
    const secrets = {
      DESK_IMAP_HOST: "127.0.0.1",
      DESK_IMAP_TLS: "none",
      DESK_IMAP_USER: "kythuat",
      DESK_IMAP_PASSWORD: "imap-demo-mat-khau-9f3",
      DESK_SMTP_HOST: "127.0.0.1",
      DESK_SMTP_TLS: "none",
      DESK_SMTP_USER: "kythuat",
      DESK_SMTP_PASSWORD: "smtp-demo-mat-khau-7c1",
      DESK_TELEGRAM_TOKEN: "555111:demo-telegram-token-khong-phai-that",
      DESK_TELEGRAM_GROUP_ID: "-100555",
      DESK_ZALO_TOKEN: "zalo-demo-token-0b8e",
      DESK_ZALO_GROUP_ID: "g-demo",
      DESK_MCU_PASSWORD: "mcu-demo-mat-khau-4d2",
    };
    const res = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/app/demo.ts")], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, ...secrets, DESK_DB: ":memory:", DESK_LOG_LEVEL: "trace" },
    });
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
    const all = res.stdout + res.stderr;
    // The demo ran its secret session (Điều 5.2) and the whole day.
    expect(all).toContain("Phiên họp mật bắt đầu");
    expect(all).toContain("Các lệnh đã gửi tới MCU");
    for (const key of [
      "DESK_IMAP_PASSWORD",
      "DESK_SMTP_PASSWORD",
      "DESK_ZALO_TOKEN",
      "DESK_MCU_PASSWORD",
    ] as const)
      expect(all).not.toContain(secrets[key]);
    expect(all).not.toContain(secrets.DESK_TELEGRAM_TOKEN.split(":")[1]!);
    expect(all).not.toContain("Phương án bảo vệ mục tiêu trọng điểm");
    expect(all).not.toContain("mục tiêu trọng điểm");
  }, 90_000);
});

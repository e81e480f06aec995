import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { generate } from "selfsigned";
import { SMTPServer } from "smtp-server";
import { TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, ROOT } from "../src/app/config.js";
import {
  type CheckResult,
  checkCalendar,
  checkDkimDns,
  formatDoctor,
  runDoctor,
} from "../src/app/ops/doctor.js";
import type { DnsResolver } from "../src/mail/authenticity.js";
import { Store } from "../src/store/store.js";
import { tempDir } from "./helpers.js";
import { FakeZalo } from "./support/fake-zalo.js";
import { useMailServers } from "./support/mail-servers.js";
import { freePort, IMAP_PASS, IMAP_USER } from "./support/servers.js";

const TG_TOKEN = "123456:doctor-token-khong-phai-that";
const ZALO_TOKEN = "zalo-doctor-token-0001";

/** DNS stubs shaped as node:dns/promises fails: an error with the resolver's code. */
const dnsError =
  (code: string): DnsResolver =>
  async (name) => {
    throw Object.assign(new Error(`queryTxt ${code} ${name}`), { code });
  };
const dnsOk: DnsResolver = async () => [["v=DMARC1; p=reject; rua=mailto:dmarc@hanoi.gov.vn"]];

function verdicts(results: CheckResult[]): Record<string, string> {
  return Object.fromEntries(results.map((r) => [r.name, r.verdict]));
}

// SQLite only (kept out of BOTH_STORES): the doctor's SQLite checks (file, integrity, free space) and the mail,
// chat and DNS checks; the doctor on PostgreSQL is tests/ops-pg.pg.test.ts's "metrics and doctor on PostgreSQL".
describe("doctor", () => {
  const { dovecot, sink } = useMailServers();
  let telegram: TelegramServer;
  const zalo = new FakeZalo(ZALO_TOKEN);
  let env: Record<string, string>;
  let baseDir = "";
  beforeAll(async () => {
    telegram = new TelegramServer({ port: await freePort(), host: "127.0.0.1", storeTimeout: 60 });
    await telegram.start();
    await zalo.start();
    const dir = mkdtempSync(join(tmpdir(), "desk-doctor-"));
    baseDir = dir;
    Store.open(join(dir, "desk.db")).close();
    const backups = join(dir, "backups");
    mkdirSync(backups);
    writeFileSync(join(backups, "desk-2026-11-28T19-00-00-000Z.db"), "x");
    env = {
      DESK_DB: join(dir, "desk.db"),
      DESK_BACKUP_DIR: backups,
      DESK_IMAP_HOST: "127.0.0.1",
      DESK_IMAP_PORT: String(dovecot.port),
      DESK_IMAP_TLS: "none",
      DESK_IMAP_USER: IMAP_USER,
      DESK_IMAP_PASSWORD: IMAP_PASS,
      DESK_SMTP_HOST: "127.0.0.1",
      DESK_SMTP_PORT: String(sink.port),
      DESK_SMTP_TLS: "none",
      DESK_TELEGRAM_TOKEN: TG_TOKEN,
      DESK_TELEGRAM_GROUP_ID: "-100777",
      DESK_TELEGRAM_API_ROOT: telegram.config.apiURL,
      DESK_ZALO_TOKEN: ZALO_TOKEN,
      DESK_ZALO_GROUP_ID: "g-1",
      DESK_ZALO_BASE_URL: zalo.url,
    };
  });
  afterAll(async () => {
    if (baseDir) rmSync(baseDir, { recursive: true, force: true });
    await telegram.stop();
    await zalo.stop();
  });

  it("passes against the real local servers, with warnings where the emulators cannot tell", async () => {
    const results = await runDoctor(() => loadConfig(env), new Date(), { resolver: dnsOk });
    const v = verdicts(results);
    expect(results.filter((r) => r.verdict === "fail")).toEqual([]);
    expect(v).toMatchObject({
      "Cấu hình": "ok",
      "Cơ sở dữ liệu": "ok",
      "IMAP (nhận thư)": "ok",
      "Telegram: mã bot": "ok",
      "Zalo: mã bot": "ok",
      "MCU (simulator)": "ok",
      "DNS cho DKIM/DMARC": "ok",
      "Dung lượng đĩa": "ok",
      "Sao lưu": "ok",
    });
    // The sink offers no AUTH: the doctor says the real server needs it.
    expect(v["SMTP (gửi thư)"]).toBe("warn");
    const text = formatDoctor(results);
    expect(text).toContain("[ĐẠT] IMAP (nhận thư): đăng nhập kythuat@127.0.0.1");
    expect(text).toContain("Kết quả: không có lỗi");
    for (const secret of [TG_TOKEN, ZALO_TOKEN, IMAP_PASS]) expect(text).not.toContain(secret);
  });

  it("names each broken part and how to fix it: wrong password, closed ports, bad token, old backup", async () => {
    const closed = await freePort();
    const dir = tempDir();
    const backups = join(dir, "old");
    mkdirSync(backups);
    const old = join(backups, "desk-2026-11-01T19-00-00-000Z.db");
    writeFileSync(old, "x");
    utimesSync(old, new Date(Date.now() - 72 * 3_600_000), new Date(Date.now() - 72 * 3_600_000));
    const results = await runDoctor(
      () =>
        loadConfig({
          ...env,
          DESK_IMAP_PASSWORD: "mat-khau-sai",
          DESK_SMTP_PORT: String(closed),
          DESK_TELEGRAM_API_ROOT: `http://127.0.0.1:${closed}`,
          DESK_ZALO_TOKEN: "zalo-token-sai-0000",
          DESK_BACKUP_DIR: backups,
          DESK_DB: join(dir, "missing.db"),
        }),
      new Date(),
      { resolver: dnsError("ENOTFOUND") },
    );
    expect(verdicts(results)).toMatchObject({
      "Cơ sở dữ liệu": "fail",
      "IMAP (nhận thư)": "fail",
      "SMTP (gửi thư)": "fail",
      "Telegram: mã bot": "fail",
      "Zalo: mã bot": "fail",
      "Sao lưu": "fail",
    });
    const text = formatDoctor(results);
    expect(text).toContain("sai tên đăng nhập hoặc mật khẩu");
    expect(text).toContain("Kiểm tra DESK_IMAP_USER và DESK_IMAP_PASSWORD.");
    expect(text).toContain("Zalo từ chối mã bot");
    expect(text).toMatch(/SMTP \(gửi thư\): 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    expect(text).toContain("Kết quả: 6 lỗi");
    expect(text).not.toContain("mat-khau-sai");
    expect(text).not.toContain("zalo-token-sai-0000");
  });

  it("DNS for DKIM/DMARC: an answer (even 'no such name') passes; a timeout, SERVFAIL or silence fails with a fix", async () => {
    const config = loadConfig(env);
    const asked: string[] = [];
    const ok = await checkDkimDns(config, async (name, type) => {
      asked.push(`${type} ${name}`);
      return dnsOk(name, type);
    });
    expect(asked).toEqual(["TXT _dmarc.hanoi.gov.vn"]);
    expect(ok).toMatchObject({ verdict: "ok", detail: expect.stringContaining("có bản ghi DMARC") });
    expect((await checkDkimDns(config, dnsError("ENOTFOUND"))).verdict).toBe("ok");
    expect((await checkDkimDns(config, dnsError("ENODATA"))).verdict).toBe("ok");
    const timeout = await checkDkimDns(config, dnsError("ETIMEOUT"));
    expect(timeout).toMatchObject({ verdict: "fail" });
    expect(timeout.detail).toBe("máy chủ DNS không trả lời trong 1,5 giây khi hỏi TXT _dmarc.hanoi.gov.vn");
    const servfail = await checkDkimDns(config, dnsError("ESERVFAIL"));
    expect(servfail).toMatchObject({ verdict: "fail", detail: expect.stringContaining("SERVFAIL") });
    // A resolver that never answers is cut off by the check's own guard.
    const silent = await checkDkimDns(config, () => new Promise(() => undefined), 50);
    expect(silent).toMatchObject({ verdict: "fail", detail: expect.stringContaining("không trả lời") });
    // Through the whole doctor: a failure with what to do, and exit status counts it.
    const results = await runDoctor(() => loadConfig(env), new Date(), { resolver: dnsError("ESERVFAIL") });
    const text = formatDoctor(results);
    expect(text).toContain(
      "[LỖI] DNS cho DKIM/DMARC: máy chủ DNS báo lỗi SERVFAIL khi hỏi TXT _dmarc.hanoi.gov.vn",
    );
    expect(text).toContain("→ Cách sửa: Khi DNS không trả lời, mọi thư đến bị coi là chưa xác thực");
    expect(text).toContain("DESK_MAIL_AUTHSERV_ID");
    expect(text).toContain("Kết quả: 1 lỗi");
    // Not asked when the boundary server's verdict is trusted, or when mail is not authenticated at all.
    let calls = 0;
    const counting: DnsResolver = async () => {
      calls++;
      return [];
    };
    const trusted = await checkDkimDns(
      loadConfig({ ...env, DESK_MAIL_AUTHSERV_ID: "mx.hanoi.gov.vn" }),
      counting,
    );
    expect(trusted).toMatchObject({ verdict: "skip", detail: expect.stringContaining("mx.hanoi.gov.vn") });
    const lab = await checkDkimDns(loadConfig({ ...env, DESK_MAIL_REQUIRE_AUTH: "false" }), counting);
    expect(lab.verdict).toBe("skip");
    expect(calls).toBe(0);
  });

  it("an invalid configuration is a failed check with the variable to fix", async () => {
    const results = await runDoctor(() => loadConfig({ ...env, DESK_TZ: "Hà Nội" }));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ name: "Cấu hình", verdict: "fail" });
    expect(results[0]!.detail).toContain("DESK_TZ");
  });

  it("CLI: SMTP AUTH over TLS against a real smtp-server, and exit 1 on a refused password", async () => {
    const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
      keySize: 2048,
      algorithm: "sha256",
      extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
    });
    const dir = tempDir();
    const db = join(dir, "desk.db");
    Store.open(db).close();
    const ca = join(dir, "ca.pem");
    writeFileSync(ca, pems.cert);
    const password = `smtp-${Math.random().toString(36).slice(2)}`;
    const server = new SMTPServer({
      secure: true,
      key: pems.private,
      cert: pems.cert,
      logger: false,
      onAuth: (auth, _s, cb) =>
        auth.username === "kythuat" && auth.password === password
          ? cb(null, { user: "kythuat" })
          : cb(Object.assign(new Error("Sai mật khẩu"), { responseCode: 535 })),
    });
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
    try {
      // Not spawnSync: the SMTP server answers from this process's event loop.
      const run = (pass: string) =>
        promisify(execFile)(
          process.execPath,
          ["--import", "tsx", join(ROOT, "src/app/cli/main.ts"), "doctor"],
          {
            cwd: ROOT,
            encoding: "utf8",
            env: {
              ...process.env,
              DESK_SMTP_CA: ca,
              DESK_DB: db,
              DESK_BACKUP_DIR: join(dir, "backups"),
              DESK_SMTP_HOST: "127.0.0.1",
              DESK_SMTP_PORT: String(port),
              DESK_SMTP_TLS: "tls",
              DESK_SMTP_USER: "kythuat",
              DESK_SMTP_PASSWORD: pass,
            },
          },
        );
      const good = await run(password).then(
        (r) => ({ ...r, status: 0 }),
        (e: { stdout: string; stderr: string; code: number }) => ({ ...e, status: e.code }),
      );
      expect(good.stdout).toContain("[ĐẠT] SMTP (gửi thư): 127.0.0.1:");
      expect(good.stdout).toContain("chấp nhận đăng nhập kythuat qua TLS");
      expect(good.status).toBe(0);
      const bad = await run("mat-khau-sai-smtp").then(
        (r) => ({ ...r, status: 0 }),
        (e: { stdout: string; stderr: string; code: number }) => ({ ...e, status: e.code }),
      );
      expect(bad.stdout).toContain("[LỖI] SMTP (gửi thư)");
      expect(bad.stdout).toContain("máy chủ từ chối đăng nhập");
      expect(bad.stderr).toContain("Phát hiện 1 lỗi.");
      expect(bad.status).toBe(1);
      expect(bad.stdout + bad.stderr).not.toContain("mat-khau-sai-smtp");
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  }, 120_000);
});

describe("doctor: the yearly holiday files", () => {
  const ZONE = "Asia/Ho_Chi_Minh";
  const dirWith = (...years: number[]) => {
    const dir = tempDir();
    for (const y of years)
      writeFileSync(join(dir, `${y}.json`), JSON.stringify({ year: y, source: "thử", off: [], work: [] }));
    return dir;
  };

  it("warns from November when next year's file is missing, and names the file to add", () => {
    // 1 December 2026, 07:00 in Hanoi (00:00 UTC).
    const december = checkCalendar(dirWith(2026), new Date("2026-12-01T00:00:00Z"), ZONE);
    expect(december).toMatchObject({ verdict: "warn" });
    expect(december.detail).toContain("chưa có tệp lịch nghỉ năm 2027");
    expect(december.fix).toContain("2027.json");
    // 31 October, 23:30 in Hanoi: not yet.
    expect(checkCalendar(dirWith(2026), new Date("2026-10-31T16:30:00Z"), ZONE).verdict).toBe("ok");
    // 1 November 00:30 in Hanoi (still 31 October in UTC): the desk's day counts.
    expect(checkCalendar(dirWith(2026), new Date("2026-10-31T17:30:00Z"), ZONE).verdict).toBe("warn");
    expect(checkCalendar(dirWith(2026, 2027), new Date("2026-12-01T00:00:00Z"), ZONE)).toMatchObject({
      verdict: "ok",
      detail: "có lịch nghỉ năm 2026 và 2027",
    });
  });

  it("warns whenever this year's file is missing: a handover counted in working days could fall on a swapped day off", () => {
    const r = checkCalendar(dirWith(2025), new Date("2026-03-02T03:00:00Z"), ZONE);
    expect(r.verdict).toBe("warn");
    expect(r.detail).toContain("chưa có tệp lịch nghỉ năm 2026");
    expect(r.detail).toContain("bàn giao bản ghi");
  });
});

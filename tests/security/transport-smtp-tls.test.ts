import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/app/config.js";
import { smtpSender } from "../../src/mail/smtp-sender.js";
import { selfSignedCertificate, type TestCertificate } from "../support/certs.js";
import { pendingMail } from "../support/fixtures.js";
import { SmtpSink, type SmtpSinkOptions } from "../support/servers.js";

/**
 * Threat: the SMTP password crosses the network in clear (a server, or a man in the middle, that does not offer
 * STARTTLS), or answers go to a server that only claims to be ours. The sender requires TLS before AUTH and
 * verifies the certificate against the CA it is told to trust.
 */

const ACCOUNT = { user: "kythuat", pass: "mat-khau-smtp-thu" };

let dir: string;
let good: TestCertificate;
let goodCa: string;
let otherCa: string;
const sinks: SmtpSink[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "desk-smtp-tls-"));
  good = await selfSignedCertificate();
  const other = await selfSignedCertificate();
  goodCa = join(dir, "good-ca.pem");
  otherCa = join(dir, "other-ca.pem");
  writeFileSync(goodCa, good.cert);
  writeFileSync(otherCa, other.cert);
}, 60_000);

afterAll(async () => {
  for (const s of sinks) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function sink(options: SmtpSinkOptions): Promise<SmtpSink> {
  const s = new SmtpSink({ auth: ACCOUNT, ...options });
  await s.start();
  sinks.push(s);
  return s;
}

function smtpEnv(port: number, extra: Record<string, string>): Record<string, string> {
  return {
    DESK_DB: ":memory:",
    DESK_SMTP_HOST: "127.0.0.1",
    DESK_SMTP_PORT: String(port),
    DESK_SMTP_USER: ACCOUNT.user,
    DESK_SMTP_PASSWORD: ACCOUNT.pass,
    ...extra,
  };
}

const reply = pendingMail();

/** Sends one answer with the sender built from `loadConfig(env)`; resolves to the error, or null when sent. */
async function send(env: Record<string, string>): Promise<Error | null> {
  const sender = smtpSender(loadConfig(env).mail.smtp!);
  try {
    await sender.send(reply);
    return null;
  } catch (err) {
    return err as Error;
  } finally {
    sender.close();
  }
}

// SQLite only (kept out of BOTH_STORES): TLS to the SMTP server; the desk's store is an in-memory SQLite.
describe("SMTP transport security", () => {
  it("defaults to STARTTLS; the value must be tls, starttls or none, in Vietnamese", () => {
    expect(loadConfig(smtpEnv(587, {})).mail.smtp?.tls).toBe("starttls");
    const { DESK_SMTP_PORT: _, ...noPort } = smtpEnv(0, {});
    expect(loadConfig(noPort).mail.smtp).toMatchObject({ tls: "starttls", port: 587 });
    expect(loadConfig({ ...noPort, DESK_SMTP_TLS: "tls" }).mail.smtp).toMatchObject({ port: 465 });
    expect(() => loadConfig(smtpEnv(587, { DESK_SMTP_TLS: "false" }))).toThrow(
      /DESK_SMTP_TLS=«false»: phải là tls \(TLS ngay từ đầu\), starttls/,
    );
  });

  it("with starttls, a server that does not offer STARTTLS never receives AUTH, nor the mail", async () => {
    const s = await sink({});
    const err = await send(smtpEnv(s.port, { DESK_SMTP_TLS: "starttls" }));
    expect(err?.message).toMatch(/STARTTLS/);
    expect(s.authAttempts).toEqual([]);
    expect(s.mailSessions).toEqual([]);
    expect(s.messages).toEqual([]);
  });

  it("upgrades with STARTTLS to a server whose self-signed certificate is trusted, then logs in", async () => {
    const s = await sink({ tls: good });
    expect(await send(smtpEnv(s.port, { DESK_SMTP_TLS: "starttls", DESK_SMTP_CA: goodCa }))).toBeNull();
    expect(s.authAttempts).toEqual([{ user: ACCOUNT.user, passwordMatched: true, secure: true }]);
    expect(s.messages.map((m) => m.parsed.text?.trim())).toEqual(["Đã ghi nhận lịch họp."]);
  });

  it("speaks implicit TLS with tls", async () => {
    const s = await sink({ tls: good, implicitTls: true });
    expect(await send(smtpEnv(s.port, { DESK_SMTP_TLS: "tls", DESK_SMTP_CA: goodCa }))).toBeNull();
    expect(s.authAttempts).toEqual([{ user: ACCOUNT.user, passwordMatched: true, secure: true }]);
    expect(s.messages).toHaveLength(1);
  });

  it("refuses a certificate that is not the trusted one, before AUTH", async () => {
    const starttls = await sink({ tls: good });
    const implicit = await sink({ tls: good, implicitTls: true });
    for (const [s, env] of [
      [starttls, { DESK_SMTP_TLS: "starttls", DESK_SMTP_CA: otherCa }],
      [implicit, { DESK_SMTP_TLS: "tls", DESK_SMTP_CA: otherCa }],
      // No CA file: only the system's roots are trusted, and a self-signed certificate is not among them.
      [implicit, { DESK_SMTP_TLS: "tls" }],
    ] as const) {
      const err = await send(smtpEnv(s.port, env));
      expect(err?.message).toMatch(/certificate/i);
    }
    for (const s of [starttls, implicit]) {
      expect(s.authAttempts).toEqual([]);
      expect(s.messages).toEqual([]);
    }
  });

  it("none sends in clear on loopback only; any other host is a config error naming the variable", async () => {
    const s = await sink({});
    expect(await send(smtpEnv(s.port, { DESK_SMTP_TLS: "none" }))).toBeNull();
    expect(s.authAttempts).toEqual([{ user: ACCOUNT.user, passwordMatched: true, secure: false }]);
    const remote = { ...smtpEnv(25, { DESK_SMTP_TLS: "none" }), DESK_SMTP_HOST: "smtp.hanoi.gov.vn" };
    expect(() => loadConfig(remote)).toThrow(ConfigError);
    expect(() => loadConfig(remote)).toThrow(
      /DESK_SMTP_TLS=none chỉ được dùng khi DESK_SMTP_HOST là chính máy này/,
    );
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/app/config.js";
import { MailIntake } from "../../src/mail/intake.js";
import { selfSignedCertificate } from "../support/certs.js";
import { Dovecot, IMAP_PASS, IMAP_USER } from "../support/servers.js";
import { mail, template } from "../support/service.js";

/**
 * Threat: the IMAP password and the agencies' mail cross the network readable, or go to a server that only
 * claims to be ours. The intake speaks TLS (implicit or a required STARTTLS), verifies the certificate against
 * the CA it is told to trust, and uses `none` only on loopback.
 */

const LOGIN = /imap-login: Info: Login: user=<kythuat>[^\n]*/g;
const logins = (d: Dovecot) => d.log().match(LOGIN) ?? [];

let dir: string;
let goodCa: string;
let otherCa: string;
let tlsDovecot: Dovecot;
let plainDovecot: Dovecot;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "desk-imap-tls-"));
  const good = await selfSignedCertificate();
  const other = await selfSignedCertificate();
  goodCa = join(dir, "good-ca.pem");
  otherCa = join(dir, "other-ca.pem");
  writeFileSync(goodCa, good.cert);
  writeFileSync(otherCa, other.cert);
  tlsDovecot = new Dovecot({ tls: good });
  plainDovecot = new Dovecot();
  await tlsDovecot.start();
  await plainDovecot.start();
}, 60_000);

afterAll(async () => {
  await tlsDovecot?.destroy();
  await plainDovecot?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

function imapEnv(port: number, extra: Record<string, string>): Record<string, string> {
  return {
    DESK_DB: ":memory:",
    DESK_IMAP_HOST: "127.0.0.1",
    DESK_IMAP_PORT: String(port),
    DESK_IMAP_USER: IMAP_USER,
    DESK_IMAP_PASSWORD: IMAP_PASS,
    DESK_IMAP_POLL_SECONDS: "60",
    ...extra,
  };
}

/**
 * Runs the intake built from `loadConfig(env)` until it has handed over `want` mails (success) or reported its
 * first connection error (refusal), then stops it.
 */
async function runIntake(env: Record<string, string>, want = 1) {
  const imap = loadConfig(env).mail.imap!;
  imap.backoff = { baseMs: 60_000, capMs: 60_000 };
  const handled: Buffer[] = [];
  const events: { event: string; fields: Record<string, unknown> }[] = [];
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let saved = { uidValidity: null as string | null, lastUid: 0 };
  const intake = new MailIntake(
    imap,
    async (raw) => {
      handled.push(raw);
      if (handled.length >= want) finish();
    },
    {
      load: async () => saved,
      save: async (_box, uidValidity, lastUid) => {
        saved = { uidValidity, lastUid };
      },
    },
    (event, fields = {}) => {
      events.push({ event, fields });
      if (event === "imap-error") finish();
    },
  );
  intake.start();
  await done;
  await intake.stop();
  return { handled, events, errors: events.filter((e) => e.event === "imap-error") };
}

// SQLite only (kept out of BOTH_STORES): TLS to the IMAP server; the desk's store is an in-memory SQLite.
describe("IMAP transport security", () => {
  it("defaults to implicit TLS; the value must be tls, starttls or none, in Vietnamese", () => {
    const base = imapEnv(993, {});
    expect(loadConfig(base).mail.imap?.tls).toBe("tls");
    const { DESK_IMAP_PORT: _, ...noPort } = base;
    expect(loadConfig(noPort).mail.imap).toMatchObject({ tls: "tls", port: 993 });
    expect(loadConfig({ ...noPort, DESK_IMAP_TLS: "starttls" }).mail.imap).toMatchObject({ port: 143 });
    expect(() => loadConfig({ ...base, DESK_IMAP_TLS: "true" })).toThrow(
      /DESK_IMAP_TLS=«true»: phải là tls \(TLS ngay từ đầu\), starttls/,
    );
  });

  it("reads mail over implicit TLS from a server whose self-signed certificate is trusted explicitly", async () => {
    await tlsDovecot.append(mail({ id: "tls-1@hanoi.gov.vn", body: template(1) }));
    const before = logins(tlsDovecot).length;
    const run = await runIntake(imapEnv(tlsDovecot.tlsPort, { DESK_IMAP_TLS: "tls", DESK_IMAP_CA: goodCa }));
    expect(run.errors).toEqual([]);
    expect(run.handled.map((m) => m.toString()).join("")).toContain("tls-1@hanoi.gov.vn");
    const ours = logins(tlsDovecot).slice(before);
    expect(ours.length).toBeGreaterThan(0);
    for (const line of ours) expect(line).toMatch(/, TLS[,\s]/);
  });

  it("reads mail after a STARTTLS upgrade on the plain port, logging in only once encrypted", async () => {
    await tlsDovecot.append(mail({ id: "starttls-1@hanoi.gov.vn", body: template(2) }));
    const before = logins(tlsDovecot).length;
    const run = await runIntake(
      imapEnv(tlsDovecot.port, { DESK_IMAP_TLS: "starttls", DESK_IMAP_CA: goodCa }),
      2,
    );
    expect(run.errors).toEqual([]);
    expect(run.handled.map((m) => m.toString()).join("")).toContain("starttls-1@hanoi.gov.vn");
    const ours = logins(tlsDovecot).slice(before);
    expect(ours.length).toBeGreaterThan(0);
    for (const line of ours) expect(line).toMatch(/, TLS[,\s]/);
  });

  it("refuses a server whose certificate is not the trusted one, before any login", async () => {
    const before = logins(tlsDovecot).length;
    for (const extra of <Record<string, string>[]>[
      { DESK_IMAP_TLS: "tls", DESK_IMAP_CA: otherCa },
      // Without a CA file only the system's roots are trusted: a self-signed certificate is refused too.
      { DESK_IMAP_TLS: "tls" },
    ]) {
      const run = await runIntake(imapEnv(tlsDovecot.tlsPort, extra));
      expect(run.handled).toEqual([]);
      expect(run.errors[0]?.fields.message).toMatch(/certificate/i);
      expect(run.events.map((e) => e.event)).not.toContain("imap-connected");
    }
    const starttls = await runIntake(
      imapEnv(tlsDovecot.port, { DESK_IMAP_TLS: "starttls", DESK_IMAP_CA: otherCa }),
    );
    expect(starttls.errors[0]?.fields.message).toMatch(/certificate/i);
    expect(logins(tlsDovecot).length).toBe(before);
  });

  it("with starttls, refuses a server that does not offer STARTTLS instead of logging in in clear", async () => {
    await plainDovecot.append(mail({ id: "plain-1@hanoi.gov.vn", body: template(3) }));
    const before = logins(plainDovecot).length;
    const run = await runIntake(imapEnv(plainDovecot.port, { DESK_IMAP_TLS: "starttls" }));
    expect(run.handled).toEqual([]);
    expect(run.errors[0]?.fields.message).toMatch(/STARTTLS/);
    expect(logins(plainDovecot).length).toBe(before);
  });

  it("none works on loopback and is a config error naming the variable for any other host", async () => {
    const run = await runIntake(imapEnv(plainDovecot.port, { DESK_IMAP_TLS: "none" }));
    expect(run.errors).toEqual([]);
    expect(run.handled.map((m) => m.toString()).join("")).toContain("plain-1@hanoi.gov.vn");
    for (const host of ["::1", "localhost", "127.0.0.2"])
      expect(
        loadConfig({ ...imapEnv(143, { DESK_IMAP_TLS: "none" }), DESK_IMAP_HOST: host }).mail.imap?.tls,
      ).toBe("none");
    for (const host of ["mail.hanoi.gov.vn", "10.0.0.5", "0.0.0.0", "127.0.0.1.nip.io"]) {
      const env = { ...imapEnv(143, { DESK_IMAP_TLS: "none" }), DESK_IMAP_HOST: host };
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(
        /DESK_IMAP_TLS=none chỉ được dùng khi DESK_IMAP_HOST là chính máy này/,
      );
    }
  });

  it("a CA file that cannot be read or holds no certificate is a config error naming DESK_IMAP_CA", () => {
    const notPem = join(dir, "not-pem.txt");
    writeFileSync(notPem, "không phải chứng chỉ");
    expect(() => loadConfig(imapEnv(993, { DESK_IMAP_CA: join(dir, "missing.pem") }))).toThrow(
      /không đọc được tệp chứng chỉ DESK_IMAP_CA=.*ENOENT/,
    );
    expect(() => loadConfig(imapEnv(993, { DESK_IMAP_CA: notPem }))).toThrow(
      /DESK_IMAP_CA=.*không chứa chứng chỉ PEM/,
    );
  });
});

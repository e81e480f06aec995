/**
 * Threat: a mail forges an agency's From where the boundary wrote no verdict. The desk verifies it itself
 * (mailauth: DKIM, SPF, DMARC) against DNS; here the DNS is a stub serving the test's own DKIM key and DMARC
 * records, so every path runs offline: aligned pass, forged From, relaxed and strict alignment, a missing or
 * tampered signature, and the same through a real Dovecot and SMTP server.
 */
import { join } from "node:path";
import { authenticate } from "mailauth";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/app/config.js";
import { DeskService } from "../../src/app/service.js";
import { verifyMail } from "../../src/mail/authenticity.js";
import { makeDesk, tempDir, testDb } from "../helpers.js";
import { useMailServers } from "../support/mail-servers.js";
import { deskEnv, template } from "../support/service.js";
import { AUTHSERV, authDesk, DkimKey, NOW, rawMail, StubDns } from "./mail-auth-support.js";

const FROM = "vanthu.sct@hanoi.gov.vn";

function world(dmarc = "v=DMARC1; p=reject") {
  const dns = new StubDns();
  dns.dmarc("hanoi.gov.vn", dmarc);
  return dns;
}

async function handle(dns: StubDns, raw: Buffer) {
  const desk = await makeDesk();
  const outcome = await authDesk(desk, dns.resolve).handle(raw, NOW);
  const { booking, mails, notices } = await desk.store.read(async (r) => {
    const outbox = await r.outbox.list();
    return {
      booking: await r.bookings.get("HTT-2026-0001"),
      mails: outbox.filter((m) => m.channel === "mail"),
      notices: outbox.filter((m) => m.kind === "mail-not-authenticated"),
    };
  });
  const inbound = await desk.store.read((r) => r.inbound.list());
  return { outcome, booking, mails, notices, detail: inbound[0]?.detail ?? null };
}

describe("own verification when the boundary wrote no trusted header", () => {
  it("accepts a mail DKIM-signed by the From domain with a DMARC record", async () => {
    const dns = world();
    const key = new DkimKey(dns, "hanoi.gov.vn");
    const raw = await key.sign(rawMail({ id: "signed@hanoi.gov.vn", from: FROM, body: template(1) }));
    const { outcome, booking, mails } = await handle(dns, raw);
    expect(outcome).toMatchObject({ kind: "registered", code: "HTT-2026-0001" });
    expect(booking?.status).toBe("confirmed");
    expect(mails.map((m) => m.recipient)).toEqual([FROM]);
    expect(dns.lookups).toBeGreaterThan(0);
  });

  it("refuses a forged From signed by the forger's own domain, whatever headers the forger adds", async () => {
    const dns = world();
    const evil = new DkimKey(dns, "evil.example");
    dns.dmarc("evil.example", "v=DMARC1; p=none");
    const raw = await evil.sign(
      rawMail({
        id: "forged@evil.example",
        from: FROM,
        body: template(1),
        top: [
          "Authentication-Results: mx.evil.example; spf=pass smtp.mailfrom=evil.example; dkim=pass header.d=evil.example; dmarc=pass header.from=hanoi.gov.vn",
        ],
      }),
    );
    const { outcome, booking, mails, notices, detail } = await handle(dns, raw);
    expect(outcome).toMatchObject({ kind: "refused", reason: "not-authenticated", replied: false });
    expect(booking).toBeNull();
    expect(mails).toEqual([]);
    expect(notices).toHaveLength(1);
    expect(detail).toMatch(/^not-authenticated: dmarc-fail \(verified\)/);
  });

  it("relaxed alignment: a signature of a subdomain of the From domain passes", async () => {
    const dns = world("v=DMARC1; p=reject; adkim=r");
    const key = new DkimKey(dns, "mail.hanoi.gov.vn");
    const raw = await key.sign(rawMail({ id: "relaxed@hanoi.gov.vn", from: FROM, body: template(1) }));
    const { outcome } = await handle(dns, raw);
    expect(outcome).toMatchObject({ kind: "registered" });
  });

  it("strict alignment: the same subdomain signature is refused when the domain asks adkim=s", async () => {
    const dns = world("v=DMARC1; p=reject; adkim=s");
    const key = new DkimKey(dns, "mail.hanoi.gov.vn");
    const raw = await key.sign(rawMail({ id: "strict@hanoi.gov.vn", from: FROM, body: template(1) }));
    const { outcome, booking, mails, detail } = await handle(dns, raw);
    expect(outcome).toMatchObject({ kind: "refused", reason: "not-authenticated" });
    expect(booking).toBeNull();
    expect(mails).toEqual([]);
    expect(detail).toMatch(/^not-authenticated: not-aligned/);
  });

  it("strict alignment is checked by the desk, not taken from mailauth's DMARC verdict", async () => {
    // mailauth 4.13 lets an organisational-domain signature pass adkim=s for a subdomain From.
    const dns = new StubDns();
    dns.dmarc("hanoi.gov.vn", "v=DMARC1; p=reject; adkim=s");
    const key = new DkimKey(dns, "hanoi.gov.vn");
    const raw = await key.sign(
      rawMail({ id: "sub@hanoi.gov.vn", from: "vanthu@sct.hanoi.gov.vn", body: "x" }),
    );
    const lib = await authenticate(raw, { resolver: dns.resolve, disableArc: true, disableBimi: true });
    expect(lib.dmarc ? lib.dmarc.status.result : null).toBe("pass");
    expect(await verifyMail(raw, "vanthu@sct.hanoi.gov.vn", { resolver: dns.resolve })).toMatchObject({
      authenticated: false,
      reason: "not-aligned",
    });
  });

  it("refuses a mail with no signature", async () => {
    const dns = world();
    new DkimKey(dns, "hanoi.gov.vn");
    const { outcome, booking, detail } = await handle(
      dns,
      rawMail({ id: "unsigned@hanoi.gov.vn", from: FROM, body: template(1) }),
    );
    expect(outcome).toMatchObject({ kind: "refused", reason: "not-authenticated" });
    expect(booking).toBeNull();
    expect(detail).toMatch(/^not-authenticated: dmarc-fail/);
  });

  it("refuses a signed mail whose body was changed after signing", async () => {
    const dns = world();
    const key = new DkimKey(dns, "hanoi.gov.vn");
    const genuine = await key.sign(rawMail({ id: "tampered@hanoi.gov.vn", from: FROM, body: template(1) }));
    const original = Buffer.from(template(1)).toString("base64").replace(/.{76}/g, "$&\r\n");
    const changed = Buffer.from(template(1, "UBND phường Giảng Võ"))
      .toString("base64")
      .replace(/.{76}/g, "$&\r\n");
    const tampered = Buffer.from(genuine.toString().replace(original, changed));
    expect(tampered.equals(genuine)).toBe(false);
    const { outcome, booking, detail } = await handle(dns, tampered);
    expect(outcome).toMatchObject({ kind: "refused", reason: "not-authenticated" });
    expect(booking).toBeNull();
    expect(detail).toMatch(/^not-authenticated: dmarc-fail/);
  });

  it("SPF counts only for an envelope sender aligned with the From domain", async () => {
    const dns = world();
    dns.txt.set("bounce.example", "v=spf1 ip4:192.0.2.10 -all");
    dns.txt.set("hanoi.gov.vn", "v=spf1 ip4:192.0.2.10 -all");
    const raw = rawMail({ id: "spf@hanoi.gov.vn", from: FROM, body: "x" });
    const at = { resolver: dns.resolve, ip: "192.0.2.10", helo: "mail.example" };
    expect(await verifyMail(raw, FROM, { ...at, sender: "x@bounce.example" })).toMatchObject({
      authenticated: false,
      reason: "dmarc-fail",
    });
    expect(await verifyMail(raw, FROM, { ...at, sender: "x@hanoi.gov.vn" })).toMatchObject({
      authenticated: true,
    });
  });
});

describe("own verification end to end: real Dovecot, real SMTP, stub DNS", () => {
  const { dovecot, sink } = useMailServers();

  it("answers the signed mail and stays silent to the forged one", async () => {
    const dns = world();
    const key = new DkimKey(dns, "hanoi.gov.vn");
    const config = loadConfig({
      ...deskEnv(dovecot, sink, await testDb(join(tempDir(), "desk.db"))),
      DESK_MAIL_AUTHSERV_ID: AUTHSERV,
    });
    expect(config.mail.requireAuth).toBe(true);
    const service = await DeskService.open(
      config,
      () => {},
      () => NOW,
      { mailResolver: dns.resolve },
    );
    await service.start();
    try {
      const forged = rawMail({
        id: "forged-e2e@evil.example",
        from: FROM,
        body: template(1),
        top: [
          "Authentication-Results: mx.evil.example; spf=pass smtp.mailfrom=hanoi.gov.vn; dmarc=pass header.from=hanoi.gov.vn",
        ],
      });
      const genuine = await key.sign(
        rawMail({ id: "genuine-e2e@hanoi.gov.vn", from: FROM, body: template(2) }),
      );
      await dovecot.append(forged, genuine);
      await sink.waitFor(1);
      // Mail is read in UID order: once the genuine one is answered, the forged one was handled before it.
      const rows = await service.desk.store.read((r) => r.inbound.list());
      const byKey = new Map(rows.map((r) => [r.key, r]));
      expect(byKey.get("<forged-e2e@evil.example>")?.status).toBe("refused");
      expect(sink.messages).toHaveLength(1);
      expect(sink.messages[0]!.parsed.inReplyTo).toBe("<genuine-e2e@hanoi.gov.vn>");
      expect(sink.messages[0]!.parsed.text).toContain("ĐÃ XÁC NHẬN");
    } finally {
      await service.stop();
      sink.messages.length = 0;
    }
  });
});

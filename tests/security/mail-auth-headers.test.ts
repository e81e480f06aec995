/**
 * Threat: a sender writes its own `Authentication-Results` to look authenticated (RFC 8601 §7.2). Only the
 * TOPMOST header whose authserv-id is the boundary's (DESK_MAIL_AUTHSERV_ID) counts, and only a DMARC pass for
 * the From domain itself: an SPF pass for some envelope sender, or a pass for another domain, is not enough.
 */
import { describe, expect, it } from "vitest";
import { parseAuthResults, parseTrustedAuthResults } from "../../src/mail/authenticity.js";
import { makeDesk } from "../helpers.js";
import { template } from "../support/service.js";
import { AUTHSERV, authDesk, NOW, rawMail, StubDns } from "./mail-auth-support.js";

const FROM = "vanthu.sct@hanoi.gov.vn";

/** The booking a mail would make if it were accepted, and everything it left behind. */
async function run(top: string[], id: string) {
  const desk = await makeDesk();
  const dns = new StubDns();
  // hanoi.gov.vn publishes DMARC: an unsigned mail fails our own check, whatever its headers say.
  dns.dmarc("hanoi.gov.vn", "v=DMARC1; p=reject");
  const raw = rawMail({ id, from: FROM, body: template(1), top });
  const outcome = await authDesk(desk, dns.resolve).handle(raw, NOW);
  const { bookings, outbox, inbound } = await desk.store.read(async (r) => ({
    bookings: await r.bookings.get("HTT-2026-0001"),
    outbox: await r.outbox.list(),
    inbound: await r.inbound.get("mail", `<${id}>`),
  }));
  return { outcome, bookings, outbox, inbound, raw };
}

describe("trusted Authentication-Results: the boundary's topmost header decides", () => {
  it("accepts a DMARC pass for the From domain from the boundary (the control case)", async () => {
    const { outcome, bookings } = await run(
      [
        `Authentication-Results: ${AUTHSERV}; spf=pass smtp.mailfrom=hanoi.gov.vn; dmarc=pass header.from=hanoi.gov.vn`,
      ],
      "ok@hanoi.gov.vn",
    );
    expect(outcome).toMatchObject({ kind: "registered", code: "HTT-2026-0001" });
    expect(bookings?.status).toBe("confirmed");
  });

  it("refuses an SPF pass for an unrelated envelope sender when DMARC fails", async () => {
    const { outcome, bookings, outbox, inbound } = await run(
      [
        `Authentication-Results: ${AUTHSERV}; spf=pass smtp.mailfrom=bounce@mailer.example.com; dkim=none; dmarc=fail (p=reject) header.from=hanoi.gov.vn`,
      ],
      "spf-only@example.com",
    );
    expect(outcome).toMatchObject({ kind: "refused", reason: "not-authenticated", replied: false });
    expect(bookings).toBeNull();
    expect(outbox.filter((m) => m.channel === "mail")).toEqual([]);
    expect(inbound?.detail).toContain("dmarc-fail");
  });

  it("ignores an attacker's header below the boundary's, even with the boundary's authserv-id", async () => {
    const { outcome, bookings, outbox } = await run(
      [
        // Written by the boundary on arrival (topmost).
        `Authentication-Results: ${AUTHSERV}; dkim=none; dmarc=fail header.from=hanoi.gov.vn`,
        // Written by the sender before sending.
        `Authentication-Results: ${AUTHSERV}; spf=pass smtp.mailfrom=hanoi.gov.vn; dkim=pass header.d=hanoi.gov.vn; dmarc=pass header.from=hanoi.gov.vn`,
      ],
      "below@example.com",
    );
    expect(outcome).toMatchObject({ kind: "refused", reason: "not-authenticated" });
    expect(bookings).toBeNull();
    expect(outbox.filter((m) => m.channel === "mail")).toEqual([]);
  });

  it("ignores headers of any other authserv-id and verifies the mail itself (which fails unsigned)", async () => {
    const { outcome, bookings, inbound } = await run(
      [
        `Authentication-Results: ${AUTHSERV}.evil.example; spf=pass smtp.mailfrom=hanoi.gov.vn; dmarc=pass header.from=hanoi.gov.vn`,
        "Authentication-Results: mx.hanoi.gov; dmarc=pass header.from=hanoi.gov.vn",
      ],
      "other-id@example.com",
    );
    expect(outcome).toMatchObject({ kind: "refused", reason: "not-authenticated" });
    expect(bookings).toBeNull();
    // No trusted header: the desk's own DKIM/DMARC check decided.
    expect(inbound?.detail).toMatch(/dmarc-fail \(verified\)/);
  });

  it("refuses a DMARC pass the boundary reports for another domain", async () => {
    const { outcome, bookings, inbound } = await run(
      [
        `Authentication-Results: ${AUTHSERV}; dkim=pass header.d=evil.example; dmarc=pass header.from=evil.example`,
      ],
      "other-domain@evil.example",
    );
    expect(outcome).toMatchObject({ kind: "refused", reason: "not-authenticated" });
    expect(bookings).toBeNull();
    expect(inbound?.detail).toContain("other-domain");
  });
});

describe("RFC 8601 parsing", () => {
  it("reads comments, versions, quoted values and folded lines", () => {
    const parsed = parseAuthResults(
      `"${AUTHSERV}" 1; (the boundary)\r\n spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=a@hanoi.gov.vn;\r\n dkim=pass header.d=hanoi.gov.vn header.s="sel; 1";\r\n dmarc = pass (p=reject dis=none) header.from=Hanoi.Gov.VN`,
    );
    expect(parsed?.authservId).toBe(AUTHSERV);
    expect(parsed?.results.map((r) => [r.method, r.result])).toEqual([
      ["spf", "pass"],
      ["dkim", "pass"],
      ["dmarc", "pass"],
    ]);
    expect(parsed?.results[1]?.props["header.s"]).toBe("sel; 1");
    expect(
      parseTrustedAuthResults(
        [`${AUTHSERV}; dmarc=pass (comment; dmarc=fail) header.from=hanoi.gov.vn`],
        AUTHSERV,
        FROM,
      ),
    ).toMatchObject({ authenticated: true, via: "header" });
  });

  it("does not let a comment or a second DMARC result smuggle a pass", () => {
    const verdict = (v: string) => parseTrustedAuthResults([v], AUTHSERV, FROM)?.authenticated;
    expect(
      verdict(`${AUTHSERV}; dmarc=fail (dmarc=pass header.from=hanoi.gov.vn) header.from=hanoi.gov.vn`),
    ).toBe(false);
    expect(
      verdict(`${AUTHSERV}; dmarc=pass header.from=hanoi.gov.vn; dmarc=fail header.from=hanoi.gov.vn`),
    ).toBe(false);
    expect(verdict(`${AUTHSERV}; none`)).toBe(false);
    // No header from the boundary at all: nothing to trust, the caller verifies itself.
    expect(
      parseTrustedAuthResults([`x.example; dmarc=pass header.from=hanoi.gov.vn`], AUTHSERV, FROM),
    ).toBeNull();
    // Without a configured authserv-id no header is trusted.
    expect(
      parseTrustedAuthResults([`${AUTHSERV}; dmarc=pass header.from=hanoi.gov.vn`], null, FROM),
    ).toBeNull();
  });
});

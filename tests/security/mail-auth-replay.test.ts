/**
 * Threat: a genuine, DKIM-signed mail of an agency is taken and sent to the desk again with new headers. DKIM
 * verifies a header field from the bottom up, so fields put ON TOP of the signed ones leave the signature valid,
 * while the desk's parser reads the topmost: a new Subject «Hủy lịch họp HTT-…», a new Message-ID (past the
 * desk's deduplication) and a new Date (which «ngày mai» is read against). A signer that never signed Date and
 * Message-ID lets the same mail be replayed with new ones as often as one likes. The agency never asked.
 */
import { describe, expect, it } from "vitest";
import { checkAuthenticity, verifyMail } from "../../src/mail/authenticity.js";
import { makeDesk } from "../helpers.js";
import { template } from "../support/service.js";
import { AUTHSERV, authDesk, DkimKey, NOW, rawMail, StubDns } from "./mail-auth-support.js";

const FROM = "vanthu.sct@hanoi.gov.vn";
const b64 = (s: string) => `=?utf-8?b?${Buffer.from(s).toString("base64")}?=`;

function world() {
  const dns = new StubDns();
  dns.dmarc("hanoi.gov.vn", "v=DMARC1; p=reject");
  return dns;
}

/** Header lines put on top of a raw (signed) mail, as anyone relaying it can. */
const onTop = (raw: Buffer, lines: string[]) =>
  Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n`), raw]);

describe("a signed mail replayed with new headers is not the agency's", () => {
  it("a new Message-ID (or Subject, Date) put on top of a genuine booking does not book it a second time", async () => {
    const dns = world();
    const key = new DkimKey(dns, "hanoi.gov.vn");
    const genuine = await key.sign(rawMail({ id: "dat-lich@hanoi.gov.vn", from: FROM, body: template(1) }));
    const desk = await makeDesk();
    const mail = authDesk(desk, dns.resolve, null);
    expect(await mail.handle(genuine, NOW)).toMatchObject({ kind: "registered", code: "HTT-2026-0001" });

    const later = new Date(NOW.getTime() + 3600_000);
    for (const [i, extra] of [
      [],
      [`Subject: ${b64("Hủy lịch họp HTT-2026-0001")}`],
      ["Date: Tue, 08 Dec 2026 08:30:00 +0700"],
    ].entries()) {
      const replayed = onTop(genuine, [`Message-ID: <replay-${i}@evil.example>`, ...extra]);
      // The signature itself still verifies: only the desk can tell the added fields.
      expect(await mail.handle(replayed, later)).toMatchObject({
        kind: "refused",
        reason: "not-authenticated",
      });
    }
    const bookings = await desk.store.read((r) => r.bookings.list({}));
    expect(bookings.map((b) => [b.code, b.status])).toEqual([["HTT-2026-0001", "confirmed"]]);
  });

  it("a signature that leaves out Date and Message-ID does not vouch for a mail being new", async () => {
    const dns = world();
    const key = new DkimKey(dns, "hanoi.gov.vn");
    const bare = (id: string, date: string) =>
      Buffer.from(
        rawMail({ id, from: FROM, body: template(1) })
          .toString()
          .replace(/^Date: .*$/m, `Date: ${date}`),
      );
    const signed = await key.sign(
      bare("lan-1@hanoi.gov.vn", "Mon, 07 Dec 2026 08:30:00 +0700"),
      "From:To:Subject:MIME-Version:Content-Type:Content-Transfer-Encoding",
    );
    // The same signature over a copy with another Message-ID and Date: still valid.
    const sig = signed.toString().slice(0, signed.toString().indexOf("From: "));
    const replay = Buffer.from(
      sig + bare("lan-2@evil.example", "Tue, 08 Dec 2026 08:30:00 +0700").toString(),
    );
    for (const raw of [signed, replay]) {
      const verdict = await verifyMail(raw, FROM, { resolver: dns.resolve });
      expect(verdict).toMatchObject({ authenticated: false, reason: "headers-unsigned" });
    }
    // With Date and Message-ID signed (mailauth's default list, as mail servers sign) it passes.
    const full = await key.sign(bare("lan-3@hanoi.gov.vn", "Mon, 07 Dec 2026 08:30:00 +0700"));
    expect(await verifyMail(full, FROM, { resolver: dns.resolve })).toMatchObject({ authenticated: true });
  });

  it("a signature with l= covers only part of the body: what was added after it is not the agency's", async () => {
    const dns = world();
    const key = new DkimKey(dns, "hanoi.gov.vn");
    const plain = (body: string) =>
      Buffer.from(
        rawMail({ id: "l-tag@hanoi.gov.vn", from: FROM, body: "" })
          .toString()
          .replace("Content-Transfer-Encoding: base64", "Content-Transfer-Encoding: 8bit")
          .replace(/\r\n\r\n[\s\S]*$/, `\r\n\r\n${body}`),
      );
    const body = template(1).replace(/\n/g, "\r\n");
    const signed = await key.sign(plain(body), undefined, Buffer.byteLength(body));
    expect(await verifyMail(signed, FROM, { resolver: dns.resolve })).toMatchObject({ authenticated: true });
    const added = Buffer.concat([signed, Buffer.from("Đề nghị hủy lịch họp HTT-2026-0001.\r\n")]);
    expect(await verifyMail(added, FROM, { resolver: dns.resolve })).toMatchObject({
      authenticated: false,
      reason: "headers-unsigned",
    });
  });

  it("the boundary's verdict does not cover a second Subject either: a field RFC 5322 allows once", async () => {
    const raw = onTop(rawMail({ id: "mx@hanoi.gov.vn", from: FROM, body: template(1) }), [
      `Subject: ${b64("Hủy lịch họp HTT-2026-0001")}`,
    ]);
    const results = [`${AUTHSERV}; dkim=pass header.d=hanoi.gov.vn; dmarc=pass header.from=hanoi.gov.vn`];
    const verdict = await checkAuthenticity(raw, results, FROM, {
      authservId: AUTHSERV,
      resolver: world().resolve,
    });
    expect(verdict).toMatchObject({ authenticated: false, reason: "duplicate-header" });
  });
});

describe("a signed mail written to someone else speaks for its agency only there", () => {
  const booking = (to: string, extra: { cc?: string } = {}, body = template(1)) =>
    rawMail({ id: `gui-${to}-${extra.cc ?? ""}@hanoi.gov.vn`, from: FROM, to, ...extra, body });

  it("a genuine booking mail sent to another agency and re-sent to the desk books nothing, on either verdict path", async () => {
    const dns = world();
    const key = new DkimKey(dns, "hanoi.gov.vn");
    const elsewhere = await key.sign(booking("vanthu.syt@hanoi.gov.vn"));
    // The desk's own DKIM/DMARC check.
    const desk = await makeDesk();
    const own = authDesk(desk, dns.resolve, null);
    expect(await own.handle(elsewhere, NOW)).toMatchObject({ kind: "refused", reason: "not-authenticated" });
    // The boundary server's verdict: DMARC passed there too.
    const trusted = authDesk(desk, dns.resolve);
    const viaHeader = Buffer.concat([
      Buffer.from(`Authentication-Results: ${AUTHSERV}; dmarc=pass header.from=hanoi.gov.vn\r\n`),
      await key.sign(
        rawMail({ id: "qua-mx@hanoi.gov.vn", from: FROM, to: "vanthu.syt@hanoi.gov.vn", body: template(1) }),
      ),
    ]);
    expect(await trusted.handle(viaHeader, NOW)).toMatchObject({
      kind: "refused",
      reason: "not-authenticated",
    });
    expect(await desk.store.read((r) => r.bookings.list({}))).toEqual([]);
    // The technician is told why, in words that carry nothing from the mail. The real sender (DMARC shows who
    // wrote it) is told that its mail reached the desk without being addressed to it, and how to send it: a clerk
    // who put the desk in Bcc would otherwise wait for an answer that never comes.
    const out = await desk.store.read((r) => r.outbox.list({}));
    expect(out.map((m) => [m.channel, m.recipient, m.kind])).toEqual([
      ["desk", "mcu-technician", "mail-not-authenticated"],
      ["mail", FROM, "mail-not-addressed"],
      ["desk", "mcu-technician", "mail-not-authenticated"],
      ["mail", FROM, "mail-not-addressed"],
    ]);
    expect(String(out[0]!.payload.text)).toContain("không gửi tới hộp thư kỹ thuật");
    expect(String(out[0]!.payload.text)).toContain("hộp thư gửi đã được đề nghị gửi lại");
    const answer = String(out[1]!.payload.text);
    expect(answer).toContain("không gửi trực tiếp tới địa chỉ kythuat@hanoi.gov.vn");
    expect(answer).toContain("ghi địa chỉ kythuat@hanoi.gov.vn ở mục Người nhận hoặc Đồng gửi (Cc)");
    // Nothing the mail says is repeated in the answer.
    expect(answer).not.toMatch(/Sở Y tế|giao ban|HTT-/);
  });

  it("a mail not addressed to the desk from a mailbox of no agency, or a forged one, is still not answered", async () => {
    const dns = world();
    const key = new DkimKey(dns, "hanoi.gov.vn");
    const desk = await makeDesk();
    const own = authDesk(desk, dns.resolve, null);
    // Signed by the domain, but the mailbox belongs to no agency in the directory.
    const stranger = await key.sign(
      rawMail({
        id: "la@hanoi.gov.vn",
        from: "ai.do@hanoi.gov.vn",
        to: "vanthu.syt@hanoi.gov.vn",
        body: template(1),
      }),
    );
    expect(await own.handle(stranger, NOW)).toMatchObject({ kind: "refused", replied: false });
    // Not signed at all, and not addressed to the desk: DMARC fails first; nobody is answered.
    expect(await own.handle(booking("vanthu.syt@hanoi.gov.vn"), NOW)).toMatchObject({
      kind: "refused",
      replied: false,
    });
    const out = await desk.store.read((r) => r.outbox.list({}));
    expect(out.map((m) => m.channel)).toEqual(["desk", "desk"]);
  });

  it("the desk in Cc, or a configured alias in To, is addressed: the booking is registered", async () => {
    const dns = world();
    const key = new DkimKey(dns, "hanoi.gov.vn");
    const desk = await makeDesk();
    const mail = authDesk(desk, dns.resolve, null, ["hop.tructuyen@hanoi.gov.vn"]);
    const cc = await key.sign(booking("vanthu.syt@hanoi.gov.vn", { cc: "Kỹ thuật <KyThuat@hanoi.gov.vn>" }));
    expect(await mail.handle(cc, NOW)).toMatchObject({ kind: "registered", code: "HTT-2026-0001" });
    // Another session (the same one again would be answered as already registered, by design).
    const alias = await key.sign(
      booking("hop.tructuyen@hanoi.gov.vn", {}, template(2, undefined, "từ 14h00 đến 16h00 ngày 10/12/2026")),
    );
    expect(await mail.handle(alias, NOW)).toMatchObject({ kind: "registered" });
  });
});

describe("the boundary's DKIM pass counts for this mail only when the signature it names covers it", () => {
  /** A signed mail as the boundary MX stamped it: its DKIM result naming the signature by its first b= bytes. */
  async function stamped(opts: { headerList?: string; bodyLength?: boolean; spf?: string; b?: string }) {
    const dns = world();
    const key = new DkimKey(dns, "hanoi.gov.vn");
    const body = template(1).replace(/\n/g, "\r\n");
    const raw = rawMail({ id: `mx-${opts.headerList ?? "all"}@hanoi.gov.vn`, from: FROM, body: template(1) });
    const signed = await key.sign(
      raw,
      opts.headerList,
      opts.bodyLength ? Buffer.byteLength(body) : undefined,
    );
    const b =
      opts.b ?? /\bb=([A-Za-z0-9+/]{8})/.exec(signed.toString("latin1").replace(/\r\n[ \t]/g, ""))![1]!;
    const spf = opts.spf ? `spf=pass smtp.mailfrom=${opts.spf}; ` : "";
    const results = [
      `${AUTHSERV}; ${spf}dkim=pass header.d=hanoi.gov.vn header.s=desk2026 header.b=${b}; dmarc=pass header.from=hanoi.gov.vn`,
    ];
    // The boundary's verdict decides: a DNS that answers nothing shows no verification of our own is made.
    return checkAuthenticity(signed, results, FROM, {
      authservId: AUTHSERV,
      resolver: new StubDns().resolve,
    });
  }

  it("a signature over From, Subject, Date and Message-ID: authenticated (the control case)", async () => {
    expect(await stamped({})).toMatchObject({ authenticated: true, via: "header", reason: "pass" });
  });

  it("a signature without Date and Message-ID (replayable with new ones): refused", async () => {
    // It was authenticated on the boundary's dmarc=pass alone, though our own check refuses the same mail.
    expect(await stamped({ headerList: "From:Subject:To" })).toMatchObject({
      authenticated: false,
      via: "header",
      reason: "headers-unsigned",
    });
  });

  it("a signature with a body length (anyone may append after it): refused", async () => {
    expect(await stamped({ bodyLength: true })).toMatchObject({
      authenticated: false,
      reason: "headers-unsigned",
    });
  });

  it("a DKIM pass naming a signature the mail does not carry: refused", async () => {
    expect(await stamped({ b: "AAAAAAAA" })).toMatchObject({
      authenticated: false,
      reason: "headers-unsigned",
    });
  });

  it("an aligned SPF pass says the agency's server sent it now: authenticated, whatever the signature covers", async () => {
    expect(await stamped({ headerList: "From:Subject:To", spf: "vanthu.sct@hanoi.gov.vn" })).toMatchObject({
      authenticated: true,
      reason: "pass",
    });
    // An SPF pass for another domain's envelope sender does not stand in for it.
    expect(await stamped({ headerList: "From:Subject:To", spf: "bounce@mailer.example.com" })).toMatchObject({
      authenticated: false,
      reason: "headers-unsigned",
    });
  });
});

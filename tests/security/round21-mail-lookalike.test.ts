/**
 * Round 21, the mailbox: a refusal names the sender's address for the technicians. A look-alike of an official
 * mailbox («vanthu.sct@hanoı.gov.vn», dotless ı; «vаnthu.sct@hanoi.gov.vn», Cyrillic а) read exactly like the real
 * one there: «Hòm thư vanthu.sct@hanoı.gov.vn không phải hòm thư công vụ đã đăng ký…» invites a technician to add it
 * to the directory as the agency's. It is now spelled out, code point by code point, and called a possible fake.
 */
import { describe, expect, it } from "vitest";
import { mailboxShown } from "../../src/core/text/mailbox.js";
import { makeDesk, sampleDirectory } from "../helpers.js";
import { template } from "../support/service.js";
import { AUTHSERV, authDesk, NOW, rawMail, StubDns } from "./mail-auth-support.js";

const passFor = (domain: string) =>
  `Authentication-Results: ${AUTHSERV}; spf=pass smtp.mailfrom=${domain}; dkim=pass header.d=${domain}; dmarc=pass header.from=${domain}`;

async function refusalNotice(from: string, domain: string, id: string): Promise<string> {
  const desk = await makeDesk();
  await desk.store.tx((r) => r.directory.replaceAll(sampleDirectory));
  const dns = new StubDns();
  const mailDesk = authDesk(desk, dns.resolve);
  const out = await mailDesk.handle(rawMail({ id, from, body: template(1), top: [passFor(domain)] }), NOW);
  expect(out).toMatchObject({ kind: "refused", reason: "not-official-sender" });
  const notices = (await desk.store.read((r) => r.outbox.list())).filter((m) => m.channel === "desk");
  expect(notices).toHaveLength(1);
  return String((notices[0]!.payload as { text: string }).text);
}

describe("round 21: a look-alike of an official mailbox in a refusal", () => {
  it("a dotless ı in the domain is spelled out and called a possible fake", async () => {
    const text = await refusalNotice("vanthu.sct@hanoı.gov.vn", "xn--hano-hwa.gov.vn", "r21-1@x");
    expect(text).toContain("vanthu.sct@hano[U+0131].gov.vn");
    expect(text).toContain("có thể là địa chỉ giả dạng hòm thư công vụ");
  });

  it("a Cyrillic а in the name of a mailbox on the official domain too", async () => {
    const text = await refusalNotice("vаnthu.sct@hanoi.gov.vn", "hanoi.gov.vn", "r21-2@x");
    expect(text).toContain("v[U+0430]nthu.sct@hanoi.gov.vn");
    expect(text).toContain("giả dạng");
  });

  it("a plain outsider's address is named as it is, with no warning", async () => {
    const text = await refusalNotice("ai.do@gmail.com", "gmail.com", "r21-3@x");
    expect(text).toContain("Hòm thư ai.do@gmail.com không phải hòm thư công vụ");
    expect(text).not.toContain("giả dạng");
  });

  it("zero-width and fullwidth characters are named as well", () => {
    expect(mailboxShown("vanthu.sct@hanoi.gov.vn\u200b")).toContain("hanoi.gov.vn[U+200B]");
    expect(mailboxShown("vanthu.sct@ｈanoi.gov.vn")).toContain("@[U+FF48]anoi.gov.vn");
  });
});

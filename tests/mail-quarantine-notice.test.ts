/**
 * A quarantined mail (too large, unreadable, no sender) is announced to the technicians with what finds it in the
 * mailbox: when it arrived and was sent, its size and its Message-ID without the host. Never its sender, subject or
 * Message-ID host: they can name a secret session's host agency or its content.
 */
import { describe, expect, it } from "vitest";
import { MailDesk, quarantineNotice } from "../src/app/mail-desk.js";
import { readHead } from "../src/mail/head.js";
import { makeDesk, sampleDirectory } from "./helpers.js";
import { offlineDns, TEST_AUTHSERV_ID } from "./support/service.js";

const now = new Date("2026-12-07T02:05:00Z");
const HEADER = [
  "From: Văn thư Sở Y tế <vanthu.syt@hanoi.gov.vn>",
  "To: kythuat@hanoi.gov.vn",
  "Subject: =?UTF-8?B?SOG7jXAgbeG6rXQgduG7gSBk4buLY2ggYuG7h25o?=",
  "Date: Mon, 07 Dec 2026 08:59:30 +0700",
  "Message-ID:",
  " <CAF7x-91kQ.4711@mail.soyte.hanoi.gov.vn>",
  "MIME-Version: 1.0",
  "Content-Type: text/plain; charset=utf-8",
].join("\r\n");
const LEAKS = ["SOG7jXAg", "soyte", "vanthu.syt", "Sở Y tế", "mật", "hanoi.gov.vn"];

async function desk() {
  const d = await makeDesk();
  await d.store.tx((r) => r.directory.replaceAll(sampleDirectory));
  return {
    d,
    mailDesk: new MailDesk(d, {
      own: { addresses: ["kythuat@hanoi.gov.vn"], messageIdDomain: "desk.hanoi.gov.vn" },
      officialDomains: ["hanoi.gov.vn"],
      requireAuth: true,
      authservId: TEST_AUTHSERV_ID,
      resolver: offlineDns,
      maxBytes: 64 * 1024,
      replyCapPerSender: 1000,
      replyCapPerBooking: 1000,
    }),
  };
}

const groupTexts = async (d: Awaited<ReturnType<typeof desk>>["d"]) =>
  (await d.store.read((r) => r.outbox.list()))
    .filter((m) => m.kind === "mail-quarantined")
    .map((m) => String((m.payload as { groupText?: string }).groupText));

const notices = async (d: Awaited<ReturnType<typeof desk>>["d"]) =>
  (await d.store.read((r) => r.outbox.list()))
    .filter((m) => m.kind === "mail-quarantined")
    .map((m) => String((m.payload as { text: string }).text));

describe("the notice of a quarantined mail", () => {
  it("an oversized mail: arrival and sending time, size, Message-ID without its host, the hash key; no sender or subject", async () => {
    const { d, mailDesk } = await desk();
    const raw = Buffer.from(`${HEADER}\r\n\r\n${"Nội dung rất dài. ".repeat(8000)}`);
    const out = await mailDesk.handle(raw, now);
    expect(out.kind).toBe("quarantined");
    const [text] = await notices(d);
    expect(text).toContain("nhận lúc 09:05 Thứ Hai, 07/12/2026");
    expect(text).toContain("ghi gửi lúc 08:59 Thứ Hai, 07/12/2026");
    expect(text).toContain("Message-ID <CAF7x-91kQ.4711@…>");
    expect(text).toMatch(/mã lưu sha256:[0-9a-f]{16}…/);
    expect(text).toContain("thư quá lớn");
    for (const leak of LEAKS) expect(text).not.toContain(leak);
    // What the group reads when nobody on duty can be reached in private (src/bot/delivery.ts): that a mail
    // waits, and when it came; not its Message-ID, size, hash or reason.
    const [group] = await groupTexts(d);
    expect(group).toBe(
      "Một thư nhận lúc 09:05 Thứ Hai, 07/12/2026 không xử lý tự động được và đã được cách ly; cán bộ kỹ thuật xem danh sách thư cách ly trên máy chủ bàn trực bằng lệnh `npm run cli -- mail quarantine`.",
    );
  });

  it("a mail without a sender is keyed by its Message-ID, which the notice still shows without the host", async () => {
    const { d, mailDesk } = await desk();
    const raw = Buffer.from(`${HEADER.replace(/^From:.*\r\n/m, "")}\r\n\r\nĐăng ký họp.`);
    expect((await mailDesk.handle(raw, now)).kind).toBe("quarantined");
    const [text] = await notices(d);
    expect(text).toContain("Message-ID <CAF7x-91kQ.4711@…>");
    expect(text).not.toContain("mã lưu");
    for (const leak of LEAKS) expect(text).not.toContain(leak);
  });

  it("garbage in the header shows nothing of it", () => {
    expect(readHead(Buffer.from("\r\n\r\n\x00\x01 rác"))).toEqual({ messageId: null, sent: null });
    expect(readHead(Buffer.from("Message-ID: <a b@x>\r\nDate: hôm qua\r\n\r\nx"))).toEqual({
      messageId: null,
      sent: null,
    });
    const text = quarantineNotice(
      "sha256:00",
      "không đọc được thư",
      Buffer.from("x"),
      now,
      "Asia/Ho_Chi_Minh",
    );
    expect(text).toContain("Message-ID (không có)");
    expect(text).not.toContain("ghi gửi lúc");
  });
});

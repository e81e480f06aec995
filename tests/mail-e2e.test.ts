import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers.js";
import { useMailServers } from "./support/mail-servers.js";
import { mail, startService, TEST_AUTHSERV_ID, template } from "./support/service.js";

const NOW = new Date("2026-12-07T01:35:00Z"); // Monday 08:35 in Hanoi
const FIXTURES = join(import.meta.dirname, "fixtures/mail");

describe("mail channel against a real Dovecot and SMTP server", () => {
  const { dovecot, sink } = useMailServers();

  it("answers a booking in its thread, flags it processed, and handles a reply that changes it", async () => {
    const { service } = await startService(dovecot, sink, tempDir(), NOW);
    try {
      // The boundary MX stamps its DMARC verdict on top of the saved mail, as it does in production.
      const stamp = `Authentication-Results: ${TEST_AUTHSERV_ID}; dmarc=pass header.from=hanoi.gov.vn\r\n`;
      await dovecot.append(
        Buffer.concat([Buffer.from(stamp), readFileSync(join(FIXTURES, "s01-template.eml"))]),
      );
      await sink.waitFor(1);
      const reply = sink.messages[0]!.parsed;
      expect(reply.inReplyTo).toBe("<s01-template.sample@hanoi.gov.vn>");
      expect(reply.subject).toBe("Re: Đăng ký lịch họp trực tuyến [HTT-2026-0001]");
      expect(reply.headers.get("auto-submitted")).toBe("auto-replied");
      expect(reply.headers.get("x-auto-response-suppress")).toBe("All");
      expect(reply.to && "text" in reply.to ? reply.to.text : "").toContain("vanthu.sct@hanoi.gov.vn");
      expect(reply.text).toContain("Lịch họp HTT-2026-0001: ĐÃ XÁC NHẬN.");
      const ics = reply.attachments.find((a) => a.contentType.startsWith("text/calendar"));
      expect(ics?.content.toString()).toMatch(
        /METHOD:REQUEST[\s\S]*UID:HTT-2026-0001@kythuat\.hanoi\.gov\.vn[\s\S]*SEQUENCE:1/,
      );
      const flags = await dovecot.flags();
      expect([...flags.values()][0]).toEqual(expect.arrayContaining(["\\Seen", "$Processed"]));

      // The clerk answers in the thread: move to 15h00, same day.
      await dovecot.append(
        mail({
          id: "doi-gio@hanoi.gov.vn",
          body: "Đề nghị đổi giờ sang 15h00.\n\nVào 08:35 Kỹ thuật đã viết:\n> Lịch họp HTT-2026-0001: ĐÃ XÁC NHẬN.",
          subject: reply.subject,
          headers: {
            "In-Reply-To": reply.messageId!,
            References: `<s01-template.sample@hanoi.gov.vn> ${reply.messageId}`,
          },
        }),
      );
      await sink.waitFor(2);
      const changed = sink.messages[1]!.parsed;
      expect(changed.inReplyTo).toBe("<doi-gio@hanoi.gov.vn>");
      expect(changed.text).toContain("15:00–17:00 Thứ Năm, 10/12/2026");
      const ics2 =
        changed.attachments.find((a) => a.contentType.startsWith("text/calendar"))?.content.toString() ?? "";
      expect(ics2).toMatch(/UID:HTT-2026-0001@kythuat\.hanoi\.gov\.vn/);
      expect(Number(/SEQUENCE:(\d+)/.exec(ics2)?.[1])).toBeGreaterThan(1);

      // A stranger in the official domain is refused politely; the cancel from the agency withdraws the invite.
      await dovecot.append(mail({ id: "la@hanoi.gov.vn", from: "nguoi.la@hanoi.gov.vn", body: template(9) }));
      await sink.waitFor(3);
      expect(sink.messages[2]!.parsed.text).toContain("không phải hòm thư công vụ đã đăng ký");
      await dovecot.append(
        mail({ id: "huy@hanoi.gov.vn", body: "Hủy lịch họp này.", subject: `Re: Đăng ký [HTT-2026-0001]` }),
      );
      await sink.waitFor(4);
      const cancel = sink.messages[3]!.parsed;
      expect(cancel.text).toContain("ĐÃ HỦY");
      expect(
        cancel.attachments.find((a) => a.contentType.startsWith("text/calendar"))?.content.toString(),
      ).toContain("METHOD:CANCEL");
      // Strangers outside the official domains get nothing back.
      await dovecot.append(
        mail({ id: "spam@example.com", from: "ban.hang@example.com", body: template(10) }),
      );
      await new Promise((r) => setTimeout(r, 1500));
      expect(sink.messages).toHaveLength(4);
    } finally {
      await service.stop();
    }
  });
});

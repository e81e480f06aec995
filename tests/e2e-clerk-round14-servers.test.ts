import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers.js";
import { useMailServers } from "./support/mail-servers.js";
import { inviteOf } from "./support/servers.js";
import { mail, startService, TEST_AUTHSERV_ID } from "./support/service.js";

// The fourteenth clerk round through the running desk: Dovecot, the service, the SMTP sink. An Outlook mail in HTML
// alone with the Giấy mời attached, naming where the session is hosted; then a reply moving the host endpoint.

const NOW = new Date("2026-12-07T01:35:00Z"); // Monday 08:35 in Hanoi

/** An Outlook registration: HTML only (a table of the fields), the Giấy mời as a PDF attachment. */
function outlookMail(id: string): Buffer {
  const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64").replace(/.{76}/g, "$&\r\n");
  const html = `<html><head><meta charset="utf-8"></head><body><p>Kính gửi Trung tâm,</p><p>Sở Công Thương đăng ký họp trực tuyến như sau:</p><table border="1"><tr><td>Nội dung</td><td>Kiểm tra công tác phòng cháy chữa cháy chợ Ngọc Hà</td></tr><tr><td>Thời gian</td><td>Từ 9h00 đến 11h00 ngày 10/12/2026</td></tr><tr><td>Điểm cầu chủ trì</td><td>Hội trường UBND phường Ngọc Hà</td></tr><tr><td>Điểm cầu tham dự</td><td>UBND phường Láng</td></tr><tr><td>Liên hệ</td><td>Lâm Thị Ngọc, 0983210456</td></tr></table><p>(Giấy mời gửi kèm)</p><p>Trân trọng.</p></body></html>`;
  const pdf = Buffer.from("%PDF-1.4\n% Giay moi\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
  const from = "vanthu.sct@hanoi.gov.vn";
  return Buffer.from(
    [
      `Authentication-Results: ${TEST_AUTHSERV_ID}; dmarc=pass header.from=hanoi.gov.vn`,
      `From: Văn thư <${from}>`,
      "To: kythuat@hanoi.gov.vn",
      `Subject: =?utf-8?b?${b64("Đăng ký lịch họp trực tuyến kiểm tra PCCC")}?=`,
      "Date: Mon, 07 Dec 2026 08:30:00 +0700",
      `Message-ID: <${id}>`,
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="b1"',
      "X-Mailer: Microsoft Outlook 16.0",
      "",
      "--b1",
      'Content-Type: text/html; charset="utf-8"',
      "Content-Transfer-Encoding: base64",
      "",
      b64(html),
      "--b1",
      'Content-Type: application/pdf; name="Giay moi.pdf"',
      'Content-Disposition: attachment; filename="Giay moi.pdf"',
      "Content-Transfer-Encoding: base64",
      "",
      b64(pdf),
      "--b1--",
      "",
    ].join("\r\n"),
  );
}

describe("a host endpoint named and moved, through Dovecot and the SMTP sink", () => {
  const { dovecot, sink } = useMailServers();

  it("an Outlook HTML mail naming «Điểm cầu chủ trì», then «đổi điểm cầu chủ trì sang …»: answers and invites say where", async () => {
    const { service } = await startService(dovecot, sink, tempDir(), NOW);
    try {
      const ics = (n: number) => inviteOf(sink.messages[n]!.parsed);
      await dovecot.append(outlookMail("dk14@hanoi.gov.vn"));
      await sink.waitFor(1);
      const first = sink.messages[0]!.parsed.text ?? "";
      expect(first).toContain("Lịch họp HTT-2026-0001: ĐÃ XÁC NHẬN.");
      expect(first).toContain("Thời gian: 09:00–11:00 Thứ Năm, 10/12/2026.");
      expect(first).toContain("Điểm cầu chủ trì: Phường Ngọc Hà (CX-00008).");
      expect(first).toContain("Điểm cầu (2): Phường Ngọc Hà (CX-00008); Phường Láng (CX-00199).");
      expect(ics(0)).toContain("DTSTART:20261210T020000Z");
      expect(ics(0)).toContain("LOCATION:Phường Ngọc Hà");

      const answer = sink.messages[0]!.parsed;
      const refs = [...[answer.references ?? []].flat(), answer.messageId!].join(" ");
      await dovecot.append(
        mail({
          id: "r14@hanoi.gov.vn",
          subject: `RE: ${answer.subject}`,
          body: `Đề nghị đổi điểm cầu chủ trì sang UBND phường Giảng Võ do hội trường phường Ngọc Hà đang sửa chữa.\n\nFrom: Bàn kỹ thuật <kythuat@hanoi.gov.vn>\nSent: Monday, December 7, 2026 8:40 AM\nSubject: ${answer.subject}\n\n${answer.text}`,
          headers: { "In-Reply-To": answer.messageId!, References: refs },
        }),
      );
      await sink.waitFor(2);
      const second = sink.messages[1]!.parsed.text ?? "";
      expect(second).toContain(
        "Đã cập nhật theo thư: điểm cầu chủ trì từ Phường Ngọc Hà (CX-00008) sang Phường Giảng Võ (CX-00025).",
      );
      expect(second).toContain("Điểm cầu (2): Phường Giảng Võ (CX-00025); Phường Láng (CX-00199).");
      expect(ics(1)).toContain("SEQUENCE:2");
      expect(ics(1)).toContain("LOCATION:Phường Giảng Võ");
      const b = await service.desk.store.read((r) => r.bookings.get("HTT-2026-0001"));
      expect(b).toMatchObject({ status: "confirmed", hostEndpoint: "CX-00025" });
    } finally {
      await service.stop();
    }
  });
});

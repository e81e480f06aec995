import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers.js";
import { useMailServers } from "./support/mail-servers.js";
import { inviteOf } from "./support/servers.js";
import { mail, startService } from "./support/service.js";

// The clerk's day against the real parts (Dovecot, the SMTP sink, the service): a question that is no booking, a
// booking signed at the bottom, then a reply that moves only its end. What reaches the clerk's mailbox is checked,
// the invite's hours included.

const NOW = new Date("2026-11-30T02:10:00Z"); // Monday 09:10 in Hanoi

const ics = inviteOf;

describe("a clerk's mails through the running desk", () => {
  const { dovecot, sink } = useMailServers();

  it("a question is answered as no booking; a signed booking is confirmed; «kéo dài đến 12h00» moves the end", async () => {
    const { service } = await startService(dovecot, sink, tempDir(), NOW);
    try {
      await dovecot.append(
        mail({
          id: "hoi@hanoi.gov.vn",
          subject: "Hỏi thủ tục",
          body: "Xin hỏi thủ tục đăng ký thêm điểm cầu mới cho Sở thế nào ạ?",
        }),
      );
      await sink.waitFor(1);
      const question = sink.messages[0]!.parsed;
      expect(question.inReplyTo).toBe("<hoi@hanoi.gov.vn>");
      expect(question.text).toContain("không phải là đăng ký lịch họp");
      expect(question.subject).not.toMatch(/HTT-/);
      expect(ics(question)).toBe("");

      await dovecot.append(
        mail({
          id: "dang-ky@hanoi.gov.vn",
          body: "Kính gửi Trung tâm Tin học - Công báo,\nSở Công Thương đăng ký họp trực tuyến với UBND phường Ngọc Hà, P. Ba Đình.\nThời gian: 9h00 thứ Năm ngày 10/12/2026.\nNội dung: Giao ban tháng 12.\n\nTrân trọng,\nNguyễn Văn An\nVăn phòng Sở Công Thương\nĐT: 024 3825 1234 - DĐ: 0912 345 678",
        }),
      );
      await sink.waitFor(2);
      const booked = sink.messages[1]!.parsed;
      expect(booked.text).toContain("Lịch họp HTT-2026-0001: ĐÃ XÁC NHẬN.");
      expect(booked.text).toContain("Đầu mối liên hệ: Nguyễn Văn An, 0912345678.");
      expect(ics(booked)).toMatch(/DTSTART:20261210T020000Z[\s\S]*DTEND:20261210T040000Z/);

      await dovecot.append(
        mail({
          id: "keo-dai@hanoi.gov.vn",
          subject: booked.subject!,
          body: "Bổ sung: thời gian họp kéo dài đến 12h00.\n\nVào 09:10 Kỹ thuật đã viết:\n> Lịch họp HTT-2026-0001: ĐÃ XÁC NHẬN.",
          headers: {
            "In-Reply-To": booked.messageId!,
            References: `<dang-ky@hanoi.gov.vn> ${booked.messageId}`,
          },
        }),
      );
      await sink.waitFor(3);
      const longer = sink.messages[2]!.parsed;
      expect(longer.text).toContain("Thời gian: 09:00–12:00 Thứ Năm, 10/12/2026.");
      expect(ics(longer)).toMatch(/DTSTART:20261210T020000Z[\s\S]*DTEND:20261210T050000Z/);
    } finally {
      await service.stop();
    }
  });
});

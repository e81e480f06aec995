import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers.js";
import { useMailServers } from "./support/mail-servers.js";
import { inviteOf } from "./support/servers.js";
import { mail, startService } from "./support/service.js";

// The thirteenth clerk round through the running desk: Dovecot, the service, the SMTP sink. One thread over a week
// of replies, each answering the desk's last mail as a mail client does, the desk's answer quoted below.

const NOW = new Date("2026-12-07T01:35:00Z"); // Monday 08:35 in Hanoi

const BOOK =
  "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Ngọc Hà, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.\nTrân trọng.";

describe("a booking's life in one thread, through Dovecot and the SMTP sink", () => {
  const { dovecot, sink } = useMailServers();

  it("a longer session, a second session, a cancellation and «đăng ký lại»: each invite updates its own event", async () => {
    const { service } = await startService(dovecot, sink, tempDir(), NOW);
    try {
      const ics = (n: number) => inviteOf(sink.messages[n]!.parsed);
      /** The clerk's reply to the desk's answer `n`, that answer quoted below as Outlook does. */
      const replyTo = async (n: number, id: string, text: string) => {
        const answer = sink.messages[n]!.parsed;
        const before = sink.messages.length;
        const refs = [...[answer.references ?? []].flat(), answer.messageId!].join(" ");
        await dovecot.append(
          mail({
            id,
            subject: `RE: ${answer.subject}`,
            body: `${text}\n\nFrom: Bàn kỹ thuật <kythuat@hanoi.gov.vn>\nSent: Monday, December 7, 2026 8:40 AM\nTo: vanthu.sct@hanoi.gov.vn\nSubject: ${answer.subject}\n\n${answer.text}`,
            headers: { "In-Reply-To": answer.messageId!, References: refs },
          }),
        );
        await sink.waitFor(before + 1);
      };

      await dovecot.append(mail({ id: "dk@hanoi.gov.vn", body: BOOK }));
      await sink.waitFor(1);
      expect(ics(0)).toContain("UID:HTT-2026-0001@");
      expect(ics(0)).toContain("SEQUENCE:1");

      // «kéo dài thêm 30 phút»: the same event, ending at 11:30 (it was an unknown endpoint «30 phút»).
      await replyTo(0, "r1@hanoi.gov.vn", "Sở xin kéo dài thêm 30 phút ạ.");
      expect(sink.messages[1]!.parsed.text).toContain("Thời gian: 09:00–11:30 Thứ Năm, 10/12/2026.");
      expect(ics(1)).toContain("UID:HTT-2026-0001@");
      expect(ics(1)).toContain("SEQUENCE:2");
      expect(ics(1)).toContain("DTEND:20261210T043000Z");

      // A second session registered in the same thread: its own event; the first stays as it was.
      await replyTo(
        1,
        "r2@hanoi.gov.vn",
        "Sở Công Thương đăng ký thêm một cuộc họp trực tuyến khác từ 14h00 đến 16h00 ngày 15/12/2026 với UBND phường Láng, nội dung: tập huấn phần mềm. Liên hệ Lâm Thị Ngọc 0983210456.",
      );
      expect(sink.messages[2]!.parsed.text).toContain("Lịch họp HTT-2026-0002: ĐÃ XÁC NHẬN.");
      expect(ics(2)).toContain("UID:HTT-2026-0002@");
      expect(ics(2)).toContain("SEQUENCE:1");
      const first = await service.desk.store.read((r) => r.bookings.get("HTT-2026-0001"));
      expect(first).toMatchObject({ status: "confirmed", sequence: 2 });

      // The first cancelled, in reply to its own last answer; then asked for again.
      await replyTo(1, "r3@hanoi.gov.vn", "Xin hủy cuộc họp.");
      expect(sink.messages[3]!.parsed.text).toContain(
        "Lịch họp HTT-2026-0001 (09:00–11:30 Thứ Năm, 10/12/2026) ĐÃ HỦY.",
      );
      expect(ics(3)).toContain("METHOD:CANCEL");
      expect(ics(3)).toContain("UID:HTT-2026-0001@");
      expect(ics(3)).toContain("SEQUENCE:3");
      await replyTo(3, "r4@hanoi.gov.vn", "Sở xin đăng ký lại lịch họp này ạ.");
      const again = sink.messages[4]!.parsed;
      // It got no answer at all.
      expect(again.text).toContain("Lịch họp HTT-2026-0003: ĐÃ XÁC NHẬN.");
      expect(again.text).toContain("Lịch họp HTT-2026-0001 đã hủy nên không khôi phục được");
      expect(again.text).toContain("Thời gian: 09:00–11:30 Thứ Năm, 10/12/2026.");
      expect(ics(4)).toContain("METHOD:REQUEST");
      expect(ics(4)).toContain("UID:HTT-2026-0003@");
      expect(sink.messages).toHaveLength(5);
      expect((await service.desk.store.read((r) => r.bookings.get("HTT-2026-0002")))?.status).toBe(
        "confirmed",
      );
    } finally {
      await service.stop();
    }
  });
});

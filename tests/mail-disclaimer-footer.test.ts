import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers.js";
import { useMailServers } from "./support/mail-servers.js";
import { mail, startService, template } from "./support/service.js";

// Điều 5.2 through the running desk (Dovecot, the service, the SMTP sink): an agency's mail system appends a
// disclaimer under every mail; it marks no session, while a mark in the booking itself still does.

const NOW = new Date("2026-12-07T01:35:00Z"); // Monday 08:35 in Hanoi
/** Two agencies' footers: one read as «mật» unclear (held for a technician), one as «tài liệu mật» (secret). */
const FOOTER_MAY =
  "\n\n________________________________\nEmail này có thể chứa thông tin mật, nếu nhận nhầm xin xoá thư và báo cho người gửi.\n";
const FOOTER =
  "\n\n________________________________\nThông tin trong thư này là tài liệu mật, chỉ dành cho người nhận. Nếu nhận nhầm, xin xoá thư.\n";

describe("an agency's disclaimer footer, through Dovecot and the SMTP sink", () => {
  const { dovecot, sink } = useMailServers();

  it("a booking under the footer is decided normally; one marked «Độ mật: Mật» in its body stays secret", async () => {
    const { service } = await startService(dovecot, sink, tempDir(), NOW);
    try {
      await dovecot.append(mail({ id: "chan-trang@hanoi.gov.vn", body: `${template(1)}${FOOTER_MAY}` }));
      await sink.waitFor(1);
      const open = sink.messages[0]!.parsed.text ?? "";
      // It was held for a technician: «có dấu hiệu nội dung mật nhưng chưa rõ».
      expect(open).toContain("Lịch họp HTT-2026-0001: ĐÃ XÁC NHẬN.");
      expect(open).toContain("Nội dung: Phiên họp số 1.");
      expect(open).not.toMatch(/nội dung mật|dấu hiệu/);
      const first = await service.desk.store.read((r) => r.bookings.get("HTT-2026-0001"));
      expect(first!.request).toMatchObject({ secret: false, secretUnsure: false });
      expect(first!.status).toBe("confirmed");

      await dovecot.append(
        mail({
          id: "do-mat@hanoi.gov.vn",
          body: `${template(2, undefined, "từ 14h00 đến 16h00 ngày 10/12/2026")}- Độ mật: Mật${FOOTER}`,
        }),
      );
      await sink.waitFor(2);
      const secret = sink.messages[1]!.parsed.text ?? "";
      expect(secret).toContain("Lịch họp HTT-2026-0002:");
      expect(secret).toContain("Phiên họp có nội dung mật");
      expect(secret).not.toContain("Phiên họp số 2");
      const second = await service.desk.store.read((r) => r.bookings.get("HTT-2026-0002"));
      expect(second!.request).toMatchObject({ secret: true, secretUnsure: false });

      await dovecot.append(
        mail({
          id: "chan-trang-2@hanoi.gov.vn",
          body: `${template(3, "UBND phường Giảng Võ", "từ 14h00 đến 16h00 ngày 11/12/2026")}${FOOTER}`,
        }),
      );
      await sink.waitFor(3);
      expect(sink.messages[2]!.parsed.text).toContain("Lịch họp HTT-2026-0003: ĐÃ XÁC NHẬN.");
      expect(sink.messages[2]!.parsed.text).toContain("Nội dung: Phiên họp số 3.");
    } finally {
      await service.stop();
    }
  });
});

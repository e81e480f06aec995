import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers.js";
import { useMailServers } from "./support/mail-servers.js";
import { mail, startService } from "./support/service.js";

// The eleventh clerk round through the running desk: Dovecot, the service, the SMTP sink. A cancellation that names
// the session by its day and content, not by its code.

const NOW = new Date("2026-12-07T01:35:00Z"); // Monday 08:35 in Hanoi

const FORM = (
  host: string,
  title: string,
  time: string,
  extra = "",
) => `Kính gửi: Trung tâm Tin học - Công báo

- Tên cơ quan chủ trì họp: ${host}
- Danh sách điểm cầu thành phần: UBND phường Ngọc Hà
- Thời gian đăng ký họp: ${time}
- Nội dung họp: ${title}
- Thông tin đầu mối liên hệ: Lâm Thị Ngọc, SĐT 0983 210 456
${extra}`;

const CANCEL = "Đề nghị hủy cuộc họp giao ban công tác tháng 12 ngày 10/12/2026 của Sở Công Thương.";
const SCT = "vanthu.sct@hanoi.gov.vn";
const SYT = "vanthu.syt@hanoi.gov.vn";

type Service = Awaited<ReturnType<typeof startService>>["service"];
const statusOf = async (service: Service, code: string) =>
  (await service.desk.store.read((r) => r.bookings.get(code)))?.status;

describe("a cancellation that names the session, not its code, through Dovecot and the SMTP sink", () => {
  const { dovecot, sink } = useMailServers();

  it("cancels the agency's one session with that day and content, and never another agency's", async () => {
    const { service } = await startService(dovecot, sink, tempDir(), NOW);
    try {
      await dovecot.append(
        mail({
          id: "gb@hanoi.gov.vn",
          body: FORM("Sở Công Thương", "Giao ban công tác tháng 12", "từ 9h00 đến 11h00 ngày 10/12/2026"),
        }),
      );
      await dovecot.append(
        mail({
          id: "khac@hanoi.gov.vn",
          body: FORM("Sở Công Thương", "Phiên họp số 2", "từ 14h00 đến 16h00 ngày 10/12/2026"),
        }),
      );
      await sink.waitFor(2);
      expect(sink.messages.map((m) => m.parsed.text?.split("\n")[0]).sort()).toEqual([
        "Lịch họp HTT-2026-0001: ĐÃ XÁC NHẬN.",
        "Lịch họp HTT-2026-0002: ĐÃ XÁC NHẬN.",
      ]);

      // Sở Y tế's mailbox names Sở Công Thương's session: it holds none of its own, nothing is cancelled.
      await dovecot.append(
        mail({ id: "syt-huy@hanoi.gov.vn", from: SYT, subject: "Hủy lịch họp", body: CANCEL }),
      );
      await sink.waitFor(3);
      const other = sink.messages[2]!.parsed;
      expect(JSON.stringify(other.to)).toContain(SYT);
      expect(other.text).toContain("chưa có lịch họp nào bị hủy");
      expect(other.text).not.toContain("HTT-2026-0001");
      expect(await statusOf(service, "HTT-2026-0001")).toBe("confirmed");

      // From Sở Công Thương's own mailbox, not in the booking's thread: the one session it describes is cancelled.
      await dovecot.append(
        mail({ id: "huy@hanoi.gov.vn", from: SCT, subject: "Hủy lịch họp", body: CANCEL }),
      );
      await sink.waitFor(4);
      const done = sink.messages[3]!.parsed;
      // It was answered with a list and «chưa có lịch họp nào bị hủy», the session left on the schedule.
      expect(done.text).toContain("Lịch họp HTT-2026-0001 (09:00–11:00 Thứ Năm, 10/12/2026) ĐÃ HỦY.");
      expect(done.text).toContain(
        "hủy lịch họp HTT-2026-0001 «Giao ban công tác tháng 12» của Sở Công Thương",
      );
      const ics = done.attachments.find((a) => a.contentType.startsWith("text/calendar"));
      expect(ics?.content.toString()).toContain("METHOD:CANCEL");
      expect(await statusOf(service, "HTT-2026-0001")).toBe("cancelled");
      expect(await statusOf(service, "HTT-2026-0002")).toBe("confirmed");
    } finally {
      await service.stop();
    }
  });
});

describe("a cancellation that names two sessions", () => {
  const { dovecot, sink } = useMailServers();

  it("two sessions with that content on that day: nothing cancelled, both listed; the hour then decides", async () => {
    const { service } = await startService(dovecot, sink, tempDir(), NOW);
    try {
      for (const [i, time] of [
        "từ 9h00 đến 11h00 ngày 10/12/2026",
        "từ 14h00 đến 16h00 ngày 10/12/2026",
      ].entries())
        await dovecot.append(
          mail({
            id: `gb${i}@hanoi.gov.vn`,
            body: FORM("Sở Công Thương", "Giao ban công tác tháng 12", time),
          }),
        );
      await sink.waitFor(2);
      await dovecot.append(mail({ id: "huy@hanoi.gov.vn", subject: "Hủy lịch họp", body: CANCEL }));
      await sink.waitFor(3);
      const asked = sink.messages[2]!.parsed;
      expect(asked.text).toContain("chưa có lịch họp nào bị hủy");
      expect(asked.text).toContain("Thư khớp với 2 lịch họp của Sở Công Thương:");
      expect(asked.text).toContain(
        "- HTT-2026-0001 (09:00–11:00 Thứ Năm, 10/12/2026): Giao ban công tác tháng 12",
      );
      expect(asked.text).toContain(
        "- HTT-2026-0002 (14:00–16:00 Thứ Năm, 10/12/2026): Giao ban công tác tháng 12",
      );
      expect(await statusOf(service, "HTT-2026-0001")).toBe("confirmed");
      expect(await statusOf(service, "HTT-2026-0002")).toBe("confirmed");

      await dovecot.append(
        mail({
          id: "huy-chieu@hanoi.gov.vn",
          subject: "Hủy lịch họp",
          body: "Đề nghị hủy cuộc họp giao ban công tác tháng 12 lúc 14h00 ngày 10/12/2026.",
        }),
      );
      await sink.waitFor(4);
      expect(sink.messages[3]!.parsed.text).toContain(
        "Lịch họp HTT-2026-0002 (14:00–16:00 Thứ Năm, 10/12/2026) ĐÃ HỦY.",
      );
      expect(await statusOf(service, "HTT-2026-0001")).toBe("confirmed");
      expect(await statusOf(service, "HTT-2026-0002")).toBe("cancelled");
    } finally {
      await service.stop();
    }
  });
});

describe("a cancellation that names a secret session", () => {
  const { dovecot, sink } = useMailServers();

  it("a secret session is cancelled the same way, its content written back nowhere (Điều 5.2)", async () => {
    const { service } = await startService(dovecot, sink, tempDir(), NOW);
    try {
      await dovecot.append(
        mail({
          id: "mat@hanoi.gov.vn",
          body: FORM(
            "Sở Công Thương",
            "Giao ban công tác tháng 12",
            "từ 9h00 đến 11h00 ngày 10/12/2026",
            "- Độ mật: Mật\n",
          ),
        }),
      );
      await sink.waitFor(1);
      await dovecot.append(mail({ id: "huy@hanoi.gov.vn", subject: "Hủy lịch họp", body: CANCEL }));
      await sink.waitFor(2);
      const done = sink.messages[1]!.parsed;
      expect(done.text).toContain("Lịch họp HTT-2026-0001 (09:00–11:00 Thứ Năm, 10/12/2026) ĐÃ HỦY.");
      expect(done.text).not.toMatch(/giao ban/i);
      expect(await statusOf(service, "HTT-2026-0001")).toBe("cancelled");
      // Nothing the desk wrote about it (answers, copies, the group's line) carries its content.
      const all = await service.desk.store.read((r) => r.outbox.list({ booking: "HTT-2026-0001" }));
      expect(all.map((m) => String(m.payload.text)).join("\n")).not.toMatch(/giao ban/i);
    } finally {
      await service.stop();
    }
  });
});

describe("the day of a session far from «họp», through Dovecot and the SMTP sink", () => {
  const { dovecot, sink } = useMailServers();

  it("is said back when no hour is given, and booked when one is, past a deadline nearer the hour", async () => {
    const { service } = await startService(dovecot, sink, tempDir(), NOW);
    try {
      await dovecot.append(
        mail({
          id: "xa@hanoi.gov.vn",
          body: "Kính gửi Trung tâm,\nSở Công Thương đề nghị hỗ trợ họp trực tuyến giao ban công tác chuyên đề về chuyển đổi số với UBND phường Ngọc Hà ngày 10/12/2026.\nLiên hệ: Lâm Thị Ngọc, 0983 210 456.\nTrân trọng.",
        }),
      );
      await sink.waitFor(1);
      // It was asked for «thời gian họp» with no word that the day had been read.
      expect(sink.messages[0]!.parsed.text).toContain(
        "Lưu ý: đã hiểu ngày họp là Thứ Năm, 10/12/2026 nhưng chưa rõ giờ bắt đầu; đề nghị trả lời thư này ghi giờ bắt đầu và giờ kết thúc, ví dụ «8h00 đến 10h00».",
      );

      await dovecot.append(
        mail({
          id: "han@hanoi.gov.vn",
          body: "Kính gửi Trung tâm,\nSở Công Thương tổ chức họp trực tuyến giao ban với UBND phường Ngọc Hà lúc 9h00, đề nghị các đơn vị gửi báo cáo trước ngày 08/12/2026; cuộc họp diễn ra ngày 10/12/2026.\nLiên hệ: Lâm Thị Ngọc, 0983 210 456.\nTrân trọng.",
        }),
      );
      await sink.waitFor(2);
      // It was booked on the deadline, Tuesday 08/12/2026.
      expect(sink.messages[1]!.parsed.text).toContain("Thời gian: 09:00–11:00 Thứ Năm, 10/12/2026.");
    } finally {
      await service.stop();
    }
  });
});

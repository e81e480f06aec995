import { describe, expect, it } from "vitest";
import { makeDesk, tempDir } from "./helpers.js";
import { CLERK_DATE, CLERK_NOW, lastAnswer, mailAnswers, mailDeskOf } from "./support/mail-desk.js";
import { useMailServers } from "./support/mail-servers.js";
import { mail, startService } from "./support/service.js";

// Round 21's mails through the mail desk as clerks send them (sent Monday 30/11/2026 09:00, handled 09:10): what
// each clerk reads back in the answer, and what the booking and its invite hold. Each case failed before its fix.

const DONG_ANH = "vanthu.donganh@hanoi.gov.vn";
const SYT = "vanthu.syt@hanoi.gov.vn";
const STP = "vanthu.stp@hanoi.gov.vn";

async function send(body: string, from: string) {
  const desk = await makeDesk();
  const outcome = await mailDeskOf(desk).handle(
    mail({ id: "r21@hanoi.gov.vn", body, from, date: CLERK_DATE }),
    CLERK_NOW,
  );
  const [booking] = await desk.store.read((r) => r.bookings.list({}));
  return { desk, outcome, booking: booking!, answer: await lastAnswer(desk) };
}

describe("the answer reads back the content without whom the session is with", () => {
  it("«họp trực tuyến khẩn về công tác ứng phó rét đậm rét hại với Sở Nông nghiệp và Môi trường lúc 15h chiều nay»", async () => {
    const { booking, answer } = await send(
      "UBND xã Đông Anh xin đăng ký họp trực tuyến khẩn về công tác ứng phó rét đậm rét hại với Sở Nông nghiệp và Môi trường lúc 15h chiều nay, dự kiến 1 tiếng. Liên hệ: Trần Văn Hùng 0912345678.",
      DONG_ANH,
    );
    expect(answer).toContain("Thời gian: 15:00–16:00 Thứ Hai, 30/11/2026.");
    expect(answer).toContain("Nội dung: công tác ứng phó rét đậm rét hại.\n");
    expect(answer).toContain(
      "Điểm cầu (2): Xã Đông Anh (CX-00454); Sở Nông nghiệp và Môi trường (SNNMT-01).",
    );
    expect(answer).toContain("Họp đột xuất, khẩn cấp: có.");
    // Five hours and fifty minutes ahead: short of Điều 12.2a's six, so a technician decides (as before).
    expect(booking.status).toBe("needs-review");
  });

  it("«về công tác phối hợp với Sở …» keeps its partner", async () => {
    const { answer } = await send(
      "UBND xã Đông Anh đăng ký họp trực tuyến về công tác phối hợp với Sở Nông nghiệp và Môi trường từ 9h00 đến 10h30 ngày 10/12/2026. Liên hệ: Trần Văn Hùng 0912345678.",
      DONG_ANH,
    );
    expect(answer).toContain("Nội dung: công tác phối hợp với Sở Nông nghiệp và Môi trường.");
    expect(answer).toContain("Thời gian: 09:00–10:30 Thứ Năm, 10/12/2026.");
  });
});

describe("units left out are not invited", () => {
  it("«với tất cả các xã, phường trừ phường Ba Đình»", async () => {
    const { booking, answer } = await send(
      "Kính gửi Trung tâm, Sở Y tế đăng ký họp trực tuyến với tất cả các xã, phường trừ phường Ba Đình về công tác tiêm chủng, từ 14h đến 16h30 ngày 11/12/2026. Liên hệ: Nguyễn Thị Mai 0912345678.",
      SYT,
    );
    expect(booking.status).toBe("confirmed");
    expect(booking.request.participants).not.toContain("CX-00004");
    expect(booking.request.participants).toContain("CX-00008");
    expect(answer).not.toContain("Phường Ba Đình");
    expect(answer).toContain("Thời gian: 14:00–16:30 Thứ Sáu, 11/12/2026.");
  });

  it("«Chi cục Văn thư - Lưu trữ Sở Nội vụ» attends: «trữ» is no «trừ»", async () => {
    const { booking, answer } = await send(
      "Sở Y tế đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với Chi cục Văn thư - Lưu trữ Sở Nội vụ, nội dung: số hóa hồ sơ bệnh án. Liên hệ: Nguyễn Thị Mai 0912345678.",
      SYT,
    );
    expect(booking.status).toBe("confirmed");
    expect(answer).toContain("Sở Nội vụ (SNV-01)");
  });
});

describe("the hours, the host and the endpoints as the clerk wrote them", () => {
  it("«từ 9 rưỡi đến 11 giờ … với Sở Tài chính (02 điểm cầu)»", async () => {
    const { desk, booking, answer } = await send(
      "Sở Tư pháp đăng ký họp trực tuyến từ 9 rưỡi đến 11 giờ ngày 14/12/2026 với Sở Tài chính (02 điểm cầu) về dự toán ngân sách năm 2027. LH: Đinh Văn Toàn 0904222333.",
      STP,
    );
    expect(booking.status).toBe("confirmed");
    expect(booking.request.start?.toISOString()).toBe("2026-12-14T02:30:00.000Z");
    expect(booking.request.end?.toISOString()).toBe("2026-12-14T04:00:00.000Z");
    expect(answer).toContain("Thời gian: 09:30–11:00 Thứ Hai, 14/12/2026.");
    expect(answer).toContain(
      "Điểm cầu (3): Sở Tư pháp (STP-01); Sở Tài chính (điểm cầu 1) (STC-01); Sở Tài chính (điểm cầu 2) (STC-02).",
    );
    const invite = (await mailAnswers(desk)).at(-1)!.payload.calendar;
    expect(invite).toMatchObject({ method: "REQUEST" });
  });

  it("«điểm cầu chính tại trụ sở UBND phường Ngọc Hà» hosts the session there, without a warning", async () => {
    const { booking, answer } = await send(
      "Kính gửi Trung tâm, Sở Tư pháp đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026, điểm cầu chính tại trụ sở UBND phường Ngọc Hà, các điểm cầu tham dự: UBND phường Giảng Võ, UBND phường Láng, nội dung: tuyên truyền pháp luật về đất đai. Liên hệ: Đinh Văn Toàn 0904222333.",
      STP,
    );
    expect(booking.status).toBe("confirmed");
    expect(booking.hostEndpoint).toBe("CX-00008");
    expect(booking.request.participants).toEqual(["CX-00025", "CX-00199"]);
    expect(answer).not.toContain("không nhận ra");
  });

  it("«Chủ trì: đồng chí Giám đốc Sở» in a list of lines is answered without «không nhận ra cơ quan chủ trì»", async () => {
    const { booking, answer } = await send(
      "Dear Trung tâm,\nSở Tư pháp xin đăng ký 01 cuộc họp trực tuyến như sau:\n- Thời gian: 14h00 - 17h00, thứ Ba (08/12/2026)\n- Chủ trì: đồng chí Giám đốc Sở\n- Điểm cầu: Sở Nội vụ; UBND phường Láng\n- Nội dung: Hội nghị triển khai nhiệm vụ năm 2027\n- Đầu mối: Đinh Văn Toàn (0904.222.333)",
      STP,
    );
    expect(booking.status).toBe("confirmed");
    expect(answer).toContain("Cơ quan chủ trì: Sở Tư pháp.");
    expect(answer).not.toContain("không nhận ra");
  });

  it("«bảo đảm trật tự dịp Giáng sinh» is read whole, at 19:00 on a Saturday", async () => {
    const { booking, answer } = await send(
      "Sở Tư pháp đăng ký họp trực tuyến lúc 19h00 tối thứ Bảy ngày 12/12/2026 với UBND phường Láng về công tác bảo đảm trật tự dịp Giáng sinh. LH Đinh Văn Toàn 0904222333.",
      STP,
    );
    expect(booking.request.title).toBe("công tác bảo đảm trật tự dịp Giáng sinh");
    expect(answer).toContain("Nội dung: công tác bảo đảm trật tự dịp Giáng sinh.");
    expect(answer).toContain("Thời gian: 19:00–21:00 Thứ Bảy, 12/12/2026.");
  });

  it("«phòng họp trực tuyến tại trụ sở UBND Thành phố để tổ chức hội nghị trực tuyến tổng kết …»", async () => {
    const { booking, answer } = await send(
      "Sở Tư pháp xin đăng ký phòng họp trực tuyến tại trụ sở UBND Thành phố để tổ chức hội nghị trực tuyến tổng kết công tác năm 2026, từ 8h00 đến 11h30 thứ Sáu ngày 18/12/2026, điểm cầu: UBND các phường Ba Đình, Ngọc Hà, Giảng Võ. Liên hệ: Đinh Văn Toàn 0904222333.",
      STP,
    );
    expect(booking.request.title).toBe("tổng kết công tác năm 2026");
    expect(booking.request.cityHallRoom).toBe(true);
    expect(answer).toContain("Nội dung: tổng kết công tác năm 2026.");
    expect(answer).toContain("Phòng họp trực tuyến tại trụ sở UBND Thành phố: có.");
  });
});

describe("through the running desk (Dovecot, the service, the SMTP sink)", () => {
  const { dovecot, sink } = useMailServers();

  it("«từ 9 rưỡi đến 11 giờ»: the answer and its invite at 09:30 Hanoi time", async () => {
    const { service } = await startService(dovecot, sink, tempDir(), new Date("2026-11-30T02:10:00Z"));
    try {
      await dovecot.append(
        mail({
          id: "ruoi21@hanoi.gov.vn",
          from: STP,
          date: CLERK_DATE,
          body: "Sở Tư pháp đăng ký họp trực tuyến từ 9 rưỡi đến 11 giờ ngày 14/12/2026 với Sở Tài chính (02 điểm cầu) về dự toán ngân sách năm 2027. LH: Đinh Văn Toàn 0904222333.",
        }),
      );
      await sink.waitFor(1);
      const answer = sink.messages[0]!.parsed;
      expect(JSON.stringify(answer.to)).toContain(STP);
      expect(answer.text).toContain("Lịch họp HTT-2026-0001: ĐÃ XÁC NHẬN.");
      expect(answer.text).toContain("Thời gian: 09:30–11:00 Thứ Hai, 14/12/2026.");
      const ics = answer.attachments.find((a) => a.contentType.startsWith("text/calendar"));
      expect(ics?.content.toString()).toContain("DTSTART:20261214T023000Z");
      expect(ics?.content.toString()).toContain("DTEND:20261214T040000Z");
    } finally {
      await service.stop();
    }
  });
});

import { describe, expect, it } from "vitest";
import { at, makeDesk } from "./helpers.js";
import { lastAnswer, mailDeskOf } from "./support/mail-desk.js";
import { mail, template } from "./support/service.js";

// Found by trying the desk as a clerk: a reply that only moved the end of a session moved its start, and a reply
// that took an endpoint out of a session left it in.

const NOW = at("2026-12-07", "08:35");
const CODE = "HTT-2026-0001";

/** A confirmed booking (09:00–11:00 Thu 10/12/2026, Sở Công Thương, `participants`), then a reply in its thread. */
async function replyTo(body: string, participants = "UBND phường Ngọc Hà, UBND phường Ba Đình") {
  const desk = await makeDesk();
  const md = mailDeskOf(desk);
  const first = await md.handle(mail({ id: "goc@hanoi.gov.vn", body: template(1, participants) }), NOW);
  expect(first).toMatchObject({ kind: "registered", code: CODE, decision: { outcome: "confirmed" } });
  const outcome = await md.handle(
    mail({
      id: "tra-loi@hanoi.gov.vn",
      subject: `Re: Đăng ký lịch họp trực tuyến [${CODE}]`,
      body,
      headers: { "In-Reply-To": "<goc@hanoi.gov.vn>", References: "<goc@hanoi.gov.vn>" },
    }),
    NOW,
  );
  const booking = (await desk.store.read((r) => r.bookings.get(CODE)))!;
  return { outcome, booking, answer: await lastAnswer(desk, CODE) };
}

describe("a reply that moves only the end keeps the start", () => {
  for (const body of [
    "Bổ sung: thời gian họp kéo dài đến 12h00.",
    "Đề nghị cho cuộc họp kết thúc lúc 11h30 cùng ngày.",
    "Xin điều chỉnh giờ kết thúc: 12 giờ.",
  ]) {
    it(body, async () => {
      const { outcome, booking, answer } = await replyTo(body);
      expect(outcome).toMatchObject({ kind: "changed" });
      expect(booking.request.start?.toISOString()).toBe("2026-12-10T02:00:00.000Z");
      const end = body.includes("11h30") ? "04:30" : "05:00";
      expect(booking.request.end?.toISOString()).toBe(`2026-12-10T${end}:00.000Z`);
      expect(answer).toContain(
        `Thời gian: 09:00–${body.includes("11h30") ? "11:30" : "12:00"} Thứ Năm, 10/12/2026.`,
      );
    });
  }

  it("a move with one hour still moves the start («dời đến 14h»)", async () => {
    const { booking } = await replyTo("Đề nghị dời đến 14h cùng ngày.");
    expect(booking.request.start?.toISOString()).toBe("2026-12-10T07:00:00.000Z");
  });
});

describe("a reply that takes an endpoint out of the session removes it", () => {
  const NGOC_HA = "CX-00008";
  const BA_DINH = "CX-00004";
  const SOC_SON = "CX-00376";
  it("«bớt điểm cầu P. Ba Đình, thêm điểm cầu X. Sóc Sơn»", async () => {
    const { outcome, booking, answer } = await replyTo(
      "Đề nghị bớt điểm cầu P. Ba Đình, thêm điểm cầu X. Sóc Sơn.",
    );
    expect(outcome).toMatchObject({ kind: "changed" });
    expect(booking.request.participants).toEqual(expect.arrayContaining([NGOC_HA, SOC_SON]));
    expect(booking.request.participants).not.toContain(BA_DINH);
    // Named once, as taken out; not among the session's endpoints.
    expect(answer.split("\n")[1]).toBe(
      `Đã cập nhật theo thư: thêm điểm cầu Xã Sóc Sơn (${SOC_SON}); bớt điểm cầu Phường Ba Đình (${BA_DINH}).`,
    );
    expect(answer.split("\n").find((l) => l.startsWith("Điểm cầu ("))).not.toContain("Phường Ba Đình");
  });

  for (const body of [
    "Kính gửi Trung tâm,\nĐề nghị bỏ điểm cầu UBND phường Ba Đình. Cảm ơn.",
    "Xin hủy điểm cầu phường Ba Đình, các điểm cầu khác giữ nguyên.",
    "Do thay đổi thành phần, không mời điểm cầu Phường Ba Đình nữa.",
    "De nghi bot diem cau phuong Ba Dinh.",
    // One endpoint's part of the session, not the session: it stays, without Ba Đình.
    "Đề nghị hủy lịch họp của điểm cầu phường Ba Đình.",
    "De nghi huy lich hop cua diem cau phuong Ba Dinh.",
  ]) {
    it(body.replace(/\n/g, " "), async () => {
      const { outcome, booking } = await replyTo(body);
      expect(outcome).toMatchObject({ kind: "changed" });
      expect(booking.status).toBe("confirmed");
      expect(booking.request.participants).toContain(NGOC_HA);
      expect(booking.request.participants).not.toContain(BA_DINH);
    });
  }

  it("«toàn bộ điểm cầu» and «bỏ ghi hình» remove no endpoint", async () => {
    const { booking } = await replyTo("Đề nghị toàn bộ điểm cầu phường Ba Đình kiểm tra trước 30 phút.");
    expect(booking.request.participants).toContain(BA_DINH);
    const plain = await replyTo("De nghi toan bo diem cau phuong Ba Dinh kiem tra truoc 30 phut.");
    expect(plain.booking.request.participants).toContain(BA_DINH);
    const recording = await replyTo("Đề nghị bỏ ghi hình.");
    expect(recording.booking.request.participants).toContain(BA_DINH);
  });
});

describe("a support declined is not a support asked", () => {
  it("«Đề nghị không ghi hình» withdraws the recording; «bổ sung ghi hình» asks it", async () => {
    const asked = await replyTo("Đề nghị bổ sung ghi hình phiên họp.");
    expect(asked.booking.request.recording).toBe(true);
    const declined = await replyTo("Đề nghị không ghi hình.");
    expect(declined.booking.request.recording).toBe(false);
    expect(declined.answer).toContain("Ghi hình: không.");
  });
});

describe("a reply that swaps an endpoint", () => {
  it("«Thay điểm cầu P. Ba Đình bằng P. Giảng Võ»", async () => {
    const { outcome, booking } = await replyTo("Thay điểm cầu P. Ba Đình bằng P. Giảng Võ.");
    expect(outcome).toMatchObject({ kind: "changed" });
    expect(booking.request.participants).toEqual(expect.arrayContaining(["CX-00008", "CX-00025"]));
    expect(booking.request.participants).not.toContain("CX-00004");
  });
});

describe("a reply's signature", () => {
  const SIGNED = "\n\nTrân trọng,\nNguyễn Văn An\nVăn phòng Sở Công Thương\nDĐ: 0912 345 678";

  it("changes nothing when the booking has its contact («Cảm ơn» stays unanswered)", async () => {
    const { outcome, booking } = await replyTo(`Cảm ơn Trung tâm.${SIGNED}`);
    expect(outcome).toMatchObject({ kind: "ignored" });
    expect(booking.request.contact?.name).toBe("Lâm Thị Ngọc");
  });

  it("completes a booking that was asked for its contact", async () => {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    const first = await md.handle(
      mail({
        id: "thieu@hanoi.gov.vn",
        body: template(1).replace("- Thông tin đầu mối liên hệ: Lâm Thị Ngọc, SĐT 0983 210 456\n", ""),
      }),
      NOW,
    );
    expect(first).toMatchObject({ decision: { outcome: "needs-info", missing: ["contact"] } });
    const reply = await md.handle(
      mail({
        id: "bo-sung@hanoi.gov.vn",
        subject: `Re: Đăng ký lịch họp trực tuyến [${CODE}]`,
        body: `Đầu mối liên hệ như chữ ký dưới đây.${SIGNED}`,
        headers: { "In-Reply-To": "<thieu@hanoi.gov.vn>", References: "<thieu@hanoi.gov.vn>" },
      }),
      NOW,
    );
    expect(reply).toMatchObject({ kind: "changed", decision: { outcome: "confirmed" } });
    expect(await lastAnswer(desk, CODE)).toContain("Đầu mối liên hệ: Nguyễn Văn An, 0912345678.");
  });
});

describe("a second cancellation", () => {
  it("is told the session was already cancelled, not «from cancelled to cancelled»", async () => {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    await md.handle(mail({ id: "goc@hanoi.gov.vn", body: template(1) }), NOW);
    for (const id of ["huy-1", "huy-2"])
      await md.handle(
        mail({
          id: `${id}@hanoi.gov.vn`,
          subject: `Re: Đăng ký lịch họp trực tuyến [${CODE}]`,
          body: "Xin hủy lịch họp.",
          headers: { "In-Reply-To": "<goc@hanoi.gov.vn>", References: "<goc@hanoi.gov.vn>" },
        }),
        NOW,
      );
    const answer = await lastAnswer(desk);
    expect(answer).toContain("đã ở trạng thái «đã hủy» từ trước");
    expect(answer).not.toContain("sang «đã hủy»");
  });
});

describe("a reply that moves the session by a length", () => {
  const cases: [string, string][] = [
    ["Đề nghị lùi 30 phút.", "09:30–11:30"],
    ["Xin dời lại 1 tiếng so với lịch đã đăng ký.", "10:00–12:00"],
    ["Đề nghị bắt đầu sớm hơn 30 phút.", "08:30–10:30"],
    ["Xin hoãn 15 phút do lãnh đạo bận.", "09:15–11:15"],
  ];
  for (const [body, range] of cases) {
    it(body, async () => {
      const { outcome, answer } = await replyTo(body);
      expect(outcome).toMatchObject({ kind: "changed" });
      expect(answer).toContain(`Thời gian: ${range} Thứ Năm, 10/12/2026.`);
    });
  }
});

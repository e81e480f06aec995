import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/register.js";
import { at, makeDesk, request } from "./helpers.js";
import {
  bookedInThread,
  CLERK_DATE,
  CLERK_NOW,
  lastAnswer,
  mailAnswers,
  mailDeskOf,
  sendAsClerk,
} from "./support/mail-desk.js";
import { mail } from "./support/service.js";

// Clerk mails from the e2e14 round: each `it` a defect found and fixed.

const LETTER =
  "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Láng, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.";

const booked = () => bookedInThread(LETTER);

/** Sở Tư pháp's session at the same hour, hosted at its own endpoint, with `participants`. */
const otherSession = (desk: Parameters<typeof registerBooking>[0], participants: string[]) =>
  registerBooking(
    desk,
    request({ host: "Sở Tư pháp", participants, title: "Phổ biến pháp luật", receivedAt: CLERK_NOW }),
    { now: CLERK_NOW },
  );

describe("a reply moving the session's host endpoint", () => {
  for (const said of [
    "Đề nghị đổi điểm cầu chủ trì sang UBND phường Ngọc Hà.",
    "Đề nghị chuyển điểm cầu chính sang UBND phường Ngọc Hà.",
    "Lãnh đạo Sở sẽ chủ trì tại UBND phường Ngọc Hà ạ.",
    "Xin đổi điểm cầu chủ trì từ Sở Công Thương sang Hội trường UBND phường Ngọc Hà.",
  ])
    it(`«${said}» hosts the session there and frees the Sở's endpoint (it added Ngọc Hà as a participant)`, async () => {
      const { desk, reply, code, booking } = await booked();
      await reply(said);
      const after = await booking();
      expect(after.hostEndpoint).toBe("CX-00008");
      expect(after.request.participants).toEqual(["CX-00199"]);
      const answer = await lastAnswer(desk, code);
      expect(answer).toContain("Lịch họp HTT-2026-0001: ĐÃ XÁC NHẬN.");
      expect(answer).toContain(
        "Đã cập nhật theo thư: điểm cầu chủ trì từ Sở Công Thương (SCT-01) sang Phường Ngọc Hà (CX-00008).",
      );
      expect(answer).toContain("Điểm cầu chủ trì: Phường Ngọc Hà (CX-00008).");
      expect(answer).toContain("Điểm cầu (2): Phường Ngọc Hà (CX-00008); Phường Láng (CX-00199).");
      // The invite says where the session is hosted.
      const invite = (await mailAnswers(desk, code)).at(-1)!.payload.calendar as { location?: string };
      expect(invite.location).toBe("Phường Ngọc Hà");
      // The Sở's own endpoint is free for another session at that hour.
      const other = await otherSession(desk, ["SCT-01"]);
      expect(other.duplicate ? null : other.decision.outcome).toBe("confirmed");
    });

  it("a participant become host is not said taken out, and the reason after the name adds no endpoint", async () => {
    const { desk, reply, code, booking } = await bookedInThread(
      "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Láng và UBND phường Giảng Võ, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.",
    );
    await reply(
      "Đề nghị đổi điểm cầu chủ trì sang UBND phường Láng do hội trường phường Ngọc Hà đang sửa chữa.",
    );
    const after = await booking();
    expect(after.hostEndpoint).toBe("CX-00199");
    expect(after.request.participants).toEqual(["CX-00025"]);
    const answer = await lastAnswer(desk, code);
    expect(answer).toContain(
      "Đã cập nhật theo thư: điểm cầu chủ trì từ Sở Công Thương (SCT-01) sang Phường Láng (CX-00199).",
    );
    expect(answer).toContain("Điểm cầu (2): Phường Láng (CX-00199); Phường Giảng Võ (CX-00025).");
  });

  it("a host endpoint another session holds is refused by the rules; the booking keeps its host", async () => {
    const { desk, reply, code, booking } = await booked();
    const other = await otherSession(desk, ["CX-00008"]);
    expect(other.duplicate ? null : other.decision.outcome).toBe("confirmed");
    await reply("Đề nghị đổi điểm cầu chủ trì sang UBND phường Ngọc Hà.");
    const answer = await lastAnswer(desk, code);
    expect(answer).toContain(`Không thể thay đổi lịch họp ${code}; lịch cũ được giữ nguyên.`);
    expect(answer).toContain("CX-00008");
    const after = await booking();
    expect(after.hostEndpoint).toBe("SCT-01");
    expect(after.request.hostEndpoint).toBeUndefined();
    expect(after.status).toBe("confirmed");
  });

  it("a secret session's answer says the change without naming an endpoint (Điều 5.2)", async () => {
    const { desk, reply, code, booking } = await bookedInThread(`Độ mật: Mật\n${LETTER}`);
    await reply("Đề nghị đổi điểm cầu chủ trì sang UBND phường Ngọc Hà.");
    expect((await booking()).hostEndpoint).toBe("CX-00008");
    const answer = await lastAnswer(desk, code);
    expect(answer).toContain("Đã cập nhật theo thư: các thông tin khác của phiên họp.");
    expect(answer).not.toMatch(/Ngọc Hà|CX-00008|SCT-01|Công Thương/);
    const invite = (await mailAnswers(desk, code)).at(-1)!.payload.calendar as { location?: string };
    expect(invite.location).toBeUndefined();
  });

  it("the host endpoint stays through a later move of the time", async () => {
    const { desk, reply, code, booking } = await booked();
    await reply("Đề nghị đổi điểm cầu chủ trì sang UBND phường Ngọc Hà.");
    await reply("Xin lùi sang 14h00 cùng ngày.");
    const after = await booking();
    expect(after.hostEndpoint).toBe("CX-00008");
    expect(after.request.hostEndpoint).toBe("CX-00008");
    const answer = await lastAnswer(desk, code);
    expect(answer).toContain("Thời gian: 14:00–16:00 Thứ Năm, 10/12/2026.");
    expect(answer).toContain("Điểm cầu chủ trì: Phường Ngọc Hà (CX-00008).");
    expect(answer).not.toContain("điểm cầu chủ trì từ");
  });
});

describe("a registration naming its host endpoint", () => {
  const form = (hostAt: string) =>
    `Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến:\n- Điểm cầu chủ trì: ${hostAt}\n- Điểm cầu tham dự: UBND phường Láng\n- Thời gian: 9h00 ngày 10/12/2026\n- Nội dung: kiểm tra thực địa\n- Liên hệ: Lâm Thị Ngọc 0983210456`;

  it("«Điểm cầu chủ trì: Hội trường UBND phường Ngọc Hà» hosts it there (it was an unknown host agency, the Sở's endpoint booked)", async () => {
    const { booking, answer } = await sendAsClerk(form("Hội trường UBND phường Ngọc Hà"));
    expect(booking!.request.host).toBe("Sở Công Thương");
    expect(booking!.hostEndpoint).toBe("CX-00008");
    expect(booking!.request.hostEndpoint).toBe("CX-00008");
    expect(answer).toContain("ĐÃ XÁC NHẬN.");
    expect(answer).toContain("Điểm cầu chủ trì: Phường Ngọc Hà (CX-00008).");
    expect(answer).toContain("Điểm cầu (2): Phường Ngọc Hà (CX-00008); Phường Láng (CX-00199).");
    expect(answer).not.toContain("không nhận ra");
  });

  it("«Điểm cầu chủ trì: Sở Công Thương» is the Sở's own endpoint, said as before", async () => {
    const { booking, answer } = await sendAsClerk(form("Sở Công Thương"));
    expect(booking!.hostEndpoint).toBe("SCT-01");
    expect(booking!.request.hostEndpoint).toBeUndefined();
    expect(answer).not.toContain("Điểm cầu chủ trì:");
    expect(answer).not.toContain("không nhận ra");
  });

  it("a host endpoint already held at that hour puts the registration in conflict", async () => {
    const desk = await makeDesk();
    await otherSession(desk, ["CX-00008"]);
    await mailDeskOf(desk).handle(
      mail({ id: "dk14@hanoi.gov.vn", body: form("Hội trường UBND phường Ngọc Hà"), date: CLERK_DATE }),
      CLERK_NOW,
    );
    const answer = await lastAnswer(desk, "HTT-2026-0002");
    expect(answer).toContain("KHÔNG BỐ TRÍ ĐƯỢC");
    expect(answer).toContain("CX-00008");
  });

  it("an unknown host endpoint is said back; the Sở's own endpoint hosts", async () => {
    const { booking, answer } = await sendAsClerk(form("Hội trường Khu liên cơ Võ Chí Công"));
    expect(booking!.hostEndpoint).toBe("SCT-01");
    expect(answer).toContain("không nhận ra điểm cầu chủ trì «Hội trường Khu liên cơ Võ Chí Công»");
  });
});

describe("two days written «10–11/12»", () => {
  it("«họp trực tuyến 2 ngày 10–11/12» books 10/12 and says the second day (it read 10/11/2012)", async () => {
    const { booking, answer } = await sendAsClerk(
      "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến từ 8h00 đến 17h00 trong 2 ngày 10–11/12 với UBND phường Láng, nội dung: tập huấn. Liên hệ Lâm Thị Ngọc 0983210456.",
    );
    expect(booking!.request.start).toEqual(at("2026-12-10", "08:00"));
    expect(answer).toContain("Thời gian: 08:00–17:00 Thứ Năm, 10/12/2026.");
    expect(answer).toContain("thư ghi nhiều ngày (10/12/2026, 11/12/2026)");
  });
});

describe("replies taking endpoints out and cancelling", () => {
  const threeWards = () =>
    bookedInThread(
      "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Láng, UBND phường Ngọc Hà và UBND phường Ba Đình, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.",
    );

  it("«Đề nghị bớt đi 1 điểm cầu là phường Ba Đình» takes it out (the reply went unanswered)", async () => {
    const { desk, reply, code, booking } = await threeWards();
    expect(await reply("Đề nghị bớt đi 1 điểm cầu là phường Ba Đình")).toMatchObject({ kind: "changed" });
    expect((await booking()).request.participants).not.toContain("CX-00004");
    expect(await lastAnswer(desk, code)).toContain(
      "Đã cập nhật theo thư: bớt điểm cầu Phường Ba Đình (CX-00004).",
    );
  });

  it("«Xin bỏ bớt phường Ba Đình và phường Láng ạ» takes both out", async () => {
    const { reply, booking } = await threeWards();
    await reply("Xin bỏ bớt phường Ba Đình và phường Láng ạ.");
    expect((await booking()).request.participants).toEqual(["CX-00008"]);
  });

  for (const [said, why] of [
    [
      "Do lãnh đạo Sở bận công tác đột xuất, Sở Công Thương xin hủy lịch họp trên. Trân trọng.",
      "lãnh đạo Sở bận công tác đột xuất",
    ],
    ["Xin hủy cuộc họp vì lý do thời tiết.", "thời tiết"],
  ])
    it(`«${said}» is cancelled with the clerk's reason said back (it said only «cơ quan đăng ký đề nghị hủy»)`, async () => {
      const { desk, reply, code } = await threeWards();
      expect(await reply(said!)).toMatchObject({ kind: "cancelled" });
      expect(await lastAnswer(desk, code)).toContain(`Lý do: cơ quan đăng ký đề nghị hủy (${why}).`);
    });

  it("a cancellation giving no reason says the request alone", async () => {
    const { desk, reply, code } = await threeWards();
    await reply("Do đó Sở xin hủy lịch họp.");
    expect(await lastAnswer(desk, code)).toContain("Lý do: cơ quan đăng ký đề nghị hủy.");
  });

  it("a secret session's reason stays out of the answer (Điều 5.2)", async () => {
    const { desk, reply, code } = await bookedInThread(`Độ mật: Mật\n${LETTER}`);
    await reply("Do lãnh đạo Sở bận tiếp đoàn công tác, xin hủy lịch họp.");
    const answer = await lastAnswer(desk, code);
    expect(answer).toContain("ĐÃ HỦY");
    expect(answer).not.toContain("tiếp đoàn");
  });
});

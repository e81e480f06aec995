import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../src/app/cli/commands.js";
import { loadConfig } from "../src/app/config.js";
import { runDueJobs, sessionJobHandlers } from "../src/app/scheduler.js";
import { at, makeDesk, sampleDirectory, tempDir, testDb } from "./helpers.js";
import { lastAnswer, mailAnswers, mailDeskOf, sendAsClerk } from "./support/mail-desk.js";
import { mail, template } from "./support/service.js";

// Found by trying the desk as a clerk (sixth round).

const BOOKED = at("2026-12-07", "08:35");

describe("a new mail asking to cancel without a code cancels nothing and opens nothing", () => {
  /** Sở Công Thương's two sessions on Thursday 10/12/2026, and one on Friday. */
  async function twoTomorrow() {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    await md.handle(mail({ id: "a@hanoi.gov.vn", body: template(1, "UBND phường Ngọc Hà") }), BOOKED);
    await md.handle(
      mail({
        id: "b@hanoi.gov.vn",
        body: template(2, "UBND phường Ba Đình", "từ 14h00 đến 16h00 ngày 10/12/2026"),
      }),
      BOOKED,
    );
    await md.handle(
      mail({
        id: "c@hanoi.gov.vn",
        body: template(3, "UBND phường Ba Đình", "từ 14h00 đến 16h00 ngày 11/12/2026"),
      }),
      BOOKED,
    );
    return { desk, md };
  }

  it("«xin hủy lịch họp ngày mai» with two sessions tomorrow: both are listed and the clerk is asked which", async () => {
    const { desk, md } = await twoTomorrow();
    const outcome = await md.handle(
      mail({
        id: "huy@hanoi.gov.vn",
        subject: "Hủy lịch họp",
        date: "Wed, 09 Dec 2026 15:00:00 +0700",
        body: "Kính gửi Trung tâm,\nSở Công Thương xin hủy lịch họp ngày mai.\nTrân trọng.",
      }),
      at("2026-12-09", "15:00"),
    );
    expect(outcome).toMatchObject({ kind: "ignored" });
    const bookings = await desk.store.read((r) => r.bookings.list({}));
    // No fourth booking asking for endpoints, time and content; the three stay as they were.
    expect(bookings.map((b) => [b.code, b.status]).sort()).toEqual([
      ["HTT-2026-0001", "confirmed"],
      ["HTT-2026-0002", "confirmed"],
      ["HTT-2026-0003", "confirmed"],
    ]);
    const answer = await lastAnswer(desk);
    expect(answer).toContain("chưa có lịch họp nào bị hủy");
    expect(answer).toContain("HTT-2026-0001 (09:00–11:00 Thứ Năm, 10/12/2026): Phiên họp số 1");
    expect(answer).toContain("HTT-2026-0002 (14:00–16:00 Thứ Năm, 10/12/2026): Phiên họp số 2");
    // Only the day the mail names.
    expect(answer).not.toContain("HTT-2026-0003");
    expect(answer).toContain("Các lịch họp sắp tới ngày 10/12/2026 của Sở Công Thương:");
    expect(answer).toContain("trả lời thư xác nhận của lịch cần hủy");
    const desks = (await desk.store.read((r) => r.outbox.list({}))).filter((m) => m.channel === "desk");
    expect(desks.at(-1)?.payload.text).toContain("đề nghị hủy lịch họp nhưng không nêu mã lịch");
  });

  it("a cancellation naming no day lists the agency's coming sessions; other agencies' are not shown", async () => {
    const { desk, md } = await twoTomorrow();
    await md.handle(
      mail({
        id: "syt@hanoi.gov.vn",
        from: "vanthu.syt@hanoi.gov.vn",
        body: template(9, "UBND phường Giảng Võ").replace("Sở Công Thương", "Sở Y tế"),
      }),
      BOOKED,
    );
    await md.handle(
      mail({
        id: "huy@hanoi.gov.vn",
        body: "Đề nghị Trung tâm hủy lịch họp của Sở Công Thương. Trân trọng.",
      }),
      at("2026-12-09", "15:00"),
    );
    const answer = await lastAnswer(desk);
    for (const code of ["HTT-2026-0001", "HTT-2026-0002", "HTT-2026-0003"]) expect(answer).toContain(code);
    expect(answer).not.toContain("HTT-2026-0004");
    expect((await desk.store.read((r) => r.bookings.list({}))).every((b) => b.status === "confirmed")).toBe(
      true,
    );
  });

  it("with no session to cancel, it says so", async () => {
    const desk = await makeDesk();
    await mailDeskOf(desk).handle(
      mail({ id: "huy@hanoi.gov.vn", body: "Sở Công Thương xin hủy lịch họp ngày mai." }),
      at("2026-12-09", "15:00"),
    );
    expect(await desk.store.read((r) => r.bookings.list({}))).toEqual([]);
    expect(await lastAnswer(desk)).toContain("không có lịch họp nào sắp diễn ra");
  });

  it("a cancellation with the code in the subject still cancels (unchanged)", async () => {
    const { desk, md } = await twoTomorrow();
    const outcome = await md.handle(
      mail({ id: "huy@hanoi.gov.vn", subject: "Hủy lịch họp [HTT-2026-0002]", body: "Xin hủy lịch họp." }),
      at("2026-12-09", "15:00"),
    );
    expect(outcome).toMatchObject({ kind: "cancelled", code: "HTT-2026-0002" });
    expect((await mailAnswers(desk)).length).toBe(4);
  });
});

describe("a weekly meeting is booked once and the clerk is told so", () => {
  const FORM = (time: string, title = "Giao ban công tác tháng 12") => `Kính gửi: Trung tâm Tin học - Công báo

- Tên cơ quan chủ trì họp: Sở Công Thương
- Danh sách điểm cầu thành phần: UBND phường Ngọc Hà
- Thời gian đăng ký họp: ${time}
- Nội dung họp: ${title}
- Thông tin đầu mối liên hệ: Lâm Thị Ngọc, SĐT 0983 210 456
`;
  for (const [body, said] of [
    [FORM("họp giao ban hằng tuần vào sáng thứ Hai, từ 8h đến 9h30, trong tháng 12"), "hằng tuần"],
    [
      "Sở Công Thương đăng ký họp giao ban hằng tuần vào sáng thứ Hai, từ 8h đến 9h30, trong tháng 12 năm 2026 với UBND phường Ngọc Hà. Nội dung: giao ban tuần. Liên hệ: Lâm Thị Ngọc, 0983 210 456",
      "hằng tuần",
    ],
    [FORM("8h00-9h30 các ngày thứ Hai trong tháng 12/2026"), "các ngày thứ Hai"],
    [FORM("từ 8h đến 9h30 thứ Hai hàng tuần, bắt đầu từ ngày 07/12/2026"), "hàng tuần"],
  ] as const) {
    it(
      body.includes("Thời gian") ? /Thời gian đăng ký họp: (.*)/.exec(body)![1]! : body.slice(0, 60),
      async () => {
        const { outcome, bookings, answer } = await sendAsClerk(body);
        // One booking, for the first Monday; the answer says that only that one is booked.
        expect(bookings).toHaveLength(1);
        expect(outcome).toMatchObject({ decision: { outcome: "confirmed" } });
        expect(answer).toContain("Thời gian: 08:00–09:30 Thứ Hai, 07/12/2026.");
        expect(answer).toContain(
          `Lưu ý: thư đề nghị họp định kỳ («${said}»); lịch này chỉ xếp một phiên 08:00–09:30 Thứ Hai, 07/12/2026, đề nghị gửi đăng ký riêng cho từng phiên tiếp theo (Điều 12.2a).`,
        );
      },
    );
  }

  it("a weekly meeting's name in the content is no series («Nội dung: Giao ban hằng tuần»)", async () => {
    const { answer } = await sendAsClerk(
      FORM("từ 8h00 đến 9h30 ngày 07/12/2026", "Giao ban hằng tuần của Sở"),
    );
    expect(answer).toContain("Thời gian: 08:00–09:30 Thứ Hai, 07/12/2026.");
    expect(answer).not.toContain("định kỳ");
  });
});

describe("the time only in the subject is read", () => {
  const BODY =
    "Kính gửi TT Tin học - Công báo,\nSở Công Thương đăng ký họp trực tuyến với UBND phường Ngọc Hà, nội dung: giao ban tháng 12.\nLiên hệ: Lâm Thị Ngọc, 0983 210 456";
  it("«Đăng ký họp trực tuyến 9h00 ngày 10/12/2026» with a body that gives no time", async () => {
    const { outcome, answer } = await sendAsClerk(BODY, "Đăng ký họp trực tuyến 9h00 ngày 10/12/2026");
    expect(outcome).toMatchObject({ decision: { outcome: "confirmed" } });
    expect(answer).toContain("Thời gian: 09:00–11:00 Thứ Năm, 10/12/2026.");
    expect(answer).toContain("Lưu ý: thời gian họp được lấy từ tiêu đề thư");
  });

  it("a body that gives its own time wins over the subject's", async () => {
    const { answer } = await sendAsClerk(
      BODY.replace("nội dung", "lúc 14h00 ngày 11/12/2026, nội dung"),
      "Đăng ký họp trực tuyến 9h00 ngày 10/12/2026",
    );
    expect(answer).toContain("Thời gian: 14:00–16:00 Thứ Sáu, 11/12/2026.");
    expect(answer).not.toContain("tiêu đề thư");
  });
});

describe("a mail in English or mixed gives its contact and content with English labels", () => {
  it("«Topic: …», «Contact: …»", async () => {
    const { outcome, answer } = await sendAsClerk(
      "Dear technical desk,\nSở Công Thương would like to book an online meeting with UBND phường Ngọc Hà on 10/12/2026 from 9:00 to 11:00.\nTopic: monthly briefing.\nContact: Lam Thi Ngoc, 0983 210 456.\nBest regards",
    );
    expect(outcome).toMatchObject({ decision: { outcome: "confirmed" } });
    expect(answer).toContain("Nội dung: monthly briefing.");
    expect(answer).toContain("Đầu mối liên hệ: Lam Thi Ngoc, 0983210456.");
  });
});

describe("a session the desk moves tells its clerk it was moved, and from when", () => {
  it("`booking move` from the CLI: the clerk's answer says the new time, the old one, and who moved it", async () => {
    const path = join(tempDir(), "desk.db");
    const desk = await makeDesk({}, path);
    await desk.store.tx((r) => r.directory.replaceAll(sampleDirectory));
    await mailDeskOf(desk).handle(mail({ id: "goc@hanoi.gov.vn", body: template(1) }), BOOKED);
    const config = loadConfig({ DESK_DB: await testDb(path) });
    await runCli(
      ["booking", "move", "HTT-2026-0001", "--ngay", "2026-12-11", "--tu", "08:00", "--den", "09:30"],
      config,
      { out: () => {}, now: () => at("2026-12-08", "10:00") },
    );
    const answers = await mailAnswers(desk, "HTT-2026-0001");
    expect(answers).toHaveLength(2);
    const moved = answers[1]!;
    const lines = String(moved.payload.text).split("\n");
    // Read first, before the booking's fields: a second «ĐÃ XÁC NHẬN» with another hour is easy to take for a copy.
    expect(lines.slice(0, 3)).toEqual([
      "Lịch họp HTT-2026-0001: ĐÃ XÁC NHẬN.",
      "Đơn vị vận hành kỹ thuật đã đổi thời gian họp: từ 09:00–11:00 Thứ Năm, 10/12/2026 sang 08:00–09:30 Thứ Sáu, 11/12/2026; đề nghị thông báo lại cho các điểm cầu.",
      "Thời gian: 08:00–09:30 Thứ Sáu, 11/12/2026.",
    ]);
    // The invite moves in the clerk's calendar: same UID, a higher SEQUENCE, the new instants.
    expect(moved.payload.calendar).toMatchObject({
      method: "REQUEST",
      uid: "HTT-2026-0001",
      sequence: 2,
      start: at("2026-12-11", "08:00").toISOString(),
      end: at("2026-12-11", "09:30").toISOString(),
    });
  });

  it("a clerk's own move by mail is answered as before", async () => {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    await md.handle(mail({ id: "goc@hanoi.gov.vn", body: template(1) }), BOOKED);
    await md.handle(
      mail({
        id: "r@hanoi.gov.vn",
        subject: "Re: Đăng ký lịch họp trực tuyến [HTT-2026-0001]",
        body: "Đề nghị đổi giờ sang 14h00 cùng ngày.",
        headers: { "In-Reply-To": "<goc@hanoi.gov.vn>" },
      }),
      BOOKED,
    );
    expect(await lastAnswer(desk)).not.toContain("Đơn vị vận hành kỹ thuật đã đổi");
  });
});

describe("a second agency asked to co-host is not dropped in silence", () => {
  it("«Sở Công Thương và Sở Y tế đề nghị đồng chủ trì …»: one host is booked, the other connects, and the answer says so", async () => {
    const desk = await makeDesk();
    await mailDeskOf(desk).handle(
      mail({
        id: "goc@hanoi.gov.vn",
        headers: { Cc: "Văn thư Sở Y tế <vanthu.syt@hanoi.gov.vn>" },
        body: "Kính gửi Trung tâm Tin học - Công báo,\nSở Công Thương và Sở Y tế (đồng gửi) đề nghị đồng chủ trì phiên họp trực tuyến về an toàn thực phẩm dịp Tết lúc 9h00 ngày 10/12/2026, với các điểm cầu UBND phường Ngọc Hà, UBND phường Ba Đình.\nĐầu mối: Lâm Thị Ngọc, 0983 210 456.",
      }),
      BOOKED,
    );
    const answer = await lastAnswer(desk);
    expect(answer).toContain("Cơ quan chủ trì: Sở Công Thương.");
    expect(answer).toContain(
      "Lưu ý: thư đề nghị đồng chủ trì; lịch họp ghi một cơ quan chủ trì (Sở Công Thương), các cơ quan khác tham dự như điểm cầu thành phần; nếu cần đổi cơ quan chủ trì, đề nghị trả lời thư này.",
    );
  });
});

describe("a thank-you that repeats the session's time changes nothing and is not answered", () => {
  for (const body of [
    "Đã nhận được lịch họp ngày 10/12/2026, cảm ơn Trung tâm.",
    "Cảm ơn, Sở sẽ tham dự đúng 9h00 ngày 10/12/2026.",
    "Đồng ý với lịch họp 9h00-11h00 thứ Năm 10/12.",
    "Đồng ý. Các điểm cầu UBND phường Ngọc Hà sẽ kết nối đúng giờ.",
  ]) {
    it(body, async () => {
      const desk = await makeDesk();
      const md = mailDeskOf(desk);
      await md.handle(mail({ id: "goc@hanoi.gov.vn", body: template(1) }), BOOKED);
      const before = await desk.store.read((r) => r.outbox.list({}));
      const outcome = await md.handle(
        mail({
          id: "cam-on@hanoi.gov.vn",
          subject: "Re: Đăng ký lịch họp trực tuyến [HTT-2026-0001]",
          body,
          headers: { "In-Reply-To": "<goc@hanoi.gov.vn>", References: "<goc@hanoi.gov.vn>" },
        }),
        BOOKED,
      );
      expect(outcome).toMatchObject({ kind: "ignored" });
      const booking = await desk.store.read((r) => r.bookings.get("HTT-2026-0001"));
      // No new invite (SEQUENCE), no second «ĐÃ XÁC NHẬN», no «ĐÃ THAY ĐỔI» in the group.
      expect(booking?.sequence).toBe(1);
      const after = await desk.store.read((r) => r.outbox.list({}));
      expect(after.filter((m) => m.channel !== "desk")).toHaveLength(before.length);
    });
  }

  it("a request to move the session to the time it already has is answered: nothing needed changing", async () => {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    await md.handle(mail({ id: "goc@hanoi.gov.vn", body: template(1) }), BOOKED);
    const outcome = await md.handle(
      mail({
        id: "doi@hanoi.gov.vn",
        subject: "Re: Đăng ký lịch họp trực tuyến [HTT-2026-0001]",
        body: "Đề nghị đổi thời gian họp sang từ 9h00 đến 11h00 ngày 10/12/2026, các nội dung khác giữ nguyên.",
        headers: { "In-Reply-To": "<goc@hanoi.gov.vn>" },
      }),
      BOOKED,
    );
    expect(outcome).toMatchObject({ kind: "ignored" });
    expect((await lastAnswer(desk)).split("\n")).toEqual([
      "Lịch họp HTT-2026-0001: KHÔNG CÓ GÌ CẦN THAY ĐỔI.",
      "Lịch họp đã ở thời gian 09:00–11:00 Thứ Năm, 10/12/2026, đúng như thư đề nghị; lịch và thư mời đã gửi giữ nguyên.",
      "Nếu cần thời gian khác, đề nghị trả lời thư này, ghi rõ giờ bắt đầu, giờ kết thúc và ngày họp.",
    ]);
    // Nothing moved: no new invite SEQUENCE, nothing in the group.
    expect((await desk.store.read((r) => r.bookings.get("HTT-2026-0001")))?.sequence).toBe(1);
    const group = (await desk.store.read((r) => r.outbox.list({}))).filter((m) => m.channel === "group");
    expect(group.map((m) => String(m.payload.text)).join("\n")).not.toContain("THAY ĐỔI");
  });

  it("a reply that repeats the time and moves the end is still a change", async () => {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    await md.handle(mail({ id: "goc@hanoi.gov.vn", body: template(1) }), BOOKED);
    const outcome = await md.handle(
      mail({
        id: "r@hanoi.gov.vn",
        subject: "Re: Đăng ký lịch họp trực tuyến [HTT-2026-0001]",
        body: "Đề nghị điều chỉnh thành 9h00-11h30 ngày 10/12/2026.",
        headers: { "In-Reply-To": "<goc@hanoi.gov.vn>" },
      }),
      BOOKED,
    );
    expect(outcome).toMatchObject({ kind: "changed" });
    expect(await lastAnswer(desk)).toContain("Thời gian: 09:00–11:30 Thứ Năm, 10/12/2026.");
  });
});

describe("a district that no longer exists is asked about with the reason", () => {
  it("«UBND quận Cầu Giấy, UBND huyện Sóc Sơn»: the answer says the district level is gone since 01/07/2025", async () => {
    const { outcome, answer } = await sendAsClerk(
      `Kính gửi: Trung tâm Tin học - Công báo

- Tên cơ quan chủ trì họp: Sở Công Thương
- Danh sách điểm cầu thành phần: UBND phường Ngọc Hà, UBND quận Cầu Giấy, UBND huyện Sóc Sơn
- Thời gian đăng ký họp: từ 9h00 đến 11h00 ngày 10/12/2026
- Nội dung họp: Giao ban công tác tháng 12
- Thông tin đầu mối liên hệ: Lâm Thị Ngọc, SĐT 0983 210 456
`,
    );
    expect(outcome).toMatchObject({ decision: { outcome: "needs-info" } });
    expect(answer).toContain("«UBND quận Cầu Giấy» (chưa xác định)");
    expect(answer).toContain(
      "Lưu ý: từ 01/07/2025 Hà Nội không còn cấp quận, huyện, thị xã (Nghị quyết 1656/NQ-UBTVQH15); đề nghị ghi tên phường, xã mới của điểm cầu («UBND quận Cầu Giấy», «UBND huyện Sóc Sơn»).",
    );
  });
});

describe("a new mail that cancels a code written in its body", () => {
  it("«Sở Công Thương xin hủy lịch họp HTT-2026-0002» cancels that one, not «no code»", async () => {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    await md.handle(mail({ id: "a@hanoi.gov.vn", body: template(1) }), BOOKED);
    await md.handle(
      mail({
        id: "b@hanoi.gov.vn",
        body: template(2, "UBND phường Ba Đình", "từ 14h00 đến 16h00 ngày 10/12/2026"),
      }),
      BOOKED,
    );
    const outcome = await md.handle(
      mail({
        id: "huy@hanoi.gov.vn",
        subject: "Hủy lịch họp",
        body: "Sở Công Thương xin hủy lịch họp HTT-2026-0002. Trân trọng.",
      }),
      at("2026-12-09", "15:00"),
    );
    expect(outcome).toMatchObject({ kind: "cancelled", code: "HTT-2026-0002" });
    expect((await desk.store.read((r) => r.bookings.get("HTT-2026-0001")))?.status).toBe("confirmed");
  });

  it("two codes in the body cancel nothing and list the agency's sessions", async () => {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    await md.handle(mail({ id: "a@hanoi.gov.vn", body: template(1) }), BOOKED);
    const outcome = await md.handle(
      mail({ id: "huy@hanoi.gov.vn", body: "Xin hủy lịch họp HTT-2026-0001 hoặc HTT-2026-0009." }),
      at("2026-12-09", "15:00"),
    );
    expect(outcome).toMatchObject({ kind: "ignored" });
    expect((await desk.store.read((r) => r.bookings.get("HTT-2026-0001")))?.status).toBe("confirmed");
    expect(await lastAnswer(desk)).toContain(
      "Thư đề nghị hủy lịch họp nhưng chưa rõ là lịch nào (thư ghi HTT-2026-0001, HTT-2026-0009) nên chưa có lịch họp nào bị hủy.",
    );
  });
});

describe("details that reach the desk after the session's start, before its lapse ran", () => {
  it("are answered with the lapse's words, once, not «registration must come before the session, check the date»", async () => {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    await md.handle(
      mail({ id: "goc@hanoi.gov.vn", body: template(1).replace(/- Thông tin đầu mối.*\n/, "") }),
      BOOKED,
    );
    // The scheduler has not run the lapse yet (a busy or restarting desk): the reply comes first.
    await md.handle(
      mail({
        id: "bo-sung@hanoi.gov.vn",
        subject: "Re: Đăng ký lịch họp trực tuyến [HTT-2026-0001]",
        body: "Bổ sung đầu mối: Lâm Thị Ngọc, SĐT 0983 210 456",
        headers: { "In-Reply-To": "<goc@hanoi.gov.vn>" },
      }),
      at("2026-12-10", "09:02"),
    );
    expect((await desk.store.read((r) => r.bookings.get("HTT-2026-0001")))?.status).toBe("rejected");
    const answer = await lastAnswer(desk);
    expect(answer).toContain("Lịch họp HTT-2026-0001 (09:00–11:00 Thứ Năm, 10/12/2026): KHÔNG BỐ TRÍ ĐƯỢC.");
    expect(answer).toContain("đến giờ họp, lịch vẫn chờ bổ sung thông tin");
    expect(answer).not.toContain("đề nghị kiểm tra lại ngày họp");
    await runDueJobs(desk, sessionJobHandlers(desk), at("2026-12-10", "09:05"));
    const lapsed = (await mailAnswers(desk)).filter((m) => m.kind === "booking-lapsed");
    expect(lapsed).toHaveLength(1);
  });
});

describe("an English hour with AM or PM is read as written", () => {
  for (const [time, said] of [
    ["from 6:00 PM to 8:00 PM on 10/12/2026", "18:00–20:00"],
    ["at 2pm on 10/12/2026", "14:00–16:00"],
    ["9:00 AM - 11:30 AM, 10/12/2026", "09:00–11:30"],
    ["10/12/2026, 12:30 PM", "12:30–14:30"],
  ] as const) {
    it(time, async () => {
      const { answer } = await sendAsClerk(
        `Dear desk,\nSở Công Thương would like to book an online meeting with UBND phường Ngọc Hà ${time}.\nTopic: monthly briefing.\nContact: Lam Thi Ngoc, 0983 210 456.`,
      );
      expect(answer).toContain(`Thời gian: ${said} Thứ Năm, 10/12/2026.`);
    });
  }
});

describe("a new mail asking to move a session without its code moves nothing and books nothing new", () => {
  for (const body of [
    "Kính gửi Trung tâm,\nSở Công Thương xin dời lịch họp ngày 10/12/2026 sang 14h00 ngày 11/12/2026.\nTrân trọng.",
    "Sở Công Thương đề nghị hoãn cuộc họp ngày mai.",
    "Sở Công Thương xin đổi giờ họp ngày 10/12 sang 15h00 cùng ngày.",
  ]) {
    it(body.split("\n").find((l) => l.startsWith("Sở"))!, async () => {
      const desk = await makeDesk();
      const md = mailDeskOf(desk);
      await md.handle(mail({ id: "a@hanoi.gov.vn", body: template(1) }), BOOKED);
      const outcome = await md.handle(
        mail({ id: "doi@hanoi.gov.vn", body, date: "Wed, 09 Dec 2026 15:00:00 +0700" }),
        at("2026-12-09", "15:00"),
      );
      expect(outcome).toMatchObject({ kind: "ignored" });
      const bookings = await desk.store.read((r) => r.bookings.list({}));
      expect(bookings.map((b) => [b.code, b.status, b.request.start?.toISOString()])).toEqual([
        ["HTT-2026-0001", "confirmed", at("2026-12-10", "09:00").toISOString()],
      ]);
      const answer = await lastAnswer(desk);
      expect(answer).toContain(
        "Thư đề nghị thay đổi lịch họp nhưng không nêu mã lịch (HTT-…) nên chưa có lịch họp nào được thay đổi.",
      );
      expect(answer).toContain("- HTT-2026-0001 (09:00–11:00 Thứ Năm, 10/12/2026): Phiên họp số 1");
    });
  }

  it("«xin dời lịch họp HTT-2026-0001 sang 14h00 cùng ngày» moves that booking", async () => {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    await md.handle(mail({ id: "a@hanoi.gov.vn", body: template(1) }), BOOKED);
    const outcome = await md.handle(
      mail({
        id: "doi@hanoi.gov.vn",
        body: "Sở Công Thương xin dời lịch họp HTT-2026-0001 sang 14h00 cùng ngày.",
      }),
      BOOKED,
    );
    expect(outcome).toMatchObject({ kind: "changed", code: "HTT-2026-0001" });
    expect(await lastAnswer(desk)).toContain("Thời gian: 14:00–16:00 Thứ Năm, 10/12/2026.");
  });
});

describe("a registration that mentions another schedule's change is still a registration", () => {
  it("«Do thay đổi lịch công tác, Sở Công Thương đăng ký họp … nội dung …»", async () => {
    const { outcome } = await sendAsClerk(
      "Do thay đổi lịch công tác, Sở Công Thương đăng ký họp trực tuyến với UBND phường Ngọc Hà lúc 14h00 ngày 11/12/2026, nội dung: giao ban. Liên hệ: Lâm Thị Ngọc, 0983 210 456",
    );
    expect(outcome).toMatchObject({ kind: "registered", decision: { outcome: "confirmed" } });
  });
});

describe("a registration whose content speaks of cancelling something is still a registration", () => {
  it("«Nội dung họp: Đề nghị hủy bỏ Quyết định số 12/QĐ-UBND»", async () => {
    const { outcome } = await sendAsClerk(
      `Kính gửi: Trung tâm Tin học - Công báo

- Tên cơ quan chủ trì họp: Sở Công Thương
- Danh sách điểm cầu thành phần: UBND phường Ngọc Hà
- Thời gian đăng ký họp: từ 9h00 đến 11h00 ngày 10/12/2026
- Nội dung họp: Đề nghị hủy bỏ Quyết định số 12/QĐ-UBND về thu hồi đất
- Thông tin đầu mối liên hệ: Lâm Thị Ngọc, SĐT 0983 210 456
`,
    );
    expect(outcome).toMatchObject({ kind: "registered", decision: { outcome: "confirmed" } });
  });

  it("«xin hủy lịch họp với UBND phường Ngọc Hà ngày 10/12/2026» is a cancellation though it names an endpoint", async () => {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    await md.handle(mail({ id: "a@hanoi.gov.vn", body: template(1) }), BOOKED);
    const outcome = await md.handle(
      mail({
        id: "huy@hanoi.gov.vn",
        body: "Sở Công Thương xin hủy lịch họp với UBND phường Ngọc Hà ngày 10/12/2026.",
      }),
      BOOKED,
    );
    expect(outcome).toMatchObject({ kind: "ignored" });
    expect(await desk.store.read((r) => r.bookings.list({}))).toHaveLength(1);
  });
});

describe("the reminder and the lapse name what a booking still waits for", () => {
  it("an endpoint the directory does not know is named, not «các thông tin đã đề nghị»", async () => {
    const desk = await makeDesk();
    await mailDeskOf(desk).handle(
      mail({ id: "goc@hanoi.gov.vn", body: template(1, "UBND phường Ngọc Hà, UBND quận Cầu Giấy") }),
      BOOKED,
    );
    await runDueJobs(desk, sessionJobHandlers(desk), at("2026-12-09", "09:30"));
    const reminder = (await mailAnswers(desk)).find((m) => m.kind === "info-reminder");
    expect(reminder?.payload.text).toContain(
      "Đề nghị bổ sung: tên điểm cầu đúng theo danh bạ cho «UBND quận Cầu Giấy» (Điều 12.2a), bằng cách trả lời thư này.",
    );
    await runDueJobs(desk, sessionJobHandlers(desk), at("2026-12-10", "09:00"));
    expect(await lastAnswer(desk)).toContain(
      "Lý do: đến giờ họp, lịch vẫn chờ bổ sung thông tin (tên điểm cầu đúng theo danh bạ cho «UBND quận Cầu Giấy») nên phiên họp không được tổ chức trên hệ thống.",
    );
  });
});

describe("a thank-you to a booking in review changes nothing either", () => {
  it("«Cảm ơn, Sở sẽ tham dự đúng 9h00 ngày 10/12/2026» to a late registration: no «ĐÃ THAY ĐỔI» in the group", async () => {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    const late = at("2026-12-09", "15:00");
    await md.handle(mail({ id: "goc@hanoi.gov.vn", body: template(1) }), late);
    expect((await desk.store.read((r) => r.bookings.get("HTT-2026-0001")))?.status).toBe("needs-review");
    const before = (await desk.store.read((r) => r.outbox.list({}))).filter((m) => m.channel !== "desk");
    const outcome = await md.handle(
      mail({
        id: "cam-on@hanoi.gov.vn",
        subject: "Re: Đăng ký lịch họp trực tuyến [HTT-2026-0001]",
        body: "Cảm ơn, Sở sẽ tham dự đúng 9h00 ngày 10/12/2026.",
        headers: { "In-Reply-To": "<goc@hanoi.gov.vn>" },
      }),
      late,
    );
    expect(outcome).toMatchObject({ kind: "ignored" });
    const after = (await desk.store.read((r) => r.outbox.list({}))).filter((m) => m.channel !== "desk");
    expect(after).toHaveLength(before.length);
  });
});

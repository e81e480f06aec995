import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/register.js";
import { request } from "./helpers.js";
import { bookedInThread, CLERK_NOW, lastAnswer } from "./support/mail-desk.js";

// A reply that changes a booking is answered with what it changed, on the answer's second line. Before, the answer
// read like the first one («ĐÃ XÁC NHẬN.» and the whole booking again): the clerk had to compare two mails to learn
// whether the change was made.

const letter = (more = "") =>
  `Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 14/12/2026 với UBND phường Ngọc Hà, nội dung: giao ban${more}. Liên hệ Lâm Thị Ngọc 0983210456.\nTrân trọng.`;

const secondLine = (answer: string) => answer.split("\n")[1];

describe("the answer to a change says what changed", () => {
  it("a move names the old and the new time", async () => {
    const { desk, reply, code } = await bookedInThread(letter());
    await reply("Đề nghị lùi giờ họp sang 14h00 đến 16h00 cùng ngày.");
    const answer = await lastAnswer(desk, code);
    expect(answer.split("\n")[0]).toBe(`Lịch họp ${code}: ĐÃ XÁC NHẬN.`);
    expect(secondLine(answer)).toBe(
      "Đã cập nhật theo thư: thời gian từ 09:00–11:00 Thứ Hai, 14/12/2026 sang 14:00–16:00 Thứ Hai, 14/12/2026.",
    );
  });

  it("an added endpoint is named, and a request for recording said", async () => {
    const { desk, reply, code } = await bookedInThread(letter());
    await reply("Sở xin bổ sung thêm điểm cầu UBND xã Quốc Oai và đề nghị ghi hình ạ.");
    expect(secondLine(await lastAnswer(desk, code))).toBe(
      "Đã cập nhật theo thư: thêm điểm cầu Xã Quốc Oai (CX-09895); ghi hình: có.",
    );
  });

  it("a removed endpoint is named", async () => {
    const { desk, reply, code } = await bookedInThread(
      letter().replace("UBND phường Ngọc Hà", "UBND phường Ngọc Hà, UBND xã Quốc Oai"),
    );
    await reply("Đề nghị bỏ điểm cầu UBND xã Quốc Oai.");
    expect(secondLine(await lastAnswer(desk, code))).toBe(
      "Đã cập nhật theo thư: bớt điểm cầu Xã Quốc Oai (CX-09895).",
    );
  });

  it("a secret session's answer names no endpoint (Điều 5.2)", async () => {
    const { desk, reply, code } = await bookedInThread(`Độ mật: Mật\n${letter()}`);
    await reply("Bổ sung điểm cầu UBND xã Quốc Oai.");
    const answer = await lastAnswer(desk, code);
    expect(secondLine(answer)).toBe("Đã cập nhật theo thư: các thông tin khác của phiên họp.");
    expect(answer).not.toContain("Quốc Oai");
  });
});

describe("the answer to a change that cannot be made says which time stands", () => {
  it("a refused move names the kept time, and the details below it as the change asked for", async () => {
    const { desk, reply, code } = await bookedInThread(letter());
    // Sở Tư pháp holds Ngọc Hà in the afternoon the clerk asks for.
    await registerBooking(
      desk,
      request({
        host: "Sở Tư pháp",
        participants: ["CX-00008"],
        title: "Phổ biến pháp luật",
        start: new Date("2026-12-14T07:00:00Z"),
        end: new Date("2026-12-14T09:00:00Z"),
        receivedAt: CLERK_NOW,
      }),
      { now: CLERK_NOW },
    );
    await reply("Đề nghị lùi giờ họp sang 14h00 đến 16h00 cùng ngày.");
    const lines = (await lastAnswer(desk, code)).split("\n");
    // Before, «lịch cũ được giữ nguyên» stood over «Thời gian: 14:00–16:00 …»: the new hour read as the booking's.
    expect(lines.slice(0, 4)).toEqual([
      `Không thể thay đổi lịch họp ${code}; lịch cũ được giữ nguyên.`,
      "Lịch họp vẫn giữ thời gian: 09:00–11:00 Thứ Hai, 14/12/2026.",
      "Đề nghị thay đổi không bố trí được:",
      "Thời gian: 14:00–16:00 Thứ Hai, 14/12/2026.",
    ]);
  });
});

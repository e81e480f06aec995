import { describe, expect, it } from "vitest";
import { codeOf, readProse } from "./support/understand.js";

/**
 * One-paragraph booking mails, the way a clerk writes in a hurry (session 23's clerk trial): the time, the
 * endpoints, the content and the contact all in one or two sentences. Sent on Monday 30/11/2026 at 08:30.
 */

const read = readProse;

describe("the content after an urgent word and a day is the topic, not the day", () => {
  it.each([
    [
      "Sở Công Thương đề nghị bố trí họp khẩn sáng mai lúc 8h30 đến 10h với UBND phường Hoàn Kiếm về sự cố cháy chợ.",
      "sự cố cháy chợ",
      "2026-12-01T08:30:00+07:00",
    ],
    [
      "Sở Công Thương đăng ký họp gấp chiều 2/12 từ 14h đến 16h với UBND phường Ngọc Hà về công tác phòng cháy.",
      "công tác phòng cháy",
      "2026-12-02T14:00:00+07:00",
    ],
    [
      "Sở Công Thương xin đăng ký họp thứ Sáu tuần này lúc 9h đến 11h với UBND phường Ngọc Hà về giao ban quý IV.",
      "giao ban quý IV",
      "2026-12-04T09:00:00+07:00",
    ],
    [
      "Đề nghị họp khẩn hôm nay 16h-17h với UBND phường Ngọc Hà để xử lý sự cố ngập úng.",
      "xử lý sự cố ngập úng",
      "2026-11-30T16:00:00+07:00",
    ],
  ])("«%s»", async (body, title, start) => {
    const json = await read(body);
    expect(json.title).toBe(title);
    expect(json.start).toBe(start);
  });

  it.each([
    [
      "Chào anh/chị, bên em muốn đặt lịch họp online chiều mai từ 2h đến 4h chiều với phường Cửa Nam để bàn về phương án phòng cháy chợ.",
      "bàn về phương án phòng cháy chợ",
    ],
    [
      "Sở Công Thương đăng ký họp online giao ban quý IV vào 9h00 ngày 10/12/2026 với UBND phường Ngọc Hà.",
      "giao ban quý IV",
    ],
  ])("«họp online» is «họp trực tuyến»: «%s»", async (body, title) => {
    expect((await read(body)).title).toBe(title);
  });

  it("a topic right after «họp» is still read («họp giao ban quý IV vào 9h…»)", async () => {
    const json = await read(
      "Sở Công Thương đăng ký họp giao ban quý IV vào 9h00 ngày 10/12/2026 với UBND phường Ngọc Hà.",
    );
    expect(json.title).toBe("giao ban quý IV");
  });
});

describe("«Đầu mối:» inside a line of prose names the contact", () => {
  it("a full name and a phone after the sentence: nothing is asked", async () => {
    const json = await read(
      "Đề nghị bố trí họp trực tuyến ngày 10/12/2026 từ 9h đến 11h với UBND phường Ngọc Hà, nội dung giao ban quý IV. Đầu mối: Nguyễn Văn Tuấn, 0912 345 678",
    );
    expect(json.contact).toEqual({ name: "Nguyễn Văn Tuấn", phone: "0912345678" });
    expect(json.missing).toEqual([]);
    expect(json.participants).toEqual([codeOf("UBND phường Ngọc Hà")]);
  });

  it("«anh Tuấn 0912 345 678»: the phone is kept and only the full name is asked", async () => {
    const json = await read(
      "Sở Công Thương đề nghị bố trí họp khẩn sáng mai lúc 8h30 đến 10h với UBND phường Hoàn Kiếm về sự cố cháy chợ. Đầu mối: anh Tuấn 0912 345 678.",
    );
    expect(json.contact).toEqual({ name: "", phone: "0912345678" });
    expect(json.missing).toEqual(["contact"]);
  });

  it("«đơn vị đầu mối» without a colon is no contact label", async () => {
    const json = await read(
      "Sở Công Thương là đơn vị đầu mối, đề nghị bố trí họp trực tuyến ngày 10/12/2026 từ 9h đến 11h với UBND phường Ngọc Hà về giao ban quý IV.",
    );
    expect(json.contact).toBeNull();
    expect(json.missing).toEqual(["contact"]);
  });
});

describe("«đột xuất» of the work, not of the meeting, asks no emergency", () => {
  it.each([
    [
      "Sở Công Thương xin đăng ký lịch họp trực tuyến ngày 12/12/2026, từ 8h00 đến 11h00, với phường Cầu Giấy. Nội dung: kiểm tra đột xuất.",
      false,
    ],
    [
      "Sở Công Thương đăng ký họp trực tuyến lúc 16h ngày 10/12/2026 với UBND phường Ngọc Hà về công tác kiểm tra đột xuất các chợ.",
      false,
    ],
    ["Sở Công Thương đăng ký họp đột xuất lúc 16h hôm nay với UBND phường Ngọc Hà về sự cố mất điện.", true],
    [
      "Sở Công Thương đăng ký cuộc họp trực tuyến đột xuất lúc 16h hôm nay với UBND phường Ngọc Hà về sự cố mất điện.",
      true,
    ],
  ])("«%s» → emergency %s", async (body, emergency) => {
    expect((await read(body)).emergency).toBe(emergency);
  });
});

describe("a secret session's content", () => {
  it.each([
    [
      "Đề nghị đăng ký phiên họp mật vào 9h00 ngày 11/12/2026, từ 9h00 đến 11h30, với UBND phường Ba Đình. Nội dung mật: quán triệt văn bản mật.",
      "quán triệt văn bản mật",
    ],
    [
      "Sở Công Thương đăng ký phiên họp mật vào 9h00 ngày 11/12/2026 với UBND phường Ba Đình về quán triệt nghị quyết.",
      "quán triệt nghị quyết",
    ],
    // «Mặt trận» folds as «mật» does: not followed by the time, it stays the content.
    [
      "Sở Công Thương đăng ký họp mặt trận tổ quốc lúc 9h ngày 11/12/2026 với UBND phường Ba Đình.",
      "mặt trận tổ quốc",
    ],
  ])("«%s» → «%s»", async (body, title) => {
    expect((await read(body)).title).toBe(title);
  });
});

describe("a content in brackets", () => {
  it.each([
    [
      "Sở Công Thương đăng ký họp trực tuyến khẩn cấp (phòng chống dịch cúm gia cầm) vào 16h00 hôm nay với UBND phường Ngọc Hà.",
      "phòng chống dịch cúm gia cầm",
    ],
    // Brackets inside the content stay.
    [
      "Sở Công Thương đăng ký họp trực tuyến giao ban (quý IV) vào 9h00 ngày 10/12/2026 với UBND phường Ngọc Hà.",
      "giao ban (quý IV)",
    ],
  ])("«%s» → «%s»", async (body, title) => {
    expect((await read(body)).title).toBe(title);
  });
});

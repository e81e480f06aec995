import { describe, expect, it } from "vitest";
import { codeOf, proseMail, reader, readProse } from "./support/understand.js";

/**
 * Booking mails from the round-18 clerk trial (sent on Monday 30/11/2026 at 08:30): each table a class of misread
 * found and fixed.
 */

const read = readProse;

describe("a weekday in brackets after the date names that day, not the weekday's next occurrence", () => {
  // Before: «ngày 12/12/2026 (thứ Bảy), từ 8h00» was booked on Saturday 05/12, the weekday being nearer the hour.
  it.each([
    [
      "Sở Công Thương xin đăng ký lịch họp trực tuyến ngày 12/12/2026 (thứ Bảy), từ 8h00 đến 11h00, với phường Cầu Giấy. Nội dung: giao ban. Liên hệ: Quách Văn Nam, 0903 998 877.",
      "2026-12-12T08:00:00+07:00",
    ],
    [
      "Sở Công Thương đăng ký họp trực tuyến ngày 10/12 - thứ Năm - lúc 14h đến 16h với phường Cầu Giấy, nội dung giao ban. Liên hệ: Quách Văn Nam, 0903 998 877.",
      "2026-12-10T14:00:00+07:00",
    ],
  ])("«%s»", async (body, start) => {
    const json = await read(body);
    expect(json.start).toBe(start);
    expect(json.participants).toEqual([codeOf("Phường Cầu Giấy")]);
  });

  it("a weekday after the date that is not that day's name is still told to the clerk", async () => {
    const { parsed } = await reader.read(
      proseMail(
        "Sở Công Thương đăng ký họp trực tuyến ngày 12/12/2026 (thứ Sáu), từ 8h00 đến 11h00, với phường Cầu Giấy. Nội dung: giao ban. Liên hệ: Quách Văn Nam, 0903 998 877.",
      ),
    );
    expect(parsed.start?.toISOString()).toBe("2026-12-12T01:00:00.000Z");
    expect(parsed.warnings.join(" ")).toContain("thư ghi Thứ Sáu nhưng ngày 12/12/2026 là Thứ Bảy");
  });
});

describe("a colon after «các phường» does not cut the list to its first name", () => {
  // Before: «UBND các phường: Ô Chợ Dừa, Đống Đa, Kim Liên, Văn Miếu - Quốc Tử Giám» invited Ô Chợ Dừa alone.
  it.each([
    [
      "Sở Công Thương đăng ký họp trực tuyến từ 13h30 đến 17h00 ngày 15/12/2026 với UBND các phường: Ô Chợ Dừa, Đống Đa, Kim Liên, Văn Miếu - Quốc Tử Giám. Nội dung: họp bàn phương án chống buôn lậu. Liên hệ: Lò Văn Thắng – 0936 112 233.",
      ["Phường Ô Chợ Dừa", "Phường Đống Đa", "Phường Kim Liên", "Phường Văn Miếu - Quốc Tử Giám"],
    ],
    [
      "Sở Công Thương đăng ký họp trực tuyến từ 9h đến 11h ngày 15/12/2026 với các phường: Láng, Yên Hòa và Nghĩa Đô, nội dung giao ban. Liên hệ: Lò Văn Thắng – 0936 112 233.",
      ["Phường Láng", "Phường Yên Hòa", "Phường Nghĩa Đô"],
    ],
  ])("«%s»", async (body, names) => {
    const json = await read(body);
    expect(json.participants).toEqual(names.map(codeOf));
    expect(json.unresolved).toEqual([]);
  });
});

describe("«Đ/c Nguyễn Văn A - Chuyên viên, SĐT 0912…» in prose names the contact", () => {
  // Before: without a «Liên hệ:» label the contact was not read, and the clerk was asked for one she had given; after
  // the label the honorific stayed in the name («Đ/c Nguyễn Văn Bình»); a name after the phone was lost.
  it.each([
    [
      "Sở Công Thương đề nghị bố trí họp trực tuyến vào sáng thứ Hai tuần sau, từ 8 giờ 30 đến 11 giờ, với các phường Ngọc Hà, Giảng Võ, Ba Đình. Nội dung: triển khai kế hoạch bình ổn thị trường Tết. Đ/c Nguyễn Văn An - Chuyên viên, SĐT 0912 345 678.",
      { name: "Nguyễn Văn An", phone: "0912345678" },
    ],
    [
      "Sở Công Thương đăng ký họp khẩn trực tuyến vào 15h00 hôm nay với UBND phường Hoàn Kiếm về sự cố cháy tại chợ Đồng Xuân. Đồng chí Hoàng Văn Em, Phó Chánh Văn phòng, điện thoại 0913 222 333.",
      { name: "Hoàng Văn Em", phone: "0913222333" },
    ],
    [
      "Sở Công Thương đăng ký họp trực tuyến từ 8 giờ 30 đến 11 giờ ngày 7/12/2026 với UBND phường Hoàn Kiếm, nội dung: quản lý thị trường. Người liên hệ: Đ/c Nguyễn Văn Bình – Chuyên viên – SĐT 0912.000.111.",
      { name: "Nguyễn Văn Bình", phone: "0912000111" },
    ],
    [
      "Sở Công Thương đăng ký họp trực tuyến 9h-11h ngày 10/12 với UBND phường Ngọc Hà và UBND phường Giảng Võ; nội dung: tuyên truyền chống hàng giả. SĐT liên hệ 0912 567 890 (đ/c Thân Văn Bảo).",
      { name: "Thân Văn Bảo", phone: "0912567890" },
    ],
  ])("«%s»", async (body, contact) => {
    const json = await read(body);
    expect(json.contact).toEqual(contact);
    expect(json.missing).toEqual([]);
  });

  it("a leader who chairs is no contact, and the endpoints after the contact are still read", async () => {
    const json = await read(
      "Sở Công Thương đăng ký họp trực tuyến 9h-11h ngày 10/12/2026 do đồng chí Phó Giám đốc Sở chủ trì, với UBND phường Ngọc Hà, nội dung giao ban. Đ/c Thân Văn Bảo, 0912 567 890.",
    );
    expect(json.contact).toEqual({ name: "Thân Văn Bảo", phone: "0912567890" });
    expect(json.participants).toEqual([codeOf("Phường Ngọc Hà")]);
  });

  it("a comrade without a phone is no contact: it is still asked for", async () => {
    const json = await read(
      "Sở Công Thương đăng ký họp trực tuyến 9h-11h ngày 10/12/2026 với UBND phường Ngọc Hà, nội dung giao ban do đ/c Thân Văn Bảo chủ trì.",
    );
    expect(json.contact).toBeNull();
    expect(json.missing).toEqual(["contact"]);
  });
});

describe("the start said again before its range is not the end", () => {
  // Before: «vào 9h00 ngày 11/12/2026, từ 9h00 đến 11h30» ended at 09:00, the repeated start taken for the end.
  it.each([
    [
      "Đề nghị đăng ký họp trực tuyến vào 9h00 ngày 11/12/2026, từ 9h00 đến 11h30, với UBND phường Ba Đình. Nội dung: giao ban. Người liên hệ: Vũ Thị Hoa, 0934 567 890.",
      "2026-12-11T09:00:00+07:00",
      "2026-12-11T11:30:00+07:00",
    ],
    [
      "Sở Công Thương đăng ký họp trực tuyến lúc 14h ngày 15/12/2026 (từ 14h đến 16h30) với UBND phường Ba Đình. Nội dung: giao ban. Người liên hệ: Vũ Thị Hoa, 0934 567 890.",
      "2026-12-15T14:00:00+07:00",
      "2026-12-15T16:30:00+07:00",
    ],
  ])("«%s»", async (body, start, end) => {
    const json = await read(body);
    expect(json.start).toBe(start);
    expect(json.end).toBe(end);
  });
});

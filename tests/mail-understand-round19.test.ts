import { describe, expect, it } from "vitest";
import { codeOf, proseMail, reader, readProse } from "./support/understand.js";

/**
 * Booking mails from the round-19 clerk trial (sent on Monday 30/11/2026 at 08:30): each table a class of misread
 * found and fixed.
 */

const read = readProse;

describe("«họp về nội dung mật (tài liệu MẬT)» is a secret session, not its content", () => {
  // Before: the title was «nội dung mật (tài liệu MẬT)»: the secrecy mark taken for the subject.
  it.each([
    [
      "Sở Công Thương đăng ký họp trực tuyến với UBND phường Ngọc Hà, họp về nội dung mật (tài liệu MẬT) vào 14h ngày 10/12/2026 đến 16h. Liên hệ: Lâm Thị Ngọc 0983210456.",
      null,
    ],
    [
      "Sở Công Thương xin đăng ký họp về nội dung mật (tài liệu MẬT) vào 14h ngày 10/12/2026 đến 16h với UBND phường Ngọc Hà. Liên hệ: Lâm Thị Ngọc 0983210456.",
      null,
    ],
    [
      "Sở Công Thương đăng ký họp trực tuyến với UBND phường Ngọc Hà, họp về nội dung mật (tài liệu MẬT) liên quan đến công tác phòng chống buôn lậu vào 14h ngày 10/12/2026. Liên hệ: Lâm Thị Ngọc 0983210456.",
      "công tác phòng chống buôn lậu",
    ],
  ])("«%s»", async (body, title) => {
    const json = await read(body);
    expect(json.title).toBe(title);
    expect(json.secret).toBe(true);
    expect(json.start).toBe("2026-12-10T14:00:00+07:00");
    expect(json.missing).toEqual(title ? [] : ["title"]);
  });

  it("«nội dung mặt trận» keeps its words: «mặt» is no «mật»", async () => {
    const json = await read(
      "Sở Công Thương đăng ký họp trực tuyến với UBND phường Ngọc Hà về nội dung mặt trận tổ quốc vào 14h ngày 10/12/2026. Liên hệ: Lâm Thị Ngọc 0983210456.",
    );
    expect(json.title).toBe("nội dung mặt trận tổ quốc");
    expect(json.secret).toBe(false);
  });
});

describe("«Điểm cầu chính tại X» names where the host sits, not an endpoint", () => {
  // Before: «Thành phần: Điểm cầu chính tại Sở Công Thương; …» reported «Điểm cầu chính tại Sở Công Thương» as an
  // unknown endpoint.
  it("the host's own endpoint in the list is neither unknown nor a participant", async () => {
    const { parsed: json } = await reader.read(
      proseMail(
        "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến ngày 10/12/2026 từ 9h đến 11h.\nThành phần: Điểm cầu chính tại Sở Công Thương; UBND phường Ngọc Hà; UBND phường Giảng Võ.\nNội dung: giao ban.\nLiên hệ: Lâm Thị Ngọc 0983210456.",
      ),
    );
    expect(json.participants).toEqual([codeOf("Phường Ngọc Hà"), codeOf("Phường Giảng Võ")]);
    expect(json.unresolved).toEqual([]);
    expect(json.hostEndpoint).toBeUndefined();
    expect(json.warnings).toEqual([]);
  });

  it("another unit's hall in the list hosts the session", async () => {
    const { parsed: json } = await reader.read(
      proseMail(
        "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến ngày 10/12/2026 từ 9h đến 11h.\nThành phần: Điểm cầu chính tại Hội trường UBND phường Ngọc Hà; UBND phường Giảng Võ.\nNội dung: giao ban.\nLiên hệ: Lâm Thị Ngọc 0983210456.",
      ),
    );
    expect(json.hostEndpoint).toBe(codeOf("Phường Ngọc Hà"));
    expect(json.participants).toEqual([codeOf("Phường Giảng Võ")]);
    expect(json.unresolved).toEqual([]);
  });
});

describe("«sđt 0966 777 888» in prose gives the contact's phone", () => {
  // Before: with no «Liên hệ:» and no «đ/c» the phone was not read, and the clerk was asked for one she had given.
  it.each([
    [
      "Sở Công Thương đăng ký họp trực tuyến ngày 10/12/2026 từ 9h đến 11h với UBND phường Ngọc Hà, nội dung giao ban. Em là Hà, sđt 0966 777 888 ạ.",
      { name: "", phone: "0966777888" },
    ],
    [
      "Sở Công Thương đăng ký họp trực tuyến ngày 10/12/2026 từ 9h đến 11h với UBND phường Ngọc Hà, nội dung giao ban. Em là Nguyễn Thị Hà, sđt 0966 777 888 ạ.",
      { name: "Nguyễn Thị Hà", phone: "0966777888" },
    ],
    [
      "Sở Công Thương đăng ký họp trực tuyến ngày 10/12/2026 từ 9h đến 11h với UBND phường Ngọc Hà, SĐT 0966.777.888, nội dung giao ban.",
      { name: "", phone: "0966777888" },
    ],
    // «xin gọi X, điện thoại …», «gặp chị X, sđt …»: the person to call is named after the verb (the name was lost).
    [
      "Sở Công Thương đăng ký họp trực tuyến ngày 10/12/2026 từ 9h đến 11h với UBND phường Ngọc Hà, nội dung giao ban. Cần trao đổi xin gọi Trần Văn Minh, điện thoại 0912345678.",
      { name: "Trần Văn Minh", phone: "0912345678" },
    ],
    [
      "Sở Công Thương đăng ký họp trực tuyến ngày 10/12/2026 từ 9h đến 11h với UBND phường Ngọc Hà, nội dung giao ban. Khi cần xin gặp chị Lâm Thị Ngọc, sđt 0983 210 456.",
      { name: "Lâm Thị Ngọc", phone: "0983210456" },
    ],
    // A unit after the verb is no person: «gọi cho UBND phường Ngọc Hà, sđt …» names no contact.
    [
      "Sở Công Thương đăng ký họp trực tuyến ngày 10/12/2026 từ 9h đến 11h với UBND phường Ngọc Hà, nội dung giao ban. Có thể gọi cho UBND phường Ngọc Hà, sđt 0243 123 4567.",
      { name: "", phone: "02431234567" },
    ],
  ])("«%s»", async (body, contact) => {
    const json = await read(body);
    expect(json.contact).toEqual(contact);
    // A given name alone is no full name (Điều 12.2a): only that part is asked for.
    expect(json.missing).toEqual(contact.name ? [] : ["contact"]);
    expect(json.participants).toEqual([codeOf("Phường Ngọc Hà")]);
  });
});

describe("«thay vì 9h00» in a booking names the hour replaced, not the session's", () => {
  // Before: «từ 9h30 (thay vì 9h00 như thông báo trước) đến 11h00» ended the session at 09:00.
  it.each([
    "Sở Công Thương đăng ký họp trực tuyến từ 9h30 (thay vì 9h00 như thông báo trước) đến 11h00 ngày 10/12/2026 với UBND phường Ngọc Hà, nội dung giao ban. Liên hệ: Lâm Thị Ngọc 0983210456.",
    "Sở Công Thương đăng ký họp trực tuyến ngày 10/12/2026 thay vì ngày 09/12/2026, từ 9h30 đến 11h00, với UBND phường Ngọc Hà, nội dung giao ban. Liên hệ: Lâm Thị Ngọc 0983210456.",
  ])("«%s»", async (body) => {
    const json = await read(body);
    expect(json.start).toBe("2026-12-10T09:30:00+07:00");
    expect(json.end).toBe("2026-12-10T11:00:00+07:00");
  });
});

describe("a table's «STT» column heads its ordinals: the header row over the values is still read", () => {
  // Before: «STT | Nội dung | Thời gian | Điểm cầu» over «1 | Giao ban … | …»: the ordinal was dropped from the row
  // and not its head, the columns no longer matched, and the content was asked for.
  it("«STT | Nội dung | Thời gian | Điểm cầu»", async () => {
    const html =
      '<html><body><p>Kính gửi Trung tâm,</p><p>Sở Công Thương đăng ký lịch họp trực tuyến:</p><table border="1"><tr><th>STT</th><th>Nội dung</th><th>Thời gian</th><th>Điểm cầu</th></tr><tr><td>1</td><td>Giao ban công tác tháng 12</td><td>9h00 - 11h00, ngày 14/12/2026</td><td>UBND phường Ba Đình; UBND phường Kim Liên</td></tr></table><p>Người liên hệ: Lâm Thị Ngọc - 0983 210 456</p><p>Trân trọng.</p></body></html>';
    const raw = proseMail(html).toString("utf8").replace("text/plain", "text/html");
    const { parsed } = await reader.read(Buffer.from(raw));
    expect(parsed.title).toBe("Giao ban công tác tháng 12");
    expect(parsed.participants).toEqual([codeOf("Phường Ba Đình"), codeOf("Phường Kim Liên")]);
    expect(parsed.missing).toEqual([]);
  });
});

describe("the content ends where the next request begins, and loses its quotes", () => {
  // Before: «nội dung: giao ban, đề nghị không ghi hình» was the title «giao ban, đề nghị không ghi hình»; a quoted
  // title kept its quotes in the answer.
  it.each([
    [
      "Sở Công Thương đăng ký họp trực tuyến lúc 8h30 ngày 21/12/2026 đến 10h30 với UBND phường Ngọc Hà, UBND phường Láng, nội dung: giao ban, đề nghị không ghi hình. SĐT liên hệ: 0983210456 (chị Ngọc - Lâm Thị Ngọc).",
      "giao ban",
    ],
    [
      "Sở Công Thương đăng ký họp trực tuyến ngày 10/12/2026 từ 9h đến 11h, nội dung giao ban, thành phần gồm UBND phường Ngọc Hà, UBND phường Giảng Võ. Liên hệ: Lâm Thị Ngọc 0983210456.",
      "giao ban",
    ],
    [
      'Đề nghị Trung tâm hỗ trợ tổ chức hội nghị trực tuyến "Tổng kết công tác năm 2026 và triển khai nhiệm vụ năm 2027" vào 8h00 ngày 18/12/2026 tại điểm cầu Sở Công Thương, kết nối tới UBND phường Ngọc Hà. Thời gian kết thúc dự kiến 11h30. Đầu mối liên hệ: đồng chí Lâm Thị Ngọc, số điện thoại 0983 210 456.',
      "Tổng kết công tác năm 2026 và triển khai nhiệm vụ năm 2027",
    ],
  ])("«%s»", async (body, title) => {
    const json = await read(body);
    expect(json.title).toBe(title);
  });
});

describe("the start said again before its range to the end is not the end", () => {
  // Before: «… 14h ngày 10/12/2026 …. Thời gian: 14h đến 16h30» ended at 16:00, the default length after 14:00.
  it("«14h ngày 10/12/2026 … Thời gian: 14h đến 16h30»", async () => {
    const json = await read(
      "Sở Công Thương đăng ký họp trực tuyến 14h ngày 10/12/2026 với UBND phường Ngọc Hà, nội dung: Phổ biến Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ. Thời gian: 14h đến 16h30. Liên hệ: Lâm Thị Ngọc 0983210456.",
    );
    expect(json.start).toBe("2026-12-10T14:00:00+07:00");
    expect(json.end).toBe("2026-12-10T16:30:00+07:00");
    expect(json.title).toBe("Phổ biến Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ");
  });
});

describe("a full name after a dash behind the phone names the contact", () => {
  // Before: «LH: Ngọc 0983210456 - Lâm Thị Ngọc» read the phone and no name, and the clerk was asked for a full name.
  it.each([
    [
      "Sở CT đăng ký họp online 14h-16h thứ 4 tuần sau (9/12) với P. Ngọc Hà, P. Ba Đình, nội dung: giao ban QLTM. LH: Ngọc 0983210456 - Lâm Thị Ngọc.",
      { name: "Lâm Thị Ngọc", phone: "0983210456" },
    ],
    // A title after the dash is no name: the name is still asked for.
    [
      "Sở Công Thương đăng ký họp trực tuyến 14h-16h ngày 09/12/2026 với UBND phường Ngọc Hà, nội dung: giao ban. LH: Ngọc 0983210456 - Chuyên viên.",
      { name: "", phone: "0983210456" },
    ],
  ])("«%s»", async (body, contact) => {
    const json = await read(body);
    expect(json.contact).toEqual(contact);
    expect(json.start).toBe("2026-12-09T14:00:00+07:00");
  });
});

describe("a unit left out («trừ phường Ba Đình») is not invited", () => {
  // Before: «với UBND phường Ngọc Hà, phường Giảng Võ (trừ phường Ba Đình)» invited Ba Đình too.
  it.each([
    "Sở Công Thương đăng ký họp trực tuyến ngày 10/12/2026 từ 9h đến 11h với UBND phường Ngọc Hà, phường Giảng Võ (trừ phường Ba Đình), nội dung: giao ban. Liên hệ: Lâm Thị Ngọc 0983210456.",
    "Sở Công Thương đăng ký họp trực tuyến ngày 10/12/2026 từ 9h đến 11h với UBND phường Ngọc Hà và UBND phường Giảng Võ, không mời UBND phường Ba Đình, nội dung: giao ban. Liên hệ: Lâm Thị Ngọc 0983210456.",
  ])("«%s»", async (body) => {
    const json = await read(body);
    expect(json.participants).toEqual([codeOf("Phường Ngọc Hà"), codeOf("Phường Giảng Võ")]);
    expect(json.unresolved).toEqual([]);
  });
});

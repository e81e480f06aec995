import { describe, expect, it } from "vitest";
import { parseJson } from "../src/mail/parse-file.js";
import { ZONE } from "./helpers.js";
import { codeOf, proseMail, reader, readProse } from "./support/understand.js";

/**
 * Booking mails from the round-20 clerk trial (sent on Monday 30/11/2026 at 08:30): each table a class of misread
 * found and fixed.
 */

let serial = 0;

const SNV = "Văn thư Sở Nội vụ <vanthu.snv@hanoi.gov.vn>";

describe("«Điểm cầu chính tại» another unit leaves the host agency's own endpoint attending", () => {
  // Before: Ngọc Hà hosted and no participant was left: the booking was sent back asking for «điểm cầu».
  it("«…, nội dung giao ban với UBND phường Ngọc Hà. Điểm cầu chính tại Hội trường UBND phường Ngọc Hà.»", async () => {
    const { parsed } = await reader.read(
      proseMail(
        "Kính gửi Trung tâm, Sở Nội vụ đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026, nội dung giao ban với UBND phường Ngọc Hà. Điểm cầu chính tại Hội trường UBND phường Ngọc Hà. Liên hệ: Lâm Thị Ngọc 0983210456.",
        SNV,
      ),
    );
    const json = parseJson("x", parsed, ZONE) as Record<string, unknown>;
    expect(parsed.hostEndpoint).toBe(codeOf("Phường Ngọc Hà"));
    expect(json.participants).toEqual([codeOf("Sở Nội vụ")]);
    expect(json.missing).toEqual([]);
    // The content is the clerk's words: who the briefing is with is part of it (kept, as «giao ban với các
    // doanh nghiệp» would be).
    expect(json.title).toBe("giao ban với UBND phường Ngọc Hà");
    expect(parsed.warnings).toEqual([
      "điểm cầu chính đặt tại Phường Ngọc Hà; lịch này hiểu là điểm cầu Sở Nội vụ tham dự, nếu không đúng, đề nghị trả lời ghi rõ các điểm cầu tham dự.",
    ]);
  });

  it("other endpoints named attend alone, as in round 19", async () => {
    const { parsed } = await reader.read(
      proseMail(
        "Kính gửi Trung tâm, Sở Nội vụ đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Giảng Võ, nội dung giao ban. Điểm cầu chính tại Hội trường UBND phường Ngọc Hà. Liên hệ: Lâm Thị Ngọc 0983210456.",
        SNV,
      ),
    );
    expect(parsed.hostEndpoint).toBe(codeOf("Phường Ngọc Hà"));
    expect(parsed.participants).toEqual([codeOf("Phường Giảng Võ")]);
    expect(parsed.warnings).toEqual([]);
  });

  it("the host's own hall named as the main endpoint changes nothing", async () => {
    const { parsed } = await reader.read(
      proseMail(
        "Kính gửi Trung tâm, Sở Nội vụ đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Ngọc Hà, nội dung giao ban. Điểm cầu chính tại Sở Nội vụ. Liên hệ: Lâm Thị Ngọc 0983210456.",
        SNV,
      ),
    );
    expect(parsed.hostEndpoint).toBeUndefined();
    expect(parsed.participants).toEqual([codeOf("Phường Ngọc Hà")]);
  });
});

describe("«buổi chiều ngày 9/12» with no hour: the regulation sets no afternoon hours, so the start is asked", () => {
  // RULES.md and the Quy chế give no hours for a morning or an afternoon (regulation.ts: only office hours and a
  // midday break no text sets); «cả ngày» books the office hours, a part of the day is asked about. Guard: it is
  // asked with an example fitting the part of the day, and the day is kept.
  it.each([
    ["buổi chiều ngày 9/12/2026", "14h00 đến 16h00"],
    ["buổi sáng ngày 9/12/2026", "8h00 đến 10h00"],
  ])("«%s»", async (when, example) => {
    const json = await readProse(
      `Sở Công Thương đăng ký họp trực tuyến ${when} với UBND phường Ngọc Hà, nội dung giao ban. Liên hệ: Lâm Thị Ngọc 0983210456.`,
    );
    expect(json.start).toBeNull();
    expect(json.missing).toEqual(["start"]);
    const { parsed } = await reader.read(
      Buffer.from(
        `From: Văn thư Sở Công Thương <vanthu.sct@hanoi.gov.vn>\r\nTo: kythuat@hanoi.gov.vn\r\nSubject: x\r\nDate: Mon, 30 Nov 2026 08:30:00 +0700\r\nMessage-ID: <r20-day-${when.length}@hanoi.gov.vn>\r\nContent-Type: text/plain; charset="utf-8"\r\n\r\nSở Công Thương đăng ký họp trực tuyến ${when} với UBND phường Ngọc Hà, nội dung giao ban. Liên hệ: Lâm Thị Ngọc 0983210456.\r\n`,
      ),
    );
    expect(parsed.warnings.join(" ")).toContain(`ví dụ «${example}»`);
  });
});

describe("the content ends at its words: no trailing comma or «ạ»", () => {
  // Before: «…, nội dung …, vào hồi 9 giờ» and «… sửa đổi, từ 8 giờ 30» left a comma at the title's end («Nội dung:
  // phổ biến Luật … sửa đổi,.» in the answer), and «… về việc phòng chống dịch sốt xuất huyết ạ.» kept the «ạ».
  it.each([
    [
      "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến phổ biến Luật Xử lý vi phạm hành chính sửa đổi, từ 8 giờ 30 đến 11 giờ 00, thứ Năm, ngày 17/12/2026. Thành phần: UBND các phường Ba Đình, Ngọc Hà, Giảng Võ. Liên hệ: Ngô Thanh Bình - 0968 135 791.\nTrân trọng./.",
      "phổ biến Luật Xử lý vi phạm hành chính sửa đổi",
    ],
    [
      "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến với UBND phường Hoàn Kiếm, UBND phường Cửa Nam về chuẩn bị phục vụ khách du lịch dịp Tết Dương lịch 2027, từ 9h00 đến 11h00 ngày 22/12/2026.\nLiên hệ: Lương Thị Thảo, 0988 321 654.",
      "chuẩn bị phục vụ khách du lịch dịp Tết Dương lịch 2027",
    ],
    [
      "Dạ em chào anh chị Trung tâm ạ. Sở Công Thương muốn đăng ký họp trực tuyến với UBND xã Kim Anh chiều thứ Tư 9/12/2026 lúc 14h30 đến 16h về việc phòng chống dịch sốt xuất huyết ạ. Em là Phan Thị Ngân, sđt 0397 112 233 ạ. Em cảm ơn ạ.",
      "phòng chống dịch sốt xuất huyết",
    ],
  ])("«%s»", async (body, title) => {
    const json = await readProse(body);
    expect(json.title).toBe(title);
    expect(json.missing).toEqual([]);
  });
});

describe("a support's line after the endpoints ends their list", () => {
  // Before: «Ghi hình | Không» under «Điểm cầu | …» (a table, or lines «Ghi hình: Không») was read as one more
  // endpoint «Không», unknown, and the booking sent back for it.
  const html = (rows: string) =>
    Buffer.from(
      [
        "From: Văn thư Sở Công Thương <vanthu.sct@hanoi.gov.vn>",
        "To: kythuat@hanoi.gov.vn",
        "Subject: Đăng ký họp trực tuyến",
        "Date: Mon, 30 Nov 2026 08:30:00 +0700",
        `Message-ID: <r20-html-${++serial}@hanoi.gov.vn>`,
        "MIME-Version: 1.0",
        'Content-Type: text/html; charset="utf-8"',
        "",
        `<p>Kính gửi Trung tâm Tin học - Công báo,</p><p>Sở Công Thương đăng ký lịch họp trực tuyến như sau:</p><table border=1>${rows}</table><p>Trân trọng.</p>`,
        "",
      ].join("\r\n"),
    );
  const row = (a: string, b: string) => `<tr><td>${a}</td><td>${b}</td></tr>`;
  it.each([
    ["Ghi hình", "Không", { recording: false, cityHallRoom: false }],
    ["Ghi âm, ghi hình", "Có", { recording: true, cityHallRoom: false }],
    [
      "Sử dụng phòng họp trực tuyến tại trụ sở UBND Thành phố",
      "Không",
      { recording: false, cityHallRoom: false },
    ],
    ["Họp đột xuất, khẩn cấp", "Không", { recording: false, cityHallRoom: false }],
  ])("«%s | %s» under the endpoints", async (label, value, supports) => {
    const { parsed } = await reader.read(
      html(
        row("Nội dung", "Triển khai chiến dịch tiêm chủng mở rộng đợt 2") +
          row("Thời gian", "14h00 - 16h30, thứ Tư 16/12/2026") +
          row("Điểm cầu", "UBND phường Cầu Giấy; UBND phường Nghĩa Đô") +
          row(label, value) +
          row("Liên hệ", "Phạm Thu Hương - 0913 456 789"),
      ),
    );
    expect(parsed.participants).toEqual([codeOf("Phường Cầu Giấy"), codeOf("Phường Nghĩa Đô")]);
    expect(parsed.unresolved).toEqual([]);
    expect(parsed.missing).toEqual([]);
    expect({ recording: parsed.recording, cityHallRoom: parsed.cityHallRoom }).toEqual(supports);
  });

  it("the same as lines of a template", async () => {
    const json = await readProse(
      "Kính gửi Trung tâm,\nNội dung: giao ban\nThời gian: 9h00 - 11h00 ngày 10/12/2026\nĐiểm cầu: UBND phường Ngọc Hà\nGhi hình: Không\nLiên hệ: Lâm Thị Ngọc 0983210456",
    );
    expect(json.participants).toEqual([codeOf("Phường Ngọc Hà")]);
    expect(json.unresolved).toEqual([]);
  });
});

describe("«cô», «thầy», «BS.» before the contact's name are no part of it", () => {
  // Before: «Người liên hệ: cô Trịnh Thị Hạnh, SĐT …» gave no name (asked for again), «BS. Phạm Thu Hương» kept «BS.».
  it.each([
    ["Người liên hệ: cô Trịnh Thị Hạnh, SĐT 0915 246 810.", { name: "Trịnh Thị Hạnh", phone: "0915246810" }],
    ["Liên hệ: thầy Đỗ Văn Khoa 0912 111 222", { name: "Đỗ Văn Khoa", phone: "0912111222" }],
    ["Liên hệ: BS. Phạm Thu Hương - 0913 456 789", { name: "Phạm Thu Hương", phone: "0913456789" }],
    ["Liên hệ: ThS. Vũ Thị Lan, 0913 456 789", { name: "Vũ Thị Lan", phone: "0913456789" }],
  ])("«%s»", async (line, contact) => {
    const json = await readProse(
      `Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Ngọc Hà, nội dung giao ban.\n${line}`,
    );
    expect(json.contact).toEqual(contact);
    expect(json.missing).toEqual([]);
  });
});

describe("«…: nội dung X;» after the endpoints names the content", () => {
  // Before: «… với Sở Nội vụ, Sở Tư pháp: nội dung hướng dẫn …; thời gian …» gave no title, and it was asked for.
  it("«Phường … đăng ký họp trực tuyến với Sở Nội vụ, Sở Tư pháp: nội dung …; thời gian …»", async () => {
    const json = await readProse(
      "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến với Sở Nội vụ, Sở Tư pháp: nội dung hướng dẫn sắp xếp tổ chức bộ máy sau hợp nhất; thời gian 8h30-11h00 ngày 10/12/2026.\nLiên hệ: Lâm Thị Ngọc 0983210456.",
    );
    expect(json.title).toBe("hướng dẫn sắp xếp tổ chức bộ máy sau hợp nhất");
    expect(json.participants).toEqual([codeOf("Sở Nội vụ"), codeOf("Sở Tư pháp")]);
    expect(json.missing).toEqual([]);
  });
});

describe("the hours after the content's comma are no part of it", () => {
  // Before: «họp trực tuyến giao ban công tác quản lý thị trường, 8h00 đến 10h00 ngày 14/12/2026» gave the title
  // «giao ban công tác quản lý thị trường, 8h00 đến 10h00».
  it.each([
    "Sở Công Thương đăng ký họp trực tuyến giao ban công tác quản lý thị trường, 8h00 đến 10h00 ngày 14/12/2026, các điểm cầu: UBND phường Hai Bà Trưng, UBND phường Bạch Mai. Liên hệ: Đỗ Thị Lan 0977 888 999.",
    "Sở Công Thương đăng ký họp trực tuyến giao ban công tác quản lý thị trường, từ 8 giờ đến 10 giờ ngày 14/12/2026, các điểm cầu: UBND phường Hai Bà Trưng, UBND phường Bạch Mai. Liên hệ: Đỗ Thị Lan 0977 888 999.",
  ])("«%s»", async (body) => {
    const json = await readProse(body);
    expect(json.title).toBe("giao ban công tác quản lý thị trường");
    expect(json.start).toBe("2026-12-14T08:00:00+07:00");
  });
});

describe("a unit's name with a dash is read whole", () => {
  // Before: «UBND phường Văn Miếu - Quốc Tử Giám» in prose was the endpoint and also an unknown «UBND phường Văn
  // Miếu», and the booking sent back for it.
  it("«… với UBND phường Văn Miếu - Quốc Tử Giám và UBND phường Kim Liên»", async () => {
    const json = await readProse(
      "Sở Công Thương đăng ký họp trực tuyến triển khai các hoạt động chào mừng năm mới 2027, vào hồi 9 giờ 00 ngày 18 tháng 12 năm 2026, với UBND phường Văn Miếu - Quốc Tử Giám và UBND phường Kim Liên. Thông tin liên hệ: Đinh Thu Trang (0945 666 777).",
    );
    expect(json.participants).toEqual([codeOf("Phường Văn Miếu - Quốc Tử Giám"), codeOf("Phường Kim Liên")]);
    expect(json.unresolved).toEqual([]);
    expect(json.missing).toEqual([]);
  });

  it("a dash before a person's name after a unit still gives the unit", async () => {
    const json = await readProse(
      "Sở Công Thương đăng ký họp trực tuyến giao ban từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Ngọc Hà - Lâm Thị Ngọc 0983210456 liên hệ.",
    );
    expect(json.participants).toEqual([codeOf("Phường Ngọc Hà")]);
    expect(json.unresolved).toEqual([]);
  });
});

describe("the city hall's room declined in prose is no endpoint", () => {
  // Before: «Có sử dụng phòng họp trực tuyến tại trụ sở UBND Thành phố: không.» in one paragraph booked the room
  // (UBND-01) as an endpoint while the answer said «Phòng họp trực tuyến tại trụ sở UBND Thành phố: không».
  it.each([
    "Có sử dụng phòng họp trực tuyến tại trụ sở UBND Thành phố: không.",
    "Không sử dụng phòng họp trực tuyến tại trụ sở UBND Thành phố.",
  ])("«%s»", async (said) => {
    const json = await readProse(
      `Kính gửi Trung tâm, Sở Công Thương đăng ký họp trực tuyến sơ kết chuyển đổi số, thời gian: 13h30 - 17h00 ngày 17/12/2026. Điểm cầu tham dự: UBND phường Long Biên, UBND phường Bồ Đề. ${said} Đầu mối: Hoàng Anh Tuấn, 0983 777 111.`,
    );
    expect(json.participants).toEqual([codeOf("Phường Long Biên"), codeOf("Phường Bồ Đề")]);
    expect(json.cityHallRoom).toBe(false);
  });

  it("asked for, it still attends", async () => {
    const json = await readProse(
      "Kính gửi Trung tâm, Sở Công Thương đăng ký họp trực tuyến sơ kết chuyển đổi số, thời gian: 13h30 - 17h00 ngày 17/12/2026. Điểm cầu tham dự: UBND phường Long Biên, UBND phường Bồ Đề. Đề nghị sử dụng phòng họp trực tuyến tại trụ sở UBND Thành phố. Đầu mối: Hoàng Anh Tuấn, 0983 777 111.",
    );
    expect(json.participants).toContain(codeOf("Phòng họp trực tuyến trụ sở UBND Thành phố"));
    expect(json.cityHallRoom).toBe(true);
  });
});

describe("«để xã họp với X về Y»: Y is the content", () => {
  // Before: the title was «xã họp với Sở Nông nghiệp và Môi trường về công tác phòng chống cháy rừng …».
  it("«… bố trí phòng họp trực tuyến để xã họp với Sở Nông nghiệp và Môi trường về công tác …»", async () => {
    const json = await readProse(
      "Kính gửi: Trung tâm Tin học - Công báo\n\nSở Công Thương kính đề nghị Trung tâm bố trí phòng họp trực tuyến để Sở họp với UBND xã Sóc Sơn về công tác phòng chống cháy rừng mùa khô 2026-2027.\n- Thời gian: 9h00 - 10h30, thứ Sáu ngày 11/12/2026\n- Thành phần: điểm cầu UBND xã Sóc Sơn\n- Liên hệ: Lê Văn Hùng, 0904 111 222",
    );
    expect(json.title).toBe("công tác phòng chống cháy rừng mùa khô 2026-2027");
    expect(json.participants).toEqual([codeOf("Xã Sóc Sơn")]);
  });
});

describe("«phối hợp với X về Y» keeps its words", () => {
  it("«nội dung công tác phối hợp với Công an thành phố về đảm bảo an ninh trật tự»", async () => {
    const json = await readProse(
      "Sở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Ngọc Hà, nội dung công tác phối hợp với lực lượng quản lý thị trường về kiểm tra hàng giả. Liên hệ: Lâm Thị Ngọc 0983210456.",
    );
    expect(json.title).toBe("công tác phối hợp với lực lượng quản lý thị trường về kiểm tra hàng giả");
  });
});

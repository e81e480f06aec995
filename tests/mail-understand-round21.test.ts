import { describe, expect, it } from "vitest";
import { parseJson } from "../src/mail/parse-file.js";
import { ZONE } from "./helpers.js";
import { codeOf, proseMail, reader, readProse } from "./support/understand.js";

/**
 * Booking mails from the round-21 clerk trial (sent on Monday 30/11/2026 at 08:30): each table a class of misread
 * found and fixed, or a guard that shows a feared one cannot happen.
 */

const DONG_ANH = "Văn thư UBND xã Đông Anh <vanthu.donganh@hanoi.gov.vn>";
const STP = "Văn thư Sở Tư pháp <vanthu.stp@hanoi.gov.vn>";

async function read(body: string, from?: string) {
  const { parsed } = await reader.read(proseMail(body, from));
  return { parsed, json: parseJson("x", parsed, ZONE) as Record<string, unknown> };
}

describe("«về X với <units>»: whom the session is with closes the content, it is no part of it", () => {
  // Before: «họp trực tuyến khẩn về công tác ứng phó rét đậm rét hại với Sở Nông nghiệp và Môi trường lúc 15h chiều
  // nay» read the content «công tác ứng phó rét đậm rét hại với Sở Nông nghiệp và Môi trường», the Sở said twice in
  // the answer; «khẩn với Sở … về X» read «với Sở … về X»; «về việc X với A và B» kept «việc» and the two units.
  it.each([
    [
      "UBND xã Đông Anh xin đăng ký họp trực tuyến khẩn về công tác ứng phó rét đậm rét hại với Sở Nông nghiệp và Môi trường lúc 15h chiều nay, dự kiến 1 tiếng.",
      "công tác ứng phó rét đậm rét hại",
      ["Sở Nông nghiệp và Môi trường"],
    ],
    [
      "UBND xa Dong Anh xin dang ky hop truc tuyen khan ve cong tac ung pho ret dam ret hai voi So Nong nghiep va Moi truong luc 15h chieu nay, du kien 1 tieng.",
      "cong tac ung pho ret dam ret hai",
      ["Sở Nông nghiệp và Môi trường"],
    ],
    [
      "UBND xã Đông Anh xin đăng ký họp trực tuyến về công tác ứng phó rét đậm rét hại với Sở Nông nghiệp và Môi trường, Sở Y tế lúc 15h chiều nay, dự kiến 1 tiếng.",
      "công tác ứng phó rét đậm rét hại",
      ["Sở Nông nghiệp và Môi trường", "Sở Y tế (điểm cầu 1)"],
    ],
    [
      "UBND xã Đông Anh xin đăng ký họp trực tuyến khẩn với Sở Nông nghiệp và Môi trường về công tác ứng phó rét đậm rét hại lúc 15h chiều nay.",
      "công tác ứng phó rét đậm rét hại",
      ["Sở Nông nghiệp và Môi trường"],
    ],
    [
      "UBND xã Đông Anh đăng ký họp trực tuyến về việc tập huấn nghiệp vụ thi hành án hành chính với UBND phường Ngọc Hà và UBND phường Giảng Võ từ 9h00 đến 11h00 ngày 10/12/2026.",
      "tập huấn nghiệp vụ thi hành án hành chính",
      ["Phường Ngọc Hà", "Phường Giảng Võ"],
    ],
    [
      "UBND xã Đông Anh đăng ký họp trực tuyến về công tác cải cách hành chính với UBND phường Ngọc Hà trong ngày 10/12/2026 từ 9h đến 10h.",
      "công tác cải cách hành chính",
      ["Phường Ngọc Hà"],
    ],
  ])("«%s»", async (body, title, endpoints) => {
    const { json } = await read(`${body} Liên hệ: Trần Văn Hùng 0912345678.`, DONG_ANH);
    expect(json.title).toBe(title);
    expect(json.participants).toEqual(endpoints.map(codeOf));
    expect(json.missing).toEqual([]);
  });

  // The other side: a verb whose partner is what is done keeps it, and so do words the directory does not know.
  it.each([
    [
      "UBND xã Đông Anh xin đăng ký họp trực tuyến về công tác phối hợp với Sở Nông nghiệp và Môi trường lúc 15h chiều nay, dự kiến 1 tiếng.",
      "công tác phối hợp với Sở Nông nghiệp và Môi trường",
    ],
    [
      "UBND xã Đông Anh xin đăng ký họp trực tuyến làm việc với Sở Nông nghiệp và Môi trường về công tác ứng phó rét đậm rét hại lúc 15h chiều nay, dự kiến 1 tiếng.",
      "làm việc với Sở Nông nghiệp và Môi trường về công tác ứng phó rét đậm rét hại",
    ],
    [
      "UBND xã Đông Anh đăng ký họp trực tuyến về ký kết quy chế phối hợp với Sở Nội vụ lúc 9h ngày 10/12/2026.",
      "ký kết quy chế phối hợp với Sở Nội vụ",
    ],
    [
      "UBND xã Đông Anh đăng ký họp trực tuyến về đối thoại với Sở Tài chính lúc 9h ngày 10/12/2026.",
      "đối thoại với Sở Tài chính",
    ],
    [
      "UBND xã Đông Anh xin đăng ký họp trực tuyến về công tác ứng phó rét đậm rét hại với các hộ chăn nuôi lúc 15h chiều nay, điểm cầu Sở Nông nghiệp và Môi trường.",
      "công tác ứng phó rét đậm rét hại với các hộ chăn nuôi",
    ],
  ])("keeps «%s»", async (body, title) => {
    const { json } = await read(`${body} Liên hệ: Trần Văn Hùng 0912345678.`, DONG_ANH);
    expect(json.title).toBe(title);
  });

  it("a labelled content keeps the clerk's words as round 20 did («nội dung giao ban với UBND phường Ngọc Hà»)", async () => {
    const json = await readProse(
      "Sở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026, nội dung: tập huấn nghiệp vụ với UBND phường Ngọc Hà. Liên hệ: Lâm Thị Ngọc 0983210456.",
    );
    expect(json.title).toBe("tập huấn nghiệp vụ với UBND phường Ngọc Hà");
  });
});

describe("«trừ» leaves units out, «trụ sở» and «lưu trữ» do not", () => {
  // Before: «tất cả các xã, phường trừ phường Ba Đình» invited Ba Đình with the rest; «trừ điểm cầu UBND phường
  // Láng» invited Láng; «Chi cục Văn thư - Lưu trữ Sở Nội vụ» («luu tru so noi vu» folded) left the Sở out.
  const all = (json: Record<string, unknown>) => json.participants as string[];

  it.each([
    [
      "Sở Công Thương đăng ký họp trực tuyến với tất cả các xã, phường trừ phường Ba Đình về công tác tiêm chủng, từ 14h đến 16h30 ngày 11/12/2026.",
      ["Phường Ba Đình"],
    ],
    [
      "So Cong Thuong dang ky hop truc tuyen tu 9h den 11h ngay 10/12/2026 voi tat ca cac phuong tru phuong Lang, phuong Kim Lien, noi dung: giao ban.",
      ["Phường Láng", "Phường Kim Liên"],
    ],
    [
      "Sở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với tất cả các phường (trừ phường Ba Đình, Láng), nội dung: giao ban.",
      ["Phường Ba Đình", "Phường Láng"],
    ],
  ])("«%s»", async (body, left) => {
    const json = await readProse(`${body} Liên hệ: Lâm Thị Ngọc 0983210456.`);
    for (const name of left) expect(all(json)).not.toContain(codeOf(name));
    expect(all(json)).toContain(codeOf("Phường Ngọc Hà"));
    expect(all(json).length).toBeGreaterThan(100);
    expect(json.unresolved).toEqual([]);
  });

  it.each([
    "với các phường Ngọc Hà, Giảng Võ, Ba Đình (trừ điểm cầu UBND phường Ba Đình)",
    "với các điểm cầu UBND phường Ngọc Hà, UBND phường Giảng Võ, trừ điểm cầu phường Ba Đình",
  ])("«%s»", async (endpoints) => {
    const json = await readProse(
      `Sở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 ${endpoints}, nội dung: giao ban. Liên hệ: Lâm Thị Ngọc 0983210456.`,
    );
    expect(json.participants).toEqual([codeOf("Phường Ngọc Hà"), codeOf("Phường Giảng Võ")]);
  });

  // Folded alike, read apart: the marks decide where there are marks, the words after where there are none.
  it.each([
    [
      "Sở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với tất cả các phường; điểm cầu chính tại trụ sở UBND phường Ngọc Hà, nội dung: giao ban.",
      "Phường Ngọc Hà",
    ],
    [
      "Sở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với Chi cục Văn thư - Lưu trữ Sở Nội vụ, nội dung: giao ban.",
      "Sở Nội vụ",
    ],
    [
      "So Cong Thuong dang ky hop truc tuyen tu 9h den 11h ngay 10/12/2026 voi Chi cuc Van thu - Luu tru So Noi vu, noi dung: giao ban.",
      "Sở Nội vụ",
    ],
  ])("«%s» keeps %s", async (body, kept) => {
    const { parsed } = await read(`${body} Liên hệ: Lâm Thị Ngọc 0983210456.`);
    expect([...parsed.participants, parsed.hostEndpoint]).toContain(codeOf(kept));
  });

  it("«trừ Sở Y tế» without marks still leaves the Sở out", async () => {
    const json = await readProse(
      "So Cong Thuong dang ky hop truc tuyen tu 9h den 11h ngay 10/12/2026 voi So Noi vu, So Tu phap, tru So Y te, noi dung: giao ban. Lien he: Lam Thi Ngoc 0983210456.",
    );
    expect(json.participants).toEqual([codeOf("Sở Nội vụ"), codeOf("Sở Tư pháp")]);
  });
});

describe("«điểm cầu chính tại trụ sở UBND phường …» is where the session is hosted", () => {
  // Before: «trụ sở UBND phường Ngọc Hà» was an unknown host endpoint («không nhận ra điểm cầu chủ trì …»), and
  // Ngọc Hà was booked as a participant beside the Sở's own endpoint.
  it.each([
    "Sở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026, điểm cầu chính tại trụ sở UBND phường Ngọc Hà, các điểm cầu tham dự: UBND phường Giảng Võ, UBND phường Láng, nội dung: giao ban.",
    "So Cong Thuong dang ky hop truc tuyen tu 9h den 11h ngay 10/12/2026, diem cau chinh tai tru so UBND phuong Ngoc Ha, cac diem cau tham du: UBND phuong Giang Vo, UBND phuong Lang, noi dung: giao ban.",
  ])("«%s»", async (body) => {
    const { parsed } = await read(`${body} Liên hệ: Lâm Thị Ngọc 0983210456.`);
    expect(parsed.hostEndpoint).toBe(codeOf("Phường Ngọc Hà"));
    expect(parsed.participants).toEqual([codeOf("Phường Giảng Võ"), codeOf("Phường Láng")]);
    expect(parsed.warnings).toEqual([]);
  });

  it("«điểm cầu chính tại trụ sở UBND Thành phố» is the city hall room, as its own name", async () => {
    const { parsed } = await read(
      "Sở Tư pháp đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026, điểm cầu chính tại trụ sở UBND Thành phố, các điểm cầu tham dự: UBND phường Giảng Võ, nội dung: giao ban. Liên hệ: Đinh Văn Toàn 0904222333.",
      STP,
    );
    expect(parsed.hostEndpoint).toBe("UBND-01");
  });
});

describe("«9 rưỡi» is half past nine", () => {
  // Before: «từ 9 rưỡi đến 11 giờ» booked 11:00–13:00 (the «9 rưỡi» unread, the end taken for the start).
  it.each([
    ["từ 9 rưỡi đến 11 giờ ngày 14/12/2026", "09:30", "11:00"],
    ["từ 8h rưỡi đến 10h ngày 14/12/2026", "08:30", "10:00"],
    ["từ 2 giờ rưỡi chiều đến 4 giờ chiều ngày 14/12/2026", "14:30", "16:00"],
  ])("«%s»", async (when, start, end) => {
    const json = await readProse(
      `Sở Công Thương đăng ký họp trực tuyến ${when} với UBND phường Láng về tập huấn nghiệp vụ hộ tịch. Liên hệ: Lâm Thị Ngọc 0983210456.`,
    );
    expect(json.start).toBe(`2026-12-14T${start}:00+07:00`);
    expect(json.end).toBe(`2026-12-14T${end}:00+07:00`);
  });
});

describe("«trật tự», «tư vấn» are no «từ»: the content is read whole", () => {
  // Before: «về công tác bảo đảm trật tự dịp Giáng sinh» was cut at «tự» («công tác bảo đảm trật»), as «từ 9h» ends it.
  it.each([
    [
      "Sở Công Thương đăng ký họp trực tuyến lúc 19h00 tối thứ Bảy ngày 12/12/2026 với UBND phường Láng về công tác bảo đảm trật tự dịp Giáng sinh.",
      "công tác bảo đảm trật tự dịp Giáng sinh",
    ],
    [
      "Sở Công Thương đăng ký họp trực tuyến công tác tư vấn pháp luật cho doanh nghiệp lúc 9h ngày 10/12/2026 với UBND phường Láng.",
      "công tác tư vấn pháp luật cho doanh nghiệp",
    ],
    // Typed without marks, «tu» is «từ» as it always was.
    [
      "So Cong Thuong dang ky hop truc tuyen giao ban cong tac thang 12 tu 9h den 11h ngay 10/12/2026 voi UBND phuong Lang.",
      "giao ban cong tac thang 12",
    ],
  ])("«%s»", async (body, title) => {
    const json = await readProse(`${body} Liên hệ: Lâm Thị Ngọc 0983210456.`);
    expect(json.title).toBe(title);
    expect(json.participants).toEqual([codeOf("Phường Láng")]);
  });
});

describe("every endpoint of an agency, said in prose", () => {
  // Before: «với Sở Tài chính (02 điểm cầu)» booked the first of its endpoints only, and «với 2 điểm cầu của Sở Xây
  // dựng» none (read as a document's author), the booking sent back for «điểm cầu».
  it.each([
    ["với Sở Tài chính (02 điểm cầu)", ["STC-01", "STC-02"]],
    ["với Sở Xây dựng (cả 2 điểm cầu), Sở Y tế (điểm cầu 2)", ["SXD-01", "SYT-02", "SXD-02"]],
    ["với 2 điểm cầu của Sở Xây dựng", ["SXD-01", "SXD-02"]],
    ["với các điểm cầu của Sở Y tế và UBND phường Láng", ["CX-00199", "SYT-01", "SYT-02"]],
  ])("«%s»", async (endpoints, codes) => {
    const { json } = await read(
      `Sở Tư pháp đăng ký họp trực tuyến từ 13h30-15h ngày 15/12/2026 ${endpoints} về dự toán ngân sách năm 2027. LH: Đinh Văn Toàn 0904222333.`,
      STP,
    );
    expect(json.participants).toEqual(codes);
    expect(json.title).toBe("dự toán ngân sách năm 2027");
    expect(json.missing).toEqual([]);
  });
});

describe("the content after the words that are no content", () => {
  it.each([
    // Before: «xin đăng ký phòng họp trực tuyến tại trụ sở UBND Thành phố để tổ chức hội nghị trực tuyến X» read
    // «tại trụ sở UBND Thành phố để tổ chức hội nghị trực tuyến X».
    [
      "Sở Tư pháp xin đăng ký phòng họp trực tuyến tại trụ sở UBND Thành phố để tổ chức hội nghị trực tuyến tổng kết công tác năm 2026, từ 8h00 đến 11h30 thứ Sáu ngày 18/12/2026, điểm cầu: UBND các phường Ba Đình, Ngọc Hà, Giảng Võ.",
      "tổng kết công tác năm 2026",
      false,
    ],
    // Before: «họp trực tuyến mật (hội nghị quán triệt văn bản mật)» read «mật (hội nghị quán triệt văn bản mật)».
    [
      "Sở Tư pháp đăng ký họp trực tuyến mật (hội nghị quán triệt văn bản mật) lúc 9h ngày 16/12/2026 với Công an thành phố Hà Nội, Thanh tra thành phố Hà Nội.",
      "hội nghị quán triệt văn bản mật",
      true,
    ],
    // Before: «họp trực tuyến 2 buổi: sáng 14/12/2026 từ 8h00 …» read «2 buổi: sáng 14/12/2026».
    [
      "Sở Tư pháp đăng ký họp trực tuyến 2 buổi: sáng 14/12/2026 từ 8h00 đến 11h00 và chiều 14/12/2026 từ 14h00 đến 16h00 với UBND phường Láng về tập huấn nghiệp vụ hộ tịch.",
      "tập huấn nghiệp vụ hộ tịch",
      false,
    ],
  ])("«%s»", async (body, title, secret) => {
    const { json } = await read(`${body} Liên hệ: Đinh Văn Toàn 0904222333.`, STP);
    expect(json.title).toBe(title);
    expect(json.secret).toBe(secret);
  });
});

describe("«Chủ trì: đồng chí Giám đốc Sở» names who chairs, not an unknown agency", () => {
  // Before: the answer said «không nhận ra cơ quan chủ trì «đồng chí Giám đốc Sở» trong danh bạ».
  it.each(["đồng chí Giám đốc Sở", "Lãnh đạo Sở", "đ/c Phó Giám đốc Sở"])("«Chủ trì: %s»", async (chair) => {
    const { parsed } = await read(
      `Dear Trung tâm,\nSở Tư pháp xin đăng ký 01 cuộc họp trực tuyến như sau:\n- Thời gian: 14h00 - 17h00, thứ Ba (08/12/2026)\n- Chủ trì: ${chair}\n- Điểm cầu: Sở Nội vụ; UBND phường Láng\n- Nội dung: Hội nghị triển khai nhiệm vụ năm 2027\n- Đầu mối: Đinh Văn Toàn (0904.222.333)`,
      STP,
    );
    expect(parsed.host).toBe("Sở Tư pháp");
    expect(parsed.participants).toEqual([codeOf("Sở Nội vụ"), codeOf("Phường Láng")]);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.missing).toEqual([]);
  });

  it("«Chủ trì: Sở Xyz» is still an agency the directory does not know", async () => {
    const { parsed } = await read(
      "Kính gửi Trung tâm,\n- Thời gian: 14h00 - 17h00, thứ Ba (08/12/2026)\n- Chủ trì: Sở Xyz\n- Điểm cầu: Sở Nội vụ\n- Nội dung: giao ban\n- Liên hệ: Đinh Văn Toàn 0904222333",
      STP,
    );
    expect(parsed.warnings.join(" ")).toContain("không nhận ra cơ quan chủ trì «Sở Xyz»");
  });
});

describe("a labelled list of endpoints leaves out what its «trừ» names", () => {
  // Before: «Điểm cầu: Tất cả các xã, phường (trừ phường Ba Đình)» invited Ba Đình with the group, and asked about
  // «(trừ phường Ba Đình)» as an unknown endpoint.
  it.each([
    "Tất cả các xã, phường (trừ phường Ba Đình)",
    "Tất cả các xã, phường, trừ phường Ba Đình và phường Láng",
  ])("«Điểm cầu: %s»", async (endpoints) => {
    const json = await readProse(
      `Kính gửi Trung tâm,\nĐiểm cầu: ${endpoints}\nThời gian: 9h00 - 11h00 ngày 10/12/2026\nNội dung: giao ban\nLiên hệ: Lâm Thị Ngọc 0983210456`,
    );
    const codes = json.participants as string[];
    expect(codes).not.toContain(codeOf("Phường Ba Đình"));
    expect(codes).toContain(codeOf("Phường Ngọc Hà"));
    expect(codes.length).toBeGreaterThan(100);
    expect(json.unresolved).toEqual([]);
    expect(json.missing).toEqual([]);
  });

  it("«Điểm cầu: trụ sở UBND Thành phố; UBND phường Ngọc Hà» keeps both", async () => {
    const json = await readProse(
      "Kính gửi Trung tâm,\nĐiểm cầu: trụ sở UBND Thành phố; UBND phường Ngọc Hà\nThời gian: 9h00 - 11h00 ngày 10/12/2026\nNội dung: giao ban\nLiên hệ: Lâm Thị Ngọc 0983210456",
    );
    expect(json.participants).toEqual(["UBND-01", codeOf("Phường Ngọc Hà")]);
  });
});

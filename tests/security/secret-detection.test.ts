import { describe, expect, it } from "vitest";
import { type Secrecy, secrecyOf } from "../../src/core/booking/secret.js";
import { DirectoryMatcher } from "../../src/core/directory/matcher.js";
import { understand } from "../../src/mail/understand.js";
import { sampleDirectory, ZONE } from "../helpers.js";

/**
 * Threat: a secret session (Điều 5.2) is not recognised, so its title, host and endpoints travel over chat and
 * mail; or an ordinary one is taken for secret because «mặt», «mất», «mật khẩu» look like «mật».
 * Labelled phrasings: where the phrase sits, the text, the expected verdict, and why.
 */
type Where = "subject" | "title" | "body";
const CASES: [Where, string, Secrecy, string][] = [
  // Clear marks with diacritics.
  ["subject", "Mật - Đăng ký họp trực tuyến ngày 10/12", "secret", "«Mật -» heading"],
  ["subject", "(Mật) Đăng ký lịch họp trực tuyến", "secret", "«(Mật)»"],
  ["subject", "[MẬT] Đăng ký phiên họp", "secret", "stamp in brackets"],
  ["subject", "MẬT", "secret", "stamp alone"],
  ["subject", "Đăng ký họp mật ngày 10/12", "secret", "«họp mật»"],
  ["title", "Họp mật về phương án bảo vệ mục tiêu", "secret", "«Họp mật» at the start"],
  ["title", "Phiên họp mật của Ban Chỉ đạo", "secret", "«phiên họp mật»"],
  ["title", "Hội nghị mật triển khai nhiệm vụ", "secret", "«hội nghị mật»"],
  ["body", "Độ mật: Mật", "secret", "level field, value Mật"],
  ["body", "Độ mật: Tối mật", "secret", "level field, Tối mật"],
  ["body", "Độ mật: Tuyệt mật\nĐộ khẩn: Thường", "secret", "level field, Tuyệt mật"],
  ["body", "Tài liệu Tối mật, đề nghị không chuyển qua mạng.", "secret", "«Tối mật»"],
  ["body", "TUYỆT MẬT", "secret", "stamp «TUYỆT MẬT»"],
  ["body", "Nội dung thuộc bí mật nhà nước độ Tối mật.", "secret", "«bí mật nhà nước» + level"],
  ["body", "Cuộc họp có nội dung bí mật nhà nước.", "secret", "«bí mật nhà nước»"],
  ["body", "Nội dung mật, đề nghị bố trí đường truyền riêng.", "secret", "«nội dung mật»"],
  ["body", "Tính chất: mật", "secret", "value after a colon"],
  ["body", "Văn bản MẬT kèm theo", "secret", "stamp inside a sentence"],
  ["subject", "Khẩn, Mật - Họp giao ban an ninh", "secret", "«Mật -» after «Khẩn»"],
  ["subject", "Đăng ký hội nghị trực tuyến mật", "secret", "«trực tuyến mật»"],
  ["subject", "Mật: Họp giao ban khối nội chính", "secret", "«Mật:» heading"],
  // Clear marks without diacritics.
  ["subject", "Mat - Dang ky hop truc tuyen ngay 10/12", "secret", "«Mat -» heading"],
  ["subject", "(Mat) Dang ky lich hop", "secret", "«(Mat)»"],
  ["subject", "Dang ky hop truc tuyen MAT", "secret", "capital MAT among lower case"],
  ["body", "Do mat: Mat", "secret", "level field without diacritics"],
  ["body", "Do mat: Toi mat", "secret", "level field, toi mat"],
  ["body", "Tai lieu toi mat, khong gui qua thu dien tu", "secret", "«toi mat»"],
  ["body", "Noi dung tuyet mat", "secret", "«tuyet mat»"],
  ["body", "Noi dung thuoc bi mat nha nuoc", "secret", "«bi mat nha nuoc»"],
  ["title", "Phien hop mat cua Thanh uy", "secret", "«phien hop mat»: nobody says «phiên họp mặt»"],
  ["body", "Day la phien mat, de nghi ky thuat bo tri rieng", "secret", "«phien mat»"],
  ["body", "Noi dung mat, khong phat tren nhom", "secret", "«noi dung mat»"],
  // Ambiguous: treated as secret until a technician decides.
  ["subject", "Dang ky hop mat ngay 10/12", "ambiguous", "«hop mat»: họp mặt or họp mật"],
  ["subject", "DANG KY HOP MAT NGAY 10/12", "ambiguous", "all capitals: MAT is no stamp"],
  ["body", "Đề nghị giữ bí mật nội dung cuộc họp.", "ambiguous", "«giữ bí mật»: secrecy asked, no level"],
  ["body", "De nghi giu bi mat noi dung", "ambiguous", "same without diacritics"],
  ["title", "Tập huấn công tác bảo vệ bí mật nhà nước", "ambiguous", "topic or mark: desk asks"],
  ["body", "Độ mật:", "ambiguous", "level field left blank"],
  ["body", "Độ mật: cao", "ambiguous", "level field with an unknown value"],
  ["body", "Cuộc họp mang tính mật.", "ambiguous", "«mật» in an unknown phrase"],
  ["title", "Họp kín Ban Thường vụ", "ambiguous", "«họp kín»: closed meeting"],
  ["body", "De nghi to chuc hop kin", "ambiguous", "«hop kin»"],
  ["body", "Đề nghị bảo mật nội dung phiên họp.", "ambiguous", "a request to keep it confidential"],
  ["body", "Việc cơ mật của Thường trực Thành ủy.", "ambiguous", "«cơ mật»"],
  ["title", "Giải mật tài liệu lưu trữ", "ambiguous", "«giải mật»"],
  ["body", "Cuoc hop co tinh chat mat", "secret", "«tinh chat mat»: chat is never «mặt» here"],
  ["body", "Nội dung không mật.", "ambiguous", "a negation still names the level: desk asks"],
  [
    "body",
    "Thư này có thể chứa thông tin mật, nếu nhận nhầm xin xóa.",
    "ambiguous",
    "a mail disclaimer: desk asks",
  ],
  // Open: looks like a mark, is not.
  ["title", "Hội nghị Ủy ban Mặt trận Tổ quốc thành phố", "open", "«Mặt trận» (front)"],
  ["title", "Hoi nghi Uy ban Mat tran To quoc", "open", "«Mat tran» without diacritics"],
  ["title", "HOI NGHI UY BAN MAT TRAN TO QUOC", "open", "capital MAT TRAN"],
  ["body", "UBND MAT TRAN", "open", "capital MAT TRAN in a short line"],
  ["body", "Điểm cầu xã Sóc Sơn bị mất tiếng.", "open", "«mất tiếng»"],
  ["body", "Diem cau xa Soc Son bi mat tieng", "open", "«mat tieng» = mất tiếng"],
  ["body", "Mất điện dự phòng cần kiểm tra.", "open", "«Mất điện»"],
  ["body", "Lần trước bị mat ket noi giữa phiên.", "open", "«mat ket noi» in mixed text"],
  ["body", "Mật khẩu phòng họp sẽ gửi sau.", "open", "«Mật khẩu» (password)"],
  ["body", "Mat khau phong hop gui sau", "open", "«Mat khau»"],
  ["title", "Đánh giá mật độ dân cư khu vực nội đô", "open", "«mật độ» (density)"],
  ["title", "Phối hợp mật thiết giữa các sở, ngành", "open", "«mật thiết» (close)"],
  ["title", "Hội nghị an toàn, an ninh mạng và bảo mật thông tin", "open", "«bảo mật thông tin» (IT topic)"],
  ["body", "Thông tin được trao đổi qua kênh bảo mật.", "open", "«kênh bảo mật»"],
  ["title", "Gặp mặt thân mật đầu xuân", "open", "«thân mật», «Gặp mặt»"],
  ["body", "De nghi cac dai bieu co mat truoc 15 phut", "open", "«co mat» = có mặt"],
  ["body", "Thay mat Ban to chuc, xin cam on", "open", "«Thay mat» = thay mặt"],
  ["body", "Gap mat dau xuan cac don vi", "open", "«Gap mat» = gặp mặt"],
  ["title", "Ra mat Trung tam phuc vu hanh chinh cong", "open", "«Ra mat» = ra mắt"],
  ["title", "Bàn giao mặt bằng dự án đường Vành đai 4", "open", "«mặt bằng»"],
  ["title", "Kiem tra he thong lam mat phong may", "open", "«lam mat» = làm mát"],
  ["title", "Bình ổn thị trường dịp Tết Nguyên đán", "open", "no mark at all"],
  ["subject", "Đăng ký họp trực tuyến khẩn", "open", "«khẩn» is urgency, not secrecy"],
  ["body", "Tài liệu lưu hành nội bộ.", "open", "«lưu hành nội bộ» is no secrecy level"],
  ["body", "Độ mật: Thường", "open", "level field, value Thường"],
  ["body", "Do mat: khong", "open", "level field, value khong"],
  ["title", "Phát triển nghề nuôi ong lấy mật", "ambiguous", "«lấy mật» (honey): unknown phrase, desk asks"],
];

describe("secret detection: a labelled list of phrasings (Điều 5.2, fails closed)", () => {
  it("holds at least 60 phrasings across subject, title and body", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    for (const w of ["subject", "title", "body"] as const) expect(CASES.some((c) => c[0] === w)).toBe(true);
    for (const v of ["secret", "ambiguous", "open"] as const)
      expect(CASES.some((c) => c[2] === v)).toBe(true);
  });

  it.each(CASES)("%s «%s» → %s (%s)", (where, text, expected) => {
    expect(secrecyOf({ [where]: text })).toBe(expected);
  });

  it("takes the worst of subject, title and body", () => {
    expect(secrecyOf({ subject: "Đăng ký họp", title: "Hop mat cuoi nam", body: "Độ mật: Mật" })).toBe(
      "secret",
    );
    expect(secrecyOf({ subject: "Đăng ký họp", title: "Hop mat cuoi nam", body: "" })).toBe("ambiguous");
    expect(secrecyOf({ subject: "Đăng ký họp", title: "Mặt trận", body: null })).toBe("open");
  });
});

/**
 * A mail system's disclaimer under every mail of an agency marks no session (Điều 5.2 is about the session, not the
 * mail system): a footer after the booking content is discounted, a mark in the booking part is not. Labelled:
 * the booking's body, the expected verdict, and why.
 */
const BOOKING = [
  "Kính gửi Trung tâm,",
  "- Cơ quan chủ trì: Sở Công Thương",
  "- Nội dung: Giao ban công tác tháng 12",
  "- Thời gian: 09h00 ngày 10/12/2026",
  "- Liên hệ: Lâm Thị Ngọc, 0983 210 456",
].join("\n");
const DISCLAIMER =
  "Thông tin trong thư này là tài liệu mật, chỉ dành cho người nhận. Nếu nhận nhầm, xin xoá thư.";
const FOOTER_CASES: [string, Secrecy, string][] = [
  [`${BOOKING}\n\n________________\n${DISCLAIMER}`, "open", "rule of underscores, then the disclaimer"],
  [`${BOOKING}\n-----\n${DISCLAIMER}`, "open", "rule of dashes, then the disclaimer"],
  [
    `${BOOKING}\n-- \nLâm Thị Ngọc\nVăn phòng Sở Công Thương\nEmail này có thể chứa thông tin mật, nếu nhận nhầm xin xoá thư và báo cho người gửi.`,
    "open",
    "«-- » signature with the disclaimer",
  ],
  [
    `${BOOKING}\n\nTrân trọng,\nLâm Thị Ngọc\n\nThư này là tài liệu mật, chỉ dành cho người nhận.\nKhông được phép sao chép, chuyển tiếp.`,
    "open",
    "«Trân trọng» signature, disclaimer over two lines",
  ],
  [
    `${BOOKING}\n\nEmail này có thể chứa thông tin mật, nếu nhận nhầm xin vui lòng xóa thư.`,
    "open",
    "no marker: the last paragraph is a disclaimer (an HTML footer under an <hr>)",
  ],
  [
    `${BOOKING}\n\nCONFIDENTIALITY NOTICE: This email is confidential and intended only for the recipient.\n\nThư điện tử này có thể chứa thông tin mật. Nếu nhận nhầm, đề nghị thông báo cho người gửi.`,
    "open",
    "English heading, then the Vietnamese disclaimer",
  ],
  [
    `${BOOKING}\n________\nTHÔNG TIN TRONG THƯ NÀY LÀ TÀI LIỆU MẬT, CHỈ DÀNH CHO NGƯỜI NHẬN.`,
    "open",
    "a disclaimer in capitals: «MẬT» there is no stamp",
  ],
  [
    "Kinh gui Trung tam,\n- Noi dung: Giao ban thang 12\n- Thoi gian: 9h00 ngay 10/12/2026\n______\nThu nay co the chua thong tin mat, neu nhan nham xin xoa thu.",
    "open",
    "without diacritics",
  ],
  [
    `${BOOKING}\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\nThông tin trong thư này là tài liệu mật, không được phép chuyển tiếp.`,
    "open",
    "«Nơi nhận:» block, then the disclaimer",
  ],
  // Fails closed: a mark in the booking, or one a disclaimer does not use, still counts.
  [
    `${BOOKING}\n- Độ mật: Mật\n\n________________\n${DISCLAIMER}`,
    "secret",
    "«Độ mật: Mật» above the footer",
  ],
  [
    `${BOOKING}\n\nTrân trọng,\nLâm Thị Ngọc\nĐộ mật: Mật\n________________\n${DISCLAIMER}`,
    "secret",
    "«Độ mật: Mật» near the end, under the signature",
  ],
  [`MẬT\n${BOOKING}\n________________\n${DISCLAIMER}`, "secret", "a stamp at the top"],
  [`Tối mật\n${BOOKING}\n________________\n${DISCLAIMER}`, "secret", "«Tối mật» as the document's marking"],
  [
    `${BOOKING}\n________________\nThư này mời dự phiên họp mật, nếu nhận nhầm xin xoá thư.`,
    "secret",
    "«họp mật» inside a disclaimer-like sentence",
  ],
  [
    `${BOOKING}\n________________\nThư này (Mật) chỉ dành cho người nhận.`,
    "secret",
    "«(Mật)» inside a disclaimer-like sentence",
  ],
  [
    `${BOOKING}\n- Ghi chú: họp mật, không được phép chuyển tiếp cho người nhận khác.`,
    "secret",
    "disclaimer words in the booking part, no footer",
  ],
  [
    `${BOOKING}\n\nNội dung mật, chỉ gửi người nhận có thẩm quyền.`,
    "secret",
    "a last paragraph with a mark that does not speak of the mail: no disclaimer",
  ],
  [
    `${BOOKING}\n______\n- Nội dung mật, không được phép phát trên nhóm.`,
    "secret",
    "a rule used as a divider in the form: what follows is no disclaimer",
  ],
  [
    `Kinh gui Trung tam,\n- Noi dung: Hop mat cuoi nam\n______\nThu nay co the chua thong tin mat, neu nhan nham xin xoa thu.`,
    "ambiguous",
    "«hop mat» in the booking part, footer discounted",
  ],
  [
    `${BOOKING}\n\nTrân trọng,\nLâm Thị Ngọc\n\nLưu ý: nội dung cuộc họp là mật, người nhận không được phép phổ biến.`,
    "ambiguous",
    "after the signature, a sentence that says the meeting's content is secret: no disclaimer, held for review",
  ],
  [
    `${BOOKING}\n\nTrân trọng,\nLâm Thị Ngọc\n\nHội nghị có tài liệu mật; thư này chỉ dành cho người nhận.`,
    "secret",
    "after the signature, the conference said to carry secret papers",
  ],
  [DISCLAIMER, "secret", "nothing but a disclaimer: nothing written above it, read whole"],
];

describe("secret detection: a mail system's disclaimer after the booking is no mark", () => {
  it.each(FOOTER_CASES)("body %j → %s (%s)", (body, expected) => {
    expect(secrecyOf({ body })).toBe(expected);
  });

  it("a footer in the body does not hide a mark in the subject or the title", () => {
    const body = `${BOOKING}\n________________\n${DISCLAIMER}`;
    expect(secrecyOf({ subject: "(Mật) Đăng ký họp", body })).toBe("secret");
    expect(secrecyOf({ title: "Họp mật Ban Chỉ đạo", body })).toBe("secret");
    expect(secrecyOf({ subject: "Đăng ký họp", title: "Giao ban công tác tháng 12", body })).toBe("open");
  });
});

describe("the mail reader uses it", () => {
  const matcher = new DirectoryMatcher(sampleDirectory);
  const ctx = { matcher, zone: ZONE, defaultDurationMinutes: 120, senderAgency: "Sở Công Thương" };
  const body = [
    "Kính gửi Trung tâm,",
    "- Cơ quan chủ trì: Sở Công Thương",
    "- Nội dung: Hội nghị Ủy ban Mặt trận Tổ quốc",
    "- Thời gian: 09h00 ngày 10/12/2026",
    "- Liên hệ: Lâm Thị Ngọc, 0983 210 456",
  ].join("\n");
  const read = (subject: string, text: string) =>
    understand({ subject, text, date: new Date("2026-12-01T02:00:00Z") }, ctx);

  it("reads «Mặt trận» as open and «Mật -» in the subject as secret", () => {
    expect(read("Đăng ký họp", body)).toMatchObject({ secret: false, secretUnsure: false });
    expect(read("Mật - Đăng ký họp", body)).toMatchObject({ secret: true, secretUnsure: false });
  });

  it("reads a booking under an agency's disclaimer as open, and one with «Độ mật: Mật» in it as secret", () => {
    const footer = "\n\n________________\nEmail này có thể chứa thông tin mật, nếu nhận nhầm xin xoá thư.";
    expect(read("Đăng ký họp", `${body}${footer}`)).toMatchObject({ secret: false, secretUnsure: false });
    expect(read("Đăng ký họp", `${body}\n- Độ mật: Mật${footer}`)).toMatchObject({
      secret: true,
      secretUnsure: false,
    });
  });

  it("an ambiguous mark is stored as secret and flagged for a technician", () => {
    expect(read("Dang ky hop mat cuoi nam", body)).toMatchObject({ secret: true, secretUnsure: true });
  });
});

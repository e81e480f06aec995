import { describe, expect, it } from "vitest";
import { makeDesk } from "./helpers.js";
import { CLERK_DATE, CLERK_NOW, lastAnswer, mailDeskOf, sendAsClerk } from "./support/mail-desk.js";
import { mail } from "./support/service.js";

// Found by trying the desk as a clerk writing the mails offices really write.

const NOW = CLERK_NOW;
const DATE = CLERK_DATE;
const send = sendAsClerk;

describe("a mail to the desk that is no booking opens no booking", () => {
  const NOT_BOOKINGS: [string, string][] = [
    [
      "Góp ý về chất lượng đường truyền",
      "Kính gửi Trung tâm,\nTuần trước đường truyền tại điểm cầu phường Ngọc Hà hay bị giật. Đề nghị kiểm tra.\nTrân trọng.",
    ],
    ["Hỏi thủ tục", "Xin hỏi thủ tục đăng ký thêm điểm cầu mới cho Sở thế nào ạ?"],
  ];
  for (const [subject, body] of NOT_BOOKINGS) {
    it(subject, async () => {
      const { outcome, outbox, bookings, answer } = await send(body, subject);
      expect(outcome).toMatchObject({ kind: "ignored" });
      expect(bookings).toHaveLength(0);
      expect(answer).toContain("không phải là đăng ký lịch họp");
      expect(answer).toContain("Điều 12.2a");
      expect(answer).not.toContain("HTT-");
      const notice = outbox.find((m) => m.channel === "desk");
      expect(String(notice?.payload.text)).toContain("Sở Công Thương");
      // The notice names who wrote, not what: a subject can carry what a group must not read.
      expect(String(notice?.payload.text)).not.toContain(subject);
    });
  }

  it("a booking that forgot its time and content is still a booking, asked for what it lacks", async () => {
    const { outcome, bookings } = await send(
      "Sở Công Thương đăng ký họp trực tuyến với UBND phường Ngọc Hà.\nLiên hệ: Nguyễn Văn An, 0912 345 678",
    );
    expect(outcome).toMatchObject({ kind: "registered", decision: { outcome: "needs-info" } });
    expect(bookings).toHaveLength(1);
  });
});

const LETTER = (time: string, contact: string, signature: string) => `Kính gửi: Trung tâm Tin học - Công báo

Sở Công Thương đăng ký họp trực tuyến với các điểm cầu: UBND phường Ngọc Hà, P. Ba Đình
Thời gian: ${time}
Nội dung: Hội nghị triển khai nhiệm vụ năm 2027
${contact}
Trân trọng,
${signature}`;

const SIGNATURE =
  "Nguyễn Văn An\nVăn phòng Sở Công Thương\nĐT: 024 3825 1234 - DĐ: 0912 345 678\nNgày 25/11/2026";

describe("«cả ngày» books the working day", () => {
  for (const time of [
    "cả ngày 10/12/2026",
    "Cả ngày thứ Năm, ngày 10/12/2026",
    "ngày 10/12/2026 (cả ngày)",
  ]) {
    it(time, async () => {
      const { outcome, answer } = await send(LETTER(time, "Liên hệ: Lê Thị Hoa, 0983 210 456", "Văn thư"));
      expect(outcome).toMatchObject({ kind: "registered", decision: { outcome: "confirmed" } });
      expect(answer).toContain("Thời gian: 07:30–17:00 Thứ Năm, 10/12/2026.");
    });
  }

  it("an hour given with it wins («cả ngày, từ 8h00»)", async () => {
    const { answer } = await send(
      LETTER("cả ngày 10/12/2026, từ 8h00 đến 16h30", "Liên hệ: Lê Thị Hoa, 0983 210 456", ""),
    );
    expect(answer).toContain("Thời gian: 08:00–16:30 Thứ Năm, 10/12/2026.");
  });
});

describe("the person and phone of the signature are the contact when the mail names none", () => {
  it("name above the office, mobile after the office phone; the signature's date is not the session's", async () => {
    const { outcome, answer } = await send(LETTER("9h00 ngày 10/12/2026", "", SIGNATURE));
    expect(outcome).toMatchObject({ kind: "registered", decision: { outcome: "confirmed" } });
    expect(answer).toContain("Đầu mối liên hệ: Nguyễn Văn An, 0912345678.");
    expect(answer).toContain("Thời gian: 09:00–11:00 Thứ Năm, 10/12/2026.");
  });

  it("a contact the mail names wins over the signature", async () => {
    const { answer } = await send(
      LETTER("9h00 ngày 10/12/2026", "Liên hệ: Lê Thị Hoa, 0983 210 456", SIGNATURE),
    );
    expect(answer).toContain("Đầu mối liên hệ: Lê Thị Hoa, 0983210456.");
  });

  it("an office and its phone without a person is still no contact", async () => {
    const { outcome } = await send(
      LETTER("9h00 ngày 10/12/2026", "", "Văn phòng Sở Công Thương\nĐT: 024.3825.1234"),
    );
    expect(outcome).toMatchObject({ decision: { outcome: "needs-info", missing: ["contact"] } });
  });
});

describe("endpoints by the code the answers print, or with a remark in brackets", () => {
  it("«CX-00008, CX-00004»: the codes every answer shows beside the names", async () => {
    const { outcome, answer } = await send(
      LETTER("9h00 ngày 10/12/2026", "Liên hệ: Lê Thị Hoa, 0983 210 456", "").replace(
        "UBND phường Ngọc Hà, P. Ba Đình",
        "CX-00008, cx-00004",
      ),
    );
    expect(outcome).toMatchObject({ decision: { outcome: "confirmed" } });
    expect(answer).toContain("Phường Ngọc Hà (CX-00008); Phường Ba Đình (CX-00004)");
  });

  it("«phường Ngọc Hà (điểm cầu chính)»: the remark is not part of the name; «(điểm cầu 2)» still is", async () => {
    const { outcome, answer } = await send(
      LETTER("9h00 ngày 10/12/2026", "Liên hệ: Lê Thị Hoa, 0983 210 456", "").replace(
        "UBND phường Ngọc Hà, P. Ba Đình",
        "phường Ngọc Hà (điểm cầu chính), Sở Y tế (điểm cầu 2)",
      ),
    );
    expect(outcome).toMatchObject({ decision: { outcome: "confirmed" } });
    expect(answer).toContain("Phường Ngọc Hà (CX-00008); Sở Y tế (điểm cầu 2) (SYT-02)");
  });
});

describe("a length the clerk gives sets the end", () => {
  const cases: [string, string][] = [
    ["8h30 ngày 10/12/2026 (thời gian dự kiến 03 tiếng)", "08:30–11:30"],
    ["8h30 ngày 10/12/2026, trong 90 phút", "08:30–10:00"],
    ["8 giờ 30 phút ngày 10/12/2026, khoảng 1 tiếng rưỡi", "08:30–10:00"],
    ["8 giờ 30 phút ngày 10/12/2026", "08:30–10:30"],
    ["8h30 ngày 10/12/2026 (các điểm cầu kết nối trước 30 phút)", "08:30–10:30"],
    ["8h30 ngày 10/12/2026, đề nghị kiểm tra kỹ thuật trước 1 tiếng", "08:30–10:30"],
  ];
  for (const [time, range] of cases) {
    it(time, async () => {
      const { answer } = await send(LETTER(time, "Liên hệ: Lê Thị Hoa, 0983 210 456", ""));
      expect(answer).toContain(`Thời gian: ${range} Thứ Năm, 10/12/2026.`);
    });
  }
});

describe("a registration sent as an attached file", () => {
  function withAttachment(subject: string, body: string): Buffer {
    const b64 = (t: string | Buffer) => Buffer.from(t).toString("base64");
    return Buffer.from(
      [
        "Authentication-Results: mx.test.hanoi.gov.vn; dmarc=pass header.from=hanoi.gov.vn",
        "From: Văn thư <vanthu.sct@hanoi.gov.vn>",
        "To: kythuat@hanoi.gov.vn",
        `Subject: =?utf-8?b?${b64(subject)}?=`,
        `Date: ${DATE}`,
        "Message-ID: <dinh-kem@hanoi.gov.vn>",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="ranh-gioi"',
        "",
        "--ranh-gioi",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: base64",
        "",
        b64(body),
        "--ranh-gioi",
        'Content-Type: application/pdf; name="dang-ky.pdf"',
        'Content-Disposition: attachment; filename="dang-ky.pdf"',
        "Content-Transfer-Encoding: base64",
        "",
        b64("%PDF-1.4 văn bản"),
        "--ranh-gioi--",
        "",
      ].join("\r\n"),
    );
  }

  for (const subject of ["Đăng ký họp trực tuyến", "Gửi văn bản"]) {
    it(`«${subject}»: the answer says the desk reads the mail, not the file`, async () => {
      const desk = await makeDesk();
      const outcome = await mailDeskOf(desk).handle(
        withAttachment(
          subject,
          "Kính gửi Trung tâm,\nSở Công Thương gửi văn bản đăng ký (đính kèm).\nTrân trọng.",
        ),
        NOW,
      );
      expect(outcome).toMatchObject({ kind: "registered", decision: { outcome: "needs-info" } });
      expect(await lastAnswer(desk)).toContain(
        "Lưu ý: thư có tệp đính kèm, nhưng hệ thống chỉ đọc nội dung thư, không đọc tệp đính kèm;",
      );
    });
  }
});

describe("the hours of a session as offices write them", () => {
  const cases: [string, string][] = [
    ["8h30 ngày 10/12/2026, thời lượng 2 giờ", "08:30–10:30"],
    ["từ 8h30 ngày 10/12/2026, dự kiến trong 3 giờ", "08:30–11:30"],
    ["khoảng 9 giờ ngày 10/12/2026", "09:00–11:00"],
  ];
  for (const [time, range] of cases) {
    it(`«${time}»: a length in hours is no end hour`, async () => {
      const { answer } = await send(LETTER(time, "Liên hệ: Lê Thị Hoa, 0983 210 456", ""));
      expect(answer).toContain(`Thời gian: ${range} Thứ Năm, 10/12/2026.`);
    });
  }

  for (const time of ["8h30 ngày 10/12 và 11/12/2026", "từ 8h00 ngày 10/12 đến 11h00 ngày 11/12/2026"]) {
    it(`«${time}»: two days are said back, the first one booked`, async () => {
      const { answer } = await send(LETTER(time, "Liên hệ: Lê Thị Hoa, 0983 210 456", ""));
      expect(answer).toContain("Thứ Năm, 10/12/2026.");
      expect(answer).toContain(
        "Lưu ý: thư ghi nhiều ngày (10/12/2026, 11/12/2026); lịch này chỉ xếp cho ngày 10/12/2026, đề nghị gửi đăng ký riêng cho từng ngày còn lại.",
      );
    });
  }

  it("«ngày 10 tháng 12 năm 2026 (Thứ Năm)»: the weekday after the date names it, no second day", async () => {
    const { answer } = await send(
      LETTER("08 giờ 30 phút, ngày 10 tháng 12 năm 2026 (Thứ Năm)", "Liên hệ: Lê Thị Hoa, 0983 210 456", ""),
    );
    expect(answer).toContain("Thời gian: 08:30–10:30 Thứ Năm, 10/12/2026.");
    expect(answer).not.toContain("nhiều ngày");
  });

  it("one day written twice is one day", async () => {
    const { answer } = await send(
      LETTER("Thứ Năm (10/12/2026), 8h30 ngày 10/12/2026", "Liên hệ: Lê Thị Hoa, 0983 210 456", ""),
    );
    expect(answer).not.toContain("nhiều ngày");
  });
});

describe("«không» before or after a support declines it", () => {
  const cases: [string, { recording: boolean; cityHallRoom: boolean; emergency: boolean }][] = [
    ["- Ghi hình: không", { recording: false, cityHallRoom: false, emergency: false }],
    ["Không ghi hình.", { recording: false, cityHallRoom: false, emergency: false }],
    [
      "Hỗ trợ khác: không yêu cầu ghi hình, không sử dụng phòng họp trực tuyến tại trụ sở UBND Thành phố.",
      { recording: false, cityHallRoom: false, emergency: false },
    ],
    [
      "- Sử dụng phòng họp trực tuyến tại trụ sở UBND Thành phố: Không\n- Ghi âm, ghi hình: Không\n- Họp đột xuất, khẩn cấp: không",
      { recording: false, cityHallRoom: false, emergency: false },
    ],
    ["Họp không khẩn.", { recording: false, cityHallRoom: false, emergency: false }],
    [
      "- Ghi hình: Có\n- Sử dụng phòng họp trực tuyến tại trụ sở UBND Thành phố: có",
      { recording: true, cityHallRoom: true, emergency: false },
    ],
    [
      "Đề nghị ghi hình, không cần kỹ thuật hỗ trợ tại chỗ. Họp khẩn.",
      { recording: true, cityHallRoom: false, emergency: true },
    ],
  ];
  for (const [said, flags] of cases) {
    it(said.replace(/\n/g, " / "), async () => {
      const { bookings } = await send(
        LETTER("9h00 ngày 10/12/2026", `Liên hệ: Lê Thị Hoa, 0983 210 456\n${said}`, ""),
      );
      expect(bookings[0]?.request).toMatchObject(flags);
    });
  }
});

describe("an official letter's addressees and copy list are not invited", () => {
  const LETTER_PROSE = (head: string, foot: string) => `${head}

Thực hiện Kế hoạch số 123/KH-UBND ngày 15/11/2026 của UBND Thành phố, Sở Công Thương đăng ký tổ chức hội nghị trực tuyến triển khai nhiệm vụ năm 2027 vào hồi 14h00 ngày 10/12/2026 tại điểm cầu Sở Công Thương, kết nối với điểm cầu UBND phường Ngọc Hà và UBND xã Sóc Sơn.
Đầu mối liên hệ: đồng chí Nguyễn Văn An, chuyên viên, SĐT 0912 345 678.

${foot}`;
  const heads = [
    "Kính gửi: Trung tâm Tin học - Công báo, Văn phòng UBND Thành phố",
    "Kính gửi:\n- Trung tâm Tin học - Công báo;\n- Văn phòng UBND Thành phố.",
  ];
  const feet = [
    "Nơi nhận:\n- Như trên;\n- UBND phường Ba Đình (để biết);\n- Sở Y tế;\n- Lưu: VT.",
    "Đồng gửi: UBND phường Ba Đình, Sở Y tế.",
  ];
  for (const head of heads)
    for (const foot of feet)
      it(`${head.split("\n")[0]} … ${foot.split("\n")[0]}`, async () => {
        const { bookings } = await send(LETTER_PROSE(head, foot));
        expect(bookings[0]?.request.participants).toEqual(["CX-00008", "CX-00376"]);
      });
});

describe("a refusal names the endpoint as the clerk wrote it and cites the article", () => {
  it("a busy endpoint, the busy headquarters room and a past date", async () => {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    const letter = (time: string, extra = "") =>
      LETTER(time, `Liên hệ: Lê Thị Hoa, 0983 210 456\n${extra}`, "");
    await md.handle(
      mail({
        id: "a@hanoi.gov.vn",
        date: DATE,
        body: letter("9h00 ngày 10/12/2026", "Sử dụng phòng họp trực tuyến tại trụ sở UBND Thành phố."),
      }),
      NOW,
    );
    const second = letter(
      "10h00 ngày 10/12/2026",
      "Sử dụng phòng họp trực tuyến tại trụ sở UBND Thành phố.",
    ).replace("Sở Công Thương đăng ký", "Sở Y tế đăng ký");
    await md.handle(
      mail({ id: "b@hanoi.gov.vn", date: DATE, from: "vanthu.syt@hanoi.gov.vn", body: second }),
      NOW,
    );
    const refused = await lastAnswer(desk);
    expect(refused).toContain("KHÔNG BỐ TRÍ ĐƯỢC");
    expect(refused).toContain(
      "Điểm cầu Phường Ngọc Hà (CX-00008), Phường Ba Đình (CX-00004) đã có lịch họp khác trùng thời gian (kể cả 15 phút chuẩn bị giữa hai phiên) nên không bố trí được (Điều 11.2).",
    );
    expect(refused).toContain(
      "Phòng họp trực tuyến tại trụ sở UBND Thành phố đã được đăng ký trong thời gian này nên không bố trí được (Điều 11.2).",
    );
    await md.handle(mail({ id: "c@hanoi.gov.vn", date: DATE, body: letter("9h00 ngày 20/11/2026") }), NOW);
    expect(await lastAnswer(desk)).toContain("đã qua; đăng ký phải gửi trước phiên họp (Điều 12.2a)");
  });
});

describe("a list of a thousand made-up endpoints", () => {
  it("is answered with the first twenty names and the number of the others, not six times its size", async () => {
    const names = Array.from({ length: 1000 }, (_, i) => `UBND phường Số ${i}`);
    const body = LETTER("9h00 ngày 10/12/2026", "Liên hệ: Lê Thị Hoa, 0983 210 456", "").replace(
      "UBND phường Ngọc Hà, P. Ba Đình",
      names.join(", "),
    );
    const { outcome, answer } = await send(body);
    expect(outcome).toMatchObject({ decision: { outcome: "needs-info" } });
    expect(answer).toContain("Điểm cầu (1001): Sở Công Thương (SCT-01); «UBND phường Số 0» (chưa xác định);");
    expect(answer).toContain("«UBND phường Số 19» (chưa xác định); 980 tên khác chưa xác định.");
    expect(answer).toContain("và 980 tên khác. Đề nghị ghi đúng tên điểm cầu theo danh bạ.");
    expect(answer).not.toContain("Số 20»");
    expect(answer.length).toBeLessThan(body.length);
  });
});

describe("a participants list grouped by unit type", () => {
  const FORM = (parts: string) => `Kính gửi: Trung tâm Tin học - Công báo
Sở Công Thương đăng ký họp trực tuyến.
- Điểm cầu tham dự:
${parts}
- Thời gian: 9h 10/12/2026
- Nội dung: Hội nghị triển khai nhiệm vụ
- Liên hệ: Nguyễn Văn An, 0912 345 678`;

  it("«- Các phường: Ngọc Hà, Ba Đình / - Các xã: Sóc Sơn, Kim Anh»", async () => {
    const { bookings } = await send(FORM("- Các phường: Ngọc Hà, Ba Đình\n- Các xã: Sóc Sơn, Kim Anh"));
    expect([...(bookings[0]?.request.participants ?? [])].sort()).toEqual([
      "CX-00004",
      "CX-00008",
      "CX-00376",
      "CX-00382",
    ]);
  });

  it("«toàn bộ các xã, phường trên địa bàn Thành phố» is every commune, with nothing left unknown", async () => {
    const { outcome, bookings } = await send(FORM("Toàn bộ các xã, phường trên địa bàn Thành phố"));
    expect(outcome).toMatchObject({ decision: { outcome: "confirmed" } });
    expect(bookings[0]?.request.unresolved).toEqual([]);
    expect(bookings[0]?.request.participants).toHaveLength(126);
  });
});

describe("an agency's endpoints counted in brackets", () => {
  for (const said of [
    "Sở Tài chính (02 điểm cầu)",
    "Sở Tài chính (cả hai điểm cầu)",
    "Sở Tài chính (các điểm cầu)",
  ]) {
    it(`«${said}» connects each of them`, async () => {
      const { bookings } = await send(
        LETTER("9h00 ngày 10/12/2026", "Liên hệ: Lê Thị Hoa, 0983 210 456", "").replace(
          "UBND phường Ngọc Hà, P. Ba Đình",
          `UBND phường Ngọc Hà, ${said}`,
        ),
      );
      expect(bookings[0]?.request.participants).toEqual(["CX-00008", "STC-01", "STC-02"]);
    });
  }
});

describe("endpoints listed in prose after one unit type", () => {
  const PROSE = (parts: string) =>
    `Kính gửi Trung tâm Tin học - Công báo,\nSở Công Thương đề nghị Trung tâm bố trí phiên họp trực tuyến giao ban công tác quý IV vào 14h00 thứ Sáu ngày 11/12/2026, thành phần gồm điểm cầu Sở và ${parts}.\nCán bộ đầu mối: Nguyễn Văn An - 0912.345.678`;
  it("«phường Ngọc Hà, Sở Y tế»: a name of another kind after the list is no unknown commune", async () => {
    const { outcome, bookings } = await send(PROSE("UBND phường Ngọc Hà, Sở Y tế"));
    expect(outcome).toMatchObject({ decision: { outcome: "confirmed" } });
    expect(bookings[0]?.request.unresolved).toEqual([]);
  });

  for (const parts of [
    "các điểm cầu UBND phường Ngọc Hà, Ba Đình, Giảng Võ",
    "UBND các phường Ngọc Hà, Ba Đình và Giảng Võ",
  ]) {
    it(`«${parts}»`, async () => {
      const { bookings } = await send(PROSE(parts));
      expect([...(bookings[0]?.request.participants ?? [])].sort()).toEqual([
        "CX-00004",
        "CX-00008",
        "CX-00025",
      ]);
    });
  }
});

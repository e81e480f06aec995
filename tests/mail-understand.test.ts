import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cleanBody } from "../src/mail/extract.js";
import { parseJson } from "../src/mail/parse-file.js";
import { parseContact } from "../src/mail/understand.js";
import { ZONE } from "./helpers.js";
import { codeOf, reader } from "./support/understand.js";

const FIXTURES = join(import.meta.dirname, "fixtures/mail");
function mail(body: string, headers: Record<string, string> = {}, from = "vanthu.sct@hanoi.gov.vn"): Buffer {
  const head = {
    From: `Văn thư <${from}>`,
    To: "kythuat@hanoi.gov.vn",
    Subject: "Đăng ký lịch họp",
    Date: "Mon, 07 Dec 2026 08:30:00 +0700",
    "Message-ID": `<${Math.random().toString(36).slice(2)}@hanoi.gov.vn>`,
    "Content-Type": 'text/plain; charset="utf-8"',
    "Content-Transfer-Encoding": "8bit",
    ...headers,
  };
  return Buffer.from(
    `${Object.entries(head)
      .map(([k, v]) => `${k}: ${v}`)
      .join("\r\n")}\r\n\r\n${body.replace(/\n/g, "\r\n")}\r\n`,
  );
}

async function parse(body: string, headers?: Record<string, string>, from?: string) {
  return (await reader.read(mail(body, headers, from))).parsed;
}

describe("the shared sample mails", () => {
  const expected = readFileSync(join(FIXTURES, "expected.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  for (const exp of expected) {
    it(`reads ${exp.file} as the desk expects`, async () => {
      const { parsed } = await reader.readFile(join(FIXTURES, exp.file));
      const json = parseJson(exp.file, parsed, ZONE);
      if (exp.autoReply) {
        expect(json.autoReply).toBe(true);
        return;
      }
      expect(json).toMatchObject({
        host: exp.host,
        participants: exp.participants.map(codeOf),
        unresolved: [],
        start: exp.start,
        end: exp.end,
        contact: exp.contact,
        recording: exp.recording,
        emergency: exp.emergency,
        secret: exp.secret,
        cityHallRoom: exp.cityHallRoom,
        autoReply: false,
        missing: exp.missing,
      });
      expect(json.title?.length).toBeGreaterThan(5);
    });
  }
});

const TEMPLATE = (time: string) => `- Tên cơ quan chủ trì họp: Sở Công Thương
- Danh sách điểm cầu thành phần: UBND phường Ngọc Hà
- Thời gian đăng ký họp: ${time}
- Nội dung họp: Họp giao ban
- Thông tin đầu mối liên hệ: Lâm Thị Ngọc, 0983 210 456`;

describe("dates and times as clerks write them (mail sent Monday 07/12/2026)", () => {
  const cases: [string, string, string][] = [
    ["từ 09h00 đến 11h00 ngày 02/12/2027", "2027-12-02T09:00:00+07:00", "2027-12-02T11:00:00+07:00"],
    ["14h ngày 9/12", "2026-12-09T14:00:00+07:00", "2026-12-09T16:00:00+07:00"],
    ["14g30 - 16g00 ngày 10-12-2026", "2026-12-10T14:30:00+07:00", "2026-12-10T16:00:00+07:00"],
    ["14:00 – 15:30 ngày 03 tháng 12 năm 2027", "2027-12-03T14:00:00+07:00", "2027-12-03T15:30:00+07:00"],
    ["14 giờ 00 phút thứ Năm", "2026-12-10T14:00:00+07:00", "2026-12-10T16:00:00+07:00"],
    ["2 giờ chiều thứ 5", "2026-12-10T14:00:00+07:00", "2026-12-10T16:00:00+07:00"],
    ["8h30 sáng ngày 11/12/2026", "2026-12-11T08:30:00+07:00", "2026-12-11T10:30:00+07:00"],
    ["sáng mai 9h", "2026-12-08T09:00:00+07:00", "2026-12-08T11:00:00+07:00"],
    ["hôm nay lúc 15h", "2026-12-07T15:00:00+07:00", "2026-12-07T17:00:00+07:00"],
    ["10h ngày 5/1", "2027-01-05T10:00:00+07:00", "2027-01-05T12:00:00+07:00"],
  ];
  for (const [phrase, start, end] of cases) {
    it(`«${phrase}»`, async () => {
      const p = await parse(TEMPLATE(phrase));
      expect(parseJson("x", p, ZONE)).toMatchObject({ start, end });
    });
  }

  it("flags a weekday that contradicts the date", async () => {
    const p = await parse(TEMPLATE("9h thứ Sáu 10/12/2026"));
    expect(p.warnings).toEqual([
      "thư ghi Thứ Sáu nhưng ngày 10/12/2026 là Thứ Năm; lịch được xếp theo ngày 10/12/2026, đề nghị kiểm tra lại.",
    ]);
    expect((await parse(TEMPLATE("9h thứ Năm 10/12/2026"))).warnings).toEqual([]);
  });

  it("a day no calendar has («thứ Hai 31/11») is asked about, never moved to the next Monday", async () => {
    for (const phrase of ["9h00 thứ Hai 31/11/2026", "9h thứ Hai ngày 31/11", "14h00 ngày 30/02/2027"]) {
      const p = await parse(TEMPLATE(phrase));
      expect(p.start, phrase).toBeNull();
      expect(p.missing, phrase).toContain("start");
      expect(p.warnings[0], phrase).toMatch(/^ngày (31\/11\/2026|30\/02\/2027) không có trong lịch/);
    }
    // A real date elsewhere in the mail (a cited document's) does not hide the wrong one next to the hour.
    const cited = await parse(TEMPLATE("9h00 thứ Hai 31/11/2026 (theo Kế hoạch ngày 20/11/2026)"));
    expect(cited.start).toBeNull();
  });

  it("does not read «thứ tự» as Wednesday", async () => {
    const p = await parse(TEMPLATE("9h00 ngày 10/12/2026, theo thứ tự các điểm cầu"));
    expect(p.warnings).toEqual([]);
  });
});

describe("endpoints, contacts and flags", () => {
  it("keeps the unit type, accepts prefixes and aliases, and reports unknown names with suggestions", async () => {
    const p = await parse(
      TEMPLATE("9h 10/12/2026").replace(
        "UBND phường Ngọc Hà",
        "P. Ngọc Hà, X. Sóc Sơn, UBND phuong Long Bien, phường Sóc Sơn, xã Ngọc Hả",
      ),
    );
    expect(p.participants).toEqual([
      codeOf("Phường Ngọc Hà"),
      codeOf("Xã Sóc Sơn"),
      codeOf("Phường Long Biên"),
    ]);
    expect(p.unresolved).toEqual(["phường Sóc Sơn", "xã Ngọc Hả"]);
    expect(p.suggestions["phường Sóc Sơn"]).toContain("Xã Sóc Sơn");
    expect(p.suggestions["xã Ngọc Hả"]).toContain("Phường Ngọc Hà");
  });

  it("«tất cả các xã, phường» means every commune-level endpoint", async () => {
    const p = await parse(TEMPLATE("9h 10/12/2026").replace("UBND phường Ngọc Hà", "tất cả các xã, phường"));
    expect(p.participants).toHaveLength(126);
  });

  it("normalises phones and ignores the office phone in a signature", async () => {
    expect(parseContact("Lâm Thị Ngọc, SĐT 0912.345.678")).toEqual({
      name: "Lâm Thị Ngọc",
      phone: "0912345678",
    });
    expect(parseContact("đồng chí Trần Văn Hùng +84 912 345 678")).toEqual({
      name: "Trần Văn Hùng",
      phone: "0912345678",
    });
    expect(parseContact("Phòng Hành chính – 024.3825.1234")).toEqual({
      name: "Phòng Hành chính",
      phone: "02438251234",
    });
    const p = await parse(
      "Sở Công Thương đăng ký họp trực tuyến 9h ngày 10/12/2026 với UBND phường Ngọc Hà.\nNội dung: giao ban.\n\nTrân trọng,\nVăn phòng Sở\nĐT: 024.3825.1234",
    );
    expect(p.contact).toBeNull();
    expect(p.missing).toEqual(["contact"]);
  });

  it("recognises emergency, secret, recording and the headquarters room — and not «khẩn trương»", async () => {
    const base = TEMPLATE("9h 10/12/2026");
    expect(await parse(`${base}\nĐề nghị các đơn vị khẩn trương chuẩn bị.`)).toMatchObject({
      emergency: false,
      secret: false,
    });
    expect(await parse(`${base}\nHọp khẩn cấp về phòng chống bão.`)).toMatchObject({ emergency: true });
    expect(await parse(`${base}\nHọp đột xuất.`)).toMatchObject({ emergency: true });
    expect(await parse(`${base}\nĐề nghị tổ chức họp gấp về giá xăng dầu.`)).toMatchObject({
      emergency: true,
    });
    expect(await parse(`HỎA TỐC\n${base}`)).toMatchObject({ emergency: true });
    expect(await parse(`hoả tốc\n${base}`)).toMatchObject({ emergency: true });
    expect(await parse(`${base}\nSản lượng tăng gấp đôi; gấp rút hoàn thành.`)).toMatchObject({
      emergency: false,
    });
    expect(await parse("So Cong Thuong hop gap 9h ngay 10/12/2026 voi UBND phuong Ngoc Ha")).toMatchObject({
      emergency: true,
    });
    expect(await parse(`${base}\nĐộ mật: Mật`)).toMatchObject({ secret: true });
    expect(await parse(`TUYỆT MẬT\n${base}`)).toMatchObject({ secret: true });
    expect(await parse(`${base}\nMất điện dự phòng cần kiểm tra.`)).toMatchObject({ secret: false });
    expect(
      await parse(
        `${base}\n- Hỗ trợ kỹ thuật khác: ghi âm; sử dụng phòng họp trực tuyến tại trụ sở UBND Thành phố`,
      ),
    ).toMatchObject({
      recording: true,
      cityHallRoom: true,
    });
    expect(
      await parse("So Cong Thuong hop khan 9h ngay 10/12/2026 voi UBND phuong Ngoc Ha. Do mat: MAT"),
    ).toMatchObject({
      emergency: true,
      secret: true,
    });
  });
});

/**
 * Two sessions in one mail, each naming its own endpoints: the booked (first) session keeps the endpoints of its own
 * words, the other's are said back with it; names said once for all sessions stay with all. Labelled: the mail,
 * the booked session's endpoints, what the answer must say, and why.
 */
const INTRO = "Sở Công Thương đăng ký họp trực tuyến giao ban công tác tháng 12 ngày 10/12/2026.";
const CONTACT = "Liên hệ: Lâm Thị Ngọc 0983 210 456.";
const SESSION_CASES: [string, string[], string, string][] = [
  [
    `${INTRO} Buổi sáng 8h00 họp tại điểm cầu UBND phường Ba Đình; buổi chiều 14h00 họp tại điểm cầu UBND phường Đống Đa.\n${CONTACT}`,
    ["Phường Ba Đình"],
    "thư ghi thêm một phiên lúc 14:00 với điểm cầu Phường Đống Đa; lịch này chỉ xếp phiên 08:00–10:00 với điểm cầu Phường Ba Đình",
    "«; buổi chiều»: each session its own ward",
  ],
  [
    "Sở Công Thương đăng ký họp trực tuyến giao ban công tác tháng 12 ngày 10/12/2026, buổi sáng 8h00 với điểm cầu UBND phường Ba Đình, buổi chiều 14h00 với điểm cầu UBND phường Đống Đa, UBND phường Giảng Võ. " +
      CONTACT,
    ["Phường Ba Đình"],
    "thư ghi thêm một phiên lúc 14:00 với điểm cầu Phường Đống Đa, Phường Giảng Võ; lịch này chỉ xếp phiên 08:00–10:00 với điểm cầu Phường Ba Đình",
    "«, buổi chiều 14h00»: a comma and a part of the day open the second session",
  ],
  [
    `Sở Công Thương đăng ký họp trực tuyến giao ban tháng 12 với điểm cầu UBND phường Ngọc Hà ngày 10/12/2026. Buổi sáng từ 8h00 đến 11h00 tại điểm cầu P. Ba Đình; buổi chiều từ 14h00 đến 16h00 tại điểm cầu P. Đống Đa. ${CONTACT}`,
    ["Phường Ngọc Hà", "Phường Ba Đình"],
    "thư ghi thêm một phiên lúc 14:00–16:00 với điểm cầu Phường Ngọc Hà, Phường Đống Đa; lịch này chỉ xếp phiên 08:00–11:00 với điểm cầu Phường Ngọc Hà, Phường Ba Đình",
    "a ward named before both sessions is with both",
  ],
  [
    `Kính gửi Trung tâm,\n\nSở Công Thương đăng ký họp trực tuyến:\n- Nội dung: Giao ban công tác tháng 12\n- Thời gian:\n  + Buổi sáng: từ 8h00 đến 11h30 ngày 10/12/2026 tại điểm cầu UBND phường Ba Đình\n  + Buổi chiều: từ 14h00 đến 17h00 ngày 10/12/2026 tại điểm cầu UBND phường Đống Đa\n- ${CONTACT}`,
    ["Phường Ba Đình"],
    "thư ghi thêm một phiên lúc 14:00–17:00 với điểm cầu Phường Đống Đa; lịch này chỉ xếp phiên 08:00–11:30 với điểm cầu Phường Ba Đình",
    "a form's «+ Buổi sáng:» / «+ Buổi chiều:» lines, each with its ward",
  ],
  [
    `${INTRO} Buổi sáng 8h00 họp tại điểm cầu UBND quận Ba Đình; buổi chiều 14h00 họp tại điểm cầu UBND quận Đống Đa.\n${CONTACT}`,
    [],
    "thư ghi thêm một phiên lúc 14:00 với điểm cầu «UBND quận Đống Đa»; lịch này chỉ xếp phiên 08:00–10:00 với điểm cầu «UBND quận Ba Đình»",
    "names the directory does not know are split the same way",
  ],
  [
    `${INTRO.replace(".", ":")} buổi sáng từ 9h00 đến 11h00 và buổi chiều từ 14h00 đến 16h00, điểm cầu UBND phường Ngọc Hà. ${CONTACT}`,
    ["Phường Ngọc Hà"],
    "thư ghi thêm một phiên lúc 14:00–16:00; lịch này chỉ xếp phiên 09:00–11:00, đề nghị",
    "a ward after both sessions' hours is said once for all",
  ],
  [
    `${INTRO} Buổi sáng 8h00 họp tại điểm cầu UBND phường Ba Đình; buổi chiều 14h00 họp nội bộ. ${CONTACT}`,
    ["Phường Ba Đình"],
    "thư chỉ ghi điểm cầu ở một phiên; lịch này hiểu là các phiên cùng các điểm cầu Phường Ba Đình, nếu không đúng, đề nghị trả lời ghi rõ điểm cầu của từng phiên.",
    "ambiguous: only one session names endpoints, and the answer says what was understood",
  ],
];

describe("a letter's addressees are not its endpoints, and the lines below a greeting are the booking", () => {
  const form = (greeting: string) =>
    `${greeting}\n- Cơ quan chủ trì: Sở Công Thương\n- Nội dung: Giao ban công tác tháng 12\n- Thời gian: 09h00 đến 11h00 ngày 10/12/2026\n- Điểm cầu: UBND phường Ba Đình, UBND phường Đống Đa\n- Liên hệ: Lâm Thị Ngọc, 0983 210 456`;

  it("«Kính gửi Trung tâm,» with the form right below it: every line of the form is read", async () => {
    const p = await parse(form("Kính gửi Trung tâm,"));
    expect(p.participants).toEqual([codeOf("Phường Ba Đình"), codeOf("Phường Đống Đa")]);
    expect(p.missing).toEqual([]);
  });

  it("«Kính gửi:» with its addressees listed below: they are cut, the form after them is read", async () => {
    const p = await parse(
      form("Kính gửi:\n- Trung tâm Tin học - Công báo;\n- UBND phường Hoàn Kiếm (để phối hợp)."),
    );
    expect(p.participants).toEqual([codeOf("Phường Ba Đình"), codeOf("Phường Đống Đa")]);
  });

  it("prose under «Kính gửi Trung tâm,» names the endpoints", async () => {
    const p = await parse(
      "Kính gửi Trung tâm,\n- Sở Công Thương đăng ký họp trực tuyến giao ban từ 9h00 đến 11h00 ngày 10/12/2026 tại điểm cầu UBND phường Ba Đình.\n- Liên hệ: Lâm Thị Ngọc, 0983 210 456",
    );
    expect(p.participants).toEqual([codeOf("Phường Ba Đình")]);
  });
});

describe("two sessions in one mail, each with its own endpoints", () => {
  it.each(SESSION_CASES.map(([body, booked, said, why]) => [why, body, booked, said] as const))(
    "%s",
    async (_why, body, booked, said) => {
      const p = await parse(body);
      expect(p.participants).toEqual(booked.map(codeOf));
      expect(p.warnings.join("\n")).toContain(said);
    },
  );

  it("a list said once under «Điểm cầu:» stays with every session", async () => {
    const p = await parse(
      "- Cơ quan chủ trì: Sở Công Thương\n- Nội dung: Giao ban công tác tháng 12\n- Thời gian:\n  + Buổi sáng: từ 8h00 đến 11h30 ngày 10/12/2026\n  + Buổi chiều: từ 14h00 đến 17h00 ngày 10/12/2026\n- Điểm cầu: UBND phường Ngọc Hà, UBND phường Giảng Võ\n- Liên hệ: Lâm Thị Ngọc, 0983 210 456",
    );
    expect(p.participants).toEqual([codeOf("Phường Ngọc Hà"), codeOf("Phường Giảng Võ")]);
    expect(p.warnings).toEqual([
      "thư ghi thêm một phiên lúc 14:00–17:00; lịch này chỉ xếp phiên 08:00–11:30, đề nghị gửi đăng ký riêng cho phiên còn lại.",
    ]);
  });

  it("a secret session's note names no endpoint (Điều 5.2)", async () => {
    const p = await parse(
      `(Mật) ${INTRO} Buổi sáng 8h00 họp tại điểm cầu UBND phường Ba Đình; buổi chiều 14h00 họp tại điểm cầu UBND phường Đống Đa.\n${CONTACT}`,
    );
    expect(p.secret).toBe(true);
    expect(p.participants).toEqual([codeOf("Phường Ba Đình")]);
    expect(p.warnings.join("\n")).not.toMatch(/Ba Đình|Đống Đa/);
    expect(p.warnings.join("\n")).toContain("mỗi phiên ghi điểm cầu riêng");
  });
});

describe("forwarded mail, replies and automatic mail", () => {
  it("reads the forwarded part and ignores quoted history", () => {
    const fwd = cleanBody(
      "---------- Forwarded message ---------\nFrom: Văn thư <a@b>\nDate: Mon, 7 Dec 2026\nSubject: Đăng ký\nTo: x@y\n\n- Nội dung họp: Giao ban\n",
    );
    expect(fwd).toBe("- Nội dung họp: Giao ban");
    const reply = cleanBody(
      "Đổi giờ sang 15h00.\n\nVào Th 2, 7 thg 12, 2026 lúc 09:00 Kỹ thuật đã viết:\n> Lịch họp HTT-2026-0001 ...\n",
    );
    expect(reply).toBe("Đổi giờ sang 15h00.");
    expect(cleanBody("Hủy lịch.\n> trích dẫn\n-- \nNguyễn Văn A\n0912345678")).toBe("Hủy lịch.");
  });

  it("a forwarder's note with another hour than the forwarded form's is said back, not ignored", async () => {
    const form = [
      "---------- Forwarded message ---------",
      "From: Văn thư <vanthu.sct@hanoi.gov.vn>",
      "Date: Mon, 7 Dec 2026",
      "Subject: Đăng ký",
      "To: x@y",
      "",
      "- Cơ quan chủ trì: Sở Công Thương",
      "- Thời gian: 9h00 ngày 10/12/2026",
      "- Nội dung họp: Giao ban",
      "- Điểm cầu tham gia: UBND phường Ngọc Hà",
      "- Đầu mối: Lâm Thị Ngọc, 0983210456",
    ].join("\n");
    const noted = await parse(`Kính gửi bàn kỹ thuật, lưu ý đổi sang 14h00.\n\n${form}`, {
      Subject: "Fwd: Đăng ký lịch họp",
    });
    expect(noted.start?.toISOString()).toBe("2026-12-10T02:00:00.000Z");
    expect(noted.warnings).toContain(
      "ngoài phần đăng ký, thư còn ghi 14:00; lịch được xếp theo phần đăng ký (09:00 ngày 10/12/2026), đề nghị kiểm tra lại.",
    );
    // A note that repeats the form's hour, or names none, says nothing.
    for (const note of ["Kính chuyển bàn kỹ thuật, họp lúc 9h00.", "Kính chuyển bàn kỹ thuật."]) {
      const plain = await parse(`${note}\n\n${form}`, { Subject: "Fwd: Đăng ký lịch họp" });
      expect(plain.warnings.filter((w) => w.startsWith("ngoài phần đăng ký"))).toEqual([]);
    }
  });

  const autos: [string, Record<string, string>, string?][] = [
    ["Auto-Submitted", { "Auto-Submitted": "auto-replied" }],
    ["Precedence bulk", { Precedence: "bulk" }],
    ["List-Id", { "List-Id": "<tin-tuc.hanoi.gov.vn>" }],
    ["X-Autoreply", { "X-Autoreply": "yes" }],
    ["X-Auto-Response-Suppress", { "X-Auto-Response-Suppress": "OOF, AutoReply" }],
    ["empty Return-Path", { "Return-Path": "<>" }],
    ["mailer-daemon", {}, "MAILER-DAEMON@hanoi.gov.vn"],
    ["noreply", {}, "noreply@dichvucong.gov.vn"],
    ["multipart/report", { "Content-Type": 'multipart/report; report-type=delivery-status; boundary="b"' }],
    ["our own address", {}, "kythuat@hanoi.gov.vn"],
    ["our own Message-ID", { "Message-ID": "<HTT-2026-0001.7@desk.hanoi.gov.vn>" }],
  ];
  for (const [name, headers, from] of autos) {
    it(`never answers a machine: ${name}`, async () => {
      expect(
        (await reader.read(mail(TEMPLATE("9h 10/12/2026"), headers, from))).facts.autoReason,
      ).not.toBeNull();
    });
  }
  it("a person's mail is not automatic (Auto-Submitted: no)", async () => {
    expect(
      (await reader.read(mail(TEMPLATE("9h 10/12/2026"), { "Auto-Submitted": "no" }))).facts.autoReason,
    ).toBeNull();
  });
});

describe("the day of a session said in prose, however far from «họp», and no other date", () => {
  const LETTER = (sentence: string) =>
    `Kính gửi Trung tâm,\n${sentence}\nLiên hệ: Lâm Thị Ngọc, 0983 210 456.\nTrân trọng.`;
  const DAY_READ =
    "đã hiểu ngày họp là Thứ Năm, 10/12/2026 nhưng chưa rõ giờ bắt đầu; đề nghị trả lời thư này ghi giờ bắt đầu và giờ kết thúc, ví dụ «8h00 đến 10h00».";
  // The day more than 25 characters after «họp»: it was neither booked nor said back.
  const dayFar: [string, string][] = [
    [
      "after a long content and its endpoint",
      "Sở Công Thương đề nghị hỗ trợ họp trực tuyến giao ban công tác chuyên đề về chuyển đổi số với UBND phường Ngọc Hà ngày 10/12/2026.",
    ],
    [
      "after «dự kiến»",
      "Sở Công Thương đăng ký họp trực tuyến giao ban công tác chuyên đề về chuyển đổi số, dự kiến ngày 10/12/2026, với UBND phường Ngọc Hà.",
    ],
    [
      "opening the sentence",
      "Ngày 10/12/2026, Sở Công Thương tổ chức họp trực tuyến giao ban công tác chuyên đề về chuyển đổi số với UBND phường Ngọc Hà.",
    ],
    [
      "under the letter's own date",
      "Hà Nội, ngày 05 tháng 12 năm 2026\nSở Công Thương tổ chức họp trực tuyến giao ban công tác chuyên đề về chuyển đổi số với UBND phường Ngọc Hà ngày 10/12/2026.",
    ],
  ];
  for (const [label, sentence] of dayFar)
    it(`reads the day back: ${label}`, async () => {
      const p = await parse(LETTER(sentence));
      expect(p.start).toBeNull();
      expect(p.warnings).toContain(DAY_READ);
    });

  it("«…, thời gian: 9h00 ngày 10/12/2026» closes the content and is booked", async () => {
    const p = await parse(
      LETTER(
        "Sở Công Thương tổ chức họp trực tuyến giao ban công tác chuyên đề về chuyển đổi số, thời gian: 9h00 ngày 10/12/2026, với UBND phường Ngọc Hà.",
      ),
    );
    expect(p.start?.toISOString()).toBe("2026-12-10T02:00:00.000Z");
    // It was «giao ban công tác chuyên đề về chuyển đổi số, thời gian: 9h00».
    expect(p.title).toBe("giao ban công tác chuyên đề về chuyển đổi số");
  });

  it("with an hour, the day far after «họp» is booked", async () => {
    const p = await parse(
      LETTER(
        "Sở tổ chức họp trực tuyến giao ban công tác chuyên đề về chuyển đổi số với UBND phường Ngọc Hà vào ngày 10/12/2026 lúc 9h00.",
      ),
    );
    expect(p.start?.toISOString()).toBe("2026-12-10T02:00:00.000Z");
  });

  // Dates that are no session's: a deadline, a cited document, the letter's own date.
  const notTheDay: [string, string][] = [
    [
      "a deadline in the sentence that asks",
      "Sở Công Thương tổ chức họp trực tuyến giao ban công tác chuyên đề về chuyển đổi số với UBND phường Ngọc Hà, các đơn vị gửi báo cáo chậm nhất ngày 08/12/2026.",
    ],
    [
      "«trước ngày»",
      "Sở Công Thương tổ chức họp trực tuyến giao ban với UBND phường Ngọc Hà, đề nghị gửi báo cáo trước ngày 08/12/2026.",
    ],
    [
      "a cited plan",
      "Sở Công Thương đề nghị hỗ trợ họp trực tuyến giao ban công tác chuyên đề về chuyển đổi số với UBND phường Ngọc Hà theo Kế hoạch số 12/KH-UBND ngày 15/11/2026.",
    ],
    [
      "the letter's own date",
      "Hà Nội, ngày 05 tháng 12 năm 2026\nSở Công Thương tổ chức họp trực tuyến giao ban công tác chuyên đề về chuyển đổi số với UBND phường Ngọc Hà.",
    ],
  ];
  for (const [label, sentence] of notTheDay)
    it(`takes no other date for the session's: ${label}`, async () => {
      const p = await parse(LETTER(sentence));
      expect(p.start).toBeNull();
      expect(p.warnings.join("\n")).not.toContain("đã hiểu ngày họp");
    });

  it("a deadline nearer the hour than the session's day is not booked", async () => {
    const p = await parse(
      LETTER(
        "Sở Công Thương tổ chức họp trực tuyến giao ban với UBND phường Ngọc Hà lúc 9h00, đề nghị các đơn vị gửi báo cáo trước ngày 08/12/2026; cuộc họp diễn ra ngày 10/12/2026.",
      ),
    );
    // It was booked on the deadline, Tuesday 08/12.
    expect(p.start?.toISOString()).toBe("2026-12-10T02:00:00.000Z");
  });
});

describe("end, length, content and contact as clerks write them in prose (e2e11)", () => {
  const LETTER = (sentence: string) => `Kính gửi Trung tâm,\n${sentence}\nTrân trọng.`;
  const SCT = "Sở Công Thương đăng ký họp trực tuyến";
  const CONTACT = "Liên hệ Lâm Thị Ngọc 0983210456.";
  // Labelled: the prose → the local start and end booked. The first three were misread (16:30, 15:00, 15:00).
  const hours: [string, string, string][] = [
    [
      `${SCT} lúc 14 giờ 30 ngày 11/12/2026, kết thúc khoảng 16 giờ, nội dung: giao ban. ${CONTACT}`,
      "14:30",
      "16:00",
    ],
    [
      `${SCT} lúc 14h00 ngày 10/12/2026, trong thời gian 1 tiếng 30 phút, nội dung: giao ban. ${CONTACT}`,
      "14:00",
      "15:30",
    ],
    [
      `${SCT} lúc 14h00 ngày 10/12/2026, thời lượng 1 giờ 30 phút, nội dung: giao ban. ${CONTACT}`,
      "14:00",
      "15:30",
    ],
    // The other way: a length after «khoảng» stays a length, and an end said plainly stays the end.
    [
      `${SCT} lúc 14h00 ngày 10/12/2026, kéo dài khoảng 3 tiếng, nội dung: giao ban. ${CONTACT}`,
      "14:00",
      "17:00",
    ],
    [
      `${SCT} lúc 14h00 ngày 10/12/2026, dự kiến 1 tiếng rưỡi, nội dung: giao ban. ${CONTACT}`,
      "14:00",
      "15:30",
    ],
    [`${SCT} lúc 9h00 ngày 10/12/2026, kết thúc lúc 11h30, nội dung: giao ban. ${CONTACT}`, "09:00", "11:30"],
  ];
  for (const [sentence, start, end] of hours)
    it(`${start}–${end}: «${sentence.slice(SCT.length + 1, SCT.length + 70)}…»`, async () => {
      const p = await parse(LETTER(sentence));
      const local = (d: Date | null) =>
        d?.toLocaleTimeString("en-GB", { timeZone: ZONE, hour: "2-digit", minute: "2-digit" });
      expect([local(p.start), local(p.end)]).toEqual([start, end]);
    });

  // Labelled: the prose → the content and the contact. The first three were misread (content «2 giờ chiều» or none).
  const said: [string, string | null, string | null][] = [
    [
      `${SCT} 2 giờ chiều ngày 22/12/2026 với UBND phường Ngọc Hà, nội dung sơ kết quý IV. ${CONTACT}`,
      "sơ kết quý IV",
      "Lâm Thị Ngọc",
    ],
    [`${SCT} lúc 9h00 ngày 22/12/2026, nội dung giao ban. ${CONTACT}`, "giao ban", "Lâm Thị Ngọc"],
    [
      "Sở CT đăng ký họp 8h30-10h sáng 18/12/2026, điểm cầu P. Ngọc Hà. ND: giao ban tuần. LH: Lâm Thị Ngọc 0983210456.",
      "giao ban tuần",
      "Lâm Thị Ngọc",
    ],
    // The other way: no content said is asked for, not filled with the hour or with what follows «nội dung».
    [`${SCT} 2 giờ chiều ngày 22/12/2026 với UBND phường Ngọc Hà. ${CONTACT}`, null, "Lâm Thị Ngọc"],
    [`${SCT} lúc 9h00 ngày 22/12/2026, nội dung sẽ gửi sau. ${CONTACT}`, null, "Lâm Thị Ngọc"],
    [`${SCT} lúc 9h00 ngày 22/12/2026, nội dung như sau:\n1. Giao ban.\n${CONTACT}`, null, "Lâm Thị Ngọc"],
  ];
  for (const [sentence, title, name] of said)
    it(`content ${title ?? "(none)"}: «${sentence.slice(0, 90)}…»`, async () => {
      const p = await parse(LETTER(sentence));
      expect(p.title).toBe(title);
      expect(p.contact?.name ?? null).toBe(name);
    });

  it("«ND:», «LH:», «TG:», «ĐC:» lines are the form's labels", async () => {
    const p = await parse(
      "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến:\nTG: 9h00 ngày 10/12/2026\nĐC: UBND phường Ngọc Hà\nND: giao ban tuần\nLH: Lâm Thị Ngọc, 0983 210 456",
    );
    expect(p.missing).toEqual([]);
    expect(p.title).toBe("giao ban tuần");
    expect(p.participants).toContain(codeOf("Phường Ngọc Hà"));
  });
});

describe("two days in one sentence of prose are never booked in silence (e2e11)", () => {
  const LETTER = (time: string) =>
    `Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến ${time} với UBND phường Ngọc Hà, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.\nTrân trọng.`;
  const note = (days: string) =>
    `thư ghi nhiều ngày (${days}); lịch này chỉ xếp cho ngày 10/12/2026, đề nghị gửi đăng ký riêng cho từng ngày còn lại.`;
  // Labelled: the time as written → the days said back. All were booked on one day with no word of the other.
  const cases: [string, string][] = [
    ["từ 14h đến 16h các ngày 10 và 11/12/2026", "10/12/2026, 11/12/2026"],
    ["từ 14h đến 16h ngày 10, 11 và 14/12/2026", "10/12/2026, 11/12/2026, 14/12/2026"],
    ["từ 14h đến 16h các ngày 10-12/12/2026", "10/12/2026, 11/12/2026, 12/12/2026"],
    ["từ 8h00 ngày 10/12/2026 đến 17h00 ngày 11/12/2026", "10/12/2026, 11/12/2026"],
  ];
  for (const [time, days] of cases)
    it(`«${time}» books 10/12 and names ${days}`, async () => {
      const p = await parse(LETTER(time));
      expect(p.start?.toISOString()).toMatch(/^2026-12-10T/);
      expect(p.warnings).toContain(note(days));
    });

  // The other way: one day, however it is written, or another day in another sentence, is no second day.
  const oneDay = [
    "lúc 9h00 thứ Năm, ngày 10/12/2026",
    "lúc 9h00 ngày 10/12/2026 (Thứ Năm)",
    "lúc 9h00 ngày 10/12/2026. Báo cáo gửi trước ngày 08/12/2026",
    "lúc 9h00 ngày 10/12/2026. Buổi tổng duyệt ngày 09/12/2026 đã xong",
    "lúc 9h00 ngày 10/12/2026, 30 phút trước giờ họp kết nối",
  ];
  for (const time of oneDay)
    it(`«${time}» names one day`, async () => {
      const p = await parse(LETTER(time));
      expect(p.start?.toISOString()).toBe("2026-12-10T02:00:00.000Z");
      expect(p.warnings.join("\n")).not.toContain("nhiều ngày");
    });
});

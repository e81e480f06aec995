import { describe, expect, it } from "vitest";
import { decide } from "../src/core/booking/decide.js";
import { DEFAULT_REGULATION } from "../src/core/regulation.js";
import { parseJson } from "../src/mail/parse-file.js";
import { toBookingRequest } from "../src/mail/understand.js";
import { snapshotOf } from "../src/store/directory-repo.js";
import { sampleDirectory, ZONE } from "./helpers.js";
import { codeOf, reader } from "./support/understand.js";

/**
 * Booking mail in the forms Hanoi's offices write it (issue 9, "Understanding"): one table per class of error,
 * each row a whole raw mail and what the desk must read from it. Every mail is sent on Monday 30/11/2026.
 */

const SENT = "Mon, 30 Nov 2026 08:30:00 +0700";
let serial = 0;

function head(headers: Record<string, string>, contentType: string): string {
  const all = {
    From: "Văn thư Sở Công Thương <vanthu.sct@hanoi.gov.vn>",
    To: "kythuat@hanoi.gov.vn",
    Subject: "Đăng ký lịch họp trực tuyến",
    Date: SENT,
    "Message-ID": `<forms-${++serial}@hanoi.gov.vn>`,
    "MIME-Version": "1.0",
    "Content-Type": contentType,
    ...headers,
  };
  return Object.entries(all)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\r\n");
}

const crlf = (s: string) => s.replace(/\r?\n/g, "\r\n");

/** A plain-text mail. */
function textMail(body: string, headers: Record<string, string> = {}): Buffer {
  return Buffer.from(
    `${head(headers, 'text/plain; charset="utf-8"')}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${crlf(body)}\r\n`,
  );
}

/** An HTML mail, with the text part Outlook sends beside it when `text` is given. */
function htmlMail(html: string, text?: string, headers: Record<string, string> = {}): Buffer {
  if (text === undefined)
    return Buffer.from(
      `${head(headers, 'text/html; charset="utf-8"')}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${crlf(html)}\r\n`,
    );
  const b = "----=_NextPart_000_0001";
  return Buffer.from(
    `${head(headers, `multipart/alternative; boundary="${b}"`)}\r\n\r\n` +
      `--${b}\r\nContent-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${crlf(text)}\r\n` +
      `--${b}\r\nContent-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${crlf(html)}\r\n` +
      `--${b}--\r\n`,
  );
}

const CONTACT = "Lâm Thị Ngọc, 0983 210 456";

/** The Điều 12.2a template as the Sở Công Thương's clerk fills it. */
function template(o: { time?: string; parts?: string; host?: string } = {}): string {
  return [
    `- Tên cơ quan chủ trì họp: ${o.host ?? "Sở Công Thương"}`,
    `- Danh sách điểm cầu thành phần: ${o.parts ?? "UBND phường Ngọc Hà"}`,
    `- Thời gian đăng ký họp: ${o.time ?? "9h00 ngày 10/12/2026"}`,
    "- Nội dung họp: Giao ban công tác quản lý thị trường",
    `- Thông tin đầu mối liên hệ: ${CONTACT}`,
  ].join("\n");
}

interface Expect {
  host?: string;
  start?: string | null;
  end?: string | null;
  /** Participant names as the directory spells them. */
  participants?: string[];
  unresolved?: string[];
  /** For an unresolved name: a name its suggestions must include. */
  suggests?: Record<string, string>;
  missing?: string[];
  title?: string;
  contact?: { name: string; phone: string };
}

type Case = [name: string, mail: Buffer, expected: Expect];

const at = (date: string, time: string) => `${date}T${time}:00+07:00`;

async function check(mail: Buffer, exp: Expect) {
  const { parsed } = await reader.read(mail);
  const json = parseJson("x", parsed, ZONE);
  const want: Record<string, unknown> = {};
  if (exp.host !== undefined) want.host = exp.host;
  if (exp.start !== undefined) want.start = exp.start;
  if (exp.end !== undefined) want.end = exp.end;
  if (exp.participants) want.participants = exp.participants.map(codeOf);
  if (exp.unresolved) want.unresolved = exp.unresolved;
  if (exp.missing) want.missing = exp.missing;
  if (exp.title) want.title = exp.title;
  if (exp.contact) want.contact = exp.contact;
  expect(json).toMatchObject(want);
  for (const [name, suggestion] of Object.entries(exp.suggests ?? {}))
    expect(parsed.suggestions[name]).toContain(suggestion);
  return parsed;
}

const counts: Record<string, number> = {};
function table(title: string, cases: Case[]) {
  counts[title] = cases.length;
  describe(`${title} (${cases.length} mails)`, () => {
    for (const [name, mail, exp] of cases) it(name, () => check(mail, exp));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Hour ranges are not dates: hours with h, giờ or : never make a day or a month.

const range = (date: string, from: string, to: string) => ({ start: at(date, from), end: at(date, to) });

table("hour ranges are not dates", [
  [
    "«08h30 - 10h30, thứ Năm ngày 03/12/2026» is 3 December, not 30 October",
    textMail(template({ time: "08h30 - 10h30, thứ Năm ngày 03/12/2026" })),
    range("2026-12-03", "08:30", "10:30"),
  ],
  [
    "«8h30-11h00 ngày 03/12/2026» is 3 December, not 30 November",
    textMail(template({ time: "8h30-11h00 ngày 03/12/2026" })),
    range("2026-12-03", "08:30", "11:00"),
  ],
  [
    "«9h15 - 11h30 ngày 04/12/2026»",
    textMail(template({ time: "9h15 - 11h30 ngày 04/12/2026" })),
    range("2026-12-04", "09:15", "11:30"),
  ],
  [
    "«14h-16h30 thứ Sáu 04/12/2026»",
    textMail(template({ time: "14h-16h30 thứ Sáu 04/12/2026" })),
    range("2026-12-04", "14:00", "16:30"),
  ],
  [
    "«từ 8 giờ 30 đến 10 giờ 30, ngày 03/12/2026»",
    textMail(template({ time: "từ 8 giờ 30 đến 10 giờ 30, ngày 03/12/2026" })),
    range("2026-12-03", "08:30", "10:30"),
  ],
  [
    "«8 giờ 30 - 10 giờ 30 ngày 07-12-2026» (minutes before a dash are not a day)",
    textMail(template({ time: "8 giờ 30 - 10 giờ 30 ngày 07-12-2026" })),
    range("2026-12-07", "08:30", "10:30"),
  ],
  [
    "«8h30 sáng thứ Năm (03/12)»",
    textMail(template({ time: "8h30 sáng thứ Năm (03/12)" })),
    range("2026-12-03", "08:30", "10:30"),
  ],
  [
    "«2 giờ chiều thứ Năm (03/12)»",
    textMail(template({ time: "2 giờ chiều thứ Năm (03/12)" })),
    range("2026-12-03", "14:00", "16:00"),
  ],
  [
    "«9-11h ngày 04/12/2026»: a bare range start takes the hour of its end",
    textMail(template({ time: "9-11h ngày 04/12/2026" })),
    range("2026-12-04", "09:00", "11:00"),
  ],
  [
    "«từ 14 đến 16 giờ 30 ngày 04/12»",
    textMail(template({ time: "từ 14 đến 16 giờ 30 ngày 04/12" })),
    range("2026-12-04", "14:00", "16:30"),
  ],
  [
    "«07h30-09h00 ngày 10.12.2026»",
    textMail(template({ time: "07h30-09h00 ngày 10.12.2026" })),
    range("2026-12-10", "07:30", "09:00"),
  ],
  [
    "«10h30-12h00, thứ Tư 09/12/2026»",
    textMail(template({ time: "10h30-12h00, thứ Tư 09/12/2026" })),
    range("2026-12-09", "10:30", "12:00"),
  ],
  [
    "«8:30 - 10:00 thứ Năm 03/12/2026»",
    textMail(template({ time: "8:30 - 10:00 thứ Năm 03/12/2026" })),
    range("2026-12-03", "08:30", "10:00"),
  ],
  [
    "a range in prose before the date",
    textMail(
      `Sở Công Thương đăng ký tổ chức hội nghị trực tuyến Giao ban quản lý thị trường vào hồi 08h30 - 10h30, thứ Năm ngày 03/12/2026 với UBND phường Ngọc Hà.\nĐầu mối liên hệ: ${CONTACT}.`,
    ),
    { ...range("2026-12-03", "08:30", "10:30"), participants: ["Phường Ngọc Hà"] },
  ],
  [
    "«8h30-11h00» with a dashed date after «ngày»: «ngày 04-12»",
    textMail(template({ time: "8h30-11h00 ngày 04-12" })),
    range("2026-12-04", "08:30", "11:00"),
  ],
  [
    "a cited document's date is not the meeting's: the date nearest the hours is",
    textMail(
      `Thực hiện Kế hoạch số 125/KH-UBND ngày 15/11/2026 của UBND Thành phố, Sở Công Thương đăng ký tổ chức hội nghị trực tuyến Sơ kết quản lý thị trường vào hồi 14h00 - 16h00 ngày 10/12/2026 với UBND xã Sóc Sơn.\nĐầu mối liên hệ: ${CONTACT}.`,
    ),
    // The author of the cited plan (UBND Thành phố) is not invited either.
    { ...range("2026-12-10", "14:00", "16:00"), participants: ["Xã Sóc Sơn"], unresolved: [] },
  ],
  [
    "an hour range alone with no date gives no time at all, not an invented date",
    textMail(template({ time: "8h30 - 10h30 (ngày sẽ báo sau)" })),
    { start: null, end: null, missing: ["start"] },
  ],
]);

// ---------------------------------------------------------------------------------------------------------------
// 2. HTML tables: read label cell → value cell, whatever Outlook wraps them in.

const P = (s: string) => `<p class=MsoNormal>${s}<o:p></o:p></p>`;
const row = (label: string, value: string) =>
  `<tr><td width=200 valign=top style='border:solid windowtext 1.0pt'>${P(`<b><span style='font-size:13pt'>${label}</span></b>`)}</td><td valign=top>${value}</td></tr>`;
const SIGNATURE_HTML = `${P("&nbsp;")}${P("Trân trọng,")}${P("<b>Văn phòng Sở Công Thương</b>")}${P("ĐT: 024.3825.1234")}`;

function formTable(o: { parts?: string; time?: string; host?: string } = {}): string {
  return `<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0>${[
    row("Cơ quan chủ trì", P(o.host ?? "Sở Công Thương")),
    row("Điểm cầu tham dự", o.parts ?? `${P("UBND phường Ngọc Hà")}${P("UBND xã Sóc Sơn")}`),
    row("Thời gian", P(o.time ?? "14h00&nbsp;–&nbsp;16h00, thứ Năm&nbsp;10/12/2026")),
    row("Nội dung", P("Giao ban công tác quản lý thị trường")),
    row("Liên hệ", P("Lâm Thị Ngọc<br>0983.210.456")),
  ].join("")}</table>`;
}

const outlook = (inner: string) =>
  `<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal{margin:0}</style></head><body lang=VI><div class=WordSection1>${P("Kính gửi: Trung tâm kỹ thuật,")}${P("Sở Công Thương đăng ký lịch họp theo bảng dưới đây:")}${inner}${SIGNATURE_HTML}</div></body></html>`;

const FULL_TABLE: Expect = {
  host: "Sở Công Thương",
  participants: ["Phường Ngọc Hà", "Xã Sóc Sơn"],
  unresolved: [],
  ...range("2026-12-10", "14:00", "16:00"),
  contact: { name: "Lâm Thị Ngọc", phone: "0983210456" },
  missing: [],
};

table("HTML tables", [
  [
    "MsoNormal cells and a signature after the table; the text part only says «xem bảng»",
    htmlMail(outlook(formTable()), "Kính gửi,\nĐề nghị xem bảng đính kèm trong thư.\nTrân trọng,"),
    FULL_TABLE,
  ],
  ["the same table with no text part", htmlMail(outlook(formTable())), FULL_TABLE],
  [
    "the form nested inside Outlook's layout table",
    htmlMail(
      outlook(
        `<table width="100%"><tr><td>${P("Phiếu đăng ký")}${formTable()}</td></tr><tr><td>${P("Ghi chú: không")}</td></tr></table>`,
      ),
      "",
    ),
    FULL_TABLE,
  ],
  [
    "a header row of labels over a row of values",
    htmlMail(
      outlook(
        `<table border=1><tr><th>Cơ quan chủ trì</th><th>Thời gian</th><th>Thành phần tham dự</th><th>Nội dung</th><th>Liên hệ</th></tr><tr><td>Sở Công Thương</td><td>14h00 - 16h00<br>ngày 10/12/2026</td><td>Phường Ngọc Hà<br>Xã Sóc Sơn</td><td>Giao ban công tác quản lý thị trường</td><td>Lâm Thị Ngọc - 0983210456</td></tr></table>`,
      ),
    ),
    FULL_TABLE,
  ],
  [
    "an STT column before the labels",
    htmlMail(
      outlook(
        `<table border=1><tr><td>1</td><td>Cơ quan chủ trì:</td><td>Sở Công Thương</td></tr><tr><td>2</td><td>Điểm cầu:</td><td>P. Ngọc Hà; X. Sóc Sơn</td></tr><tr><td>3</td><td>Thời gian:</td><td>14:00 – 16:00 ngày 10/12/2026</td></tr><tr><td>4</td><td>Nội dung:</td><td>Giao ban công tác quản lý thị trường</td></tr><tr><td>5</td><td>Liên hệ:</td><td>Lâm Thị Ngọc, 0983 210 456</td></tr></table>`,
      ),
    ),
    FULL_TABLE,
  ],
  [
    "participants as a nested table of STT and name",
    htmlMail(
      outlook(
        formTable({
          parts: `<table border=1><tr><td>1</td><td>UBND phường Ngọc Hà</td></tr><tr><td>2</td><td>UBND xã Sóc Sơn</td></tr></table>`,
        }),
      ),
    ),
    FULL_TABLE,
  ],
  [
    "&nbsp; inside names and <br> between them",
    htmlMail(outlook(formTable({ parts: "Phường&nbsp;Ngọc&nbsp;Hà<br>\n<br>Xã&nbsp;Sóc&nbsp;Sơn" }))),
    FULL_TABLE,
  ],
  [
    "the text part holds the booking when the HTML's only table is the signature's",
    htmlMail(
      `<html><body>${P("Kính gửi Trung tâm,")}${P("Đề nghị đăng ký lịch họp.")}<table><tr><td><img src="cid:logo"></td><td>Văn phòng Sở Công Thương<br>ĐT: 024.3825.1234</td></tr></table></body></html>`,
      template({ time: "14h00 - 16h00 thứ Năm 10/12/2026", parts: "UBND phường Ngọc Hà, UBND xã Sóc Sơn" }),
    ),
    FULL_TABLE,
  ],
  [
    "a booking table before 200 000 unclosed <div>s (an HTML bomb) is still read",
    htmlMail(outlook(formTable()) + "<div>".repeat(200_000)),
    FULL_TABLE,
  ],
  [
    "an unknown unit in a table cell is reported, not dropped",
    htmlMail(outlook(formTable({ parts: "Phường Ngọc Hà<br>Xã Sóc Sơn<br>Xã Vô Danh" }))),
    { ...FULL_TABLE, unresolved: ["Xã Vô Danh"], missing: [] },
  ],
  [
    "a time cell in two paragraphs",
    htmlMail(
      outlook(
        formTable({ time: `${P("Từ 14h00 đến 16h00")}${P("thứ Năm, ngày 10/12/2026")}` }).replace(
          "Điểm cầu tham dự",
          "Danh sách điểm cầu",
        ),
      ),
    ),
    FULL_TABLE,
  ],
  [
    "a label cell wrapped over two paragraphs: «Thời gian» / «(giờ, ngày)»",
    htmlMail(
      outlook(
        formTable({ time: "14h00 - 16h00 ngày 10/12/2026" }).replace(
          "<span style='font-size:13pt'>Thời gian</span>",
          "Thời gian</b></p><p class=MsoNormal><i>(giờ, ngày):</i>",
        ),
      ),
    ),
    FULL_TABLE,
  ],
]);

// ---------------------------------------------------------------------------------------------------------------
// 3. Forwards: the forwarded content is the booking; the forwarder is the sender.

const FORWARDED: Expect = {
  host: "Sở Công Thương",
  participants: ["Phường Ngọc Hà"],
  ...range("2026-12-10", "09:00", "11:00"),
  missing: [],
};
const FWD_FROM = {
  From: "Văn thư Sở Công Thương <vanthu.sct@hanoi.gov.vn>",
  Subject: "Fwd: Đăng ký lịch họp",
};

table("forwards", [
  [
    "Gmail's «Forwarded message» under the forwarder's note",
    textMail(
      `Kính chuyển bộ phận kỹ thuật đăng ký giúp.\n\n---------- Forwarded message ---------\nFrom: Phòng Quản lý thương mại <qltm.sct@hanoi.gov.vn>\nDate: Thu, 26 Nov 2026 at 16:02\nSubject: Đăng ký lịch họp\nTo: Văn thư Sở <vanthu.sct@hanoi.gov.vn>\n\n\n${template()}\n`,
      FWD_FROM,
    ),
    FORWARDED,
  ],
  [
    "Outlook's «-----Original Message-----» block",
    textMail(
      `Đề nghị Trung tâm bố trí.\n\n-----Original Message-----\nFrom: Phòng Quản lý thương mại [mailto:qltm.sct@hanoi.gov.vn]\nSent: Thursday, November 26, 2026 4:02 PM\nTo: vanthu.sct@hanoi.gov.vn\nSubject: Đăng ký lịch họp\n\n${template()}\n`,
      { Subject: "FW: Đăng ký lịch họp" },
    ),
    FORWARDED,
  ],
  [
    "Outlook's underscore line and From:/Sent:/To:/Subject: block",
    textMail(
      `Chuyển bộ phận kỹ thuật.\n\n________________________________\nFrom: Phòng Quản lý thương mại <qltm.sct@hanoi.gov.vn>\nSent: Thursday, November 26, 2026 4:02 PM\nTo: Văn thư Sở <vanthu.sct@hanoi.gov.vn>;\n    Lãnh đạo Sở <lanhdao.sct@hanoi.gov.vn>\nSubject: Đăng ký lịch họp\n\n${template()}\n`,
      { Subject: "FW: Đăng ký lịch họp" },
    ),
    FORWARDED,
  ],
  [
    "Vietnamese Outlook's Từ:/Đã gửi:/Đến:/Chủ đề: block, with no subject prefix",
    textMail(
      `Kính chuyển.\n\nTừ: Phòng Quản lý thương mại <qltm.sct@hanoi.gov.vn>\nĐã gửi: Thứ Năm, 26 tháng 11, 2026 16:02\nĐến: vanthu.sct@hanoi.gov.vn\nChủ đề: Đăng ký lịch họp\n\n${template()}\n`,
    ),
    FORWARDED,
  ],
  [
    "«Chuyển tiếp» on a line of its own",
    textMail(
      `Chuyển tiếp:\nTừ: Phòng Quản lý thương mại <qltm.sct@hanoi.gov.vn>\nNgày: 26/11/2026 16:02\nTiêu đề: Đăng ký lịch họp\nTới: vanthu.sct@hanoi.gov.vn\n\n${template()}\n`,
    ),
    FORWARDED,
  ],
  [
    "«-------- Thư đã chuyển tiếp --------» with the booking in prose",
    textMail(
      `Nhờ các anh chị hỗ trợ.\n\n-------- Thư đã chuyển tiếp --------\nTiêu đề: Đăng ký họp\nNgày: 26/11/2026 16:02\nNgười gửi: qltm.sct@hanoi.gov.vn\n\nSở Công Thương đăng ký tổ chức hội nghị trực tuyến Giao ban quản lý thị trường vào hồi 9h00 ngày 10/12/2026 với UBND phường Ngọc Hà.\nĐầu mối liên hệ: ${CONTACT}.\n\nTrân trọng,\nPhòng QLTM\n`,
      FWD_FROM,
    ),
    FORWARDED,
  ],
  [
    "a forward of a forward: the innermost booking, its own quoted history cut",
    textMail(
      `FYI\n\n---------- Forwarded message ---------\nFrom: A <a@hanoi.gov.vn>\nDate: Fri, 27 Nov 2026\nSubject: Fwd: Đăng ký\nTo: vanthu.sct@hanoi.gov.vn\n\n${template()}\n\nVào Th 5, 26 thg 11, 2026 lúc 16:02 B đã viết:\n> - Thời gian đăng ký họp: 15h00 ngày 20/12/2026\n`,
      FWD_FROM,
    ),
    FORWARDED,
  ],
  [
    "an Outlook HTML forward of a table",
    htmlMail(
      `<html><body>${P("Kính chuyển Trung tâm.")}<div style='border:none;border-top:solid #E1E1E1 1.0pt'>${P("<b>From:</b> Phòng Quản lý thương mại &lt;qltm.sct@hanoi.gov.vn&gt;<br><b>Sent:</b> Thursday, November 26, 2026 4:02 PM<br><b>To:</b> vanthu.sct@hanoi.gov.vn<br><b>Subject:</b> Đăng ký lịch họp")}</div>${P("&nbsp;")}${formTable({ time: "9h00 - 11h00 ngày 10/12/2026", parts: "UBND phường Ngọc Hà" })}</body></html>`,
      "Kính chuyển Trung tâm.\n\nFrom: Phòng Quản lý thương mại <qltm.sct@hanoi.gov.vn>\nSent: Thursday, November 26, 2026 4:02 PM\nTo: vanthu.sct@hanoi.gov.vn\nSubject: Đăng ký lịch họp\n\nXem bảng.\n",
      { Subject: "FW: Đăng ký lịch họp" },
    ),
    FORWARDED,
  ],
  [
    "«Begin forwarded message:» (Apple Mail)",
    textMail(
      `Gửi Trung tâm.\n\nBegin forwarded message:\n\nFrom: Phòng Quản lý thương mại <qltm.sct@hanoi.gov.vn>\nSubject: Đăng ký lịch họp\nDate: 26 November 2026 at 16:02:00 GMT+7\nTo: vanthu.sct@hanoi.gov.vn\n\n${template()}\n`,
      FWD_FROM,
    ),
    FORWARDED,
  ],
]);

describe("forwards: who the sender is, and replies stay replies", () => {
  it("the forwarder is the sender, and the host comes from the forwarded form", async () => {
    const { facts, parsed } = await reader.read(
      textMail(
        `Kính chuyển.\n\n---------- Forwarded message ---------\nFrom: Văn thư Sở Y tế <vanthu.syt@hanoi.gov.vn>\nDate: Thu, 26 Nov 2026\nSubject: Đăng ký\nTo: vanthu.sct@hanoi.gov.vn\n\n${template({ host: "Sở Y tế" })}\n`,
        FWD_FROM,
      ),
    );
    expect(facts.from).toBe("vanthu.sct@hanoi.gov.vn");
    expect(parsed.host).toBe("Sở Y tế");
  });

  it("under a reply, an Outlook From:/Sent: block is quoted history, not a forward", async () => {
    const { facts } = await reader.read(
      textMail(
        "Đề nghị đổi giờ sang 15h00.\n\n________________________________\nFrom: Kỹ thuật <kythuat@hanoi.gov.vn>\nSent: Monday, November 30, 2026 9:00 AM\nTo: vanthu.sct@hanoi.gov.vn\nSubject: [HTT-2026-0001] Lịch họp\n\nLịch họp HTT-2026-0001: ĐÃ XÁC NHẬN.\nThời gian: 09:00 10/12/2026",
        { Subject: "RE: [HTT-2026-0001] Lịch họp", "In-Reply-To": "<HTT-2026-0001.1@desk.hanoi.gov.vn>" },
      ),
    );
    expect(facts.text).toBe("Đề nghị đổi giờ sang 15h00.");
  });
});

// ---------------------------------------------------------------------------------------------------------------
// 4. Unit names as clerks write them.

table("unit names as clerks write them", [
  [
    "«P.» and «X.» with and without a space",
    textMail(template({ parts: "P. Ngọc Hà, X.Sóc Sơn, P.Giảng Võ" })),
    { participants: ["Phường Ngọc Hà", "Xã Sóc Sơn", "Phường Giảng Võ"], unresolved: [] },
  ],
  [
    "«TP.» spelled out: «Công an TP. Hà Nội», «Văn phòng UBND TP.»",
    textMail(template({ parts: "Công an TP. Hà Nội; Văn phòng UBND TP." })),
    { participants: ["Công an thành phố Hà Nội", "Văn phòng UBND thành phố Hà Nội"], unresolved: [] },
  ],
  [
    "bare unit names: «Phường Long Biên», «Xã Thanh Oai»",
    textMail(template({ parts: "Phường Long Biên, Xã Thanh Oai" })),
    { participants: ["Phường Long Biên", "Xã Thanh Oai"], unresolved: [] },
  ],
  [
    "agency names containing «và» are one name",
    textMail(template({ parts: "Sở Nông nghiệp và Môi trường, Sở Văn hóa và Thể thao" })),
    { participants: ["Sở Nông nghiệp và Môi trường", "Sở Văn hóa và Thể thao"], unresolved: [] },
  ],
  [
    "«và» both inside names and between them",
    textMail(template({ parts: "Sở Khoa học và Công nghệ và Sở Giáo dục và Đào tạo và phường Ngọc Hà" })),
    {
      participants: ["Sở Khoa học và Công nghệ", "Sở Giáo dục và Đào tạo", "Phường Ngọc Hà"],
      unresolved: [],
    },
  ],
  [
    "the longest name with «và»: the Ban quản lý các Khu công nghệ cao và Khu công nghiệp",
    textMail(
      template({
        parts: "Ban quản lý các Khu công nghệ cao và Khu công nghiệp thành phố và Sở Dân tộc và Tôn giáo",
      }),
    ),
    {
      participants: [
        "Ban quản lý các Khu công nghệ cao và Khu công nghiệp thành phố",
        "Sở Dân tộc và Tôn giáo",
      ],
      unresolved: [],
    },
  ],
  [
    "a list one name a line, without bullets",
    textMail(
      template({ parts: "" }).replace(
        "- Danh sách điểm cầu thành phần: ",
        "- Danh sách điểm cầu thành phần:\nPhường Ngọc Hà\nXã Sóc Sơn\nSở Y tế",
      ),
    ),
    { participants: ["Phường Ngọc Hà", "Xã Sóc Sơn", "Sở Y tế"], unresolved: [], missing: [] },
  ],
  [
    "a list with bullets • and +",
    textMail(
      template({ parts: "" }).replace(
        "- Danh sách điểm cầu thành phần: ",
        "- Danh sách điểm cầu thành phần:\n• UBND phường Ngọc Hà;\n+ UBND xã Sóc Sơn;\n- Sở Văn hóa và Thể thao.",
      ),
    ),
    { participants: ["Phường Ngọc Hà", "Xã Sóc Sơn", "Sở Văn hóa và Thể thao"], unresolved: [] },
  ],
  [
    "a numbered list",
    textMail(
      template({ parts: "" }).replace(
        "- Danh sách điểm cầu thành phần: ",
        "- Danh sách điểm cầu thành phần:\n1. Phường Long Biên\n2. Xã Thanh Oai\n3. Sở Nông nghiệp và Môi trường",
      ),
    ),
    { participants: ["Phường Long Biên", "Xã Thanh Oai", "Sở Nông nghiệp và Môi trường"], unresolved: [] },
  ],
  [
    "«UBND các phường Ngọc Hà, Giảng Võ và Ba Đình»: the unit type carries over",
    textMail(template({ parts: "UBND các phường Ngọc Hà, Giảng Võ và Ba Đình" })),
    { participants: ["Phường Ngọc Hà", "Phường Giảng Võ", "Phường Ba Đình"], unresolved: [] },
  ],
  [
    "semicolons and «và» without diacritics",
    textMail(template({ parts: "P. Ngoc Ha; X. Soc Son va So Nong nghiep va Moi truong" })),
    { participants: ["Phường Ngọc Hà", "Xã Sóc Sơn", "Sở Nông nghiệp và Môi trường"], unresolved: [] },
  ],
  [
    "«Q.» is a district abolished in 2025: reported, with the ward of that name suggested",
    textMail(template({ parts: "Q. Ba Đình, P. Ngọc Hà" })),
    {
      participants: ["Phường Ngọc Hà"],
      unresolved: ["Q. Ba Đình"],
      suggests: { "Q. Ba Đình": "Phường Ba Đình" },
    },
  ],
  [
    "«H.» is a district too: «H. Sóc Sơn» is not «Xã Sóc Sơn»",
    textMail(template({ parts: "H. Sóc Sơn" })),
    { participants: [], unresolved: ["H. Sóc Sơn"], suggests: { "H. Sóc Sơn": "Xã Sóc Sơn" } },
  ],
  [
    "«TT.» and «TP.» before a former town's name",
    textMail(template({ parts: "TP. Sơn Tây; TT. Sóc Sơn; P. Sơn Tây" })),
    {
      participants: ["Phường Sơn Tây"],
      unresolved: ["TP. Sơn Tây", "TT. Sóc Sơn"],
      suggests: { "TP. Sơn Tây": "Phường Sơn Tây", "TT. Sóc Sơn": "Xã Sóc Sơn" },
    },
  ],
  [
    "«TP.» in prose: «Công an TP. Hà Nội»",
    textMail(
      `Sở Công Thương đăng ký tổ chức hội nghị trực tuyến Giao ban quản lý thị trường vào hồi 9h00 ngày 10/12/2026 với Công an TP. Hà Nội và P. Ngọc Hà.\nĐầu mối liên hệ: ${CONTACT}.`,
    ),
    { participants: ["Công an thành phố Hà Nội", "Phường Ngọc Hà"], unresolved: [], missing: [] },
  ],
  [
    "«UBND P. …» and «Ủy ban nhân dân X. …»",
    textMail(template({ parts: "UBND P. Ngọc Hà và Ủy ban nhân dân X. Sóc Sơn" })),
    { participants: ["Phường Ngọc Hà", "Xã Sóc Sơn"], unresolved: [] },
  ],
]);

// ---------------------------------------------------------------------------------------------------------------
// 5. Nothing is dropped silently: a name that matches no endpoint is reported with the nearest ones.

table("nothing dropped silently", [
  [
    "an unknown commune among known ones in a list",
    textMail(template({ parts: "P. Ngọc Hà, Xã Vô Danh và X. Sóc Sơn" })),
    { participants: ["Phường Ngọc Hà", "Xã Sóc Sơn"], unresolved: ["Xã Vô Danh"] },
  ],
  [
    "a department merged away in 2025 is one unknown name, not two",
    textMail(template({ parts: "Sở Kế hoạch và Đầu tư, Sở Y tế" })),
    { participants: ["Sở Y tế"], unresolved: ["Sở Kế hoạch và Đầu tư"] },
  ],
  [
    "the wrong unit type in a list: «phường Sóc Sơn»",
    textMail(template({ parts: "phường Sóc Sơn; Sở Y tế" })),
    {
      participants: ["Sở Y tế"],
      unresolved: ["phường Sóc Sơn"],
      suggests: { "phường Sóc Sơn": "Xã Sóc Sơn" },
    },
  ],
  [
    "an unknown unit in prose",
    textMail(
      `Sở Công Thương đăng ký tổ chức hội nghị trực tuyến Giao ban quản lý thị trường vào hồi 9h00 ngày 10/12/2026 với UBND phường Ngọc Hà và UBND xã Vô Danh.\nĐầu mối liên hệ: ${CONTACT}.`,
    ),
    { participants: ["Phường Ngọc Hà"], unresolved: ["UBND xã Vô Danh"] },
  ],
  [
    "the wrong unit type in prose: «phường Sóc Sơn»",
    textMail(
      `Sở Công Thương đăng ký tổ chức hội nghị trực tuyến Giao ban quản lý thị trường vào hồi 9h00 ngày 10/12/2026 với phường Ngọc Hà, phường Sóc Sơn.\nĐầu mối liên hệ: ${CONTACT}.`,
    ),
    {
      participants: ["Phường Ngọc Hà"],
      unresolved: ["phường Sóc Sơn"],
      suggests: { "phường Sóc Sơn": "Xã Sóc Sơn" },
    },
  ],
  [
    "an abolished district in prose: «huyện Gia Lâm»",
    textMail(
      `Sở Công Thương đăng ký tổ chức hội nghị trực tuyến Giao ban quản lý thị trường vào hồi 9h00 ngày 10/12/2026 với xã Sóc Sơn và huyện Gia Lâm.\nĐầu mối liên hệ: ${CONTACT}.`,
    ),
    {
      participants: ["Xã Sóc Sơn"],
      unresolved: ["huyện Gia Lâm"],
      suggests: { "huyện Gia Lâm": "Xã Gia Lâm" },
    },
  ],
  [
    "an unknown line in a one-name-a-line list",
    textMail(
      template({ parts: "" }).replace(
        "- Danh sách điểm cầu thành phần: ",
        "- Danh sách điểm cầu thành phần:\nPhường Ngọc Hà\nTrung tâm Vô Danh\nXã Sóc Sơn",
      ),
    ),
    { participants: ["Phường Ngọc Hà", "Xã Sóc Sơn"], unresolved: ["Trung tâm Vô Danh"] },
  ],
  [
    "a typo in a name: «xã Sóc Sơnn»",
    textMail(template({ parts: "xã Sóc Sơnn, phường Ngọc Hà" })),
    {
      participants: ["Phường Ngọc Hà"],
      unresolved: ["xã Sóc Sơnn"],
      suggests: { "xã Sóc Sơnn": "Xã Sóc Sơn" },
    },
  ],
]);

// ---------------------------------------------------------------------------------------------------------------
// Found in the end-to-end pass: weeks named relative to the mail, and the content named inside a sentence.
table("Relative weeks and content in a sentence", [
  [
    "«chiều thứ Năm tuần sau» on a Monday is the Thursday of next week, not of this one",
    textMail(
      `Sở Công Thương đề nghị bố trí họp trực tuyến vào chiều thứ Năm tuần sau, từ 14h00 đến 16h30 với UBND phường Ngọc Hà.\nĐầu mối: ${CONTACT}.`,
    ),
    { ...range("2026-12-10", "14:00", "16:30"), participants: ["Phường Ngọc Hà"] },
  ],
  [
    "«thu Sau tuan toi» without diacritics",
    textMail(
      `So Cong Thuong dang ky hop truc tuyen luc 9h00 den 10h00 thu Sau tuan toi voi phuong Ngoc Ha.\nLien he: Lam Thi Ngoc, 0983 210 456.`,
    ),
    range("2026-12-11", "09:00", "10:00"),
  ],
  [
    "«thứ Tư tuần này» is this week's Wednesday",
    textMail(template({ time: "từ 8h00 đến 9h00 thứ Tư tuần này" })),
    range("2026-12-02", "08:00", "09:00"),
  ],
  [
    "«16h chiều nay» is today, as an urgent session is written",
    textMail(template({ time: "16h chiều nay đến 17h30" })),
    range("2026-11-30", "16:00", "17:30"),
  ],
  [
    "«sang nay 10h30» without diacritics is today",
    textMail(template({ time: "sang nay 10h30 den 11h30" })),
    range("2026-11-30", "10:30", "11:30"),
  ],
  [
    "«nội dung: …» inside a sentence is the title, not the time phrase before it",
    textMail(
      `Sở Công Thương đề nghị bố trí họp trực tuyến vào 14h00 ngày 10/12/2026 đến 16h00, nội dung: giao ban quản lý thị trường. Điểm cầu thành phần: UBND phường Ngọc Hà.\nĐầu mối: ${CONTACT}.`,
    ),
    { ...range("2026-12-10", "14:00", "16:00"), title: "giao ban quản lý thị trường" },
  ],
  [
    "«họp khẩn: Sở Y tế họp về …» is titled by its topic, without the urgency word, the colon or who meets",
    textMail(
      `Đề nghị tổ chức họp khẩn: Sở Y tế họp về phòng chống dịch sốt xuất huyết vào 14h00 ngày 10/12/2026 đến 16h00. Điểm cầu thành phần: UBND phường Ngọc Hà.\nĐầu mối: ${CONTACT}.`,
    ),
    { ...range("2026-12-10", "14:00", "16:00"), title: "phòng chống dịch sốt xuất huyết" },
  ],
  [
    "«cuộc họp đột xuất: …» is titled by the topic",
    textMail(
      `Đề nghị tổ chức cuộc họp đột xuất: giao ban phòng cháy chữa cháy vào 9h00 ngày 10/12/2026 đến 10h00. Điểm cầu thành phần: UBND phường Ngọc Hà.\nĐầu mối: ${CONTACT}.`,
    ),
    { ...range("2026-12-10", "09:00", "10:00"), title: "giao ban phòng cháy chữa cháy" },
  ],
  [
    "«họp khẩn về công tác …» is titled «công tác …»",
    textMail(
      `Sở Công Thương đề nghị tổ chức họp khẩn về công tác ứng phó bão số 3 vào 9h00 ngày 10/12/2026 đến 10h00. Điểm cầu thành phần: UBND phường Ngọc Hà.\nĐầu mối: ${CONTACT}.`,
    ),
    { ...range("2026-12-10", "09:00", "10:00"), title: "công tác ứng phó bão số 3" },
  ],
  [
    "«họp gặp mặt …» keeps «gặp mặt» (only «gấp:» with its colon is an urgency word)",
    textMail(
      `Sở Công Thương đề nghị tổ chức họp gặp mặt doanh nghiệp đầu xuân vào 9h00 ngày 10/12/2026 đến 10h00. Điểm cầu thành phần: UBND phường Ngọc Hà.\nĐầu mối: ${CONTACT}.`,
    ),
    { ...range("2026-12-10", "09:00", "10:00"), title: "gặp mặt doanh nghiệp đầu xuân" },
  ],
]);

describe("an unresolved name reaches the decision", () => {
  it("goes to needs-info, naming it and suggesting the nearest endpoints", async () => {
    const { parsed } = await reader.read(textMail(template({ parts: "P. Ngọc Hà, phường Sóc Sơn" })));
    const d = decide(toBookingRequest(parsed, "vanthu.sct@hanoi.gov.vn", new Date(Date.parse(SENT))), {
      now: new Date(Date.parse(SENT)),
      reg: DEFAULT_REGULATION,
      directory: snapshotOf(sampleDirectory),
      holders: [],
    });
    expect(d.outcome).toBe("needs-info");
    const reason = d.reasons.find((r) => r.code === "unknown-endpoint");
    expect(reason?.endpoints).toEqual(["phường Sóc Sơn"]);
    expect(reason?.message).toContain("«phường Sóc Sơn» (có phải: Xã Sóc Sơn?)");
  });
});

describe("who attends, before the place they attend from", () => {
  it("«Lãnh đạo Sở; đại diện UBND các phường Ngọc Hà, Ba Đình» connects the two wards and asks about nothing", async () => {
    for (const parts of [
      "Lãnh đạo Sở; đại diện UBND các phường Ngọc Hà, Ba Đình",
      "Ban Giám đốc Sở, các phòng chuyên môn; Lãnh đạo UBND phường Ngọc Hà, đại diện lãnh đạo phường Ba Đình",
    ]) {
      const { parsed } = await reader.read(textMail(template({ parts })));
      expect(parsed.participants, parts).toEqual([codeOf("Phường Ngọc Hà"), codeOf("Phường Ba Đình")]);
      expect(parsed.unresolved, parts).toEqual([]);
    }
  });

  it("a name that is no endpoint is still asked about after the people («đại diện UBND xã Vô Danh»)", async () => {
    const { parsed } = await reader.read(textMail(template({ parts: "đại diện UBND xã Vô Danh" })));
    expect(parsed.unresolved).toEqual(["UBND xã Vô Danh"]);
  });
});

describe("the count of new mails", () => {
  it("holds at least 45 mails across the classes", () => {
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(45);
  });
});

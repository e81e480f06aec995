/**
 * A single-part HTML mail is parsed with mailparser's `skipHtmlToText` and its `text` converted by a converter
 * compiled once (issue 12: html-to-text compiled its converter per mail). The mail the desk reads must be exactly
 * what `simpleParser` gave before: `text`, `html`, headers, and the facts the desk takes from them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { makeMix } from "../bench/mail-mix.js";
import { factsOf, PARSE_OPTIONS, parseMail, readMail } from "../src/mail/extract.js";
import { mail } from "./support/service.js";

const own = { addresses: ["kythuat@hanoi.gov.vn"], messageIdDomain: "desk.hanoi.gov.vn" };

const htmlMail = (id: string, html: string, headers: Record<string, string> = {}) =>
  mail({
    id: `${id}@hanoi.gov.vn`,
    body: html,
    headers: { "Content-Type": 'text/html; charset="utf-8"', ...headers },
  });

function multipart(id: string, type: string, parts: { type: string; body: string; disposition?: string }[]) {
  const b = `b-${id}`;
  const head = [
    "From: Văn thư <vanthu.sct@hanoi.gov.vn>",
    "To: kythuat@hanoi.gov.vn",
    "Subject: =?utf-8?b?xJDEg25nIGvDvQ==?=",
    `Message-ID: <${id}@hanoi.gov.vn>`,
    "Date: Mon, 07 Dec 2026 08:30:00 +0700",
    "MIME-Version: 1.0",
    `Content-Type: ${type}; boundary="${b}"`,
  ].join("\r\n");
  const body = parts
    .map(
      (p) =>
        `--${b}\r\nContent-Type: ${p.type}; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n${p.disposition ? `Content-Disposition: ${p.disposition}\r\n` : ""}\r\n${Buffer.from(p.body).toString("base64")}\r\n`,
    )
    .join("");
  return Buffer.from(`${head}\r\n\r\n${body}--${b}--\r\n`);
}

const table = `<html><head><style>td{color:red}</style><title>x</title></head><body><p>Kính gửi Trung tâm Tin học - Công báo,</p>
<table border="1"><thead><tr><th>STT</th><th>Nội dung</th></tr></thead><tbody>
<tr><td>1</td><td>Cơ quan chủ trì</td><td>Sở Công Thương</td></tr>
<tr><td>2</td><td>Điểm cầu</td><td>UBND phường Ngọc Hà<br>UBND xã Sóc Sơn<br/>UBND phường Hà Đông</td></tr>
<tr><td>3</td><td>Thời gian</td><td>09:00&nbsp;–&nbsp;11:30, ngày 10/12/2026</td></tr>
<tr><td>4</td><td colspan="2">Liên hệ: <a href="tel:0983210456">Lâm Thị Ngọc, SĐT 0983 210 456</a></td></tr>
</tbody></table><h2>Ghi chú</h2><ul><li>một</li><li>hai <b>đậm</b> &amp; &lt;thẻ&gt;</li></ul><pre>  giữ   nguyên
 dòng</pre><img src="cid:logo" alt="logo"><p>${"Một câu rất dài để xuống dòng theo độ rộng tám mươi ký tự của html-to-text. ".repeat(4)}</p>
<blockquote>Trích dẫn<br>thư cũ</blockquote><hr><p>Trân trọng.</p></body></html>`;

function corpus(): { name: string; raw: Buffer }[] {
  const out: { name: string; raw: Buffer }[] = [];
  const dir = join(import.meta.dirname, "fixtures/mail");
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".eml")))
    out.push({ name: f, raw: readFileSync(join(dir, f)) });
  for (const m of makeMix("extract-html", 200)) out.push({ name: `${m.kind} ${m.id}`, raw: m.raw });
  out.push({ name: "table", raw: htmlMail("t1", table) });
  out.push({ name: "empty html", raw: htmlMail("t2", "") });
  out.push({ name: "text only html", raw: htmlMail("t3", "đăng ký họp 9h ngày 10/12") });
  out.push({
    name: "broken html",
    raw: htmlMail("t4", "<table><tr><td>a<td>b<tr><td>c</table></p></div><<>>"),
  });
  out.push({
    name: "links",
    raw: htmlMail("t5", '<p><a href="https://x.vn/a">xem</a> và <a href="mailto:a@b.vn">a@b.vn</a></p>'),
  });
  // Over mailparser's nesting limit: the converter must not run, and text stays empty as mailparser left it.
  out.push({ name: "deep", raw: htmlMail("t6", `${"<div>".repeat(1100)}sâu${"</div>".repeat(1100)}`) });
  out.push({ name: "many tags, shallow", raw: htmlMail("t7", "<p>a</p>".repeat(800)) });
  out.push({
    name: "quoted-printable",
    raw: Buffer.from(
      [
        "From: a@hanoi.gov.vn",
        "Subject: x",
        "Message-ID: <qp@hanoi.gov.vn>",
        "Content-Type: text/html; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        "<p>Ng=C3=A0y 10/12/2026 l=C3=BAc 9h</p>=",
        "<p>ti=E1=BA=BFp</p>",
        "",
      ].join("\r\n"),
    ),
  });
  out.push({
    name: "folded content-type",
    raw: Buffer.from(
      "From: a@hanoi.gov.vn\r\nMessage-ID: <fold@hanoi.gov.vn>\r\nContent-Type:\r\n text/html;\r\n charset=utf-8\r\n\r\n<p>gập</p>\r\n",
    ),
  });
  out.push({
    name: "html as attachment",
    raw: htmlMail("t8", table, { "Content-Disposition": 'attachment; filename="a.html"' }),
  });
  out.push({
    name: "alternative",
    raw: multipart("a1", "multipart/alternative", [
      { type: "text/plain", body: "họp 9h ngày 10/12" },
      { type: "text/html", body: table },
    ]),
  });
  out.push({
    name: "mixed html and text",
    raw: multipart("a2", "multipart/mixed", [
      { type: "text/plain", body: "ghi chú" },
      { type: "text/html", body: table },
    ]),
  });
  out.push({
    name: "mixed html only",
    raw: multipart("a3", "multipart/mixed", [{ type: "text/html", body: table }]),
  });
  out.push({
    name: "lying header",
    raw: Buffer.from(
      "From: a@hanoi.gov.vn\r\nMessage-ID: <lie@hanoi.gov.vn>\r\nX-Note: x\r\n\r\nContent-Type: text/html\r\n\r\n<p>không phải</p>\r\n",
    ),
  });
  return out;
}

describe("HTML mail text with the converter compiled once", () => {
  it("parses every mail of the corpus exactly as simpleParser does", async () => {
    const differ: string[] = [];
    let html = 0;
    for (const { name, raw } of corpus()) {
      const want = await simpleParser(raw, PARSE_OPTIONS);
      const got = await parseMail(raw);
      if (want.html) html++;
      for (const k of ["text", "html", "subject", "messageId", "inReplyTo", "references"] as const)
        if (JSON.stringify(got[k]) !== JSON.stringify(want[k]))
          differ.push(
            `${name}: ${k} ${JSON.stringify(got[k])?.slice(0, 200)} instead of ${JSON.stringify(want[k])?.slice(0, 200)}`,
          );
      if (JSON.stringify(got.headerLines) !== JSON.stringify(want.headerLines))
        differ.push(`${name}: headerLines`);
      if (got.attachments.length !== want.attachments.length) differ.push(`${name}: attachments`);
      const facts = await readMail(raw, own);
      if (JSON.stringify(facts) !== JSON.stringify(factsOf(want, raw, own))) differ.push(`${name}: facts`);
    }
    expect(differ).toEqual([]);
    // The corpus does hold HTML mails of every shape above, most of them single-part.
    expect(html).toBeGreaterThan(40);
  });

  it("reads the table of a single-part HTML mail from html-to-text's text as well", async () => {
    const got = await parseMail(htmlMail("t9", table));
    expect(got.text).toContain("GHI CHÚ");
    expect(got.text).toContain("SĐT 0983 210 456 [tel:0983210456]");
    expect(got.text).toContain("Điểm cầu");
    expect(got.text?.length).toBeGreaterThan(200);
  });
});

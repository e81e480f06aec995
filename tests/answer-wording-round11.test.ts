import { describe, expect, it } from "vitest";
import { composeReply } from "../src/mail/smtp-sender.js";
import { makeDesk } from "./helpers.js";
import {
  CLERK_DATE,
  CLERK_NOW,
  lastAnswer,
  mailAnswers,
  mailDeskOf,
  sendAsClerk,
} from "./support/mail-desk.js";
import { mail } from "./support/service.js";

// Found by the tester (polish14): answers that used words the clerk never saw, or echoed markup and raw MIME.

const letter = (time: string) =>
  `Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến ${time} với UBND phường Ngọc Hà, nội dung: Hội nghị giao ban. Liên hệ Lâm Thị Ngọc 0983210456.\nTrân trọng.`;

describe("a refused booking is named as its clerk was told", () => {
  it("a past session is refused as past, not as a «start time» that is a range", async () => {
    const { answer } = await sendAsClerk(letter("từ 9h00 đến 17h00 ngày 27/11/2026"));
    expect(answer).toContain("KHÔNG BỐ TRÍ ĐƯỢC");
    expect(answer).not.toContain("Thời gian bắt đầu 09:00–17:00");
    expect(answer).toContain("Phiên họp 09:00–17:00 Thứ Sáu, 27/11/2026 đã qua;");
  });

  it("a session already begun is refused as past its start", async () => {
    const { answer } = await sendAsClerk(letter("từ 9h00 đến 17h00 ngày 30/11/2026"));
    expect(answer).not.toContain("Thời gian bắt đầu");
    expect(answer).toContain("Phiên họp 09:00–17:00 Thứ Hai, 30/11/2026 đã quá giờ bắt đầu;");
  });

  it("a reply asking to change a refused booking says «KHÔNG BỐ TRÍ ĐƯỢC», not «trạng thái «từ chối»»", async () => {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    await md.handle(
      mail({ id: "qua@hanoi.gov.vn", body: letter("từ 9h00 đến 11h00 ngày 27/11/2026"), date: CLERK_DATE }),
      CLERK_NOW,
    );
    const first = await lastAnswer(desk);
    expect(first).toContain("KHÔNG BỐ TRÍ ĐƯỢC");
    const code = /HTT-\d{4}-\d{4}/.exec(first)![0];
    await md.handle(
      mail({
        id: "doi@hanoi.gov.vn",
        subject: `Re: Đăng ký lịch họp trực tuyến [${code}]`,
        body: "Đề nghị đổi thời gian họp sang 14h00 đến 16h00 ngày 10/12/2026.",
        date: CLERK_DATE,
        headers: { "In-Reply-To": "<qua@hanoi.gov.vn>" },
      }),
      CLERK_NOW,
    );
    // The new time is taken as a new registration (D17); the refused one is named as the clerk was told.
    const answer = await lastAnswer(desk);
    expect(answer).not.toContain("từ chối");
    expect(answer).toContain(`Lịch họp ${code} đã được trả lời «KHÔNG BỐ TRÍ ĐƯỢC» nên không thay đổi được`);
  });
});

describe("markup and raw MIME are not echoed to the clerk", () => {
  const htmlLetter = (content: string) =>
    `<p>Kính gửi Trung tâm,</p><p>Sở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Ngọc Hà.</p><p>Nội dung: ${content}</p><p>Liên hệ Lâm Thị Ngọc 0983210456.</p>`;
  const send = async (body: string, headers: Record<string, string>) => {
    const desk = await makeDesk();
    await mailDeskOf(desk).handle(
      mail({ id: "html@hanoi.gov.vn", body, date: CLERK_DATE, headers }),
      CLERK_NOW,
    );
    return desk;
  };
  const html = { "Content-Type": 'text/html; charset="utf-8"' };

  it("an image without alt text in the content leaves no «[x]»", async () => {
    const desk = await send(htmlLetter("<img src=x>Hội nghị giao ban"), html);
    const answer = await lastAnswer(desk);
    expect(answer).toContain("Nội dung: Hội nghị giao ban");
    expect(answer).not.toContain("[x]");
  });

  it("an image's alt text is kept when it is words, dropped when it is a file name", async () => {
    const desk = await send(
      htmlLetter('<img src="cid:a1" alt="Hội nghị"> giao ban <img src="y.png" alt="image001.png">quý IV'),
      html,
    );
    const answer = await lastAnswer(desk);
    expect(answer).toContain("Nội dung: Hội nghị giao ban quý IV");
    expect(answer).not.toMatch(/image001|cid:|y\.png/);
  });

  it("a subject in an unknown charset is dropped, not echoed as «=?x-unknown?b?????=»", async () => {
    const desk = await send(
      "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Ngọc Hà, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.",
      { Subject: "=?x-unknown?b?????=" },
    );
    const row = (await mailAnswers(desk)).at(-1)!;
    const { subject } = composeReply(row, {
      host: "127.0.0.1",
      port: 25,
      tls: "none",
      from: "kythuat@hanoi.gov.vn",
      fromName: "Bàn kỹ thuật",
      messageIdDomain: "kythuat.hanoi.gov.vn",
    });
    expect(subject).not.toContain("=?");
    expect(subject).toMatch(/^Re: Đăng ký lịch họp trực tuyến \[HTT-\d{4}-\d{4}\]$/);
  });

  it("a word of plain ASCII in an unknown charset is kept, the undecodable one dropped", async () => {
    const desk = await send(
      "Kính gửi Trung tâm,\nSở Công Thương đăng ký họp trực tuyến từ 9h00 đến 11h00 ngày 10/12/2026 với UBND phường Ngọc Hà, nội dung: giao ban. Liên hệ Lâm Thị Ngọc 0983210456.",
      { Subject: "=?x-unknown?q?Giao_ban?= =?x-unknown?b?????=" },
    );
    const row = (await mailAnswers(desk)).at(-1)!;
    expect((row.payload.thread as { subject: string }).subject).toBe("Giao ban");
  });
});

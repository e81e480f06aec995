/**
 * Round 14, the mail intake: a mail's body costs bounded time to read. Every mail in an agency's name is read and
 * understood on the reader's thread before its authenticity is checked, and the desk takes the mails in order: a
 * forged mail that holds the reader holds every mail behind it.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT } from "../../src/app/config.js";
import { readDirectoryCsv } from "../../src/app/directory/csv.js";
import type { MailDesk } from "../../src/app/mail-desk.js";
import { DEFAULT_REGULATION } from "../../src/core/regulation.js";
import { MAX_BODY_CHARS } from "../../src/mail/extract.js";
import { MailReadWorker } from "../../src/mail/read-pool.js";
import { snapshotOf } from "../../src/store/directory-repo.js";
import { makeDesk } from "../helpers.js";
import { CLERK_DATE, CLERK_NOW, lastAnswer, mailDeskOf } from "../support/mail-desk.js";
import { mail } from "../support/service.js";

const own = { addresses: ["kythuat@hanoi.gov.vn"], messageIdDomain: "desk.hanoi.gov.vn" };
const understanding = {
  zone: DEFAULT_REGULATION.zone,
  defaultDurationMinutes: DEFAULT_REGULATION.defaultDurationMinutes,
  workday: DEFAULT_REGULATION.workday,
};

let reader: MailReadWorker | null = null;
afterEach(() => reader?.close());

/** Milliseconds `f` took. */
async function timed(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

describe("a mail's blank space costs the reader no more than its length", () => {
  // Before: 1 000 spaces after «họp» held the reader for more than two minutes (400 for 25 s); 5 000, for days.
  it("forged mails in an agency's name full of spaces, no-break spaces or blank lines are read, and the next mail after them", async () => {
    reader = new MailReadWorker(own, understanding).start();
    reader.tagOf(snapshotOf(readDirectoryCsv(join(ROOT, "data/sample-directory"))));
    // No Authentication-Results: anyone can send these, with the agency's address in From.
    const forged = [" ", "\u00a0", " \n"].map((blank, i) =>
      mail({
        id: `forged${i}@hanoi.gov.vn`,
        body: `Đề nghị họp${blank.repeat(5000)}x`,
        date: CLERK_DATE,
        headers: {},
      }),
    );
    const next = mail({
      id: "next@hanoi.gov.vn",
      body: "Đăng ký họp 9h00 ngày 10/12/2026",
      date: CLERK_DATE,
    });
    for (const raw of [...forged, next]) reader.prefetch(raw);
    for (const raw of forged) expect((await reader.take(raw)).understood?.agency).toBe("Sở Công Thương");
    expect((await reader.take(next)).understood?.parsed.start).not.toBeNull();
  }, 20_000);

  it("a registration laid out with runs of spaces reads as before", async () => {
    const desk = await makeDesk();
    const body = [
      "Kính gửi:        Bộ phận kỹ thuật",
      "Thời gian:          09h00 - 11h00 ngày 10/12/2026",
      "Điểm cầu:\t\t\t\tUBND phường Ngọc Hà",
      "",
      "",
      "",
      "",
      "Nội dung:        Triển khai kế hoạch bình ổn thị trường Tết",
      "Liên hệ:    Lâm Thị Ngọc,     0983210456",
    ].join("\n");
    const out = await mailDeskOf(desk).handle(
      mail({ id: "spaced@hanoi.gov.vn", body, date: CLERK_DATE }),
      CLERK_NOW,
    );
    expect(out.kind).toBe("registered");
    const [b] = await desk.store.read((r) => r.bookings.list({}));
    expect(b!.request.title).toBe("Triển khai kế hoạch bình ổn thị trường Tết");
    expect(b!.request.participants).toContain("CX-00008");
    expect(b!.request.contact).toEqual({ name: "Lâm Thị Ngọc", phone: "0983210456" });
  });
});

describe("a very long body is read up to a bound, and its clerk is told so", () => {
  it("200 000 characters of «họp …» are answered in seconds, saying only the beginning was read", async () => {
    const desk = await makeDesk();
    const body = `Đăng ký họp 9h00 ngày 10/12/2026 tại UBND phường Ngọc Hà, nội dung: giao ban.\n${"họp tiếp ".repeat(25_000)}`;
    expect(body.length).toBeGreaterThan(10 * MAX_BODY_CHARS);
    const md: MailDesk = mailDeskOf(desk);
    const took = await timed(() =>
      md.handle(mail({ id: "long@hanoi.gov.vn", body, date: CLERK_DATE }), CLERK_NOW),
    );
    const answer = await lastAnswer(desk);
    expect(answer).toContain("thư dài hơn 20.000 ký tự nên hệ thống chỉ đọc phần đầu của thư");
    expect(took).toBeLessThan(5000);
  }, 30_000);
});

describe("a subject is read up to a bound", () => {
  it("half a megabyte of subject is read as its first 1 000 characters, and the answer repeats no more", async () => {
    const desk = await makeDesk();
    const subject = `Đăng ký họp 9h00 ngày 10/12/2026 ${"họp tiếp ".repeat(60_000)}`;
    const out = await mailDeskOf(desk).handle(
      mail({ id: "subject@hanoi.gov.vn", body: "Điểm cầu: UBND phường Ngọc Hà", subject, date: CLERK_DATE }),
      CLERK_NOW,
    );
    expect(out.kind).toBe("registered");
    const [answer] = (await desk.store.read((r) => r.outbox.list())).filter((m) => m.channel === "mail");
    const thread = answer!.payload.thread as { subject: string };
    expect(thread.subject.startsWith("Đăng ký họp 9h00 ngày 10/12/2026")).toBe(true);
    expect(thread.subject.length).toBeLessThanOrEqual(1_000);
  }, 60_000);
});

import ical, { ICalCalendarMethod } from "ical-generator";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { buildReply } from "../src/mail/mime.js";
import { type CalendarData, composeReply, invite, type SmtpSettings } from "../src/mail/smtp-sender.js";
import type { OutboxMessage } from "../src/store/queue-repos.js";
import { pendingMail } from "./support/fixtures.js";

const SETTINGS: SmtpSettings = {
  host: "127.0.0.1",
  port: 25,
  tls: "none",
  from: "kythuat@hanoi.gov.vn",
  fromName: "Ban Kỹ thuật họp trực tuyến",
  messageIdDomain: "desk.hanoi.gov.vn",
};

// Lines that stress the encodings: a long Vietnamese line, '=' and '.' at line starts, trailing spaces, a tab.
const TEXT = [
  "Kính gửi Văn phòng UBND quận Hoàn Kiếm,",
  "",
  `Ban Kỹ thuật xác nhận lịch họp trực tuyến ${"rất dài ".repeat(20)}mã HTT-2026-0001.`,
  "=?UTF-8?Q?không_phải_từ_mã_hóa?= và a=b, 100% = đủ",
  ".",
  ". dòng bắt đầu bằng dấu chấm",
  "khoảng trắng cuối dòng   ",
  "\tthụt lề",
  "Trân trọng.",
].join("\n");

function row(id: number, calendar?: Record<string, unknown>): OutboxMessage {
  return pendingMail({
    id,
    recipient: "vanphong@hoankiem.hanoi.gov.vn",
    payload: {
      text: TEXT,
      thread: {
        subject: "TL: Đăng ký họp trực tuyến về công tác phòng chống thiên tai năm 2027 của quận Hoàn Kiếm",
        inReplyTo: "<dk-1@hoankiem.hanoi.gov.vn>",
        references: ["<goc@hoankiem.hanoi.gov.vn>", "<dk-1@hoankiem.hanoi.gov.vn>"],
      },
      ...(calendar ? { calendar } : {}),
    },
  });
}

describe("a reply's MIME message, built as one string (src/mail/mime.ts)", () => {
  it("reads back with mailparser: Vietnamese subject and sender name, the exact text, threading, auto-reply headers", async () => {
    const raw = buildReply(composeReply(row(7), SETTINGS));
    const m = await simpleParser(raw);
    expect(m.subject).toBe(
      "Re: Đăng ký họp trực tuyến về công tác phòng chống thiên tai năm 2027 của quận Hoàn Kiếm [HTT-2026-0001]",
    );
    expect(m.from?.value).toEqual([{ name: "Ban Kỹ thuật họp trực tuyến", address: "kythuat@hanoi.gov.vn" }]);
    expect(m.to && !Array.isArray(m.to) ? m.to.value[0]?.address : null).toBe(
      "vanphong@hoankiem.hanoi.gov.vn",
    );
    expect(m.text?.replace(/\n$/, "")).toBe(TEXT);
    expect(m.messageId).toBe("<HTT-2026-0001.7@desk.hanoi.gov.vn>");
    expect(m.inReplyTo).toBe("<dk-1@hoankiem.hanoi.gov.vn>");
    expect(m.references).toEqual(["<goc@hoankiem.hanoi.gov.vn>", "<dk-1@hoankiem.hanoi.gov.vn>"]);
    expect(m.headers.get("auto-submitted")).toBe("auto-replied");
    expect(m.headers.get("x-auto-response-suppress")).toBe("All");
    expect(m.attachments).toHaveLength(0);
    // Every line within SMTP's limit and CRLF-terminated; no bare LF.
    const s = raw.toString("utf8");
    expect(s.split("\r\n").every((l) => l.length <= 998)).toBe(true);
    expect(/[^\r]\n/.test(s)).toBe(false);
    expect([...s].every((ch) => ch.charCodeAt(0) < 0x80)).toBe(true);
  });

  it("an invite: the text, a text/calendar alternative with its method, and the same file attached", async () => {
    const cal = {
      method: "REQUEST",
      uid: "HTT-2026-0001",
      sequence: 2,
      start: "2027-01-04T07:00:00.000Z",
      end: "2027-01-04T09:30:00.000Z",
      summary: "Họp trực tuyến: phòng chống thiên tai",
      stamp: "2026-12-07T02:00:00.000Z",
    };
    const raw = buildReply(composeReply(row(8, cal), SETTINGS));
    const m = await simpleParser(raw);
    expect(m.text?.replace(/\n$/, "")).toBe(TEXT);
    const inline = m.attachments.find((a) => a.contentType === "text/calendar");
    const file = m.attachments.find((a) => a.contentType === "application/ics");
    expect(inline?.contentType).toBe("text/calendar");
    expect(file?.filename).toBe("HTT-2026-0001.ics");
    expect(file?.contentDisposition).toBe("attachment");
    expect(/text\/calendar; charset=utf-8; method=REQUEST/.test(raw.toString())).toBe(true);
    const ics = inline!.content.toString("utf8");
    expect(file!.content.toString("utf8")).toBe(ics);
    expect(ics).toContain("METHOD:REQUEST");
    expect(ics).toContain("SEQUENCE:2");
    expect(ics).toContain("DTSTART:20270104T070000Z");
    expect(ics.replace(/\r\n[ \t]/g, "")).toContain("SUMMARY:Họp trực tuyến: phòng chống thiên tai");
  });
});

describe("a reply's headers hold what the clerk wrote on one line each (header injection)", () => {
  it("line breaks in the clerk's subject, Message-ID or references add no header: a Bcc stays words of the subject", async () => {
    // mailparser decodes «=?utf-8?b?…?=» words into CR/LF, so a subject the clerk encoded reaches the reply raw.
    const evil = "\r\nBcc: attacker@evil.example\r\nContent-Type: text/html";
    const raw = buildReply(
      composeReply(
        pendingMail({
          payload: {
            text: "Đã ghi nhận.",
            thread: {
              subject: `Đăng ký họp${evil}`,
              inReplyTo: `<dk-1@hoankiem.hanoi.gov.vn>${evil}`,
              references: [`<goc@hoankiem.hanoi.gov.vn>\nX-Injected: 1`],
            },
          },
        }),
        SETTINGS,
      ),
    );
    const head = raw.toString("utf8").split("\r\n\r\n")[0]!;
    expect(head.split("\r\n").filter((l) => /^(bcc|x-injected|content-type: text\/html)/i.test(l))).toEqual(
      [],
    );
    const m = await simpleParser(raw);
    expect(m.headers.has("bcc")).toBe(false);
    expect(m.headers.has("x-injected")).toBe(false);
    expect(m.subject).toContain("Bcc: attacker@evil.example");
    expect(m.text?.trim()).toBe("Đã ghi nhận.");
  });
});

/** The invite as ical-generator wrote it before src/mail/smtp-sender.ts wrote it by hand: the reference. */
function reference(cal: CalendarData, settings: Pick<SmtpSettings, "from" | "fromName" | "messageIdDomain">) {
  const calendar = ical({
    prodId: { company: "hanoi.gov.vn", product: "ban-ky-thuat-hop-truc-tuyen", language: "VI" },
    method: cal.method === "CANCEL" ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST,
  });
  calendar.createEvent({
    id: `${cal.uid}@${settings.messageIdDomain}`,
    sequence: cal.sequence,
    stamp: new Date(cal.stamp!),
    start: new Date(cal.start),
    end: new Date(cal.end),
    summary: cal.summary,
    organizer: { name: settings.fromName, email: settings.from },
    status: cal.method === "CANCEL" ? ("CANCELLED" as never) : ("CONFIRMED" as never),
  });
  return calendar.toString();
}

describe("the invite written by hand is byte for byte what ical-generator wrote", () => {
  it("over titles with diacritics, escapes, long lines, emoji and names with quotes, REQUEST and CANCEL", () => {
    const words = [
      "Họp",
      "trực",
      "tuyến",
      "phòng,chống",
      "thiên;tai",
      "a\\b",
      "🎥",
      "Sở",
      "Nội",
      "vụ",
      "x".repeat(30),
      "\n",
      "đ",
    ];
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 48271) % 2147483647;
      return seed % n;
    };
    let compared = 0;
    for (let i = 0; i < 300; i++) {
      const summary = Array.from({ length: 1 + rnd(25) }, () => words[rnd(words.length)]).join(
        rnd(3) ? " " : "",
      );
      const start = Date.UTC(2027, rnd(12), 1 + rnd(28), rnd(24), rnd(4) * 15, rnd(2) * 30, rnd(1000));
      const cal: CalendarData = {
        method: rnd(4) === 0 ? "CANCEL" : "REQUEST",
        uid: `HTT-2027-${String(rnd(10000)).padStart(4, "0")}`,
        sequence: rnd(9),
        start: new Date(start).toISOString(),
        end: new Date(start + (1 + rnd(8)) * 1800_000).toISOString(),
        summary,
        stamp: new Date(start - rnd(10 ** 9)).toISOString(),
      };
      const settings = {
        ...SETTINGS,
        fromName: rnd(2)
          ? SETTINGS.fromName
          : 'Ban "Kỹ thuật", họp trực tuyến \\ thành phố Hà Nội và các quận huyện',
      };
      expect(invite(cal, settings)).toBe(reference(cal, settings));
      compared++;
    }
    expect(compared).toBe(300);
  });
});

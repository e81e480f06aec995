/** The bench's mail mix, shared by the mail bench and the database-growth bench. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../src/app/config.js";
import { readDirectoryCsv } from "../src/app/directory/csv.js";
import { mail, TEST_AUTHSERV_ID } from "../tests/support/service.js";
import { mulberry32 } from "./fixture.js";

const dir = readDirectoryCsv(join(ROOT, "data/sample-directory"));
const communes = dir.endpoints.filter((e) => e.level === "commune").map((e) => e.name);
export const senders = dir.agencies
  .filter((a) => a.kind === "department" && a.mailboxes.length > 0)
  .map((a) => ({ name: a.name, mailbox: a.mailboxes[0]! }));

/** The working day of the i-th mail: `perDay` a working day from `from` (UTC midnight) on. */
function dayOf(i: number, from: Date, perDay: number): { d: number; m: number; y: number } {
  const t = new Date(from.getTime());
  let k = 0;
  while (k < Math.floor(i / perDay)) {
    t.setUTCDate(t.getUTCDate() + 1);
    const wd = t.getUTCDay();
    if (wd !== 0 && wd !== 6) k++;
  }
  return { d: t.getUTCDate(), m: t.getUTCMonth() + 1, y: t.getUTCFullYear() };
}

const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D");

export type Kind =
  | "template"
  | "html"
  | "prose"
  | "no-diacritics"
  | "cancel"
  | "change"
  | "auto-reply"
  | "sample";

export interface BenchMail {
  id: string;
  kind: Kind;
  raw: Buffer;
  /** Whether the desk answers it by mail (an auto-reply gets none). */
  answered: boolean;
}

export interface MixOptions {
  /** Add the six shared sample mails (../shared/samples/mail) first, with fresh Message-IDs. */
  withSamples?: boolean;
  /** First day asked for (UTC midnight); default 2026-12-14. */
  from?: Date;
  /** Requests a working day; default 3, so that most requests find the MCU free. */
  perDay?: number;
  rnd?: (n: number) => number;
}

/**
 * A realistic mix of `n` mails, several senders (departments' mailboxes): 50 % the plain-text form, 20 %
 * Outlook-style HTML tables, 10 % prose, 5 % without diacritics, 5 % replies in the thread that cancel, 5 % that
 * change the time (both to an earlier request of the same sender in this list), 5 % out-of-office auto-replies.
 */
export function makeMix(prefix: string, n: number, o: MixOptions = {}): BenchMail[] {
  const withSamples = o.withSamples ?? false;
  const from = o.from ?? new Date(Date.UTC(2026, 11, 14));
  const perDay = o.perDay ?? 3;
  const rnd = o.rnd ?? mulberry32(2027);
  const out: BenchMail[] = [];
  const originals: { id: string; sender: (typeof senders)[number]; day: ReturnType<typeof dayOf> }[] = [];
  if (withSamples) {
    const sdir = join(ROOT, "../shared/samples/mail");
    const alt = "/work/shared/samples/mail";
    const base = existsSync(sdir) ? sdir : alt;
    if (existsSync(base)) {
      for (const f of readdirSync(base).filter((x) => x.endsWith(".eml"))) {
        const id = `${prefix}-sample-${f}@hanoi.gov.vn`;
        const text = readFileSync(join(base, f), "latin1").replace(/^Message-ID:.*$/m, `Message-ID: <${id}>`);
        const from =
          /<([^>]+@[^>]+)>/.exec(/^From:[^\n]*(\n [^\n]*)?/m.exec(text)?.[0] ?? "")?.[1] ?? "x@hanoi.gov.vn";
        const stamp = `Authentication-Results: ${TEST_AUTHSERV_ID}; dmarc=pass header.from=${from.slice(from.indexOf("@") + 1)}\r\n`;
        out.push({
          id,
          kind: "sample",
          raw: Buffer.from(stamp + text.replace(/\r?\n/g, "\r\n"), "latin1"),
          answered: !f.includes("auto-reply"),
        });
      }
    }
  }
  for (let i = 0; out.length < n; i++) {
    const id = `${prefix}-${i}@hanoi.gov.vn`;
    const sender = senders[rnd(senders.length)]!;
    const slot = i % 20;
    const earlier = originals.filter((o) => o.sender === sender);
    const date = `Mon, 07 Dec 2026 0${8 + (i % 2)}:${String(i % 60).padStart(2, "0")}:00 +0700`;
    if ((slot === 17 || slot === 18) && earlier.length > 0) {
      const o = earlier[rnd(earlier.length)]!;
      const body =
        slot === 17
          ? "Kính gửi Trung tâm,\nDo lãnh đạo bận công tác đột xuất, đề nghị hủy lịch họp trực tuyến đã đăng ký nêu trên.\nTrân trọng."
          : `Kính gửi Trung tâm,\nĐề nghị đổi thời gian họp sang từ 14h00 đến 15h30 ngày ${o.day.d}/${o.day.m}/${o.day.y}, các nội dung khác giữ nguyên.\nTrân trọng.`;
      out.push({
        id,
        kind: slot === 17 ? "cancel" : "change",
        answered: true,
        raw: mail({
          id,
          from: sender.mailbox,
          date,
          subject: "Re: Đăng ký lịch họp trực tuyến",
          body,
          headers: { "In-Reply-To": `<${o.id}>`, References: `<${o.id}>` },
        }),
      });
      continue;
    }
    if (slot === 19) {
      out.push({
        id,
        kind: "auto-reply",
        answered: false,
        raw: mail({
          id,
          from: sender.mailbox,
          date,
          subject: "Trả lời tự động: Xác nhận lịch họp",
          body: `Tôi vắng mặt đến ngày ${1 + (i % 28)}/12/2026, xin liên hệ văn phòng.`,
          headers: { "Auto-Submitted": "auto-replied" },
        }),
      });
      continue;
    }
    const day = dayOf(i, from, perDay);
    const hour = 8 + (i % 3) * 2 + (rnd(2) ? 6 : 0);
    const parts = Array.from({ length: 2 + rnd(3) }, () => communes[rnd(communes.length)]!);
    const when = `từ ${hour}h00 đến ${hour + 1}h30 ngày ${day.d}/${day.m}/${day.y}`;
    const contact = "Lâm Thị Ngọc, SĐT 0983 210 456";
    const topic = `Phiên họp số ${i} về công tác chuyển đổi số`;
    let kind: Kind;
    let body: string;
    let headers: Record<string, string> = {};
    if (slot < 10) {
      kind = "template";
      body = `Kính gửi: Trung tâm Tin học - Công báo\n\n- Tên cơ quan chủ trì họp: ${sender.name}\n- Danh sách điểm cầu thành phần: ${parts.join(", ")}\n- Thời gian đăng ký họp: ${when}\n- Nội dung họp: ${topic}\n- Thông tin đầu mối liên hệ: ${contact}\n`;
    } else if (slot < 14) {
      kind = "html";
      const cell = (a: string, b: string) => `<tr><td>${a}</td><td>${b}</td></tr>`;
      body = `<html><body><p>Kính gửi Trung tâm Tin học - Công báo,</p><table border="1">${cell("Cơ quan chủ trì", sender.name)}${cell("Điểm cầu", parts.join("<br>"))}${cell("Thời gian", `${hour}:00&nbsp;–&nbsp;${hour + 1}:30, ngày ${day.d}/${day.m}/${day.y}`)}${cell("Nội dung", topic)}${cell("Liên hệ", contact)}</table><p>Trân trọng.</p></body></html>`;
      headers = { "Content-Type": 'text/html; charset="utf-8"' };
    } else if (slot < 16) {
      kind = "prose";
      body = `${sender.name} trân trọng đăng ký tổ chức hội nghị trực tuyến ${when}, kết nối tới các điểm cầu ${parts.join(", ")}.\nNội dung: ${topic}.\nĐầu mối liên hệ: đồng chí ${contact}.\n`;
    } else {
      kind = "no-diacritics";
      body = fold(
        `${sender.name} dang ky hop truc tuyen ${hour}h-${hour + 1}h30 ngay ${day.d}/${day.m}/${day.y} voi ${parts.join(", ")}.\nNoi dung: ${topic}.\nLien he: ${contact}\n`,
      );
    }
    originals.push({ id, sender, day });
    out.push({ id, kind, answered: true, raw: mail({ id, from: sender.mailbox, date, body, headers }) });
  }
  return out.slice(0, n);
}

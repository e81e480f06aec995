import { join } from "node:path";
import { loadConfig } from "../../src/app/config.js";
import { DeskService } from "../../src/app/service.js";
import { type Dovecot, IMAP_PASS, IMAP_USER, type SmtpSink } from "./servers.js";

/** The test boundary MX: `mail()` stamps its verdict the way a real boundary server would. */
export const TEST_AUTHSERV_ID = "mx.test.hanoi.gov.vn";

/** Tests never ask the real DNS: a mail without the boundary's verdict finds no DKIM key and no DMARC record. */
export const offlineDns = async (name: string): Promise<string[]> => {
  throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: "ENOTFOUND" });
};

/** Environment for a desk wired to a test Dovecot and SMTP sink. */
export function deskEnv(dovecot: Dovecot, sink: SmtpSink, dbPath: string): Record<string, string> {
  return {
    DESK_DB: dbPath,
    DESK_IMAP_HOST: "127.0.0.1",
    DESK_IMAP_PORT: String(dovecot.port),
    DESK_IMAP_TLS: "none",
    DESK_IMAP_USER: IMAP_USER,
    DESK_IMAP_PASSWORD: IMAP_PASS,
    DESK_IMAP_POLL_SECONDS: "2",
    DESK_SMTP_HOST: "127.0.0.1",
    DESK_SMTP_PORT: String(sink.port),
    DESK_SMTP_TLS: "none",
    DESK_POLL_MS: "200",
    DESK_MAIL_AUTHSERV_ID: TEST_AUTHSERV_ID,
    // Any free port: test desks run side by side.
    DESK_WEB_PORT: "0",
  };
}

export async function startService(
  dovecot: Dovecot,
  sink: SmtpSink,
  dir: string,
  now: Date,
  extra: Record<string, string> = {},
) {
  // The suite's dialect: a SQLite file in the temp dir, or a fresh PostgreSQL database standing for it. Imported
  // here, not at the top: helpers.ts registers vitest hooks, and the benches import this module outside vitest.
  const { testDb } = await import("../helpers.js");
  const config = loadConfig({ ...deskEnv(dovecot, sink, await testDb(join(dir, "desk.db"))), ...extra });
  const events: { event: string; fields: Record<string, unknown> }[] = [];
  const service = await DeskService.open(
    config,
    (event, fields = {}) => events.push({ event, fields }),
    () => now,
    { mailResolver: offlineDns },
  );
  await service.start();
  return { service, events };
}

export function mail(opts: {
  id: string;
  body: string;
  from?: string;
  subject?: string;
  date?: string;
  headers?: Record<string, string>;
}): Buffer {
  const subject = Buffer.from(opts.subject ?? "Đăng ký lịch họp trực tuyến").toString("base64");
  const from = opts.from ?? "vanthu.sct@hanoi.gov.vn";
  const head = {
    // The boundary's verdict on top, as the MX writes it; tests of authenticity override or drop it.
    "Authentication-Results": `${TEST_AUTHSERV_ID}; dmarc=pass header.from=${from.slice(from.lastIndexOf("@") + 1)}`,
    From: `Văn thư <${from}>`,
    To: "kythuat@hanoi.gov.vn",
    Subject: `=?utf-8?b?${subject}?=`,
    Date: opts.date ?? "Mon, 07 Dec 2026 08:30:00 +0700",
    "Message-ID": `<${opts.id}>`,
    "MIME-Version": "1.0",
    "Content-Type": 'text/plain; charset="utf-8"',
    "Content-Transfer-Encoding": "base64",
    ...opts.headers,
  };
  const body = Buffer.from(opts.body).toString("base64").replace(/.{76}/g, "$&\r\n");
  return Buffer.from(
    `${Object.entries(head)
      .map(([k, v]) => `${k}: ${v}`)
      .join("\r\n")}\r\n\r\n${body}\r\n`,
  );
}

/**
 * `count` distinct booking mails (Message-ID `<prefix>-<i>@hanoi.gov.vn`, i from `first`): one endpoint of `places`
 * each, at `hours` on 10/12/2026 and the days after, so that no two of them conflict.
 */
export function bookingMails(
  prefix: string,
  count: number,
  places: readonly string[],
  hours: string,
  first = 0,
): Buffer[] {
  return Array.from({ length: count }, (_, k) => {
    const i = first + k;
    return mail({
      id: `${prefix}-${i}@hanoi.gov.vn`,
      body: template(
        i,
        places[i % places.length]!,
        `${hours} ngày ${10 + Math.floor(i / places.length)}/12/2026`,
      ),
    });
  });
}

export function template(
  n: number,
  participants = "UBND phường Ngọc Hà",
  time = "từ 09h00 đến 11h00 ngày 10/12/2026",
): string {
  return `Kính gửi: Trung tâm Tin học - Công báo

- Tên cơ quan chủ trì họp: Sở Công Thương
- Danh sách điểm cầu thành phần: ${participants}
- Thời gian đăng ký họp: ${time}
- Nội dung họp: Phiên họp số ${n}
- Thông tin đầu mối liên hệ: Lâm Thị Ngọc, SĐT 0983 210 456
`;
}

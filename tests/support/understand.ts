/** The understanding suites' shared reader: the sample directory and the desk's own identity. */
import { DEFAULT_REGULATION } from "../../src/core/regulation.js";
import { MailReader, parseJson } from "../../src/mail/parse-file.js";
import { sampleDirectory, ZONE } from "../helpers.js";

export const reader = new MailReader(sampleDirectory, DEFAULT_REGULATION, {
  addresses: ["kythuat@hanoi.gov.vn"],
  messageIdDomain: "desk.hanoi.gov.vn",
});

/** The endpoint code of a name the sample directory spells exactly (endpoint name, alias or agency). */
export function codeOf(name: string): string {
  const key = name.toLowerCase();
  const e = sampleDirectory.endpoints.find(
    (x) =>
      x.name.toLowerCase() === key ||
      x.aliases.some((a) => a.toLowerCase() === key) ||
      x.agency.toLowerCase() === key,
  );
  if (!e) throw new Error(`no endpoint for ${name}`);
  return e.code;
}

let serial = 0;

/**
 * A plain-text mail with `body`, sent on Monday 30/11/2026 at 08:30: from Sở Công Thương's clerk, or `from`
 * («Văn thư Sở Nội vụ <vanthu.snv@hanoi.gov.vn>»).
 */
export function proseMail(body: string, from = "Văn thư Sở Công Thương <vanthu.sct@hanoi.gov.vn>"): Buffer {
  return Buffer.from(
    [
      `From: ${from}`,
      "To: kythuat@hanoi.gov.vn",
      "Subject: Đăng ký họp trực tuyến",
      "Date: Mon, 30 Nov 2026 08:30:00 +0700",
      `Message-ID: <prose-${++serial}@hanoi.gov.vn>`,
      "MIME-Version: 1.0",
      'Content-Type: text/plain; charset="utf-8"',
      "Content-Transfer-Encoding: 8bit",
      "",
      body.replace(/\r?\n/g, "\r\n"),
      "",
    ].join("\r\n"),
  );
}

/** What the desk reads of such a mail, as `parse-file` prints it (title, start, end, participants, contact…). */
export async function readProse(body: string): Promise<Record<string, unknown>> {
  const { parsed } = await reader.read(proseMail(body));
  return parseJson("x", parsed, ZONE) as Record<string, unknown>;
}

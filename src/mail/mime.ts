import { randomBytes } from "node:crypto";
import { encode as base64, wrap as wrapBase64 } from "nodemailer/lib/base64";
import { encodeWords, foldLines } from "nodemailer/lib/mime-funcs";
import { encode as qp, wrap as wrapQp } from "nodemailer/lib/qp";

/**
 * A reply's MIME message built as one string, for the SMTP sender (src/mail/smtp-sender.ts). nodemailer's
 * MailComposer builds the same message through a stream per MIME node and a transform per encoding: ≈ 2.5 ms a
 * reply on the 2-core machine, as much as deciding the mail (a CPU profile of the service during a 1 000-mail
 * backlog: a quarter of its CPU in nodemailer). The encodings are nodemailer's own functions (RFC 2047 words,
 * quoted-printable, base64, header folding); only the assembly is ours. Lines end in CRLF.
 */
export interface MimeReply {
  from: { name: string; address: string };
  to: string;
  subject: string;
  text: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  headers: Record<string, string>;
  /** The invite: a `text/calendar` alternative beside the text and the same file attached, as nodemailer does. */
  icalEvent?: { method: string; filename: string; content: string };
  date?: Date;
}

const CRLF = "\r\n";

/** `<id>`, whatever the caller stored: Message-IDs are kept without brackets in some rows. */
function angle(id: string): string {
  const v = id.trim().replace(/^<+|>+$/g, "");
  return `<${v}>`;
}

/**
 * One header line, folded. Line breaks in the value become spaces, as nodemailer's MimeNode does: a clerk's subject
 * or Message-ID (mailparser decodes RFC 2047 words into CR/LF) must not start a header of its own (injection).
 */
function header(key: string, value: string): string {
  return foldLines(`${key}: ${value.replace(/\r\n|\r|\n/g, " ")}`, 76);
}

/** A display name as a phrase: RFC 2047 words when not ASCII, quoted when it holds specials. */
function phrase(name: string): string {
  if (/[^\x20-\x7e]/.test(name)) return encodeWords(name, "Q", 52);
  if (/^[\w ]*$/.test(name)) return name;
  return `"${name.replace(/["\\]/g, "\\$&")}"`;
}

/** A parameter value: quoted ASCII, or RFC 2047 words (what mail clients read in a filename). */
function param(value: string): string {
  if (/[^\x20-\x7e]/.test(value)) return `"${encodeWords(value, "Q", 52, true)}"`;
  return `"${value.replace(/["\\]/g, "\\$&")}"`;
}

/** Text as quoted-printable with CRLF line ends, soft-wrapped at 76. */
function qpBody(text: string): string {
  return wrapQp(qp(Buffer.from(text.replace(/\r?\n/g, CRLF), "utf8")), 76);
}

function b64Body(text: string): string {
  return wrapBase64(base64(Buffer.from(text, "utf8")), 76);
}

function textPart(text: string): string {
  return [
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: quoted-printable",
    "",
    qpBody(text),
  ].join(CRLF);
}

/** RFC 5322 date in UTC, as nodemailer writes it. */
function rfcDate(d: Date): string {
  return d.toUTCString().replace(/GMT/, "+0000");
}

/** The whole message, headers and body, ready for SMTP DATA. */
export function buildReply(m: MimeReply): Buffer {
  const head: string[] = [
    header("From", `${phrase(m.from.name)} <${m.from.address}>`),
    header("To", m.to),
    header("Subject", encodeWords(m.subject, "Q", 52)),
    header("Message-ID", angle(m.messageId)),
  ];
  if (m.inReplyTo) head.push(header("In-Reply-To", angle(m.inReplyTo)));
  if (m.references?.length) head.push(header("References", m.references.map(angle).join(" ")));
  for (const [k, v] of Object.entries(m.headers)) head.push(header(k, encodeWords(v, "Q", 52)));
  head.push(`Date: ${rfcDate(m.date ?? new Date())}`, "MIME-Version: 1.0");
  let body: string;
  const cal = m.icalEvent;
  if (!cal) {
    body = textPart(m.text);
  } else {
    // '=' never occurs in quoted-printable or base64 text except as an escape or padding: no part can hold the
    // boundary line.
    const tag = randomBytes(6).toString("hex");
    const mixed = `=_desk_mixed_${tag}`;
    const alt = `=_desk_alt_${tag}`;
    const method = cal.method.toUpperCase();
    const calBody = b64Body(cal.content);
    body = [
      `Content-Type: multipart/mixed; boundary="${mixed}"`,
      "",
      `--${mixed}`,
      `Content-Type: multipart/alternative; boundary="${alt}"`,
      "",
      `--${alt}`,
      textPart(m.text),
      `--${alt}`,
      `Content-Type: text/calendar; charset=utf-8; method=${method}`,
      "Content-Transfer-Encoding: base64",
      "",
      calBody,
      `--${alt}--`,
      `--${mixed}`,
      `Content-Type: application/ics; name=${param(cal.filename)}`,
      `Content-Disposition: attachment; filename=${param(cal.filename)}`,
      "Content-Transfer-Encoding: base64",
      "",
      calBody,
      `--${mixed}--`,
    ].join(CRLF);
  }
  return Buffer.from(`${head.join(CRLF)}${CRLF}${body}${CRLF}`, "utf8");
}

import { createHash } from "node:crypto";
import { convert } from "html-to-text";
import { type ParsedMail, simpleParser } from "mailparser";
import { nfc } from "../core/text/fold.js";

/** What the desk needs of one mail, before any understanding of its content. */
export interface MailFacts {
  /** Unique key: the Message-ID, or a hash of the content when there is none. */
  key: string;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  from: string | null;
  subject: string;
  date: Date | null;
  /** The body a person wrote: forwarded part chosen, quoted history and signature removed, NFC. */
  text: string;
  /** Non-null when the mail was sent by a machine and must never be answered. */
  autoReason: string | null;
  /**
   * What authenticity needs: every `Authentication-Results` value in message order (topmost first), and
   * whether the mail names exactly one sender (one From header with one address).
   */
  auth: { results: string[]; singleFrom: boolean };
}

export interface OwnIdentity {
  /** Our own mailbox(es), e.g. kythuat@hanoi.gov.vn. */
  addresses: string[];
  /** The domain of the Message-IDs we generate. */
  messageIdDomain: string;
}

function header(mail: ParsedMail, name: string): string | null {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase());
  if (!line) return null;
  return line.line.slice(line.line.indexOf(":") + 1).trim();
}

function idDomain(id: string | null): string | null {
  const m = id ? /@([^>\s]+)>?$/.exec(id) : null;
  return m ? m[1]!.toLowerCase() : null;
}

/** RFC 3834 and the common vendor headers: any of these means a machine wrote the mail. */
export function autoReason(mail: ParsedMail, own: OwnIdentity): string | null {
  const autoSubmitted = header(mail, "auto-submitted");
  if (autoSubmitted && autoSubmitted.toLowerCase() !== "no") return `Auto-Submitted: ${autoSubmitted}`;
  const precedence = header(mail, "precedence")?.toLowerCase();
  if (precedence && ["bulk", "list", "junk", "auto_reply"].includes(precedence))
    return `Precedence: ${precedence}`;
  const list = mail.headerLines.find((h) => h.key.startsWith("list-"));
  if (list) return `${list.key} header`;
  for (const name of ["x-autoreply", "x-autorespond"])
    if (header(mail, name) !== null) return `${name} header`;
  const suppress = header(mail, "x-auto-response-suppress");
  if (suppress && /\b(all|autoreply)\b/i.test(suppress)) return `X-Auto-Response-Suppress: ${suppress}`;
  const returnPath = header(mail, "return-path");
  if (returnPath !== null && /^<\s*>$/.test(returnPath)) return "empty Return-Path";
  const from = mail.from?.value[0]?.address?.toLowerCase() ?? "";
  if (/^(mailer-daemon|postmaster|no-?reply|do-?not-?reply)@/.test(from)) return `sender ${from}`;
  if (/^multipart\/report/i.test(header(mail, "content-type") ?? "")) return "multipart/report";
  if (own.addresses.includes(from)) return "our own address";
  if (idDomain(mail.messageId ?? null) === own.messageIdDomain.toLowerCase()) return "our own Message-ID";
  return null;
}

/** html-to-text limits: a hostile HTML body (deep nesting, endless tables) costs bounded time. */
const HTML_LIMITS = { maxInputLength: 1_000_000, maxDepth: 64, maxChildNodes: 2_000 };
/** A booking form has a dozen rows; more is not a form. */
const MAX_TABLE_ROWS = 100;

/** An Outlook table becomes `label: value` lines; cells with several lines join with commas. */
function htmlToText(html: string): string {
  const rows = [...html.slice(0, HTML_LIMITS.maxInputLength).matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/gi)].slice(
    0,
    MAX_TABLE_ROWS,
  );
  const cell = (h: string) =>
    convert(h, { wordwrap: false, limits: HTML_LIMITS })
      .split("\n")
      .map((s) => s.trim())
      .filter(Boolean)
      .join(", ");
  const tableLines = rows
    .map((r) => [...r[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/gi)].map((c) => cell(c[1]!)))
    .filter((cells) => cells.length >= 2)
    .map((cells) => `${cells[0]}: ${cells.slice(1).join(" ")}`);
  const rest = convert(html.slice(0, HTML_LIMITS.maxInputLength).replace(/<table[\s\S]*?<\/table>/gi, "\n"), {
    wordwrap: false,
    limits: HTML_LIMITS,
    selectors: [{ selector: "a", options: { ignoreHref: true } }],
  });
  return [rest.trim(), ...tableLines].filter(Boolean).join("\n");
}

const FORWARD =
  /^-{2,}\s*(?:forwarded message|thư chuyển tiếp|tin nhắn đã chuyển tiếp|original message)\s*-{2,}\s*$/im;
const QUOTE_HEAD = [
  /^on .{4,200} wrote:\s*$/im,
  /^vào .{4,200} đã viết:\s*$/im,
  /^-{2,}\s*(?:original message|thư gốc)\s*-{2,}\s*$/im,
  /^(?:from|từ):\s.+\n(?:sent|date|ngày|đã gửi):\s/im,
];
const SIGNATURE = [/^--\s*$/m, /^(?:trân trọng|kính thư|trân trọng cảm ơn|best regards|regards)[\s.,!/]*$/im];

function cutAt(text: string, patterns: RegExp[]): string {
  let end = text.length;
  for (const p of patterns) {
    const m = p.exec(text);
    if (m && m.index < end) end = m.index;
  }
  return text.slice(0, end);
}

/** The part of a body a person wrote for this mail. */
export function cleanBody(body: string): string {
  let text = nfc(body).replace(/\r\n?/g, "\n");
  const fwd = FORWARD.exec(text);
  if (fwd && /^\s*$/.test(text.slice(0, fwd.index).replace(/^>.*$/gm, ""))) {
    // A bare forward: the booking is the forwarded mail; skip its header block.
    text = text
      .slice(fwd.index + fwd[0].length)
      .replace(/^(?:\s*(?:from|từ|date|ngày|sent|subject|tiêu đề|chủ đề|to|đến|cc):.*\n)+/i, "");
  } else {
    text = cutAt(text, QUOTE_HEAD);
  }
  text = text
    .split("\n")
    .filter((l) => !l.startsWith(">"))
    .join("\n");
  return cutAt(text, SIGNATURE).trim();
}

function authFacts(mail: ParsedMail): MailFacts["auth"] {
  const results = mail.headerLines
    .filter((h) => h.key === "authentication-results")
    .map((h) => h.line.slice(h.line.indexOf(":") + 1).trim());
  const fromHeaders = mail.headerLines.filter((h) => h.key === "from").length;
  return { results, singleFrom: fromHeaders === 1 && mail.from?.value.length === 1 };
}

function listOf(v: string | string[] | undefined): string[] {
  if (!v) return [];
  return (Array.isArray(v) ? v : v.split(/\s+/)).filter(Boolean);
}

/** Parse a raw message. Throws only on input mailparser cannot read at all; the caller quarantines it. */
export async function readMail(raw: Buffer, own: OwnIdentity): Promise<MailFacts> {
  const mail = await simpleParser(raw, {
    skipImageLinks: true,
    skipTextToHtml: true,
    maxHtmlLengthToParse: 2_000_000,
  });
  const body =
    mail.html && (!mail.text || /<table/i.test(mail.html)) ? htmlToText(mail.html) : (mail.text ?? "");
  const messageId = mail.messageId?.trim() || null;
  return {
    key: messageId ?? `sha256:${createHash("sha256").update(raw).digest("hex")}`,
    messageId,
    inReplyTo: mail.inReplyTo?.trim() || null,
    references: listOf(mail.references),
    from: mail.from?.value[0]?.address?.toLowerCase() ?? null,
    subject: nfc(mail.subject ?? ""),
    date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : null,
    text: cleanBody(body),
    autoReason: autoReason(mail, own),
    auth: authFacts(mail),
  };
}

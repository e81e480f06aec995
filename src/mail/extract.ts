import { createHash } from "node:crypto";
import { type ChildNode, type Element, isTag, isText } from "domhandler";
import { parseDocument } from "htmlparser2";
import type { AddressObject, EmailAddress, ParsedMail } from "mailparser";
import { nfc } from "../core/text/fold.js";
import { withoutLetterHead } from "../core/text/letter.js";
import { labelField } from "./understand.js";

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
  /** Every readable body part, cleaned, in order of preference (the first is `text`). */
  alternatives: string[];
  /** The signature block cut from the body a person wrote («Trân trọng,» and below, a few lines), or "". */
  signature: string;
  /** Files attached to the mail (not the pictures of an HTML body): the desk reads none of them. */
  attachments: number;
  /** A body longer than MAX_BODY_CHARS: only its first MAX_BODY_CHARS characters were read. */
  cut?: boolean;
  /** Non-null when the mail was sent by a machine and must never be answered. */
  autoReason: string | null;
  /**
   * What authenticity needs: every `Authentication-Results` value in message order (topmost first), and
   * whether the mail names exactly one sender (one From header with one address).
   */
  auth: { results: string[]; singleFrom: boolean };
  /** Whether To or Cc names one of our own addresses (not Bcc, not a header the receiving server added). */
  addressedToUs: boolean;
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

/** A hostile HTML body (deep nesting, endless tables) costs bounded time: the walk stops at these. */
const HTML_LIMITS = { maxInputLength: 1_000_000, maxDepth: 64, maxNodes: 50_000 };
/** A booking form has a dozen rows; more is not a form. */
const MAX_TABLE_ROWS = 200;
const MAX_ROW_CELLS = 20;

const BLOCK = new Set([
  "p",
  "div",
  "tr",
  "table",
  "ul",
  "ol",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "blockquote",
  "pre",
  "hr",
  "section",
  "article",
  "header",
  "footer",
  "center",
  "dl",
  "dt",
  "dd",
  "address",
  "form",
  "fieldset",
]);
const SKIP = new Set(["script", "style", "head", "title", "noscript", "template", "xml", "meta", "link"]);

interface Walk {
  nodes: number;
  rows: number;
}

function elementsOf(nodes: ChildNode[] | undefined, names: string[]): Element[] {
  return (nodes ?? []).filter((n): n is Element => isTag(n) && names.includes(n.name));
}

/** A table's own rows, through thead/tbody/tfoot, never a nested table's. */
function ownRows(table: Element): Element[] {
  return elementsOf(table.children, ["tr", "thead", "tbody", "tfoot"]).flatMap((e) =>
    e.name === "tr" ? [e] : elementsOf(e.children, ["tr"]),
  );
}

function cellLines(cell: Element, walk: Walk, depth: number): string[] {
  return linesOf(render(cell.children, walk, depth + 1));
}

function linesOf(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}

/** An STT column ("1", "2.") carries nothing. */
const ORDINAL = /^\d{1,3}[.)]?$/;
/** The head of a column of ordinals («STT», «TT», «Số TT»): left out with the ordinals it heads. */
const ORDINAL_HEAD = /^(?:stt|tt|số tt|số thứ tự)\.?$/iu;
/** A row's cells but its ordinal («1.», «2)») and the column head over them («STT»). */
const withoutOrdinals = <C extends { lines: string[] }>(row: C[]): C[] =>
  row.filter(
    (c) => !(c.lines.length === 1 && (ORDINAL.test(c.lines[0]!) || ORDINAL_HEAD.test(c.lines[0]!.trim()))),
  );

/**
 * A table as `label: value` lines, read from its structure: a label cell and the value cell(s) beside it, or a
 * header row of labels over a row of values. A cell's lines (`<br>`, `<p>`, a nested table) join with commas;
 * a layout table (one cell a row, or cells holding nested tables) gives its cells' lines as they are.
 */
function renderTable(table: Element, walk: Walk, depth: number): string {
  const rows = ownRows(table).slice(0, Math.max(0, MAX_TABLE_ROWS - walk.rows));
  walk.rows += rows.length;
  const grid = rows.map((r) =>
    elementsOf(r.children, ["td", "th"])
      .slice(0, MAX_ROW_CELLS)
      .map((c) => ({
        lines: cellLines(c, walk, depth),
        nested: hasTable(c, HTML_LIMITS.maxDepth - depth),
      })),
  );
  const out: string[] = [];
  for (let i = 0; i < grid.length; i++) {
    const cells = withoutOrdinals(grid[i]!);
    const next = grid[i + 1] && withoutOrdinals(grid[i + 1]!);
    const isLabel = (c: (typeof cells)[number]) =>
      c.lines.length === 1 && !c.nested && labelField(c.lines[0]!.replace(/:$/, "")) !== null;
    // «Thời gian | Địa điểm | Thành phần»: a column the reader has no field for («Địa điểm», «Ghi chú») still
    // heads its column; two labels it knows make the row a header.
    const isHeading = (c: (typeof cells)[number]) =>
      isLabel(c) || c.lines.length === 0 || (c.lines.length === 1 && !c.nested && c.lines[0]!.length <= 40);
    if (
      cells.length >= 2 &&
      cells.filter(isLabel).length >= Math.min(2, cells.length) &&
      cells.every(isHeading) &&
      next?.length === cells.length &&
      !next.some(isLabel)
    ) {
      // A header row of labels over the rows of values: each column as one line, its rows joined by «; ». A row
      // with a time of its own is another session: its time is said back (never silently dropped), but its other
      // cells (its endpoints, its content) are not the first session's. A row with no time adds to the one above.
      const values: (typeof cells)[] = [];
      for (let j = i + 1; j < grid.length; j++) {
        const row = withoutOrdinals(grid[j]!);
        if (row.length !== cells.length || row.some(isLabel)) break;
        values.push(row);
      }
      // Every column that says when («Ngày họp», «Thời gian»): one reading of a row's time, said as one field.
      // Said as two «Thời gian» lines, the later one was the field's and a second day in the first was dropped
      // without a word.
      const times = cells.flatMap((c, k) =>
        isLabel(c) && labelField(c.lines[0]!.replace(/:$/, "")) === "time" ? [k] : [],
      );
      const timeOf = (row: (typeof cells)[number][]) =>
        times
          .map((k) => row[k]!.lines.join(", "))
          .filter(Boolean)
          .join(" ");
      const firstTime = values[0] ? timeOf(values[0]) : "";
      const sameSession = (row: (typeof cells)[number][]) => {
        const t = timeOf(row);
        return !t || t === firstTime;
      };
      cells.forEach((c, k) => {
        if (!c.lines.length || (times.includes(k) && k !== times[0])) return;
        const said = times.includes(k)
          ? values.map(timeOf).filter(Boolean)
          : values
              .filter(sameSession)
              .map((row) => row[k]!.lines.join(", "))
              .filter(Boolean);
        out.push(`${c.lines[0]!.replace(/:$/, "")}: ${said.join("; ")}`);
      });
      i += values.length;
      continue;
    }
    const [first, ...rest] = cells;
    // A label may wrap over paragraphs: "Thời gian" / "(giờ, ngày)".
    const label = first?.lines.join(" ").replace(/:$/, "") ?? "";
    // A dispatch's letterhead (Nghị định 30/2020/NĐ-CP) is a layout table: «UBND THÀNH PHỐ HÀ NỘI / SỞ CÔNG
    // THƯƠNG | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM», «Số: 1234/SCT-VP / V/v … | Hà Nội, ngày 25 tháng 11 năm 2026».
    // Read as a label and its value, the letter's date became «tháng 12: Hà Nội, ngày 25 …», booked as 12:00 on
    // 25/11. A cell with a label of its own inside, or a row naming the nation's motto, is no label.
    const letterhead = cells.some((c) => c.lines.some((l) => /^(?:cộng hòa|cộng hoà|độc lập)\b/iu.test(l)));
    if (
      first &&
      rest.length &&
      first.lines.length &&
      !first.nested &&
      label.length <= 80 &&
      !letterhead &&
      !/:\s*\S/.test(label)
    ) {
      out.push(`${label.replace(/:/g, " ")}: ${rest.flatMap((c) => c.lines).join(", ")}`);
    } else for (const c of cells) out.push(...c.lines);
  }
  return `\n${out.join("\n")}\n`;
}

/** Whether a table sits inside `el`, looking no deeper than the walk itself goes. */
function hasTable(el: Element, depth: number): boolean {
  if (depth <= 0) return false;
  return (el.children ?? []).some((n) => isTag(n) && (n.name === "table" || hasTable(n, depth - 1)));
}

function render(nodes: ChildNode[], walk: Walk, depth: number): string {
  let out = "";
  for (const n of nodes) {
    if (++walk.nodes > HTML_LIMITS.maxNodes) break;
    if (isText(n)) out += n.data.replace(/[\s\u00a0]+/g, " ");
    else if (isTag(n)) {
      const name = n.name.toLowerCase();
      if (SKIP.has(name)) continue;
      if (name === "br") out += "\n";
      else if (name === "img") out += altWords(n.attribs.alt) ?? "";
      else if (depth >= HTML_LIMITS.maxDepth) continue;
      else if (name === "table") out += renderTable(n, walk, depth);
      else if (name === "li") out += `\n- ${render(n.children, walk, depth + 1)}\n`;
      else if (BLOCK.has(name)) out += `\n${render(n.children, walk, depth + 1)}\n`;
      else out += render(n.children, walk, depth + 1);
    }
  }
  return out;
}

const VOID = new Set(["br", "img", "hr", "meta", "link", "input", "col", "area", "base", "wbr", "source"]);
/** Elements the parser closes on its own when the next one opens: they never nest deep. */
const SELF_CLOSING = new Set(["p", "li", "td", "th", "tr", "option", "dt", "dd"]);
const MAX_OPEN_TAGS = 5_000;

/**
 * The HTML up to where it nests deeper than any mail a person sends: htmlparser2 takes quadratic time on tens of
 * thousands of unclosed elements, and the walk would not look that deep anyway.
 */
function shallow(html: string): string {
  let depth = 0;
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (m[1]) {
      if (!SELF_CLOSING.has(m[2]!.toLowerCase())) depth = Math.max(0, depth - 1);
    } else if (!m[3] && !VOID.has(m[2]!.toLowerCase()) && !SELF_CLOSING.has(m[2]!.toLowerCase())) depth++;
    if (depth > MAX_OPEN_TAGS) return html.slice(0, m.index);
  }
  return html;
}

/**
 * An image's alt text when it is words a person wrote («Logo Sở Công Thương»), not a file name, a content id or a
 * stray mark: those would be echoed into the content as noise.
 */
function altWords(alt: string | undefined): string | null {
  const a = (alt ?? "").replace(/[\s\u00a0]+/g, " ").trim();
  if (!/\p{L}{2,}/u.test(a) || /[/\\@_:=<>[\]{}|]|\.[a-z0-9]{2,4}$/i.test(a)) return null;
  return a;
}

const MAX_IMAGES = 200;

/**
 * A text that html-to-text made of `html` (mailparser's `text` of an HTML-only part) with its image marks as a
 * person reads them: `<img src=x>` became «[x]», `<img alt=logo src=a.png>` «logo [a.png]». The mark goes; words
 * of an alt text stay. A real text/plain part gets the same: Outlook writes «[cid:image001.png@…]» there.
 */
export function withoutImageMarks(text: string, html: string): string {
  const tags =
    html
      .slice(0, HTML_LIMITS.maxInputLength)
      .match(/<img\b[^>]*>/gi)
      ?.slice(0, MAX_IMAGES) ?? [];
  if (tags.length === 0) return text;
  const esc = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s+");
  let out = text;
  for (const img of parseDocument(tags.join(" ")).children.filter(isTag)) {
    const src = (img.attribs.src ?? "").trim();
    const alt = (img.attribs.alt ?? "").trim();
    if (!src) continue; // html-to-text wrote the alt alone: nothing bracketed to take away
    const mark = new RegExp(`${alt ? `${esc(alt)}\\s+` : ""}\\[${esc(src)}\\]`);
    out = out.replace(mark, altWords(alt) ?? "");
  }
  return out;
}

/** An HTML body as text a person would read, with every table read from its structure where it stands. */
export function htmlToText(html: string): string {
  const doc = parseDocument(shallow(html.slice(0, HTML_LIMITS.maxInputLength)));
  const text = render(doc.children, { nodes: 0, rows: 0 }, 0);
  return text
    .split("\n")
    .map((l) => l.trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** Lines that announce a forwarded mail, whatever the client and its language. */
const FORWARD_EXPLICIT = [
  /^[ \t>]*-{2,}\s*[^\n]*?(?:forwarded message|chuyển tiếp|chuyen tiep)[^\n]*?-*\s*$/im,
  /^[ \t]*(?:begin forwarded message|bắt đầu (?:thư|tin nhắn) (?:được )?chuyển tiếp)\s*:?\s*$/im,
  /^[ \t]*(?:thư |tin nhắn )?(?:đã |được )?chuyển tiếp\s*:?\s*$/im,
];
/** Lines that begin an earlier mail: history under a reply, or the mail a forward carries. */
const EARLIER_MAIL = [
  /^[ \t]*-{2,}\s*(?:original message|thư gốc|tin nhắn gốc)\s*-{2,}\s*$/im,
  /^[ \t]*_{8,}\s*\n(?=[ \t]*\*?(?:from|từ)\*?:)/im,
  /^[ \t]*\*?(?:from|từ)\*?:\s.+\n[ \t]*\*?(?:sent|date|ngày|đã gửi|gửi lúc|thời gian gửi)\*?:\s/im,
];
// The attribution line above a quote; mail clients wrap a long one ("Vào CN, 29 thg 11, 2026 vào lúc 20:19 Trung
// tâm <…> đã viết:"), and some write "Vào 29/11/2026, Trung tâm viết:" without "đã".
const QUOTE_HEAD = [
  /^on [^\n]{4,200}(?:\n[^\n]{0,160})?\bwrote:\s*$/im,
  /^vào [^\n]{4,200}(?:\n[^\n]{0,160})?\s(?:đã )?viết:\s*$/im,
  // "Ngày 01/12/2026 lúc 09:15, Trung tâm <…> đã viết:" (Outlook and webmail in Vietnamese).
  /^ngày [^\n]{4,200}(?:\n[^\n]{0,160})?\s(?:đã )?viết:\s*$/im,
  ...EARLIER_MAIL,
];
/** The header block of a forwarded or quoted mail (Gmail, Outlook, Thunderbird, in English or Vietnamese). */
const HEADER_LINE =
  /^[ \t]*\*?(?:from|từ|người gửi|date|ngày|sent|đã gửi|gửi lúc|thời gian gửi|subject|tiêu đề|chủ đề|to|tới|đến|người nhận|cc|bcc|reply-to|importance|mức độ quan trọng)\*?:.*$/i;
const SIGNATURE = [/^--\s*$/m, /^(?:trân trọng|kính thư|trân trọng cảm ơn|best regards|regards)[\s.,!/]*$/im];

function firstMatch(text: string, patterns: RegExp[]): { index: number; end: number } | null {
  let best: { index: number; end: number } | null = null;
  for (const p of patterns) {
    const m = p.exec(text);
    if (m && (!best || m.index < best.index)) best = { index: m.index, end: m.index + m[0].length };
  }
  return best;
}

function cutAt(text: string, patterns: RegExp[]): string {
  return text.slice(0, firstMatch(text, patterns)?.index ?? text.length);
}

/**
 * The forwarded mail's body: its header block skipped, its own quoted history cut. A forward of a forward (the
 * clerk's personal box → the agency's box → the desk) carries nothing but the next marker and header block before
 * the booking: the innermost mail is the one read.
 */
function forwardedBody(text: string, depth = 0): string {
  const lines = text.split("\n");
  let i = 0;
  while (i < lines.length && (!lines[i]!.trim() || /^_{8,}$/.test(lines[i]!.trim()))) i++;
  while (i < lines.length && HEADER_LINE.test(lines[i]!)) {
    i++;
    // A long To: or Cc: wraps onto indented lines.
    while (i < lines.length && /^[ \t]+\S/.test(lines[i]!) && !HEADER_LINE.test(lines[i]!)) i++;
  }
  const rest = lines.slice(i).join("\n");
  const inner = firstMatch(rest, [...FORWARD_EXPLICIT, ...EARLIER_MAIL]);
  if (inner && depth < 8 && !rest.slice(0, inner.index).trim())
    return forwardedBody(afterMarker(rest, inner), depth + 1);
  return cutAt(rest, QUOTE_HEAD);
}

/** What follows a marker; a bare «From: … / Sent: …» block is the header block itself, read from its first line. */
function afterMarker(text: string, marker: { index: number; end: number }): string {
  const header = HEADER_LINE.test(text.slice(marker.index).split("\n", 1)[0]!);
  return text.slice(header ? marker.index : marker.end);
}

export interface BodyContext {
  /** The mail answers an earlier one (In-Reply-To, References, `Re:`): an earlier mail under it is history. */
  reply?: boolean;
}

/**
 * The part of a body a person wrote for this mail. A forwarded mail is the booking (the forwarder's note above it
 * is not); under a reply, the earlier mail is quoted history and is cut.
 */
export function cleanBody(body: string, ctx: BodyContext = {}): string {
  return bodyCandidates(body, ctx)[0]!;
}

/** `cleanBody` first; then, for a forward, the forwarder's own note, in case the booking is there instead. */
export function bodyCandidates(body: string, ctx: BodyContext = {}): string[] {
  const text = calmSpaces(nfc(body).replace(/\r\n?/g, "\n"));
  const explicit = firstMatch(text, FORWARD_EXPLICIT);
  const earlier = firstMatch(text, EARLIER_MAIL);
  const quote = firstMatch(text, QUOTE_HEAD);
  const marker = ctx.reply
    ? explicit
    : [explicit, earlier].filter((m) => m !== null).sort((a, b) => a!.index - b!.index)[0];
  if (marker && (!ctx.reply || !quote || marker.index <= quote.index)) {
    const forwarded = finish(forwardedBody(afterMarker(text, marker).replace(/^[ \t]*>[ \t]?/gm, "")));
    const note = finish(text.slice(0, marker.index));
    return note ? [forwarded, note] : [forwarded];
  }
  return [finish(cutAt(text, QUOTE_HEAD))];
}

/**
 * A text's runs of blank space cut short: three or more spaces (tabs, no-break spaces) become two, which still
 * part a letter head's columns; more than one blank line becomes one. The understanding's patterns try each way
 * to split a run between their `\s+` and `\s*`: a mail of 1 000 spaces after «họp» held the reader for minutes,
 * and any outsider could send one in an agency's name (it is read before its authenticity is checked), so that
 * no later mail was read at all.
 */
export function calmSpaces(text: string): string {
  return text.replace(/[^\S\n]{3,}/g, "  ").replace(/\n(?:[^\S\n]*\n){2,}/g, "\n\n");
}

/**
 * The signature under the text a person wrote (not a forward's, not a quote's): a clerk's name and phone often
 * stand only there. A few short lines; the understanding reads a contact from it and nothing else.
 */
export function signatureOf(body: string): string {
  const text = cutAt(calmSpaces(nfc(body).replace(/\r\n?/g, "\n")), QUOTE_HEAD);
  if (firstMatch(text, FORWARD_EXPLICIT) || firstMatch(text, EARLIER_MAIL)) return "";
  const unquoted = text
    .split("\n")
    .filter((l) => !l.startsWith(">"))
    .join("\n");
  const at = firstMatch(unquoted, SIGNATURE);
  if (!at) return "";
  return unquoted
    .slice(at.end)
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 8)
    .filter((l) => l.length <= 120)
    .join("\n");
}

/**
 * Lines of a signature that read as a booking when no «Trân trọng,» or «--» sets the signature apart:
 * office hours («Giờ làm việc: 8h00-17h00 từ thứ Hai đến thứ Sáu» booked 08:00–17:00 next Monday, and moved a
 * confirmed session there from a thank-you in its thread), an address («Số 12 Lê Lai, phường Hoàn Kiếm» invited
 * the ward). A disclaimer («… có thể chứa thông tin mật, nếu nhận nhầm …») stays in the text: the understanding
 * discounts it only as a footer after the booking (src/core/text/disclaimer.ts), so that Điều 5.2 still fails
 * closed on a mark in the booking itself (tests/security/secret-detection.test.ts).
 */
const FOOTER_LINE = [
  /^[ \t]*(?:giờ làm việc|thời gian làm việc|lịch làm việc|giờ hành chính|office hours|working hours)\s*:/i,
  /^[ \t]*(?:địa chỉ|trụ sở|address)\s*:/i,
  /^[ \t]*(?:[Ss]ố|[Ss]o)[ \t]+\d+[a-z]?(?:\/\d+)?[ \t]+(?:(?:phố|đường|ngõ|ngách|pho|duong|ngo)[ \t]+)?\p{Lu}[^\n]*,[^\n]*$/u,
];

function finish(text: string): string {
  const unquoted = text
    .split("\n")
    .filter((l) => !l.startsWith(">"))
    .filter((l) => !FOOTER_LINE.some((re) => re.test(l)))
    .join("\n");
  return withoutLetterHead(cutAt(unquoted, SIGNATURE)).trim();
}

const REPLY_SUBJECT = /^\s*(?:re|tl|trả lời|tra loi|aw|sv|antw)\s*:/i;
const FORWARD_SUBJECT = /^\s*(?:fwd?|tr|ct|chuyển tiếp|chuyen tiep|wg)\s*:/i;

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

/**
 * mailparser (with iconv-lite and libmime, ≈ 1 MB of code) loaded on the first mail, not at the desk's start-up
 * (issue 12); the promise is kept, so later mails pay nothing.
 */
let mailparserModule: Promise<typeof import("mailparser")> | null = null;
const mailparser = () => (mailparserModule ??= import("mailparser"));

/** What the desk asks of mailparser for every mail. */
export const PARSE_OPTIONS = {
  skipImageLinks: true,
  skipTextToHtml: true,
  maxHtmlLengthToParse: 2_000_000,
} as const;

/**
 * mailparser turns an HTML-only mail's body into `text` with html-to-text, which compiles its converter (options,
 * selector decision tree) anew on every call: ≈ 1.5 ms a mail, more than the rest of its parse. The same
 * converter, with the options mailparser passes, is compiled here once and kept.
 */
let htmlTextConverter: Promise<(html: string) => string> | null = null;
const mailparserHtmlToText = () =>
  (htmlTextConverter ??= import("html-to-text").then((m) =>
    m.compile({ limits: { maxDepth: MAILPARSER_MAX_HTML_NESTING_DEPTH } }),
  ));
/** mailparser's MAX_HTML_NESTING_DEPTH (3.14): deeper HTML is not converted at all (text stays empty). */
const MAILPARSER_MAX_HTML_NESTING_DEPTH = 1000;

/** Whether the top-level header block says `Content-Type: text/html` (a single-part HTML mail). */
function rootIsHtml(raw: Buffer): boolean {
  let end = raw.indexOf("\r\n\r\n");
  const lf = raw.indexOf("\n\n");
  if (end < 0 || (lf >= 0 && lf < end)) end = lf;
  const head = raw.toString("latin1", 0, end < 0 ? Math.min(raw.length, 64 * 1024) : end);
  return /^content-type:[ \t]*(?:\r?\n[ \t]+)?text\/html\b/im.test(head);
}

/**
 * The mail as `simpleParser(raw, PARSE_OPTIONS)` returns it, `text` included. A single-part HTML mail is parsed
 * with `skipHtmlToText`, and its `text` is converted here by the kept converter under mailparser's own conditions
 * (tests/extract-html-text.test.ts holds the two equal); HTML too long or possibly too deep for that shortcut, or
 * a mail that turns out not to be single-part HTML after all, is parsed again the ordinary way.
 */
export async function parseMail(raw: Buffer): Promise<ParsedMail> {
  const { simpleParser } = await mailparser();
  if (!rootIsHtml(raw)) return simpleParser(raw, PARSE_OPTIONS);
  const mail = await simpleParser(raw, { ...PARSE_OPTIONS, skipHtmlToText: true });
  const html = mail.html;
  const contentType = mail.headers.get("content-type") as { value?: string } | undefined;
  if (
    typeof html === "string" &&
    mail.text === "" &&
    mail.attachments.length === 0 &&
    contentType?.value === "text/html" &&
    html.length <= PARSE_OPTIONS.maxHtmlLengthToParse &&
    // Nesting deeper than mailparser's limit needs more tags than that: below it, the check cannot fire.
    countOf(html, "<") <= MAILPARSER_MAX_HTML_NESTING_DEPTH
  ) {
    let text = "";
    try {
      text = (await mailparserHtmlToText())(html);
    } catch {
      // mailparser keeps the mail with an empty text when the conversion throws.
    }
    mail.text = text;
    return mail;
  }
  return simpleParser(raw, PARSE_OPTIONS);
}

function countOf(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i >= 0; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

/** Parse a raw message. Throws only on input mailparser cannot read at all; the caller quarantines it. */
export async function readMail(raw: Buffer, own: OwnIdentity): Promise<MailFacts> {
  return factsOf(await parseMail(raw), raw, own);
}

/**
 * A header text with the encoded words mailparser left as they came (`=?x-unknown?b?????=`: a charset it does not
 * know, or a word it could not decode): each decoded when its charset is one TextDecoder knows and its bytes are
 * valid there, dropped otherwise, so that no raw MIME is echoed to a person («Re: =?x-unknown?b?????= [HTT-…]»).
 */
export function decodeLeftoverWords(text: string): string {
  if (!text.includes("=?")) return text;
  const decoded = text.replace(
    /=\?([^?\s]*)\?([bBqQ])\?(\S*?)\?=/g,
    (_, charset: string, enc: string, data: string) => {
      let bytes: Buffer;
      if (enc.toUpperCase() === "B") {
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 === 1) return "";
        bytes = Buffer.from(data, "base64");
      } else {
        bytes = Buffer.from(
          data
            .replace(/_/g, " ")
            .replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
          "latin1",
        );
      }
      try {
        return new TextDecoder(charset.split("*")[0]!, { fatal: true }).decode(bytes);
      } catch {
        // An unknown charset: plain printable ASCII reads the same in any of them; anything else is a guess.
        return /^[\x20-\x7e]*$/.test(bytes.toString("latin1")) ? bytes.toString("latin1") : "";
      }
    },
  );
  return decoded.replace(/\s{2,}/g, " ").trim();
}

/**
 * The most of a body the desk reads (about ten pages; a registration, a Giấy mời forwarded whole, fit in a few
 * thousand). Reading costs more than linear time in a body's length: 200 000 characters of «họp …» held the
 * reader for seconds, and a mail may have 15 MB.
 */
export const MAX_BODY_CHARS = 20_000;
/** The most of a subject the desk reads (and repeats in its answer's «Re: …»). */
export const MAX_SUBJECT_CHARS = 1_000;

/** What the desk needs of a parsed mail. */
export function factsOf(mail: ParsedMail, raw: Buffer, own: OwnIdentity): MailFacts {
  let cut = false;
  const head = (body: string | null) => {
    if (body === null || body.length <= MAX_BODY_CHARS) return body;
    cut = true;
    return body.slice(0, MAX_BODY_CHARS);
  };
  const html = mail.html ? head(htmlToText(mail.html)) : null;
  const plain = head(
    mail.text != null && mail.html ? withoutImageMarks(mail.text, mail.html) : (mail.text ?? null),
  );
  // Outlook sends both parts; a table is best read from the HTML, but whichever part yields the booking wins.
  const bodies = mail.html && (!plain || /<table/i.test(mail.html)) ? [html, plain] : [plain, html];
  // A subject is a line: one of half a megabyte took as long to understand as a body of that length.
  const subject = calmSpaces(nfc(decodeLeftoverWords(mail.subject ?? ""))).slice(0, MAX_SUBJECT_CHARS);
  const reply =
    !FORWARD_SUBJECT.test(subject) &&
    (REPLY_SUBJECT.test(subject) || Boolean(mail.inReplyTo) || listOf(mail.references).length > 0);
  const alternatives = [
    ...new Set(bodies.flatMap((b) => (b === null ? [] : bodyCandidates(b, { reply })))),
  ].filter(Boolean);
  const messageId = mail.messageId?.trim() || null;
  return {
    key: messageId ?? `sha256:${createHash("sha256").update(raw).digest("hex")}`,
    messageId,
    inReplyTo: mail.inReplyTo?.trim() || null,
    references: listOf(mail.references),
    from: mail.from?.value[0]?.address?.toLowerCase() ?? null,
    subject,
    date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : null,
    text: alternatives[0] ?? "",
    alternatives,
    signature: bodies[0] ? signatureOf(bodies[0]) : bodies[1] ? signatureOf(bodies[1]) : "",
    attachments: mail.attachments.filter((a) => !a.related && a.contentDisposition !== "inline").length,
    ...(cut ? { cut } : {}),
    autoReason: autoReason(mail, own),
    auth: authFacts(mail),
    addressedToUs: addressedTo(mail, own),
  };
}

function addressedTo(mail: ParsedMail, own: OwnIdentity): boolean {
  const ours = new Set(own.addresses.map((a) => a.toLowerCase()));
  const walk = (v: AddressObject | AddressObject[] | undefined): boolean =>
    [v ?? []].flat().some((o) =>
      o.value.some(function has(a: EmailAddress): boolean {
        return (a.address ? ours.has(a.address.toLowerCase()) : false) || (a.group ?? []).some(has);
      }),
    );
  return walk(mail.to) || walk(mail.cc);
}

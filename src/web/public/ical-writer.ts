/**
 * A small RFC 5545 writer for the public feeds: only what a subscription feed of UTC-timed events needs (TEXT
 * escaping, UTC DATE-TIME, line folding at 75 octets). ical-generator, which the mail invite still uses, builds an
 * object graph per event and cost ≈0.5 ms an event; a year's city feed (≈9 000 events) missed the 200 ms aim by an
 * order of magnitude. This writer appends strings. `tests/web-public/ical-writer.test.ts` reads its output back
 * with ical.js, the parser calendar clients are built on.
 */

export interface FeedEvent {
  uid: string;
  sequence: number;
  stamp: Date;
  start: Date;
  end: Date;
  summary: string;
  status: "CONFIRMED" | "TENTATIVE" | "CANCELLED";
  lastModified: Date;
  description?: string;
  location?: string;
}

export interface FeedCalendar {
  /** `-//company//product//LANG`. */
  prodId: string;
  name: string;
  /** How often a subscriber should refresh, in minutes (REFRESH-INTERVAL, RFC 7986, and X-PUBLISHED-TTL). */
  refreshMinutes: number;
}

/** TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks. */
export function escapeText(s: string): string {
  if (!/[\\;,\r\n]/.test(s)) return s;
  return s.replace(/[\\;,]|\r\n|\r|\n/g, (m) => (m === "\\" || m === ";" || m === "," ? `\\${m}` : "\\n"));
}

const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));

/** UTC DATE-TIME form `YYYYMMDDTHHMMSSZ` (§3.3.5, form #2), to the second. */
export function utcStamp(d: Date): string {
  return `${d.getUTCFullYear()}${TWO[d.getUTCMonth() + 1]}${TWO[d.getUTCDate()]}T${TWO[d.getUTCHours()]}${TWO[d.getUTCMinutes()]}${TWO[d.getUTCSeconds()]}Z`;
}

/**
 * One content line, folded so that no line exceeds 75 octets (§3.1): a continuation starts with one space, which
 * counts. A fold never splits a UTF-8 sequence (Vietnamese letters take 2–3 octets). Lines that fit are returned as they are.
 */
export function foldLine(line: string): string {
  if (line.length <= 25 || Buffer.byteLength(line, "utf8") <= 75) return line; // ≤25 units: ≤75 octets
  let out = "";
  let lineStart = 0; // code-unit index of the current output line
  let octets = 0;
  let limit = 75;
  for (let i = 0; i < line.length; ) {
    const cp = line.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (octets + size > limit) {
      out += `${line.slice(lineStart, i)}\r\n `;
      lineStart = i;
      octets = 0;
      limit = 74; // the leading space takes one octet
    }
    octets += size;
    i += units;
  }
  return out + line.slice(lineStart);
}

/** The calendar's head: VCALENDAR without METHOD (it publishes, it does not invite), each line ending in CRLF. */
export function feedHead(cal: FeedCalendar): string {
  const ttl = `PT${cal.refreshMinutes}M`;
  // NAME is TEXT (RFC 7986); X-WR-CALNAME has no value type, and clients read it raw (as ical-generator writes it).
  const rawName = cal.name.replace(/[\r\n]+/g, " ");
  return `BEGIN:VCALENDAR\r\nVERSION:2.0\r\n${foldLine(`PRODID:${escapeText(cal.prodId)}`)}\r\n${foldLine(`NAME:${escapeText(cal.name)}`)}\r\n${foldLine(`X-WR-CALNAME:${rawName}`)}\r\nREFRESH-INTERVAL;VALUE=DURATION:${ttl}\r\nX-PUBLISHED-TTL:${ttl}\r\n`;
}

/** One VEVENT, each line ending in CRLF. */
export function eventText(e: FeedEvent): string {
  let ev = `BEGIN:VEVENT\r\n${foldLine(`UID:${escapeText(e.uid)}`)}\r\nSEQUENCE:${e.sequence}\r\nDTSTAMP:${utcStamp(e.stamp)}\r\nDTSTART:${utcStamp(e.start)}\r\nDTEND:${utcStamp(e.end)}\r\n${foldLine(`SUMMARY:${escapeText(e.summary)}`)}\r\n`;
  if (e.location !== undefined) ev += `${foldLine(`LOCATION:${escapeText(e.location)}`)}\r\n`;
  if (e.description !== undefined) ev += `${foldLine(`DESCRIPTION:${escapeText(e.description)}`)}\r\n`;
  return `${ev}STATUS:${e.status}\r\nLAST-MODIFIED:${utcStamp(e.lastModified)}\r\nEND:VEVENT\r\n`;
}

export const FEED_TAIL = "END:VCALENDAR\r\n";

/** The whole feed: head, events, tail. */
export function writeFeed(cal: FeedCalendar, events: Iterable<FeedEvent>): string {
  let out = feedHead(cal);
  for (const e of events) out += eventText(e);
  return out + FEED_TAIL;
}

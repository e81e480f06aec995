import { DateTime } from "luxon";
import { secrecyFields, secrecyOf } from "../core/booking/secret.js";
import type { BookingRequest, Contact, RequiredField } from "../core/booking/types.js";
import { REQUIRED_FIELDS } from "../core/booking/types.js";
import { isoWeekday } from "../core/calendar/zone.js";
import type { DirectoryMatcher } from "../core/directory/matcher.js";
import { fold, nfc, normalizePhone } from "../core/text/fold.js";
import {
  findDates,
  findTimes,
  foldKeepingIndex,
  hasDiacritics,
  saidMorning,
} from "../core/text/vi-datetime.js";
import type { MailFacts } from "./extract.js";

/** What a booking mail says, in the shape `mail parse --json` prints: the request's fields and what is missing. */
export type ParsedBooking = Pick<
  BookingRequest,
  | "host"
  | "participants"
  | "unresolved"
  | "start"
  | "end"
  | "title"
  | "contact"
  | "emergency"
  | "recording"
  | "cityHallRoom"
  | "secret"
  | "secretUnsure"
> & {
  autoReply: boolean;
  missing: RequiredField[];
  /** Things a person should double-check, in Vietnamese (a weekday that contradicts the date…). */
  warnings: string[];
  /** Closest directory names for each unresolved phrase. */
  suggestions: Record<string, string[]>;
};

type Field = "host" | "participants" | "time" | "title" | "contact" | "support";

function labelField(label: string): Field | null {
  const l = fold(label);
  if (/chu tri/.test(l)) return "host";
  if (/diem cau|thanh phan|don vi tham du/.test(l)) return "participants";
  if (/thoi gian|ngay gio|ngay hop/.test(l)) return "time";
  if (/noi dung|chu de|ten cuoc hop|tieu de/.test(l)) return "title";
  if (/lien he|dau moi|lien lac/.test(l)) return "contact";
  if (/ho tro/.test(l)) return "support";
  return null;
}

/** `- Label: value` lines of a template or a flattened table, with continuation lines joined. */
export function labelledFields(text: string): Partial<Record<Field, string>> {
  const out: Partial<Record<Field, string>> = {};
  let current: Field | null = null;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const m = /^[-•*+]?\s*([^:\n]{2,60}?)\s*:\s*(.*)$/.exec(line);
    const field = m ? labelField(m[1]!) : null;
    if (m && field) {
      current = field;
      out[field] = m[2]!.trim();
    } else if (current && line && !m && /^[-•*+\d]/.test(line)) {
      out[current] =
        `${out[current] ? `${out[current]}, ` : ""}${line.replace(/^[-•*+]\s*|^\d+[.)]\s*/, "")}`;
    } else if (!line || m) current = null;
  }
  return out;
}

const PHONE_RE = /(?:\+84[\s.]?|\b0)\d(?:[\s.-]?\d){7,10}\b/;
const HONORIFIC = /^(?:(?:đồng chí|đ\/c|dong chi|ông|bà|anh|chị|ong|ba|chi)\s+)+/i;

/** `Lâm Thị Ngọc, SĐT 0983 210 456` → name and phone as digits with a leading 0. */
export function parseContact(value: string): Contact | null {
  const m = PHONE_RE.exec(value);
  const phone = m ? normalizePhone(m[0]) : null;
  const before = (m ? value.slice(0, m.index) : value).replace(/[–—-]\s*$/, "");
  const name =
    before
      .split(/[,;–—(]|\s-\s/)
      .map((s) =>
        s
          .replace(/\b(?:sđt|đt|sdt|dt|điện thoại|dien thoai|di động|tel|mobile)\b[:.]?/gi, "")
          .replace(HONORIFIC, "")
          .replace(/[.:]+$/, "")
          .trim(),
      )
      .find((s) => s.split(/\s+/).length >= 2 && s.split(/\s+/).length <= 6 && /^\p{Lu}/u.test(s)) ?? null;
  if (!name && !phone) return null;
  return { name: name ?? "", phone: phone ?? "" };
}

function contactFromProse(text: string): string | null {
  const folded = foldKeepingIndex(text);
  const m = /(?:dau moi\s+)?lien (?:he|lac)\s*:?/.exec(folded);
  if (!m) return null;
  const start = m.index + m[0].length;
  const end = text.indexOf("\n", start);
  return text.slice(start, end < 0 ? undefined : end);
}

/** "đăng ký tổ chức hội nghị trực tuyến <title> vào hồi…": the words between the kind of meeting and its time. */
function titleFromProse(text: string): string | null {
  const m =
    /(?:hoi nghi|cuoc hop|phien hop|hop)(?: truc tuyen)?\s+(?!truc tuyen)(.{4,200}?)\s+(?:vao|luc|tu|ngay)\s/d.exec(
      foldKeepingIndex(text),
    );
  const span = m?.indices?.[1];
  return span ? text.slice(span[0], span[1]).trim() || null : null;
}

function flags(text: string): Pick<ParsedBooking, "emergency" | "recording" | "cityHallRoom"> {
  const folded = fold(text);
  const marks = hasDiacritics(text);
  return {
    emergency: marks
      ? /khẩn(?!\s*trương)|đột xuất/iu.test(text)
      : /\bkhan\b(?! truong)|\bdot xuat\b/.test(folded),
    recording: /\bghi (?:hinh|am)\b/.test(folded),
    cityHallRoom:
      /phong hop(?: truc tuyen)? (?:tai|o) tru so (?:ubnd|uy ban)|phong hop truc tuyen (?:cua )?ubnd thanh pho/.test(
        folded,
      ),
  };
}

function mergeFlags(a: ReturnType<typeof flags>, b: ReturnType<typeof flags>): ReturnType<typeof flags> {
  return {
    emergency: a.emergency || b.emergency,
    recording: a.recording || b.recording,
    cityHallRoom: a.cityHallRoom || b.cityHallRoom,
  };
}

export interface UnderstandContext {
  matcher: DirectoryMatcher;
  zone: string;
  defaultDurationMinutes: number;
  /** The agency of the sender's mailbox, when it is an official one. */
  senderAgency: string | null;
}

/** Read the Điều 12.2a fields out of a mail a clerk wrote. Pure given the mail facts and the directory. */
export function understand(
  facts: Pick<MailFacts, "text" | "subject" | "date">,
  ctx: UnderstandContext,
): ParsedBooking {
  const text = facts.text;
  const fields = labelledFields(text);
  const reference = facts.date ?? new Date();
  const warnings: string[] = [];

  // Host: the labelled field, else the sender's agency, else the first agency the text names.
  let host: string | null = fields.host ? ctx.matcher.agency(fields.host) : null;
  if (fields.host && !host) warnings.push(`Không nhận ra cơ quan chủ trì «${fields.host}».`);
  host ??= ctx.senderAgency ?? ctx.matcher.scanAgencies(text)[0] ?? null;

  // Participants: the labelled list phrase by phrase, else every endpoint the prose names but the host's.
  const participants: string[] = [];
  const unresolved: string[] = [];
  const suggestions: Record<string, string[]> = {};
  const hostEndpoints = new Set(host ? ctx.matcher.scan(host).map((h) => h.code) : []);
  if (fields.participants) {
    for (const phrase of fields.participants
      .split(/[,;\n]|\s+(?:và|va)\s+/i)
      .map((s) => s.trim().replace(/[.]$/, ""))) {
      if (!phrase) continue;
      const r = ctx.matcher.resolve(phrase);
      if (r.codes.length) participants.push(...r.codes.filter((c) => !participants.includes(c)));
      else {
        unresolved.push(phrase);
        suggestions[phrase] = r.suggestions;
      }
    }
  } else {
    const contactLine = contactFromProse(text) ?? "";
    const prose = contactLine ? text.replace(contactLine, " ") : text;
    for (const hit of ctx.matcher.scan(prose)) if (!hostEndpoints.has(hit.code)) participants.push(hit.code);
  }

  // Time: inside the labelled field when there is one, else the whole text.
  const scope = fields.time ?? text;
  const foldedScope = foldKeepingIndex(scope);
  const times = findTimes(foldedScope);
  const dates = findDates(scope, foldedScope, reference, ctx.zone);
  const date =
    dates[0] ?? (fields.time ? findDates(text, foldKeepingIndex(text), reference, ctx.zone)[0] : undefined);
  if (date?.weekday && isoWeekday(date.date) !== date.weekday) {
    warnings.push(
      `Thứ trong thư không khớp với ngày ${date.date.split("-").reverse().join("/")}; đề nghị kiểm tra lại.`,
    );
  }
  let start: Date | null = null;
  let end: Date | null = null;
  if (date && times[0]) {
    const morning = saidMorning(foldedScope);
    const at = (t: { hour: number; minute: number }) => {
      const hour = morning && t.hour >= 12 && t.hour - 12 <= 5 ? t.hour - 12 : t.hour;
      return DateTime.fromISO(date.date, { zone: ctx.zone }).set({ hour, minute: t.minute }).toJSDate();
    };
    start = at(times[0]);
    if (times[1]) end = at(times[1]);
    // An end at or before the start stays as written: the rules ask the clerk rather than guess a length.
    end ??= new Date(start.getTime() + ctx.defaultDurationMinutes * 60_000);
  }

  const title = (fields.title ?? titleFromProse(text) ?? null)?.replace(/[.]$/, "").trim() || null;
  const contactText = fields.contact ?? contactFromProse(text);
  const contact = contactText ? parseContact(contactText) : null;

  const parsed: ParsedBooking = {
    host,
    participants,
    unresolved,
    start,
    end,
    title: title ? nfc(title) : null,
    contact,
    ...mergeFlags(flags(facts.subject), flags(text)),
    // Điều 5.2: fails closed; an ambiguous mark is stored as secret until a technician decides.
    ...secrecyFields(secrecyOf({ subject: facts.subject, title, body: text })),
    autoReply: false,
    missing: [],
    warnings,
    suggestions,
  };
  parsed.missing = REQUIRED_FIELDS.filter((f) => {
    if (f === "host") return !parsed.host;
    if (f === "participants") return parsed.participants.length === 0 && parsed.unresolved.length === 0;
    if (f === "start") return !parsed.start;
    if (f === "title") return !parsed.title;
    return !parsed.contact?.name || !parsed.contact.phone;
  });
  return parsed;
}

export function toBookingRequest(p: ParsedBooking, sender: string, receivedAt: Date): BookingRequest {
  return {
    host: p.host,
    participants: p.participants,
    unresolved: p.unresolved,
    start: p.start,
    end: p.end,
    title: p.title,
    contact: p.contact,
    emergency: p.emergency,
    secret: p.secret,
    secretUnsure: p.secretUnsure,
    recording: p.recording,
    cityHallRoom: p.cityHallRoom,
    otherSupport: null,
    receivedAt,
    channel: "mail",
    sender,
  };
}

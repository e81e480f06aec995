import { secrecyFields, secrecyOf } from "../core/booking/secret.js";
import type { BookingRequest, Contact, RequiredField } from "../core/booking/types.js";
import { REQUIRED_FIELDS } from "../core/booking/types.js";
import { dateVi, dayVi, isoWeekday, localDateOf, localTimeOf, weekdayNameVi } from "../core/calendar/zone.js";
import { type DirectoryMatcher, scanForm } from "../core/directory/matcher.js";
import { withoutDisclaimer } from "../core/text/disclaimer.js";
import { fold, nfc, normalizePhone } from "../core/text/fold.js";
import { withoutLetterHead } from "../core/text/letter.js";
import {
  findDates,
  findInvalidDates,
  findTimes,
  foldKeepingIndex,
  hasDiacritics,
  saidMorning,
  type TimeOfDay,
  wallClockInstant,
  withoutReplacedTimes,
} from "../core/text/vi-datetime.js";
import type { MailFacts } from "./extract.js";

/** What a booking mail says, in the shape `mail parse --json` prints: the request's fields and what is missing. */
export type ParsedBooking = Pick<
  BookingRequest,
  | "host"
  | "hostEndpoint"
  | "participants"
  | "unresolved"
  | "start"
  | "end"
  | "day"
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

type Field = "host" | "hostAt" | "participants" | "time" | "title" | "contact" | "support";

/** Labels seen before: every line of every mail asks, and forms repeat the same dozen labels. */
const labelFields = new Map<string, Field | null>();

export function labelField(label: string): Field | null {
  let field = labelFields.get(label);
  if (field === undefined) {
    field = fieldOfLabel(label);
    if (labelFields.size > 10_000) labelFields.clear();
    labelFields.set(label, field);
  }
  return field;
}

function fieldOfLabel(label: string): Field | null {
  const l = fold(label);
  // «ND:», «LH:», «TG:», «ĐC:»: the abbreviations clerks write for the labels (they were asked for again).
  const short = ({ nd: "title", lh: "contact", tg: "time", dc: "participants" } as const)[l.trim()];
  if (short) return short;
  // «Điểm cầu chủ trì: Hội trường UBND phường Ngọc Hà»: where the host sits, not which agency hosts.
  if (/diem cau (?:chu tri|chinh)\b/.test(l)) return "hostAt";
  if (/chu tri/.test(l)) return "host";
  if (/diem cau|thanh phan|don vi tham du/.test(l)) return "participants";
  if (/thoi gian|ngay gio|ngay hop/.test(l)) return "time";
  if (/noi dung|chu de|ten cuoc hop|tieu de/.test(l)) return "title";
  if (/lien he|dau moi|lien lac/.test(l)) return "contact";
  // «Ghi hình: Không», «Họp đột xuất, khẩn cấp: Không» under «Điểm cầu:»: a support's line ends the list (its
  // «Không» was read as one more endpoint, unknown). The city hall's room by its own words only: a table's
  // «Phòng họp Sở Công Thương» under «Địa điểm» is a place, and read as a label it lost the row's endpoints.
  if (/ho tro|ghi hinh|ghi am|khan cap|dot xuat/.test(l)) return "support";
  if (/(?:su dung|dung) phong hop|phong hop truc tuyen (?:tai |cua )?(?:tru so )?ubnd/.test(l))
    return "support";
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
    if (current === "participants" && m && UNIT_GROUP_LABEL.test(fold(m[1]!))) {
      // «- Các phường: Ngọc Hà, Ba Đình» under «Điểm cầu tham dự:»: the label is the names' unit type, kept.
      out.participants = joined(out.participants, `${m[1]!} ${m[2]!.trim()}`);
    } else if (m && field) {
      current = field;
      out[field] = m[2]!.trim();
    } else if (current === "time" && m && /^[-•*+]/.test(line)) {
      // «Thời gian:» over «+ Buổi sáng: từ 8h00 …» / «+ Buổi chiều: từ 14h00 …»: the sessions are the time. The
      // field was left empty and the clerk asked for a time with no word of what was read.
      out.time = joined(out.time, line.replace(/^[-•*+]\s*/, ""));
    } else if (current && line && !m && /^[-•*+\d]/.test(line)) {
      out[current] = joined(out[current], line.replace(/^[-•*+]\s*|^\d+[.)]\s*/, ""));
    } else if (current === "participants" && line && isListLine(line)) {
      // A list one name a line, without bullets; "UBND các phường: Ngọc Hà, Giảng Võ" keeps what follows the colon.
      out[current] = joined(out[current], m ? m[2]!.trim() : line);
    } else if (!line || m) current = null;
  }
  return out;
}

/** A label that is a unit type for the names after it: «Các phường», «UBND các xã», «Xã». */
const UNIT_GROUP_LABEL = /^(?:ubnd |uy ban nhan dan )?(?:cac )?(?:phuong|xa|thi tran)$/;

function joined(before: string | undefined, line: string): string {
  return before ? `${before}, ${line}` : line;
}

/** A line that continues a list of units: short, capitalised or a unit word, and not a sentence to the desk. */
function isListLine(line: string): boolean {
  const folded = fold(line);
  if (folded.split(" ").length > 10) return false;
  if (/^(?:de nghi|kinh|tran trong|xin|rat|cam on|luu y|ghi chu|noi dung|thoi gian|lien he)\b/.test(folded))
    return false;
  return /^\p{Lu}/u.test(line) || UNIT_WORD.test(folded);
}

const UNIT_WORD =
  /^(?:ubnd|uy ban|phuong|xa|thi tran|quan|huyen|so|ban|cong an|thanh uy|hdnd|p|x|q|h|tt|tp)\b/;

/** One name or group phrase of a participants list as written, with what it resolved to. */
export interface ParticipantList {
  codes: string[];
  unresolved: string[];
  suggestions: Record<string, string[]>;
}

const UNIT_TYPE_PREFIX = /^(?:ubnd\s+)?(?:cac\s+)?(phuong|xa|thi tran|p|x|tt)\s+/;

/** Who of a unit attends («Lãnh đạo», «đại diện», «Ban Giám đốc»): people, before the unit that is the place. */
const ATTENDEE_PREFIX =
  /^(?:(?:dai dien|lanh dao|ban lanh dao|ban giam doc|giam doc|pho giam doc|chu tich|pho chu tich|thuong truc|can bo|cac dong chi|dong chi|thanh vien|cac thanh vien)(?:\s+|$))+/;
/**
 * What is left of «Lãnh đạo Sở», «các phòng chuyên môn», «Ban Giám đốc Sở»: the host's own people, no place of its
 * own to connect (the host's endpoint is connected anyway).
 */
const HOST_PEOPLE =
  /^(?:cua\s+)?(?:(?:cac\s+)?(?:so|ban|nganh|so nganh|don vi|co quan|phong chuyen mon|phong ban|phong|ubnd|uy ban)(?:\s+(?:chuyen mon|truc thuoc|lien quan))?)?$/;

/**
 * «Lãnh đạo UBND phường Ngọc Hà» → «UBND phường Ngọc Hà»; null for people of the host with no place named
 * («Lãnh đạo Sở», «các phòng chuyên môn»).
 */
function placeOfAttendees(phrase: string): string | null {
  const people = ATTENDEE_PREFIX.exec(foldKeepingIndex(phrase));
  const rest = people ? phrase.slice(people[0].length).trim() : phrase;
  return HOST_PEOPLE.test(fold(rest)) ? null : rest;
}

/**
 * A participants field: names separated by commas, semicolons, line breaks, bullets or "và". "và" also joins
 * words inside one name ("Sở Nông nghiệp và Môi trường"), so the longest run of "và"-parts the directory knows
 * is one name. A name with no unit type after "các phường Ngọc Hà, Giảng Võ" takes the type of the one before.
 * Nothing is dropped: a name that matches no endpoint is returned in `unresolved`, with the nearest names.
 */
/**
 * The polite words a clerk ends a sentence with («… UBND xã Quốc Oai ạ.», «… nhé», «… với ạ», «… giúp em»): no part
 * of the name before them (it was read as the unknown endpoint «UBND xã Quốc Oai ạ» beside the right one).
 */
const POLITE_TAIL =
  /(?:\s+(?:ạ|nhé|nhe|nha|nhá|với|giúp(?:\s+(?:em|mình|chúng\s+tôi|chúng\s+em|ạ))?|em))*\s+(?:ạ|nhé|nhe|nha|nhá|với|giúp(?:\s+(?:em|mình|chúng\s+tôi|chúng\s+em))?)\s*[.!]*$/u;

/**
 * The one endpoint a phrase naming where the session is hosted names: «Hội trường UBND phường Ngọc Hà», «phòng họp
 * trực tuyến của UBND phường Láng», «UBND phường Ngọc Hà». Null when it names none the directory knows.
 */
export function hostEndpointSaid(matcher: DirectoryMatcher, phrase: string): string | null {
  const said = phrase.replace(/^\s*(?:tại|tai|ở|o)\s+/i, "");
  // «trụ sở UBND Thành phố» is a name of the city hall room itself; «trụ sở UBND phường Ngọc Hà» is the ward's
  // building, where its endpoint is (it was an unknown host endpoint, and the ward booked as a participant).
  const whole = resolveParticipants(matcher, said).codes[0];
  if (whole) return whole;
  const place = said.replace(
    /^\s*(?:hội trường|hoi truong|phòng họp|phong hop|trụ sở|tru so)(?:\s+(?:trực tuyến|truc tuyen|tầng \d+|tang \d+))?(?:\s+(?:của|cua|tại|tai))?\s+/i,
    "",
  );
  return place === said ? null : (resolveParticipants(matcher, place).codes[0] ?? null);
}

export function resolveParticipants(matcher: DirectoryMatcher, field: string): ParticipantList {
  const out: ParticipantList = { codes: [], unresolved: [], suggestions: {} };
  const add = (codes: string[]) => {
    for (const c of codes) if (!out.codes.includes(c)) out.codes.push(c);
  };
  const miss = (phrase: string, suggestions: string[]) => {
    if (out.unresolved.includes(phrase)) return;
    out.unresolved.push(phrase);
    out.suggestions[phrase] = suggestions;
  };
  let rest = field;
  const group = matcher.groupPhrase(rest);
  if (group) {
    add(matcher.resolve(group).codes);
    rest = rest.replace(group, " ");
  }
  let unitType: string | null = null;
  for (const chunk of rest.split(/[,;\n]|\s[•*+]\s/)) {
    const phrase = chunk
      .trim()
      // Bullets and enumerators ("1.", "a)"), but never a unit's abbreviation ("P.", "X.", "Q.", "H.").
      .replace(/^(?:[-•*+]|\d+[.)]|[a-e][.)])\s*/, "")
      .replace(/[.:!]+$/, "")
      .replace(POLITE_TAIL, "")
      .trim();
    if (!phrase || /^(?:và|va|với|voi)$/i.test(phrase)) continue;
    const place = placeOfAttendees(phrase);
    if (place === null) continue;
    // «tất cả các xã, phường trên địa bàn Thành phố»: where they are is no endpoint.
    if (/^(?:tren|thuoc) dia ban\b/.test(fold(place))) continue;
    const parts = place.split(/\s+(?:và|va)\s+/i);
    const resolveTyped = (text: string) => {
      const typed = UNIT_TYPE_PREFIX.exec(fold(text));
      if (typed) unitType = typed[1]!;
      const direct = matcher.resolve(text);
      if (direct.codes.length || typed || !unitType) return direct;
      const viaType = matcher.resolve(`${unitType} ${text}`);
      return viaType.codes.length ? viaType : direct;
    };
    let pending: string[] = [];
    const flush = () => {
      if (!pending.length) return;
      const name = pending.join(" và ");
      miss(name, matcher.resolve(name).suggestions);
      pending = [];
    };
    for (let i = 0; i < parts.length; ) {
      let taken = 0;
      for (let j = parts.length; j > i; j--) {
        const r = resolveTyped(parts.slice(i, j).join(" và "));
        if (r.codes.length) {
          flush();
          add(r.codes);
          taken = j - i;
          break;
        }
      }
      if (taken === 0) {
        pending.push(parts[i]!);
        taken = 1;
      }
      i += taken;
    }
    flush();
  }
  // «Điểm cầu: Tất cả các xã, phường (trừ phường Ba Đình)»: the list leaves out what its «trừ» names, as prose does
  // (Ba Đình was invited with the group, and «(trừ phường Ba Đình)» asked about as an unknown endpoint).
  const left = excludedEndpoints(matcher, field);
  const leftSaid = exclusions(field).map(fold);
  if (left.size) out.codes = out.codes.filter((c) => !left.has(c));
  for (const u of out.unresolved.filter((u) => leftSaid.some((l) => l.includes(fold(u))))) {
    out.unresolved.splice(out.unresolved.indexOf(u), 1);
    delete out.suggestions[u];
  }
  return out;
}

/**
 * «đề nghị hỗ trợ UBND phường Ba Đình xử lý vụ việc», «để giúp các phường … giải quyết»: a unit right after a verb
 * of helping or handling is what the session is about, not a place that connects. «hỗ trợ kỹ thuật cho điểm cầu X»
 * puts words between the verb and the unit and keeps X. `folded` is the text folded with its indices kept.
 */
function helpedAt(folded: string, index: number): boolean {
  if (
    !/\b(?:ho tro|giup do|giup|xu ly|giai quyet|khac phuc)(?:\s+cho)?(?:\s+(?:ubnd|uy ban nhan dan))?(?:\s+cac)?\s*$/.test(
      folded.slice(Math.max(0, index - 40), index),
    )
  )
    return false;
  // «đề nghị hỗ trợ UBND phường Ba Đình kết nối vào phiên họp»: helped to connect, so it connects.
  const rest = folded.slice(index, index + 60).split(/[.;\n]/)[0]!;
  return !/\b(?:ket noi|tham du|tham gia|du hop|dang nhap)\b/.test(rest);
}

/**
 * Units named in prose by type and capitalised name (not the author of a cited document: "… của UBND xã X"): "UBND xã Vô Danh", "P. Ngọc Hà", "huyện Gia Lâm". Without
 * capitals the name's end cannot be told from the sentence, so such mentions are left to the directory scan.
 */
function unitMentions(text: string): string[] {
  // Without diacritics "quan", "xa" are everyday words; only text typed without marks spells units that way.
  const types = hasDiacritics(text)
    ? "[Pp]hường|[Xx]ã|[Tt]hị trấn|[Qq]uận|[Hh]uyện"
    : "[Pp]huong|[Xx]a|[Tt]hi tran|[Qq]uan|[Hh]uyen";
  const re = new RegExp(
    // Two to four capitalised syllables: every commune's name has at least two.
    // «Văn Miếu - Quốc Tử Giám»: a dash and capitalised syllables after it may go on with the name
    // (`proseEndpoints` keeps the part before the dash when the whole is no unit).
    String.raw`(?<!\p{L})(?:(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân|Uy ban nhan dan)\s+)?(?:${types}|P\.|X\.|Q\.|H\.)\s*(\p{Lu}\p{Ll}*(?:[ \t]+\p{Lu}\p{Ll}*){1,3}(?:[ \t]+[-–][ \t]+\p{Lu}\p{Ll}*(?:[ \t]+\p{Lu}\p{Ll}*){0,3})?)(?!\p{L})`,
    "gu",
  );
  const folded = foldKeepingIndex(text);
  return [...text.matchAll(re)]
    .filter(
      (m) =>
        !/\b(?:cua|theo)\s+$/.test(folded.slice(Math.max(0, m.index - 8), m.index)) &&
        !helpedAt(folded, m.index),
    )
    .map((m) => m[0].trim());
}

/**
 * An official letter names agencies that are not invited: its addressees («Kính gửi: Trung tâm …, Văn phòng UBND
 * Thành phố») and, at its foot, those who receive a copy («Nơi nhận: - Như trên; - UBND phường … (để biết)», «Đồng
 * gửi»). Both are cut before the prose is searched for endpoints.
 */
function addressesCut(said: string): string {
  // «12 Lê Lai, phường Hoàn Kiếm», «331 Cầu Giấy, phường Cầu Giấy», «Tầng 3, Khu liên cơ …, phường Xuân La»: an
  // office's address (a signature's, with no «Trân trọng,» above it) names the ward it stands in, which was invited.
  const text = said.replace(ADDRESS, (a) => " ".repeat(a.length));
  const folded = foldKeepingIndex(text);
  const foot = /^[ \t\-•*]*(?:noi nhan|dong gui|dong kinh gui)\s*:/im.exec(folded);
  const body = foot ? text.slice(0, foot.index) : text;
  const foldedBody = foot ? folded.slice(0, foot.index) : folded;
  let out = "";
  let at = 0;
  // «Kính gửi:» ending its line, with its addressees one a line below it («- Trung tâm …;»), up to the first line
  // that is a form's field («- Thời gian: …»). After «Kính gửi Trung tâm,» (the addressee on the line itself) the
  // lines below are the booking, whatever they start with.
  const greeting =
    /^[ \t]*kinh gui\b(?:[^\n]*:[ \t]*(?=\n|$)(?:\n[ \t]*[-•+*](?![^\n:]{1,40}:)[^\n]*)*|[^\n]*)/gim;
  for (const m of foldedBody.matchAll(greeting)) {
    out += `${body.slice(at, m.index)} `;
    // «Kính gửi Trung tâm, Sở Công Thương xin đăng ký họp … với UBND phường Kim Liên, …» in one paragraph: the
    // addressee ends at the mark before the letter's own words (every endpoint after it was cut with the line).
    const letter = m[0].includes("\n")
      ? null
      : /[,.]\s*(?=[^,.]*\b(?:xin|dang ky|de nghi|thong bao|to chuc|kinh moi)\b)/.exec(m[0]);
    at = m.index + (letter ? letter.index + 1 : m[0].length);
  }
  return out + body.slice(at);
}

const ADDRESS_NAME = String.raw`\p{Lu}\p{Ll}*(?:[ \t]+\p{Lu}\p{Ll}*){0,3}`;
const ADDRESS = new RegExp(
  String.raw`(?:(?<![\p{L}\d/.])\d+[a-z]?(?:\/\d+)?[ \t]+(?:(?:phố|đường|ngõ)[ \t]+)?(?!(?:Thứ|Chủ|Giờ|Sở|UBND|Ủy|Phường|Xã|Điểm|Đơn|Tháng|Ngày|Năm)\b)${ADDRESS_NAME}|\b[Tt]ầng[ \t]+\d+)[ \t]*,[ \t]*(?:[^,\n]{1,40},[ \t]*)?(?:phường|xã)[ \t]+${ADDRESS_NAME}`,
  "gu",
);

/**
 * «các phường Ngọc Hà, Ba Đình, Giảng Võ», «các phường: Láng, Yên Hòa» and «phường Ngọc Hà và Ba Đình» in prose: the
 * names after the first take its unit type («phường Ba Đình», «phường Giảng Võ»). Only capitalised names, as `unitMentions` reads them.
 */
function listedAfterMention(text: string): string[] {
  // «Láng», «Ô Chợ Dừa», «Văn Miếu - Quốc Tử Giám»: one to six capitalised words, a dash between two of them.
  const name = String.raw`\p{Lu}\p{Ll}*(?:[ \t]+(?:[-–][ \t]+)?\p{Lu}\p{Ll}*){0,5}`;
  // Without diacritics «xa» is an everyday word: only text typed without marks spells the types that way.
  const types = hasDiacritics(text) ? "[Pp]hường|[Xx]ã|[Tt]hị trấn" : "[Pp]huong|[Xx]a|[Tt]hi tran";
  const re = new RegExp(
    String.raw`(?<!\p{L})(${types})(?:[ \t]*:)?\s+${name}((?:\s*(?:,|;|\s(?:và|va)\s)\s*${name}(?!\p{L}))+)`,
    "gu",
  );
  const out: string[] = [];
  const folded = foldKeepingIndex(text);
  for (const m of text.matchAll(re)) {
    if (helpedAt(folded, m.index)) continue;
    const type = m[1]!.toLowerCase();
    for (const n of m[2]!.split(/\s*(?:,|;|\s(?:và|va)\s)\s*/u))
      if (n.trim()) out.push(`${type} ${n.trim()}`);
  }
  return out;
}

/** Endpoints as the answer names them: the directory's names, then the names it did not know, as written. */
function namesOf(matcher: DirectoryMatcher, list: Pick<ParticipantList, "codes" | "unresolved">): string {
  const names = [...list.codes.map((c) => matcher.nameOf(c) ?? c), ...list.unresolved.map((u) => `«${u}»`)];
  return names.length ? names.join(", ") : "(chưa rõ)";
}

/** A part of the day or a joint that opens another session's words: «; buổi chiều», «, 14h00», «và chiều». */
const SESSION_JOINT = /[;,\n]|\s(?:va|con|hoac)\s|\b(?:buoi\s+(?:sang|trua|chieu|toi)|sang|trua|chieu)\b/g;
/** The end of a sentence: a line break, «;», or a full stop that is no unit's abbreviation («P.», «TT.»). */
const SENTENCE_END = /\n|;|(?<!(?:^|[^a-z])(?:p|x|q|h|tt|tx|tp))\.(?=\s|$)/g;

/**
 * The endpoints of each of two sessions a mail's prose asks for («Buổi sáng 8h00 họp tại điểm cầu X; buổi chiều
 * 14h00 họp tại điểm cầu Y»). A session's words run from the start of the sentence (or part of the day) with its
 * hour to the next session's part of the day, and the other's to the end of its sentence; what lies outside both
 * is said for all. `split` when each session names endpoints of its own: each keeps its own and those said for
 * all. Null when neither does (names said once apply to all sessions); otherwise (one session names some, the other
 * none) it is ambiguous, and all apply to all as before.
 */
function endpointsBySession(
  matcher: DirectoryMatcher,
  prose: string,
  first: { hour: number; minute: number },
  other: { hour: number; minute: number },
  hostEndpoints: Set<string>,
): { split: boolean; first: ParticipantList; other: ParticipantList } | null {
  const folded = foldKeepingIndex(prose);
  const times = findTimes(folded);
  const same = (a: TimeOfDay, b: { hour: number; minute: number }) =>
    a.hour === b.hour && a.minute === b.minute;
  const one = times.find((t) => same(t, first));
  const two = one && times.find((t) => t.index > one.index && same(t, other));
  if (!one || !two) return null;
  const lastBefore = (re: RegExp, from: number, to: number) => {
    let at = -1;
    for (const m of folded.slice(from, to).matchAll(re)) at = from + m.index;
    return at;
  };
  // The first session's words open at its part of the day («Buổi sáng 8h00») or at its sentence's start.
  const sentence = lastBefore(SENTENCE_END, 0, one.index) + 1;
  const part = /\b(?:buoi\s+(?:sang|trua|chieu|toi)|sang|trua|chieu)\b[^\n;.]*$/.exec(
    folded.slice(sentence, one.index),
  );
  const from1 = part ? sentence + part.index : sentence;
  const joint = lastBefore(SESSION_JOINT, one.index + 1, two.index);
  if (joint < 0) return null;
  SENTENCE_END.lastIndex = two.index;
  let end2 = SENTENCE_END.exec(folded)?.index ?? prose.length;
  SENTENCE_END.lastIndex = 0;
  // «… và buổi chiều từ 14h00 đến 16h00, điểm cầu UBND phường Ngọc Hà»: names after a comma that closes the last
  // session's hours are said for all sessions.
  let last = two;
  for (const t of times)
    if (
      t.index > last.index &&
      /^[^,;.\n]{0,20}?(?:[-–]|\bden\b)\s*$/.test(folded.slice(last.index, t.index))
    )
      last = t;
  const hour = /^\d{1,2}\s*(?:h|g|gio|:)?\s*\d{0,2}\s*(?:phut)?(?:\s*(?:sang|trua|chieu|toi))?\s*,/.exec(
    folded.slice(last.index),
  );
  if (hour && last.index + hour[0].length <= end2) end2 = last.index + hour[0].length - 1;
  const blank = (a: number, b: number) => " ".repeat(b - a);
  const own1 = proseEndpoints(matcher, prose.slice(from1, joint), hostEndpoints);
  const own2 = proseEndpoints(matcher, prose.slice(joint, end2), hostEndpoints);
  const common = proseEndpoints(
    matcher,
    prose.slice(0, from1) + blank(from1, end2) + prose.slice(end2),
    hostEndpoints,
  );
  const has = (l: ParticipantList) => l.codes.length + l.unresolved.length > 0;
  if (!has(own1) && !has(own2)) return null;
  const merged = (a: ParticipantList, b: ParticipantList): ParticipantList => ({
    codes: [...new Set([...a.codes, ...b.codes])],
    unresolved: [...new Set([...a.unresolved, ...b.unresolved])],
    suggestions: { ...a.suggestions, ...b.suggestions },
  });
  return { split: has(own1) && has(own2), first: merged(common, own1), other: merged(common, own2) };
}

/**
 * Every endpoint a stretch of prose names but the host's, in order: the directory's names, the names after a typed
 * one, and the units it names by type (those the directory does not know are reported, never dropped).
 */
/**
 * «do đồng chí Phó Chủ tịch UBND Thành phố chủ trì», «chỉ đạo của đồng chí Chủ tịch UBND Thành phố»: a leader's
 * title names who chairs or directs, not an endpoint (the city hall room was invited without a word, its line in
 * the answer still «không»). «với Chủ tịch UBND các phường» still invites: they attend.
 */
const LEADER_BEFORE =
  /\b(?:do|chi dao cua|chi dao)\s+(?:(?:dong chi|d\/c|ong|ba)\s+)?(?:pho\s+)?(?:chu tich|bi thu|giam doc|truong ban|chanh van phong)\s$/;

/**
 * The stretches of prose that leave units out: «với UBND phường Ngọc Hà, phường Giảng Võ (trừ phường Ba Đình)»,
 * «tất cả các xã, phường trừ phường Ba Đình, Láng», «trừ điểm cầu UBND phường Láng», «ngoại trừ UBND phường Láng».
 * Each runs from the word that leaves out to the end of its list of names (a bracket, a sentence's or clause's end, a
 * word that goes on to something else). Folded, «trừ» is also «trụ» and «trữ»: where the clerk typed marks they
 * decide («tại trụ sở UBND phường Ngọc Hà» is where the session is, «Chi cục Văn thư - Lưu trữ Sở Nội vụ» attends);
 * without marks «tru so UBND …» is a «trụ sở» and «luu tru», «du tru» are no «trừ».
 */
function exclusions(text: string): string[] {
  const folded = foldKeepingIndex(text);
  const out: string[] = [];
  const word = /(?<![a-z])(?:ngoai tru|tru|khong moi|khong bao gom|khong gom)\s+/g;
  for (const m of folded.matchAll(word)) {
    const said = text
      .slice(m.index, m.index + m[0].trimEnd().length)
      .normalize("NFC")
      .toLowerCase();
    if (/tru$/.test(m[0].trimEnd())) {
      const last = said.split(/\s+/).pop()!;
      if (last !== "trừ" && last !== "tru") continue;
      if (last === "tru" && /(?<![a-z])(?:luu|du)\s+$/.test(folded.slice(Math.max(0, m.index - 5), m.index)))
        continue;
      if (
        last === "tru" &&
        /^so\s+(?:ubnd|uy ban|so|cua|tai|chinh|moi)\b/.test(folded.slice(m.index + m[0].length))
      )
        continue;
    }
    const from = m.index + m[0].length;
    // A list of units opens with a unit's word or a capitalised name, not «trừ điểm thi đua».
    if (
      !/^(?:ubnd|uy ban|cac\s|phuong|xa|thi tran|diem cau\s|so\s|p\.|x\.)/.test(folded.slice(from)) &&
      !/^\p{Lu}/u.test(text.slice(from))
    )
      continue;
    let to = from;
    const stop =
      /[.;:\n()]|\s(?:ve|de|noi dung|luc|vao|tu|ngay|tham du|tham gia|thoi gian|lien he|chu tri|diem cau chinh|tai)\s/g;
    stop.lastIndex = from;
    const end = stop.exec(folded)?.index ?? text.length;
    // «…, Láng, UBND phường Kim Liên»: a comma goes on with the list when a name follows it.
    for (const comma of folded.slice(from, end).matchAll(/,/g)) {
      const after = from + comma.index + 1;
      const next = /^\s*(?:(?:va|cung)\s+)?/.exec(folded.slice(after))![0].length;
      const goesOn =
        /^(?:ubnd|uy ban|cac\s|phuong|xa|thi tran|diem cau\s(?!chinh)|so\s|p\.|x\.)/.test(
          folded.slice(after + next),
        ) || /^\p{Lu}/u.test(text.slice(after + next));
      if (!goesOn) {
        to = from + comma.index;
        break;
      }
    }
    out.push(text.slice(m.index, to > from ? to : end));
  }
  return out;
}

/**
 * «với Sở Tài chính (02 điểm cầu)», «Sở Xây dựng (cả 2 điểm cầu)», «với 2 điểm cầu của Sở Xây dựng», «các điểm cầu
 * của Sở Y tế»: every endpoint of that agency (prose booked the first alone, and «của Sở …» none, as a document's
 * author). The agency is the longest run of words next to the remark that the directory knows.
 */
function everyEndpointSaid(matcher: DirectoryMatcher, text: string): string[] {
  const folded = foldKeepingIndex(text);
  const out: string[] = [];
  const all = (agency: string) => matcher.resolve(`${agency} (các điểm cầu)`).codes;
  const agencyIn = (words: string[]) => {
    for (let n = Math.min(words.length, 10); n >= 2; n--) {
      const name = words.slice(0, n).join(" ");
      if (matcher.agency(name)) return name;
    }
    return null;
  };
  for (const m of folded.matchAll(/\(\s*(?:ca\s+|tat ca\s+)?(?:\d+|hai|ba|bon|cac)\s+diem cau\s*\)/g)) {
    const words = text
      .slice(Math.max(0, m.index - 120), m.index)
      .split(/[,;:\n(]/)
      .pop()!
      .trim()
      .split(/\s+/)
      .reverse();
    for (let n = Math.min(words.length, 10); n >= 2; n--) {
      const name = words.slice(0, n).reverse().join(" ");
      if (matcher.agency(name)) {
        out.push(...all(name));
        break;
      }
    }
  }
  for (const m of folded.matchAll(
    /(?<![a-z])(?:ca\s+|tat ca\s+)?(?:\d+|hai|ba|bon|cac)\s+diem cau\s+(?:cua|thuoc)\s+/g,
  )) {
    const name = agencyIn(
      text
        .slice(m.index + m[0].length)
        .split(/[,;:.\n(]/)[0]!
        .trim()
        .split(/\s+/),
    );
    if (name) out.push(...all(name));
  }
  return [...new Set(out)];
}

/** The endpoints the prose leaves out (see `exclusions`), by the directory's names and the units typed. */
function excludedEndpoints(matcher: DirectoryMatcher, text: string): Set<string> {
  const out = new Set<string>();
  for (const said of exclusions(text)) {
    const list = said.replace(/^\S+(?:\s+\S+)?\s+/u, (w) =>
      /^(?:ngoại|ngoai|không|khong)\s/iu.test(w) ? "" : w.replace(/^\S+\s+/u, ""),
    );
    for (const hit of matcher.scan(list)) out.add(hit.code);
    for (const listed of listedAfterMention(list)) for (const c of matcher.resolve(listed).codes) out.add(c);
    for (const unit of unitMentions(list)) for (const c of matcher.resolve(unit).codes) out.add(c);
  }
  return out;
}

function proseEndpoints(
  matcher: DirectoryMatcher,
  prose: string,
  hostEndpoints: Set<string>,
): ParticipantList {
  const out: ParticipantList = { codes: [], unresolved: [], suggestions: {} };
  // "Kế hoạch số 12/KH-UBND của UBND Thành phố": the author of a cited document is not invited.
  const folded = scanForm(prose);
  for (const hit of matcher.scan(prose))
    if (
      !hostEndpoints.has(hit.code) &&
      !/\b(?:cua|theo)\s$/.test(folded.slice(Math.max(0, hit.index - 6), hit.index + 1)) &&
      !LEADER_BEFORE.test(folded.slice(Math.max(0, hit.index - 40), hit.index + 1)) &&
      !helpedAt(folded, hit.index + 1)
    )
      out.codes.push(hit.code);
  // Names after a typed one («phường Ngọc Hà, Ba Đình») count when the directory knows them with that type;
  // a guess that fails («phường Ngọc Hà, Sở Y tế» → «phường Sở Y») is dropped, the scan has the real name.
  for (const listed of listedAfterMention(prose))
    for (const c of matcher.resolve(listed).codes)
      if (!hostEndpoints.has(c) && !out.codes.includes(c)) out.codes.push(c);
  for (const said of unitMentions(prose)) {
    // «UBND phường Ngọc Hà - Lâm Thị Ngọc»: a dash the name does not go on past ends it.
    const whole = matcher.resolve(said);
    const dash = /\s[-–]\s/.exec(said);
    const mention = whole.codes.length || !dash ? said : said.slice(0, dash.index);
    const r = mention === said ? whole : matcher.resolve(mention);
    // "P. Ngọc Hà" escapes the scan, which looks for whole names.
    for (const c of r.codes) if (!hostEndpoints.has(c) && !out.codes.includes(c)) out.codes.push(c);
    if (r.codes.length || out.unresolved.includes(mention)) continue;
    out.unresolved.push(mention);
    out.suggestions[mention] = r.suggestions;
  }
  for (const c of everyEndpointSaid(matcher, prose))
    if (!hostEndpoints.has(c) && !out.codes.includes(c)) out.codes.push(c);
  // «tất cả các xã, phường trừ phường Ba Đình»: the group named every commune, the list after «trừ» leaves some out.
  const left = excludedEndpoints(matcher, prose);
  if (left.size) out.codes = out.codes.filter((c) => !left.has(c));
  const leftSaid = exclusions(prose).map(fold);
  out.unresolved = out.unresolved.filter((u) => !leftSaid.some((l) => l.includes(fold(u))));
  return out;
}

const PHONE_RE = /(?:\+84[\s.]?|\b0)\d(?:[\s.-]?\d){7,10}\b/;
// «cô Trịnh Thị Hạnh», «thầy Đỗ Văn Khoa», «BS. Phạm Thu Hương», «ThS. Vũ Thị Lan»: how a school's or a hospital's
// clerk names a person (the name went unread behind «cô», and «BS.» was kept in it).
const HONORIFIC =
  /^(?:(?:đồng chí|đ\/c|dong chi|ông|bà|anh|chị|ong|ba|chi|cô|thầy|bác sĩ|(?:pgs\.?\s*)?ts\.?|ths\.?|bs\.?|ks\.?)\s+)+/i;

/** `Lâm Thị Ngọc, SĐT 0983 210 456` → name and phone as digits with a leading 0. */
export function parseContact(value: string): Contact | null {
  const m = PHONE_RE.exec(value);
  const phone = m ? normalizePhone(m[0]) : null;
  const before = (m ? value.slice(0, m.index) : value).replace(/[–—-]\s*$/, "");
  const nameIn = (text: string) =>
    text
      .split(/[,;–—(]|\s-\s/)
      .map((s) =>
        s
          .replace(/\b(?:sđt|đt|sdt|dt|điện thoại|dien thoai|di động|tel|mobile)\b[:.]?/gi, "")
          // «Người liên hệ: Đ/c Nguyễn Văn Bình»: the honorific went unseen behind the space after the label.
          .trim()
          // «đổi người liên hệ thành đ/c …», «người liên hệ mới là …»: the words that join the label to the name.
          .replace(/^(?:mới\s+)?(?:thành|là|sang)\s+/iu, "")
          .replace(HONORIFIC, "")
          .replace(/[.:]+$/, "")
          .trim(),
      )
      .find((s) => s.split(/\s+/).length >= 2 && s.split(/\s+/).length <= 6 && /^\p{Lu}/u.test(s)) ?? null;
  // «SĐT liên hệ 0912 567 890 (đ/c Thân Văn Bảo)»: the name in brackets after the phone.
  const after = m ? /^\s*\(([^()\n]{1,60})\)/.exec(value.slice(m.index + m[0].length)) : null;
  // «LH: Ngọc 0983210456 - Lâm Thị Ngọc»: the full name after a dash, when it is a person's (not «- Chuyên viên»).
  const dashed = m ? /^\s*[-–—]\s*([^,;()\n]{4,60})/u.exec(value.slice(m.index + m[0].length)) : null;
  const dashedName = dashed ? nameIn(dashed[1]!) : null;
  const name =
    nameIn(before) ??
    (after ? nameIn(after[1]!) : null) ??
    (dashedName && !NOT_A_PERSON.test(fold(dashedName)) ? dashedName : null);
  if (!name && !phone) return null;
  return { name: name ?? "", phone: phone ?? "" };
}

/** Words that open an office's line, a title or a label in a signature, never a person's name. */
const NOT_A_PERSON =
  /^(?:van phong|phong|so|ubnd|uy ban|trung tam|ban|chi cuc|cuc|van thu|chuyen vien|truong|pho|giam doc|chanh|can bo|email|e-mail|dt|sdt|dd|dien thoai|di dong|dia chi|fax|tel|mobile|ha noi|thanh pho|cong ty|bo phan|to|doi|hdnd|thanh uy|dang uy|ngay|website)\b/;

const SIGNATURE_PHONE = new RegExp(
  `\\s*(?:[-–—,;|(]\\s*)?(?:(?:sđt|đt|dđ|sdt|dt|dd|điện thoại|di động|mobile|tel)\\b[:.]?\\s*)?${PHONE_RE.source}.*$`,
  "iu",
);

/**
 * «Nguyễn Văn An / Văn phòng Sở … / ĐT: 024… - DĐ: 0912…» under «Trân trọng,»: a person's name (two to five
 * capitalised words, no office, title or label) and a phone, the mobile when there is one. An office without a
 * person is no contact (Điều 12.2a asks for a full name).
 */
function contactFromSignature(signature: string): Contact | null {
  const lines = signature.split("\n");
  const name = lines
    .slice(0, 4)
    .map((l) =>
      l
        // «Lâm Thị Ngọc - 0983 210 456», «Lâm Thị Ngọc, DĐ: 0983…»: the name with its phone on one line.
        .replace(SIGNATURE_PHONE, "")
        .replace(HONORIFIC, "")
        .replace(/[.,;:]+$/, "")
        .trim(),
    )
    .find(
      (l) =>
        /^\p{Lu}\p{Ll}*(?:\s+\p{Lu}\p{Ll}*){1,4}$/u.test(l) && !NOT_A_PERSON.test(fold(l)) && !/\d/.test(l),
    );
  if (!name) return null;
  const phones = [...signature.matchAll(new RegExp(PHONE_RE.source, "g"))].flatMap(
    (m) => normalizePhone(m[0]) ?? [],
  );
  const phone = phones.find((p) => /^0[35789]\d{8}$/.test(p)) ?? phones[0];
  return phone ? { name, phone } : null;
}

function contactFromProse(text: string): string | null {
  const folded = foldKeepingIndex(text);
  // «Contact: …» in a mail written in English or half in English.
  // «LH: Lâm Thị Ngọc 0983…»: the abbreviation of «liên hệ» as a label.
  // «… về sự cố cháy chợ. Đầu mối: anh Tuấn 0912 345 678.»: the label inside a line of prose.
  const m = /(?:dau moi\s+)?lien (?:he|lac)\s*:?|\bdau moi\s*:|\bcontact(?: person)?\s*:|\blh\b\s*:?/.exec(
    folded,
  );
  if (!m) return comradeWithPhone(text, folded) ?? phoneInProse(text, folded);
  const start = m.index + m[0].length;
  const end = text.indexOf("\n", start);
  return text.slice(start, end < 0 ? undefined : end);
}

/**
 * «Đ/c Nguyễn Văn An - Chuyên viên, SĐT 0912 345 678» in prose, with no «Liên hệ:» label: a comrade named with a
 * phone in the same sentence is the contact (the clerk was asked for one she had given). A leader's title («đồng chí
 * Phó Giám đốc Sở chủ trì») or a name with no phone in its sentence is none.
 */
function comradeWithPhone(text: string, folded: string): string | null {
  for (const d of folded.matchAll(/(?<![a-z\d])(?:d\/c|dong chi)\s+/g)) {
    const from = d.index + d[0].length;
    if (!/^\p{Lu}/u.test(text.slice(from))) continue;
    const line = text.slice(d.index, d.index + 120).split("\n")[0]!;
    const phone = PHONE_RE.exec(line);
    if (!phone || /[;!?]|\.\s/.test(line.slice(0, phone.index))) continue;
    const said = line.slice(0, phone.index + phone[0].length);
    const contact = parseContact(said);
    if (contact?.name && !NOT_A_PERSON.test(fold(contact.name))) return said;
  }
  return null;
}

/** «sđt», «SĐT», «số điện thoại», «ĐT», «DĐ» right before a phone in prose (folded). */
const PHONE_LABEL =
  /(?<![a-z\d])(?:sdt|so dien thoai|so dt|dien thoai|dt|dd|di dong)(?:\s+lien he)?\s*:?\s*(?=(?:\+84|0)\d)/g;

/**
 * «Em là Hà, sđt 0966 777 888 ạ»: a phone after its label in prose, with no «Liên hệ:» and no comrade, is the
 * contact's (it was not read, and the clerk asked for the number she had given). The clause before it gives the
 * name when it is one («Em là Nguyễn Thị Hà»); words of the booking («với UBND phường Ngọc Hà») are not taken.
 */
function phoneInProse(text: string, folded: string): string | null {
  for (const label of folded.matchAll(PHONE_LABEL)) {
    const at = label.index + label[0].length;
    const phone = PHONE_RE.exec(text.slice(at, at + 20));
    if (phone?.index !== 0) continue;
    const said = text.slice(label.index, at + phone[0].length);
    const before = text.slice(Math.max(0, label.index - 60), label.index);
    const clause = /(?:^|[,;.!?\n(])\s*([^,;.!?\n()]*?)\s*[,;–—-]?\s*$/u.exec(before)?.[1] ?? "";
    // «Em là Hà», and «Cần trao đổi xin gọi Trần Văn Minh» / «khi cần xin gặp chị Ngọc»: the person to call is
    // named after the verb. Only the words after it are tried as a name, and they must be one.
    const name = clause
      .replace(/^(?:em|tôi|mình|chúng tôi)\s+(?:tên\s+)?là\s+/iu, "")
      .replace(/^.*?(?:^|\s)(?:gọi|gặp|goi|gap)(?:\s+(?:cho|với|voi))?\s+/iu, "")
      .replace(HONORIFIC, "");
    const person = /^\p{Lu}\p{Ll}*(?:\s+\p{Lu}\p{Ll}*){0,4}$/u.test(name) && !NOT_A_PERSON.test(fold(name));
    return person ? `${name}, ${said}` : said;
  }
  return null;
}

/** "đăng ký tổ chức hội nghị trực tuyến <title> vào hồi…": the words between the kind of meeting and its time. */
/**
 * «6:00 PM», «2pm», «9:00 AM» in a mail written in English or half in English, as the 24-hour clock the reader
 * knows: «6:00 PM» was read as 06:00 and confirmed, «2pm» not at all.
 */
function withEnglishHours(text: string): string {
  return text.replace(
    /(?<![\d.,/:])(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?m\.?(?![\p{L}\d])/giu,
    (all, h: string, m: string | undefined, p: string) => {
      const hour = Number(h);
      if (hour < 1 || hour > 12) return all;
      const h24 = p.toLowerCase() === "p" ? (hour % 12) + 12 : hour % 12;
      return `${h24}:${m ?? "00"}`;
    },
  );
}

/** Words that ask for a series of sessions: «hằng tuần», «hàng tháng», «mỗi tuần», «các ngày thứ Hai», «mỗi sáng thứ Sáu». */
const SERIES =
  /\b(?:hang (?:tuan|thang)|moi (?:tuan|thang)|(?:moi|cac) (?:buoi |ngay )?(?:(?:sang|chieu) )?(?:thu (?:hai|ba|tu|nam|sau|bay|[2-7])|chu nhat))\b/;

/**
 * The series a mail asks for, as the clerk wrote it, when the words stand in the sentence that gives the session's
 * hour: «Nội dung: Giao ban hằng tuần» names one session of a weekly meeting and is no series.
 */
function seriesSaid(scope: string, folded: string, timeIndex: number): string | null {
  const before = folded.slice(0, timeIndex);
  const from = Math.max(before.lastIndexOf("\n"), before.lastIndexOf("."), before.lastIndexOf(":")) + 1;
  const after = folded.slice(timeIndex).search(/[\n.;]|\bnoi dung\b/);
  const to = after < 0 ? folded.length : timeIndex + after;
  const m = SERIES.exec(folded.slice(from, to));
  return m ? scope.slice(from + m.index, from + m.index + m[0].length) : null;
}

/**
 * Verbs whose partner is part of what is done: «phối hợp với Sở X», «làm việc với X về Y», «đối thoại với X» keep X
 * in the content. After any other words, «với <units>» closing the content names whom the session is with.
 */
const PARTNER_VERB =
  /\b(?:phoi hop|lam viec|doi thoai|trao doi|giao ban|gap go|gap mat|ky ket|hop tac|thao luan|tiep xuc|lien ket|ket noi|chia se|thong nhat|ban bac|tham van|lay y kien)\s+voi\s/;

/**
 * The content read from prose without its closing «với <units>»: «họp trực tuyến khẩn về công tác ứng phó rét đậm
 * rét hại với Sở Nông nghiệp và Môi trường lúc 15h» is about «công tác ứng phó rét đậm rét hại»; the Sở is whom
 * the session is with, and the answer lists it among the endpoints (it was read back twice, once in the content).
 * Only when every name after «với» is one the directory knows: «với các hộ chăn nuôi» is the content's own.
 */
function withoutCounterpart(topic: string | null, matcher: DirectoryMatcher): string | null {
  if (!topic) return topic;
  const folded = foldKeepingIndex(topic);
  let at = -1;
  for (const m of folded.matchAll(/\svoi\s+/g)) at = m.index;
  if (at < 4) return topic;
  if (PARTNER_VERB.test(folded.slice(0, at + 5))) return topic;
  let rest = topic.slice(at).replace(/^\s*\S+\s+/u, "");
  const group = matcher.groupPhrase(rest);
  if (group) rest = rest.replace(group, "");
  const parts = rest
    .split(/[,;]/)
    .map((s) => s.trim())
    .filter((s) => s && !/^(?:và|va|cùng|cung)$/iu.test(s));
  const known = (part: string): boolean =>
    matcher.resolve(part).codes.length > 0 ||
    matcher.agency(part) !== null ||
    (/\s(?:và|va)\s/iu.test(part) && part.split(/\s(?:và|va)\s/iu).every((p) => known(p.trim())));
  if (!group && parts.length === 0) return topic;
  if (!parts.every((p) => known(p.replace(/^(?:và|va|cùng|cung)\s+/iu, "")))) return topic;
  return topic.slice(0, at).trim() || topic;
}

/**
 * `folded` (the fold of `text`, same indices) with the words that open a time blanked where the clerk's marks make
 * them other words: «trật tự», «tư vấn», «đầu tư» fold to «tu» as «từ 9h» does, and the content «công tác bảo đảm
 * trật tự dịp Giáng sinh» was cut at «tự» («công tác bảo đảm trật»). A word typed without marks stays as it is.
 */
function timeWordsAsMarked(text: string, folded: string): string {
  return folded.replace(/(?<![a-z])(?<!thu )(tu|vao|luc)(?![a-z])/g, (word, _w, at: number) => {
    const said = text
      .slice(at, at + word.length)
      .normalize("NFC")
      .toLowerCase();
    if (said === word || said === { tu: "từ", vao: "vào", luc: "lúc" }[word as "tu"]) return word;
    return "x".repeat(word.length);
  });
}

function titleFromProse(text: string, matcher: DirectoryMatcher): string | null {
  const folded = timeWordsAsMarked(text, foldKeepingIndex(text));
  // "…, nội dung: giao ban …." inside a sentence names the title itself.
  // «…, nội dung sơ kết quý IV.» after a comma names it without a colon; «ND: giao ban tuần» abbreviates the label.
  // «Nội dung mật: quán triệt văn bản …» labels the content of a secret session.
  const inline = /\b(?:noi dung(?: hop)?(?: mat)?|topic|agenda|nd)\s*:\s*([^\n.;]{4,200})/d.exec(folded)
    ?.indices?.[1];
  if (inline) return text.slice(inline[0], inline[1]).trim() || null;
  // Without a colon the words must close their sentence: «Nội dung chính gồm:», «nội dung như sau:» introduce it.
  // «… với Sở Nội vụ, Sở Tư pháp: nội dung hướng dẫn …;»: after the colon closing the endpoints too (no title read).
  const bare =
    /(?:^|[,;:]\s*)noi dung(?: (?:hop|cuoc hop|chinh))?\s+(?:la\s+)?(?!(?:hop|cuoc hop|se|gui|theo|chi tiet|kem|dinh kem|nhu sau)\b)([^\n.;:]{4,200})(?=[\n.;]|$)/dm.exec(
      folded,
    )?.indices?.[1];
  if (bare) return topicOf(text.slice(bare[0], bare[1]));
  const m =
    // «họp trực tuyến 2 giờ chiều ngày 22/12»: an hour right after «họp» opens the time, it is no content.
    // «họp khẩn trực tuyến lúc 16h00», «họp gấp trực tuyến vào 15h00»: the urgency is a flag, not the content.
    // «họp khẩn sáng mai lúc 8h30», «họp gấp chiều 2/12 từ 14h»: the urgency and then the day open the time.
    // «họp online chiều mai từ 2h»: «online» is «trực tuyến» as clerks say it. «phiên họp mật vào 9h00»: the
    // secrecy is a flag, not the content (only before the time: «họp Mặt trận Tổ quốc» folds the same).
    /(?:hoi nghi|cuoc hop|phien hop|hop)(?:\s+(?:khan(?: cap)?|gap|dot xuat)(?= truc tuyen| online))?(?: truc tuyen| online)?\s+(?!(?:(?:khan(?: cap)?|gap|dot xuat|mat) )?(?:truc tuyen\b|online\b|(?:\d|hai|ba) (?:buoi|phien)\b|(?:vao|luc|tu|ngay|tai|sang|trua|chieu|toi|hom|mai|tuan|chu nhat)\s|thu (?:hai|ba|tu|nam|sau|bay|[2-7])\b|\d{1,2}\s*(?:h|g|gio|:)(?![a-z])|\d{1,2}\/\d{1,2}\b))(.{4,200}?)(?:\s*,?\s*du kien)?(?:\s+trong)?\s+(?:vao|luc|tu|ngay)\s/d.exec(
      folded,
    );
  const span = m?.indices?.[1];
  if (!span) return withoutCounterpart(aboutAfterMeeting(text, folded), matcher);
  // «họp trực tuyến khẩn với Sở … về X»: the urgency after «trực tuyến» is a flag, whom with is read as below (the
  // title was «với Sở Nông nghiệp và Môi trường về …»).
  const urgent = /^(?:khan(?: cap)?|gap|dot xuat)\s+(?=voi\s)/.exec(folded.slice(span[0], span[1]));
  const from = span[0] + (urgent ? urgent[0].length : 0);
  // «hội nghị trực tuyến với chủ đề X», «họp với nội dung X»: X is the content.
  const named = /^voi\s+(?:chu de|noi dung)\s*:?\s*/.exec(folded.slice(from, span[1]));
  if (named) return topicOf(text.slice(from + named[0].length, span[1]));
  if (!/^voi\s/.test(folded.slice(from)))
    return withoutCounterpart(topicOf(text.slice(from, span[1])), matcher);
  // «họp trực tuyến với UBND phường Ngọc Hà (vào 9h00 …) về việc X» (or «để X»): who attends is no content, X is;
  // without «về» or «để» the mail gives none and is asked for it. The sentence's own marks decide how «về» is read:
  // with marks «bảo vệ» is no «về».
  const sentence = text.slice(from).split(/[\n.;]/)[0]!;
  const marks = hasDiacritics(sentence);
  const about = marks ? /\s(?:[Vv]ề\s+(?:việc\s+)?|[Đđ]ể\s+)/ : /\s(?:ve\s+(?:viec\s+)?|de\s+(?!nghi))/;
  const source = marks ? text : folded;
  const inSpan = about.exec(source.slice(from, span[1]));
  if (inSpan) return topicOf(text.slice(from + inSpan.index + inSpan[0].length, span[1]));
  const rest = source.slice(span[1]).split(/[\n.;]/)[0]!;
  const later = about.exec(rest);
  return later ? topicOf(text.slice(span[1] + later.index + later[0].length, span[1] + rest.length)) : null;
}

/**
 * «họp trực tuyến lúc 14h00 ngày 10/12/2026 với UBND phường Ngọc Hà về việc X.», «dự cuộc họp trực tuyến về X.»
 * (a Giấy mời, its time on a line below): the time or the endpoints come before «về», or nothing follows the topic,
 * and the meeting's sentence names X all the same. The sentence's own marks decide how «về» is read («bảo vệ»).
 */
function aboutAfterMeeting(text: string, folded: string): string | null {
  for (const meeting of folded.matchAll(/\b(?:hoi nghi|cuoc hop|phien hop|hop)\b/g)) {
    const from = meeting.index + meeting[0].length;
    const sentence = text.slice(from).split(/[\n;]|\.(?!\d)/)[0]!;
    const marks = hasDiacritics(sentence);
    const about = marks ? /\s(?:[Vv]ề\s+(?:việc\s+)?|[Đđ]ể\s+)/ : /\s(?:ve\s+(?:viec\s+)?|de\s+(?!nghi))/;
    const hit = about.exec(marks ? sentence : folded.slice(from, from + sentence.length));
    if (!hit) continue;
    const start = from + hit.index + hit[0].length;
    const said = text.slice(start, from + sentence.length);
    // «về việc X vào lúc 9h00 …»: the time closes X.
    const when = /\s+(?:vao|luc|tu|ngay)\s/.exec(timeWordsAsMarked(said, foldKeepingIndex(said)));
    const topic = topicOf(when ? said.slice(0, when.index) : said);
    // «dời cuộc họp về 15h00», «về ngày 16/12»: a time after «về» is where the session goes, no topic.
    if (
      topic &&
      topic.length >= 4 &&
      !/^(?:\d|(?:ngay|luc|vao|sang|chieu|toi|tuan|thu|chu nhat|hom)\b)/.test(fold(topic))
    )
      return topic;
  }
  return null;
}

/**
 * The topic of a session as prose gives it after «họp»: «khẩn: Sở Y tế họp về phòng chống dịch …» is
 * «phòng chống dịch …». The urgency word is a flag (`flags`), not a title; «<who> họp về X» and «về X» name X.
 */
function topicOf(said: string): string | null {
  let rest = said.trim();
  const cut = (re: RegExp) => {
    const hit = re.exec(foldKeepingIndex(rest));
    if (hit) rest = rest.slice(hit[0].length).trim();
  };
  cut(/^(?:(?:khan(?: cap)?|dot xuat)\b\s*[:,\-–]?|gap\s*:)\s*/);
  // «họp trực tuyến mật (hội nghị quán triệt văn bản mật) lúc 9h», «họp trực tuyến mật về X»: the secrecy is a flag
  // (`secrecyOf`), not the content (the title read «mật (hội nghị …)»). Marked «mật» only: «mặt trận» is a word.
  const secret = /^(?:tối\s+|tuyệt\s+)?mật(?!\p{L})\s*(?=\(|[Vv]ề\s|[:\-–])[:\-–]?\s*/u.exec(
    rest.normalize("NFC"),
  );
  if (secret) rest = rest.normalize("NFC").slice(secret[0].length);
  // «Sở Y tế họp về …»: who meets is the host, not the topic; so is whom with («để xã họp với Sở … về …»). «phối
  // hợp», «tổng hợp», «kết hợp» are no «họp» («công tác phối hợp với … về …» is the content).
  const who =
    /^[^:;,]{2,80}?(?<!\b(?:phoi|tong|ket|phu|thich|hon))\s(?:to chuc )?hop(?: truc tuyen)?(?:\s+voi\s[^:;,]{2,120}?)?\s+(?=ve\s)/.exec(
      foldKeepingIndex(rest),
    );
  if (who) rest = rest.slice(who[0].length);
  // «về việc X»: «việc» belongs to «về» (the title read «việc tập huấn …»); «việc làm» is a word of its own.
  cut(/^ve\s+(?:viec\s+(?!lam\b))?/);
  // «họp về nội dung mật (tài liệu MẬT) vào 14h»: the secrecy is a flag (`secrecyOf`), not the content; what follows
  // it, if anything, is («nội dung mật liên quan đến X»). The marks tell «mật» from «mặt» («nội dung mặt trận»).
  const secrecy =
    /^(?:có\s+)?(?:nội dung|tài liệu)\s+(?:tối\s+|tuyệt\s+)?mật(?!\p{L})\s*(?:\((?:tài liệu\s+|nội dung\s+)?(?:tối\s+|tuyệt\s+)?mật\)\s*)?[:,\-–]?\s*(?:(?:liên quan (?:đến|tới)|về(?:\s+việc)?)\s+)?/iu.exec(
      rest.normalize("NFC"),
    );
  if (secrecy) rest = rest.normalize("NFC").slice(secrecy[0].length);
  // «giao ban …, thời gian: 9h00 ngày 10/12/2026»: the words that give the time close the content. So does an hour
  // right after the comma («giao ban công tác quản lý thị trường, 8h00 đến 10h00 ngày 14/12»: it was in the title).
  const when = /\s*[,;]\s*(?:thoi gian|du kien|\d{1,2}\s*(?:h|g|gio|:)(?:\s*\d{2})?(?![a-z]))/.exec(
    foldKeepingIndex(rest),
  );
  if (when) rest = rest.slice(0, when.index);
  // «họp khẩn cấp (phòng chống dịch cúm gia cầm) vào 16h00»: the brackets hold the whole content.
  rest = rest.trim();
  const bracketed = /^\(([^()]{4,})\)$/.exec(rest);
  if (bracketed) rest = bracketed[1]!;
  return rest.trim() || null;
}

/** Whether the text asks for a support (true), declines it (false: «không ghi hình», «Ghi hình: Không»), or is silent. */
type Said = boolean | null;

/**
 * Each mention of a flag in `original` (matched by `re`, global, over `original` or its folded twin, same indices),
 * read with its negation: «không (yêu cầu|sử dụng|cần…) ghi hình», «họp không khẩn», and the template's answer
 * after the label («Ghi âm, ghi hình: Không», «Họp đột xuất, khẩn cấp: không»). One mention not negated asks.
 */
function saidOf(re: RegExp, source: string, folded: string): Said {
  let said: Said = null;
  for (const m of source.matchAll(re)) {
    const from = m.index;
    const to = from + m[0].length;
    const before =
      folded
        .slice(Math.max(0, from - 40), from)
        .split(/[.;\n!?]/)
        .pop() ?? "";
    const after = folded.slice(to, to + 40).split(/[.;\n!?]/)[0] ?? "";
    const negated =
      /\b(?:khong|chua|ko)\b(?:\s+\S+){0,3}\s*$/.test(before) ||
      // «xin bỏ ghi hình», «hủy ghi hình», «thôi ghi hình»: right before the support, the verb withdraws it (the
      // reply went unanswered and the recording stayed); «bổ sung ghi hình» is no «bỏ».
      /\b(?:bo|huy(?: bo)?|thoi|ngung)\s*$/.test(before) ||
      /^[^:]{0,24}:\s*(?:khong|ko|no)\b/.test(after) ||
      /^\s*(?:khong|ko)\b/.test(after);
    if (!negated) return true;
    said = false;
  }
  return said;
}

/** The online meeting room at the city hall, as clerks name it (folded). */
const CITY_HALL_ROOM =
  /phong hop(?: truc tuyen)? (?:(?:tai|o) )?tru so (?:ubnd|uy ban)|phong hop truc tuyen (?:cua )?ubnd thanh pho/g;

/** What the text says of the three supports of Điều 12.2a, each asked, declined or not mentioned. */
export function supportsSaid(text: string): { emergency: Said; recording: Said; cityHallRoom: Said } {
  const folded = foldKeepingIndex(text);
  const marks = hasDiacritics(text);
  return {
    // «họp gấp» and the «hỏa tốc» mark of official letters say urgent as «khẩn» does; «gấp đôi» does not.
    // «Nội dung: kiểm tra đột xuất», «lãnh đạo bận công tác đột xuất»: the work is unplanned, not the meeting.
    emergency: marks
      ? saidOf(
          /khẩn(?!\s*trương)|(?<!(?:kiểm tra|thanh tra|công tác|nhiệm vụ|việc|phát sinh)\s)đột xuất|họp\s+gấp|h(?:ỏa|oả)\s*tốc/giu,
          text,
          folded,
        )
      : saidOf(
          /\bkhan\b(?! truong)|(?<!(?:kiem tra|thanh tra|cong tac|nhiem vu|viec|phat sinh)\s)\bdot xuat\b|\bhop gap\b|\bhoa toc\b/g,
          folded,
          folded,
        ),
    recording: saidOf(/\bghi (?:hinh|am)\b/g, folded, folded),
    cityHallRoom: saidOf(
      // «tại phòng họp trực tuyến trụ sở UBND Thành phố» (the room's own name in the directory) invited it as an
      // endpoint while the answer said «Phòng họp trực tuyến tại trụ sở UBND Thành phố: không».
      CITY_HALL_ROOM,
      folded,
      folded,
    ),
  };
}

function flags(text: string): Pick<ParsedBooking, "emergency" | "recording" | "cityHallRoom"> {
  const said = supportsSaid(text);
  return {
    emergency: said.emergency === true,
    recording: said.recording === true,
    cityHallRoom: said.cityHallRoom === true,
  };
}

function mergeFlags(a: ReturnType<typeof flags>, b: ReturnType<typeof flags>): ReturnType<typeof flags> {
  return {
    emergency: a.emergency || b.emergency,
    recording: a.recording || b.recording,
    cityHallRoom: a.cityHallRoom || b.cityHallRoom,
  };
}

/** The words before an hour to connect or get ready: «kết nối từ 7h00», «có mặt lúc», «kiểm tra kỹ thuật lúc». */
const PREP_WORD = /\b(?:ket noi|co mat|chuan bi|kiem tra|vao phong|san sang)\b[^\d\n;.]{0,16}$/;

/** The words before a length: «thời lượng», «trong (vòng)», «dự kiến (trong)», «khoảng», «kéo dài». */
// «kết thúc khoảng 16 giờ», «đến khoảng 16h»: after an end word, «khoảng» qualifies the end, it opens no length
// (the end was dropped and the default length booked). «trong thời gian 1 tiếng 30 phút» is a length.
const LENGTH_LEAD = String.raw`(?<!(?:ket thuc|den|toi|xong)\s+)(?:thoi luong|trong(?: vong| thoi gian)?|du kien(?: trong)?|khoang|keo dai)`;
const LENGTH_WORD = new RegExp(String.raw`${LENGTH_LEAD}\s*$`);
const LENGTH_HOURS = new RegExp(
  String.raw`${LENGTH_LEAD}\s*(\d{1,2})\s*(gio)(\s+ruoi|\s*[0-5]?\d\s*phut)?\b(?!\s*\d)`,
);

/**
 * A length the clerk gives instead of an end, in minutes: «dự kiến 03 tiếng», «trong 90 phút», «1 tiếng rưỡi».
 * The minutes of an hour («8 giờ 30 phút») are no length; more than half a day is not believed.
 */
function lengthSaid(folded: string, start: number): number | null {
  const hours = LENGTH_HOURS.exec(folded);
  const m =
    // «03 tiếng» is a length unless it says when to connect («kết nối trước 1 tiếng»); minutes need a length
    // word («trong 90 phút»): «trước 30 phút», «15 phút chuẩn bị» are no length of the session.
    // «1 tiếng 30 phút» is ninety minutes (it was read as one hour).
    /(?<!(?:\d\s*(?:h|g|gio)|:|truoc|sau|som|muon|cham nhat)\s*)\b(\d{1,3})\s*(tieng)(\s+ruoi|\s*[0-5]?\d\s*phut)?\b/.exec(
      folded,
    ) ??
    new RegExp(String.raw`${LENGTH_LEAD}\s*(\d{1,3})\s*(phut)()\b`).exec(folded) ??
    // «trong 2 giờ» is a length only after the start; before it, «khoảng 9 giờ» is the start.
    (hours && hours.index > start ? hours : null);
  if (!m) return null;
  const n = Number(m[1]);
  const extra = !m[3] ? 0 : /ruoi/.test(m[3]) ? 30 : Number(/\d+/.exec(m[3])![0]);
  const minutes = m[2] === "phut" ? n : n * 60 + extra;
  return minutes > 0 && minutes <= 12 * 60 ? minutes : null;
}

const hhmm = (t: { hour: number; minute: number }) =>
  `${String(t.hour).padStart(2, "0")}:${String(t.minute).padStart(2, "0")}`;

/**
 * Which of the hours after the start is the session's end, and whether the mail asks for another session.
 * «9h00 ngày 10/12 và 14h00 ngày 11/12»: an hour whose own date (the one written right after it) is another day
 * is no end on the first day. «9h00 và 14h00», «9h00-11h00 và 14h00-16h00», «…; chiều cùng ngày từ 14h00 đến
 * 16h30»: a second start the same day is another session, booked by a registration of its own; the clerk is told.
 */
function sessionsSaid(
  folded: string,
  times: TimeOfDay[],
  dates: { date: string; index: number }[],
  day: string,
): {
  end: TimeOfDay | null /** The other session's hours as written back («14:00–16:00»). */;
  other: string | null;
  /** The other session's start, as written. */
  otherStart?: TimeOfDay;
} {
  // The date written right after an hour, before any other hour: «14h00 ngày 11/12».
  const ownDate = (i: number) => {
    const t = times[i]!;
    const next = times[i + 1]?.index ?? Number.POSITIVE_INFINITY;
    return dates.find((d) => d.index > t.index && d.index - t.index <= 25 && d.index < next)?.date ?? null;
  };
  const between = (i: number) => folded.slice(times[i]!.index, times[i + 1]!.index);
  // Another session starts at hour i + 1: joined by «và», «;» or a new part of the day, not by a range word.
  // «8h00 với điểm cầu X, buổi chiều 14h00 với điểm cầu Y»: «buổi chiều» right before the hour opens a session.
  const startsAnother = (i: number) =>
    /\s(?:va|hoac)\s|;|\b(?:sang|chieu|toi)\s+(?:cung ngay|ngay|tu|luc)\b|\bbuoi\s+(?:sang|trua|chieu|toi)\s*(?:tu|luc|vao(?: luc)?)?\s*$/.test(
      between(i).replace(/^[^a-z]*/, " "),
    ) && !/\bden\b|\bket thuc\b|[-–]\s*$/.test(between(i));
  const isRange = (i: number) => /^[^,;.\n]{0,20}?(?:[-–]|\bden\b)\s*$/.test(between(i));
  let end: TimeOfDay | null = null;
  let next = 1;
  if (times[1] && !startsAnother(0)) {
    const own = ownDate(1);
    // «từ 20h ngày 10/12 đến 2h ngày 11/12»: a range's end stays as written, and the rules ask when it is not after
    // the start. «… và 14h00 ngày 11/12»: an hour joined otherwise, on another day, is that day's session, not this
    // one's end (the days are said back by the caller; this one keeps the default length).
    const ranged = /\b(?:den|toi)\b|ket thuc|[-–]\s*$/.test(between(0));
    if (ranged || own === null || own === day) end = times[1];
    next = 2;
  }
  const extra = times[next];
  if (!extra || (ownDate(next) !== null && ownDate(next) !== day)) return { end, other: null };
  const anotherRange = times[next + 1] && isRange(next) ? times[next + 1]! : null;
  if (!anotherRange && !startsAnother(next - 1)) return { end, other: null };
  return {
    end,
    other: anotherRange ? `${hhmm(extra)}–${hhmm(anotherRange)}` : hhmm(extra),
    otherStart: extra,
  };
}

/** The words before an hour that starts or moves a session: «bắt đầu lúc», «vào lúc», «đổi sang», «dời đến». */
const START_WORD =
  /(?:bat dau|vao(?: hoi)?(?: luc)?|luc|(?:doi|chuyen|hoan|lui)(?: gio| lich)?(?: hop)? (?:sang|den|toi|lai))\s*:?\s*$/;

/**
 * What the text outside a form's «Thời gian» says of the meeting's time. `start`: an hour after a start word
 * («Sở … đăng ký họp, bắt đầu lúc 14h00» above «Thời gian: ngày 10/12/2026»), for a field with a day and no hour.
 * `other`: a time that contradicts the booked one, as written back — an hour with its own date on another day
 * («lúc 14h00 ngày 11/12/2026»), or an hour after a start or move word that is not the booked hour («lưu ý đổi
 * sang 14h00»). A date alone (a cited plan's, the signature's) is no meeting time and is not compared.
 */
function outsideTimes(
  outside: string,
  booked: { date: string; hour: number; minute: number } | null,
  reference: Date,
  zone: string,
): { start: TimeOfDay | null; other: string | null } {
  const folded = foldKeepingIndex(outside);
  const times = findTimes(folded);
  const dates = findDates(outside, folded, reference, zone);
  const startWord = (t: TimeOfDay) => START_WORD.test(folded.slice(Math.max(0, t.index - 24), t.index));
  const start = times.find(startWord) ?? null;
  if (!booked) return { start, other: null };
  for (const [i, t] of times.entries()) {
    const next = times[i + 1]?.index ?? Number.POSITIVE_INFINITY;
    const d = dates.find((x) => x.index > t.index && x.index - t.index <= 25 && x.index < next);
    if (d && d.date !== booked.date) return { start, other: `${hhmm(t)} ngày ${dateVi(d.date)}` };
    if (!d && startWord(t) && (t.hour !== booked.hour || t.minute !== booked.minute))
      return { start, other: hhmm(t) };
  }
  return { start, other: null };
}

/** Words that ask for a session, or say when it is: «họp», «hội nghị», «tổ chức», «vào», «dự kiến», «diễn ra». */
const SESSION_WORD = /\b(?:hop|hoi nghi|to chuc|vao|du kien|dien ra)\b/;

/**
 * Words right before a date that make it a document's or a deadline's, not the session's: «Kế hoạch số
 * 12/KH-UBND ngày», «Quyết định 3125/QĐ-UBND ngày», «trước ngày», «hạn chót», «chậm nhất ngày», «ban hành ngày».
 */
const NOT_SESSION_DAY =
  /(?:\bso\s+\S*\d\S*|\d+\/[a-z][a-z0-9.-]*|\b(?:truoc|han(?: chot)?|thoi han|cham nhat|ban hanh|nop))\s*(?:ngay\s*)?$/;

/** The words of the sentence before `index`: from the last line break or full stop. */
function sentenceHead(folded: string, index: number): string {
  const before = folded.slice(0, index);
  let from = before.lastIndexOf("\n") + 1;
  const stops = [...before.slice(from).matchAll(/\.(?=\s)/g)];
  if (stops.length) from += stops.at(-1)!.index + 1;
  return before.slice(from);
}

/** A document's or a deadline's date («Kế hoạch số 12/KH-UBND ngày 15/11», «trước ngày 08/12»): no session's. */
function documentOrDeadline(folded: string, index: number): boolean {
  return NOT_SESSION_DAY.test(sentenceHead(folded, index));
}

/**
 * Whether the date at `index` of a mail's prose (folded, indices kept) is the day the session is asked for: in a
 * sentence that asks for the session, after its words («Sở … họp trực tuyến <any content> ngày 10/12/2026») or
 * opening it («Ngày 10/12/2026, Sở … tổ chức họp …»), and not a document's or a deadline's date. A letter's own
 * date («Hà Nội, ngày 05 tháng 12 năm 2026») stands on a line of its own and asks for nothing.
 */
function sessionDayInProse(folded: string, index: number): boolean {
  const head = sentenceHead(folded, index);
  if (NOT_SESSION_DAY.test(head)) return false;
  if (SESSION_WORD.test(head)) return true;
  // «Ngày 10/12/2026, Sở Công Thương tổ chức họp …»: the day opens the sentence that asks.
  const rest = folded.slice(index).split(/\n|\.(?=\s)/)[0]!;
  return /^\s*(?:vao\s+)?(?:ngay\s*)?$/.test(head) && /\b(?:hop|hoi nghi|to chuc)\b/.test(rest);
}

/** What `understand` is told besides the mail, the directory and the sender's agency: the regulation's figures. */
export interface Understanding {
  zone: string;
  defaultDurationMinutes: number;
  /** Office hours (local «HH:MM»): what «cả ngày» books. */
  workday?: { start: string; end: string };
}

/** A date written just before a weekday: «12/12/2026 (», «10/12 - », «ngày 10 tháng 12 năm 2026, ». */
const DATE_BEFORE_WEEKDAY =
  /(?:\d{1,2}\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{2,4})?|\bthang\s+\d{1,2}(?:\s+nam\s+\d{4})?)\s*[(,–-]?\s*$/;

/**
 * «ngày 12/12/2026 (thứ Bảy), từ 8h00»: a weekday right after a date is that date's name, not the weekday's next
 * occurrence (Saturday 05/12 was booked, the weekday being nearer the hour). The date keeps the name, so that a
 * weekday that is not its day is still told to the clerk; «thứ Tư tuần sau» after a date is a day of its own.
 */
function dayNamesAfterDates<D extends { index: number; weekday: number | null }>(
  dates: D[],
  folded: string,
): D[] {
  const out: D[] = [];
  for (const d of dates) {
    const after = folded.slice(d.index, d.index + 24);
    const prev = out.at(-1);
    if (
      d.weekday !== null &&
      prev &&
      prev.weekday === null &&
      d.index - prev.index <= 40 &&
      /^(?:thu|chu nhat)\b/.test(after) &&
      !/^(?:thu\s+\S+|chu nhat)\s+(?:cua\s+|trong\s+)?tuan\b/.test(after) &&
      DATE_BEFORE_WEEKDAY.test(folded.slice(Math.max(0, d.index - 40), d.index))
    ) {
      out[out.length - 1] = { ...prev, weekday: d.weekday };
      continue;
    }
    out.push(d);
  }
  return out;
}

/** The regulation's figures `understand` reads (a Regulation, or anything with them). */
export function understandingOf(reg: Understanding): Understanding {
  return { zone: reg.zone, defaultDurationMinutes: reg.defaultDurationMinutes, workday: reg.workday };
}

/**
 * A mail from `senderAgency`'s mailbox understood as a new booking: the one call MailDesk.route and the mail
 * reader's thread (read-worker.ts) both make, so that an answer read ahead is the answer the desk would make.
 */
export function understandNewBooking(
  facts: Parameters<typeof understand>[0],
  matcher: DirectoryMatcher,
  understanding: Understanding,
  senderAgency: string,
): ParsedBooking {
  return understand(facts, { matcher, ...understandingOf(understanding), senderAgency });
}

export interface UnderstandContext {
  matcher: DirectoryMatcher;
  zone: string;
  defaultDurationMinutes: number;
  /** The agency of the sender's mailbox, when it is an official one. */
  senderAgency: string | null;
  /** Office hours (local «HH:MM»): what «cả ngày» books. */
  workday?: { start: string; end: string };
}

/**
 * Read the Điều 12.2a fields out of a mail a clerk wrote. Pure given the mail facts and the directory. When the
 * mail has several readable bodies (an HTML table and a text part, a forward and the forwarder's note), the one
 * that yields the most complete booking wins; on a tie, the first.
 */
export function understand(
  facts: Pick<MailFacts, "text" | "subject" | "date"> & { alternatives?: string[]; signature?: string },
  ctx: UnderstandContext,
): ParsedBooking {
  // A mail system's disclaimer under the booking («… thông tin mật, nếu nhận nhầm xin xoá») says nothing of it.
  const texts = [facts.text, ...(facts.alternatives ?? []).filter((t) => t !== facts.text)].map((t) =>
    withEnglishHours(withoutLetterHead(withoutDisclaimer(t))),
  );
  let best: ParsedBooking | null = null;
  let bestText = "";
  const readings: ParsedBooking[] = [];
  for (const text of texts) {
    const parsed = understandText({ ...facts, text }, ctx);
    readings.push(parsed);
    if (!best || score(parsed) > score(best)) {
      best = parsed;
      bestText = text;
    }
  }
  const read = withOtherBodysTime(
    withNotesContact(best!, readings),
    bestText,
    texts,
    facts.date ?? new Date(),
    ctx.zone,
  );
  return withSubjectsTime(read, bestText, facts, ctx);
}

/**
 * A forwarded Giấy mời with no contact of its own, under the forwarder's «Liên hệ: Lâm Thị Ngọc, 0983210456»: the
 * clerk who forwards it is the contact (the note's contact was dropped, and the clerk asked for the one they wrote).
 */
function withNotesContact(best: ParsedBooking, readings: ParsedBooking[]): ParsedBooking {
  if (!best.missing.includes("contact")) return best;
  const contact = readings.find((p) => p !== best && p.contact?.name && p.contact.phone)?.contact;
  return contact ? { ...best, contact, missing: best.missing.filter((f) => f !== "contact") } : best;
}

/**
 * «Đăng ký họp trực tuyến 9h00 ngày 10/12/2026» as the subject of a mail whose body gives no hour and no day: the
 * subject's time is booked (the clerk was asked for a time they had written), and the answer says where it came
 * from. A body with any hour or day of its own is read alone.
 */
function withSubjectsTime(
  best: ParsedBooking,
  bestText: string,
  facts: Pick<MailFacts, "subject" | "date">,
  ctx: UnderstandContext,
): ParsedBooking {
  if (best.start || !facts.subject) return best;
  const subject = facts.subject
    .replace(/^\s*(?:(?:re|fw|fwd|tl|tr|chuyển tiếp|trả lời)\s*:\s*)+/iu, "")
    .replace(/\[HTT-\d{4}-\d+\]/giu, " ")
    .trim();
  const reference = facts.date ?? new Date();
  const folded = foldKeepingIndex(bestText);
  if (findTimes(folded).length || findDates(bestText, folded, reference, ctx.zone).length) return best;
  const fromSubject = understandText({ subject: "", text: subject, date: facts.date }, ctx);
  if (!fromSubject.start) return best;
  return {
    ...best,
    start: fromSubject.start,
    end: fromSubject.end,
    missing: best.missing.filter((f) => f !== "start"),
    warnings: [
      ...best.warnings,
      ...fromSubject.warnings.filter((w) => !/cơ quan chủ trì/.test(w)),
      `thời gian họp được lấy từ tiêu đề thư («${subject}»); đề nghị kiểm tra lại.`,
    ],
  };
}

/**
 * «Đề nghị đổi sang 14h00» in a forwarder's note above a forwarded form that says 9h00: the form is booked, and the
 * note's other hour (one after a start or move word, or with another day) is said back instead of ignored. The
 * other readable bodies of the same mail (its HTML and text parts) carry the same hours and add nothing.
 */
function withOtherBodysTime(
  best: ParsedBooking,
  bestText: string,
  texts: string[],
  reference: Date,
  zone: string,
): ParsedBooking {
  if (!best.start || texts.length < 2) return best;
  const [hour, minute] = localTimeOf(best.start, zone).split(":").map(Number);
  const booked = { date: localDateOf(best.start, zone), hour: hour!, minute: minute! };
  for (const text of texts) {
    if (text === bestText || text.includes(bestText) || bestText.includes(text)) continue;
    const other = outsideTimes(text, booked, reference, zone).other;
    if (!other) continue;
    const when = `${localTimeOf(best.start, zone)} ngày ${dateVi(booked.date)}`;
    const said = `ngoài phần đăng ký, thư còn ghi ${other}; lịch được xếp theo phần đăng ký (${when}), đề nghị kiểm tra lại.`;
    return best.warnings.includes(said) ? best : { ...best, warnings: [...best.warnings, said] };
  }
  return best;
}

/** «V/v tổ chức họp trực tuyến giao ban công tác tháng 12»: a dispatch's subject line, the content when nothing else is. */
function titleFromSubjectLine(text: string): string | null {
  const m = /^[ \t]*(?:v\/v|về việc|ve viec)[ \t]*:?[ \t]+([^\n]{4,200})$/imu.exec(text);
  return m ? withoutMeetingKind(m[1]!.trim()) : null;
}

/** «Họp trực tuyến sơ kết …» → «sơ kết …»: the words after the kind of meeting, or null when too few are left. */
function withoutMeetingKind(said: string): string | null {
  const kind =
    /^(?:(?:de nghi|dang ky|xin)\s+)?(?:(?:to chuc|ho tro)\s+)?(?:(?:cuoc|phien)\s+)?(?:hoi nghi|hop)(?:\s+truc tuyen)?\s*/.exec(
      foldKeepingIndex(said),
    );
  const rest = kind ? said.slice(kind[0].length).trim() : said;
  return rest.length >= 4 ? rest : null;
}

/**
 * A forwarded «GIẤY MỜI»: the line under the heading is the invitation's title («Họp trực tuyến sơ kết công tác quản
 * lý thị trường năm 2026»), the session's content. It was not read, and the clerk was asked for the content.
 */
function titleFromInvitation(text: string): string | null {
  const m = /^[ \t]*giay moi[ \t]*\n(?:[ \t]*\n)*[ \t]*(\S[^\n]{3,199})$/m.exec(foldKeepingIndex(text));
  if (!m || /^(?:kinh gui|so\b|ngay\b|thoi gian|dia diem)/.test(m[1]!)) return null;
  const at = m.index + m[0].length - m[1]!.length;
  const line = text
    .slice(at, at + m[1]!.length)
    .trim()
    .replace(/^\((.*)\)$/u, "$1")
    .replace(/^(?:v\/v|về việc|ve viec)[ \t]*:?[ \t]*/iu, "");
  return withoutMeetingKind(line);
}

/**
 * The agency a mail says registers («Thực hiện chỉ đạo …, Sở Y tế đăng ký họp …»), when it is not `host`: the
 * clause right before the first «đăng ký / đề nghị … họp» names agencies and `host` is none of them.
 */
function otherRegistrant(matcher: DirectoryMatcher, text: string, host: string | null): string | null {
  const folded = foldKeepingIndex(text);
  const verb =
    /\b(?:xin\s+)?(?:dang ky|de nghi)\s+(?:(?:to chuc|ho tro|to chuc ho tro)\s+)?(?:(?:cuoc|phien)\s+)?(?:hop|hoi nghi)\b/.exec(
      folded,
    );
  if (!verb) return null;
  const clauseStart =
    Math.max(...[",", ".", ";", ":", "\n"].map((c) => folded.lastIndexOf(c, verb.index))) + 1;
  const clause = text.slice(clauseStart, verb.index);
  if (clause.length > 80) return null;
  const named = matcher.scanAgencies(` ${clause} `);
  return named.length && !named.includes(host ?? "") ? named.at(-1)! : null;
}

/** Whether a sentence of `text` says `chair` chairs or holds the session («Chủ tịch UBND Thành phố chủ trì …»). */
function chairedBy(matcher: DirectoryMatcher, text: string, chair: string): boolean {
  return text
    .split(/[.;\n]/)
    .some((s) => /\b(?:chu tri|to chuc)\b/.test(fold(s)) && matcher.namesItself(s, chair));
}

/** How much of a booking a reading found: complete fields first, then fewer unknown names. */
function score(p: ParsedBooking): number {
  return (REQUIRED_FIELDS.length - p.missing.length) * 100 + p.participants.length - p.unresolved.length * 10;
}

/**
 * The content as the answer says it: «nội dung: giao ban, đề nghị không ghi hình» ends where the next request or
 * field begins (the request was part of the title); «"Tổng kết công tác năm 2026"» loses its quotes.
 */
function titleCleaned(said: string): string | null {
  let title = said.trim();
  const next =
    /\s*[,;]\s*(?:de nghi|xin|dong thoi|thanh phan|(?:co |khong )?ghi (?:hinh|am)|lien he|nguoi lien he|dau moi)\b/.exec(
      foldKeepingIndex(title),
    );
  if (next && next.index >= 4) title = title.slice(0, next.index);
  // «… sửa đổi, từ 8 giờ 30», «… phòng chống dịch sốt xuất huyết ạ.»: the comma before the time and the polite «ạ»
  // close the sentence, not the content (the answer said «Nội dung: … sửa đổi,.»).
  title = title
    .replace(/[\s.,;:]+$/u, "")
    .replace(/\s+(?:ạ|nhé)$/iu, "")
    .replace(/[\s.,;:]+$/u, "")
    .trim();
  const quoted = /^["“«'](.{4,})["”»']$/su.exec(title);
  if (quoted && !/["“”«»]/u.test(quoted[1]!)) title = quoted[1]!.trim();
  return title || null;
}

/** «điểm cầu chính tại X», «điểm cầu chủ trì đặt tại X», «điểm cầu chủ trì là X» (folded): X is where the host sits. */
const HOST_AT_SAID = /\bdiem cau (?:chinh|chu tri)\s+(?:(?:duoc\s+)?dat\s+)?(?:tai|o|la)\s+([^,;.\n]{3,80})/;

function understandText(
  facts: Pick<MailFacts, "text" | "subject" | "date"> & { signature?: string },
  ctx: UnderstandContext,
): ParsedBooking {
  const text = withEnglishHours(facts.text);
  const fields = labelledFields(text);
  const reference = facts.date ?? new Date();
  const warnings: string[] = [];

  // Host: the labelled field, else the sender's agency, else the first agency the text names («Điểm cầu chủ trì:»
  // names the agency too when the mail comes from no agency's mailbox).
  // «Chủ trì: đồng chí Giám đốc Sở», «Chủ trì: Lãnh đạo Sở»: the line names who chairs, a person of the sender's
  // own agency, no agency of its own (it was answered «không nhận ra cơ quan chủ trì «đồng chí Giám đốc Sở»»).
  if (
    fields.host &&
    ctx.senderAgency &&
    !ctx.matcher.agency(fields.host) &&
    ctx.matcher.scanAgencies(fields.host).length === 0 &&
    /^(?:(?:dong chi|d c|ong|ba)\s+)?(?:lanh dao|pho giam doc|giam doc|pho chu tich|chu tich|bi thu|pho bi thu|chanh van phong|truong ban|pho truong ban|thu truong)\b/.test(
      fold(fields.host),
    )
  )
    delete fields.host;
  let host: string | null = fields.host ? ctx.matcher.agency(fields.host) : null;
  if (!fields.host && fields.hostAt && !ctx.senderAgency) host = ctx.matcher.agency(fields.hostAt);
  if (fields.host && !host)
    warnings.push(`không nhận ra cơ quan chủ trì «${fields.host}» trong danh bạ; đề nghị kiểm tra lại.`);
  host ??= ctx.senderAgency ?? ctx.matcher.scanAgencies(text)[0] ?? null;
  // Điều 11.1: a chair's office (Văn phòng UBND Thành phố) notifies the sessions its chair chairs. Its notice that
  // says the chair chairs («đồng chí Chủ tịch UBND Thành phố chủ trì …») is the chair's session, at the chair's
  // endpoint; the office's own meetings stay the office's.
  const chair = !fields.host && host === ctx.senderAgency && host ? ctx.matcher.chairNotifiedBy(host) : null;
  const notifier = chair && chairedBy(ctx.matcher, `${facts.subject}\n${text}`, chair) ? host : null;
  if (notifier) host = chair;
  // «Sở Y tế đăng ký họp khẩn …» from Sở Công Thương's mailbox: the booking is the mailbox's agency's (Điều 12.2a),
  // and the other agency would connect as an endpoint without a word; its clerk is told which host was recorded.
  const asker = !fields.host && host === ctx.senderAgency ? otherRegistrant(ctx.matcher, text, host) : null;
  if (asker && host)
    warnings.push(
      `thư ghi ${asker} đăng ký họp nhưng được gửi từ hộp thư của ${host}; lịch họp ghi cơ quan chủ trì là ${host}. Nếu ${asker} chủ trì, đề nghị ${asker} gửi đăng ký từ hộp thư công vụ của mình (Điều 12.2a).`,
    );
  // «Sở Công Thương và Sở Y tế đề nghị đồng chủ trì»: a booking has one host; the other agency connects as a
  // participant, and the clerk is told rather than finding one name dropped from «Cơ quan chủ trì».
  if (host && /\b(?:dong|cung) chu tri\b/.test(fold(text)))
    warnings.push(
      `thư đề nghị đồng chủ trì; lịch họp ghi một cơ quan chủ trì (${host}), các cơ quan khác tham dự như điểm cầu thành phần; nếu cần đổi cơ quan chủ trì, đề nghị trả lời thư này.`,
    );

  // Participants: the labelled list phrase by phrase, else every endpoint the prose names but the host's.
  const participants: string[] = [];
  const unresolved: string[] = [];
  const suggestions: Record<string, string[]> = {};
  // The office that notifies («Văn phòng UBND Thành phố thông báo …») is not a place of the session.
  const hostEndpoints = new Set(
    [host, notifier].flatMap((a) => (a ? ctx.matcher.scan(a).map((h) => h.code) : [])),
  );
  // The prose the endpoints were read from, when no labelled list gave them: two sessions may each name their own.
  let prose: string | null = null;
  // «Thành phần: Điểm cầu chính tại Sở Công Thương; UBND phường Ngọc Hà; …», «Điểm cầu chính tại Hội trường UBND
  // phường Ngọc Hà.» in prose: where the host sits, as «Điểm cầu chủ trì:» says it (it was an unknown endpoint).
  const hostAtSaid = fields.hostAt ? null : HOST_AT_SAID.exec(foldKeepingIndex(text));
  if (hostAtSaid)
    fields.hostAt = text.slice(
      hostAtSaid.index + hostAtSaid[0].length - hostAtSaid[1]!.length,
      hostAtSaid.index + hostAtSaid[0].length,
    );
  if (fields.participants) {
    const named = fields.participants
      .split(/([,;\n])/)
      .filter((chunk) => !/^\s*(?:[-•*+]\s*)?diem cau (?:chinh|chu tri)\b/.test(fold(chunk)))
      .join("");
    const list = resolveParticipants(ctx.matcher, named);
    participants.push(...list.codes);
    unresolved.push(...list.unresolved);
    Object.assign(suggestions, list.suggestions);
  } else {
    const contactLine = contactFromProse(text) ?? "";
    prose = addressesCut(contactLine ? text.replace(contactLine, " ") : text);
    const found = proseEndpoints(ctx.matcher, prose, hostEndpoints);
    participants.push(...found.codes);
    unresolved.push(...found.unresolved);
    Object.assign(suggestions, found.suggestions);
  }

  // «Có sử dụng phòng họp trực tuyến tại trụ sở UBND Thành phố: không.»: the room declined is no endpoint (its name
  // in the sentence booked it while the answer said «không»).
  if (supportsSaid(text).cityHallRoom === false)
    for (const m of foldKeepingIndex(text).matchAll(CITY_HALL_ROOM)) {
      const said = text.slice(m.index).split(/[.;:\n]/)[0]!;
      for (const hit of ctx.matcher.scan(said))
        if (participants.includes(hit.code)) participants.splice(participants.indexOf(hit.code), 1);
    }

  // «Điểm cầu chủ trì: Hội trường UBND phường Ngọc Hà» from Sở Công Thương: the session is hosted there, not at
  // the Sở's own endpoint (the line was taken for an unknown host agency and the Sở's endpoint booked).
  let hostEndpoint: string | null = null;
  if (fields.hostAt) {
    const at = hostEndpointSaid(ctx.matcher, fields.hostAt);
    if (at && !hostEndpoints.has(at)) hostEndpoint = at;
    else if (!at)
      warnings.push(
        `không nhận ra điểm cầu chủ trì «${fields.hostAt}» trong danh bạ; lịch họp ghi điểm cầu của cơ quan chủ trì, đề nghị kiểm tra lại.`,
      );
    if (hostEndpoint && participants.includes(hostEndpoint))
      participants.splice(participants.indexOf(hostEndpoint), 1);
    // «…, nội dung giao ban với UBND phường Ngọc Hà. Điểm cầu chính tại Hội trường UBND phường Ngọc Hà.» from Sở
    // Nội vụ: the unit named is where the session is hosted, so the host agency's own endpoint is the other end
    // (the booking had no participant and was sent back for one). Said back for the clerk to correct.
    const own = host ? ctx.matcher.scan(host)[0]?.code : undefined;
    if (hostEndpoint && own && !participants.length && !unresolved.length) {
      participants.push(own);
      warnings.push(
        `điểm cầu chính đặt tại ${ctx.matcher.nameOf(hostEndpoint) ?? hostEndpoint}; lịch này hiểu là điểm cầu ${ctx.matcher.nameOf(own) ?? own} tham dự, nếu không đúng, đề nghị trả lời ghi rõ các điểm cầu tham dự.`,
      );
    }
  }

  // «UBND quận Cầu Giấy» in a 2024 list: the unit is gone (its wards were merged and renamed), so no guess can
  // stand for it; the clerk is told why the name is asked about.
  const gone = unresolved.filter((u) => /^(?:ubnd |uy ban nhan dan )?(?:quan|huyen|thi xa)\s/.test(fold(u)));
  if (gone.length)
    warnings.push(
      `từ 01/07/2025 Hà Nội không còn cấp quận, huyện, thị xã (Nghị quyết 1656/NQ-UBTVQH15); đề nghị ghi tên phường, xã mới của điểm cầu (${gone.map((u) => `«${u}»`).join(", ")}).`,
    );

  // Time: inside the labelled field when there is one, else the whole text.
  // «từ 9h30 (thay vì 9h00 như thông báo trước) đến 11h00»: the replaced hour is no hour of the session.
  const scope = withoutReplacedTimes(fields.time ?? text);
  const foldedScope = foldKeepingIndex(scope);
  // «8h30, thời lượng 2 giờ»: an hour after a length word, once the start is given, is the length, not the end.
  const said = findTimes(foldedScope).filter(
    (t, i) => i === 0 || !LENGTH_WORD.test(foldedScope.slice(Math.max(0, t.index - 24), t.index)),
  );
  // «7h30 (các điểm cầu kết nối từ 7h00)»: when to connect is neither the start nor the end of the session.
  const prep = (t: TimeOfDay) => PREP_WORD.test(foldedScope.slice(Math.max(0, t.index - 40), t.index));
  const kept = said.some((t) => !prep(t)) ? said.filter((t) => !prep(t)) : said;
  // «vào 9h00 ngày 11/12/2026, từ 9h00 đến 11h30»: the start said again to open its range is no end (the session
  // ended at 09:00). «từ 9h đến 9h» stays as written, for the rules to ask about.
  // «14h ngày 10/12/2026 …. Thời gian: 14h đến 16h30»: so is the start said again before a range to its end (the
  // session ended at 14:00 + the default length, the end written dropped).
  const again = kept[1];
  const rangeAfter = (i: number) =>
    kept[i + 1] !== undefined &&
    /^[^,;.\n]{0,20}?(?:[-–]|\bden\b|\btoi\b)\s*$/.test(
      foldedScope.slice(kept[i]!.index, kept[i + 1]!.index),
    );
  const times =
    again &&
    again.hour === kept[0]!.hour &&
    again.minute === kept[0]!.minute &&
    ((/\btu\s*$/.test(foldedScope.slice(Math.max(0, again.index - 8), again.index)) &&
      !/\btu\s*$/.test(foldedScope.slice(Math.max(0, kept[0]!.index - 8), kept[0]!.index))) ||
      (!rangeAfter(0) && rangeAfter(1)))
      ? kept.filter((_, i) => i !== 1)
      : kept;
  // «đề nghị các đơn vị gửi báo cáo trước ngày 08/12/2026; cuộc họp diễn ra ngày 10/12/2026» after «lúc 9h00»:
  // a deadline or a cited document's date is no day of the session (the deadline, nearer the hour, was booked).
  const dates = dayNamesAfterDates(
    findDates(scope, foldedScope, reference, ctx.zone).filter(
      (d) => !documentOrDeadline(foldedScope, d.index),
    ),
    foldedScope,
  );
  // "Thực hiện Kế hoạch số 12/KH-UBND ngày 15/11/2026…, đăng ký họp 9h00 ngày 10/12/2026": the meeting's date is
  // the one nearest its hour, not the first the mail cites.
  const nearestTime = (d: { index: number }) => (times[0] ? Math.abs(d.index - times[0].index) : d.index);
  // «9h00 thứ Hai 31/11»: a day no calendar has is asked about, not guessed. The weekday before it qualifies it,
  // so it is not «next Monday» either.
  const invalid = findInvalidDates(foldedScope, reference, ctx.zone);
  const qualifiesInvalid = (d: { index: number; weekday: number | null }) =>
    d.weekday !== null && invalid.some((x) => x.index > d.index && x.index - d.index <= 20);
  let date =
    [...dates].filter((d) => !qualifiesInvalid(d)).sort((a, b) => nearestTime(a) - nearestTime(b))[0] ??
    (fields.time && !invalid.length
      ? findDates(text, foldKeepingIndex(text), reference, ctx.zone)[0]
      : undefined);
  const wrong = [...invalid].sort((a, b) => nearestTime(a) - nearestTime(b))[0];
  if (wrong && (!date || nearestTime(wrong) < nearestTime(date))) {
    warnings.push(`ngày ${wrong.written} không có trong lịch; đề nghị gửi lại ngày họp.`);
    date = undefined;
  }
  // «8h30 ngày 10/12 và 11/12», «từ 8h ngày 10/12 đến 11h ngày 11/12»: one booking is one session on one day.
  // Only dates written as dates: «(Thứ Năm)» after «ngày 10 tháng 12» is that day's name, not next Thursday.
  const days = [
    ...new Set(
      dates
        .filter((d) => !qualifiesInvalid(d) && !/^(?:thu|chu nhat)\b/.test(foldedScope.slice(d.index)))
        .map((d) => d.date),
    ),
  ];
  // In prose, the days of the sentence that gives the booked one: «từ 14h đến 16h các ngày 10 và 11/12/2026», «từ
  // 8h00 ngày 10/12 đến 17h00 ngày 11/12» booked one day and said nothing of the other.
  const sentenceOf = (i: number) => [...foldedScope.slice(0, i).matchAll(SENTENCE_END)].length;
  const proseDays =
    !fields.time && date
      ? [
          ...new Set(
            dates
              .filter(
                (d) =>
                  !qualifiesInvalid(d) &&
                  !/^(?:thu|chu nhat)\b/.test(foldedScope.slice(d.index)) &&
                  sentenceOf(d.index) === sentenceOf(date.index),
              )
              .map((d) => d.date),
          ),
        ]
      : [];
  if (proseDays.length > 1) days.splice(0, days.length, ...proseDays);
  if ((fields.time || proseDays.length > 1) && date && days.length > 1) {
    warnings.push(
      `thư ghi nhiều ngày (${days.map(dateVi).join(", ")}); lịch này chỉ xếp cho ngày ${dateVi(date.date)}, đề nghị gửi đăng ký riêng cho từng ngày còn lại.`,
    );
  }
  if (date?.weekday && isoWeekday(date.date) !== date.weekday) {
    const day = dateVi(date.date);
    warnings.push(
      `thư ghi ${weekdayNameVi(date.weekday)} nhưng ngày ${day} là ${weekdayNameVi(isoWeekday(date.date))}; lịch được xếp theo ngày ${day}, đề nghị kiểm tra lại.`,
    );
  }
  if (!date && !wrong && times[0]) {
    // «9h00 ngày mười tháng chạp»: the hour was read, the day was not; the clerk is told which words.
    // «thứ Hai tuần cuối tháng 12»: a week the reader cannot place is quoted the same way.
    const worded =
      /\b(?:ngay|mung|mong)\s+[a-z\d ]{1,30}?\s+thang\s+[a-z\d]+(?:\s+(?:mot|hai))?\b/.exec(foldedScope) ??
      /\b(?:thu\s+(?:hai|ba|tu|nam|sau|bay|[2-7])|chu nhat)[\s,]+(?:(?:cua|trong|cung)\s+)?tuan(?:\s+(?!(?:tu|den|luc|vao|sang|chieu|trua|toi|tai)\b)(?!\d+\s*[hg:])[a-z\d/]+){1,6}/.exec(
        foldedScope,
      );
    warnings.push(
      worded
        ? `chưa hiểu ngày họp «${scope.slice(worded.index, worded.index + worded[0].length)}»; đề nghị ghi ngày bằng số, ví dụ 10/12/2026.`
        : `đã hiểu giờ bắt đầu ${hhmm(times[0])} nhưng chưa thấy ngày họp; đề nghị gửi ngày họp, ví dụ 10/12/2026.`,
    );
  }
  const outside =
    fields.time && date
      ? outsideTimes(
          text.replace(fields.time, " "),
          times[0] ? { date: date.date, hour: times[0].hour, minute: times[0].minute } : null,
          reference,
          ctx.zone,
        )
      : null;
  if (outside?.other && date)
    warnings.push(
      `ngoài mục thời gian, thư còn ghi ${outside.other}; lịch được xếp theo mục thời gian (${hhmm(times[0]!)} ngày ${dateVi(date.date)}), đề nghị kiểm tra lại.`,
    );
  let start: Date | null = null;
  let end: Date | null = null;
  // A note naming each session's endpoints, and how it reads without them (a secret session's answer names none).
  let sessionNote: { at: number; plain: string } | null = null;
  // The day said without an hour, kept on the booking so that the reply may give the hour alone.
  let dayOnly: string | null = null;
  if (date && times[0]) {
    const morning = saidMorning(foldedScope);
    const at = (t: { hour: number; minute: number }) => {
      const hour = morning && t.hour >= 12 && t.hour - 12 <= 5 ? t.hour - 12 : t.hour;
      return wallClockInstant(date.date, hour, t.minute, ctx.zone);
    };
    start = at(times[0]);
    const second = sessionsSaid(foldedScope, times, dates, date.date);
    if (second.end) {
      // «từ 20h đến 2h»: a bare hour up to 5 reads as afternoon («2h» is 14:00), but not as the end of a session
      // that starts later than that afternoon hour; the question back then quotes the hour as written (02:00).
      const e = second.end;
      const saidPeriod = /^\d{1,2}\s*(?:h|g|gio|:)?\s*\d{0,2}\s*(?:phut)?\s*,?\s*(?:chieu|toi)/.test(
        foldedScope.slice(e.index),
      );
      const bare = e.hour >= 13 && e.hour <= 17 && !saidPeriod && times[0].hour > e.hour;
      end = at(bare ? { hour: e.hour - 12, minute: e.minute } : e);
    }
    // An end at or before the start stays as written: the rules ask the clerk rather than guess a length.
    const length = second.end ? null : lengthSaid(foldedScope, times[0].index);
    end ??= new Date(start.getTime() + (length ?? ctx.defaultDurationMinutes) * 60_000);
    // The same hours again on another day («10/12/2026 8h00 - 11h00; 11/12/2026 8h00 - 11h00») are said once, by
    // the note about the days.
    const sameHours = second.other === `${localTimeOf(start, ctx.zone)}–${localTimeOf(end, ctx.zone)}`;
    if (second.other && !(sameHours && dates.length > 1)) {
      const booked = `${localTimeOf(start, ctx.zone)}–${localTimeOf(end, ctx.zone)}`;
      // «Buổi sáng 8h00 … điểm cầu UBND phường Ba Đình; buổi chiều 14h00 … điểm cầu UBND phường Đống Đa»: each
      // session keeps the endpoints of its own words (both were booked into the first); names said once for
      // all sessions stay with all. What was understood of each session is said back, so a wrong split is seen.
      const each =
        prose !== null && second.otherStart
          ? endpointsBySession(ctx.matcher, prose, times[0], second.otherStart, hostEndpoints)
          : null;
      if (each?.split) {
        participants.splice(0, participants.length, ...each.first.codes);
        unresolved.splice(0, unresolved.length, ...each.first.unresolved);
        for (const k of Object.keys(suggestions)) if (!unresolved.includes(k)) delete suggestions[k];
        Object.assign(suggestions, each.first.suggestions);
        sessionNote = {
          at: warnings.length,
          plain: `thư ghi thêm một phiên lúc ${second.other}; lịch này chỉ xếp phiên ${booked}, đề nghị gửi đăng ký riêng cho phiên còn lại (mỗi phiên ghi điểm cầu riêng).`,
        };
        warnings.push(
          `thư ghi thêm một phiên lúc ${second.other} với điểm cầu ${namesOf(ctx.matcher, each.other)}; lịch này chỉ xếp phiên ${booked} với điểm cầu ${namesOf(ctx.matcher, each.first)}, đề nghị gửi đăng ký riêng cho phiên còn lại.`,
        );
      } else {
        warnings.push(
          `thư ghi thêm một phiên lúc ${second.other}; lịch này chỉ xếp phiên ${booked}, đề nghị gửi đăng ký riêng cho phiên còn lại.`,
        );
        if (each) {
          sessionNote = {
            at: warnings.length,
            plain:
              "thư chỉ ghi điểm cầu ở một phiên; lịch này hiểu là các phiên cùng các điểm cầu đã ghi, nếu không đúng, đề nghị trả lời ghi rõ điểm cầu của từng phiên.",
          };
          warnings.push(
            `thư chỉ ghi điểm cầu ở một phiên; lịch này hiểu là các phiên cùng các điểm cầu ${namesOf(ctx.matcher, { codes: participants, unresolved })}, nếu không đúng, đề nghị trả lời ghi rõ điểm cầu của từng phiên.`,
          );
        }
      }
    }
  } else if (date && ctx.workday && /\b(?:ca|suot) ngay\b/.test(foldedScope)) {
    // «cả ngày 10/12»: the working day, said back in the answer for the clerk to correct.
    const [sh, sm] = ctx.workday.start.split(":").map(Number);
    const [eh, em] = ctx.workday.end.split(":").map(Number);
    start = wallClockInstant(date.date, sh!, sm!, ctx.zone);
    end = wallClockInstant(date.date, eh!, em!, ctx.zone);
  } else if (date && fields.time && outside?.start) {
    // «Thời gian: ngày 10/12/2026» under «…, bắt đầu lúc 14h00»: the prose gives the hour the form left out.
    start = wallClockInstant(date.date, outside.start.hour, outside.start.minute, ctx.zone);
    end = new Date(start.getTime() + ctx.defaultDurationMinutes * 60_000);
  } else if (date) {
    // «đăng ký họp trực tuyến ngày 10/12/2026, chi tiết theo Giấy mời đính kèm»: in prose, a day the meeting is
    // said to be on in the sentence that asks for it, however long its content («… họp trực tuyến giao ban công
    // tác chuyên đề về chuyển đổi số với UBND phường Ngọc Hà ngày 10/12/2026»: a day more than 25 characters
    // after «họp» was not said back), and not a document's («Kế hoạch số 12/KH-UBND ngày 15/11») or a deadline's
    // («gửi báo cáo trước ngày 08/12»). It was asked for «thời gian họp» with no word that the day had been read.
    const day = fields.time
      ? date
      : dates.find((d) => !qualifiesInvalid(d) && sessionDayInProse(foldedScope, d.index));
    // «chiều mai», «sáng thứ 6 tuần sau», «buổi sáng ngày 24/12»: the day was understood, and the clerk is told
    // which, with the hour asked. The booking keeps the day, so a reply of «8h30» alone books it (it was answered
    // «thư trả lời ghi giờ họp nhưng không ghi ngày họp», after the desk had said which day it understood).
    if (day) {
      dayOnly = day.date;
      // The example fits the part of the day said (with its marks: folded, «sáng» is «sang», «dời sang»).
      const period = /(?<!\p{L})(sáng|trưa|chiều|tối)(?!\p{L})/u.exec(
        scope.normalize("NFC").toLowerCase(),
      )?.[1];
      const example =
        { sáng: "8h00 đến 10h00", trưa: "11h00 đến 12h00", chiều: "14h00 đến 16h00", tối: "19h00 đến 21h00" }[
          period ?? "sáng"
        ] ?? "8h00 đến 10h00";
      warnings.push(
        `đã hiểu ngày họp là ${dayVi(day.date)} nhưng chưa rõ giờ bắt đầu; đề nghị trả lời thư này ghi giờ bắt đầu và giờ kết thúc, ví dụ «${example}».`,
      );
    }
  }

  // «họp khẩn 6h00 sáng mai» written at 02:00: «mai» is read as the calendar's next day, though a clerk awake past
  // midnight may mean the coming morning. The day booked is said, with how to correct it.
  const sentAt = localTimeOf(reference, ctx.zone);
  const relative =
    date && start ? /^(?:sang|trua|chieu|toi|ngay) mai\b/.exec(foldedScope.slice(date.index)) : null;
  if (relative && date && sentAt < "05:00") {
    const sentDay = dateVi(localDateOf(reference, ctx.zone));
    warnings.push(
      `thư gửi lúc ${sentAt} ngày ${sentDay}; «${scope.slice(date.index, date.index + relative[0].length)}» được hiểu là ngày ${dateVi(date.date)}; nếu là ngày ${sentDay}, đề nghị trả lời ghi rõ ngày họp.`,
    );
  }

  // «hằng tuần vào sáng thứ Hai, trong tháng 12»: one registration books one session; the clerk must not believe
  // the whole series is on the schedule.
  const series = start && end && times[0] ? seriesSaid(scope, foldedScope, times[0].index) : null;
  if (series && start && end)
    warnings.push(
      `thư đề nghị họp định kỳ («${series}»); lịch này chỉ xếp một phiên ${localTimeOf(start, ctx.zone)}–${localTimeOf(end, ctx.zone)} ${dayVi(localDateOf(start, ctx.zone))}, đề nghị gửi đăng ký riêng cho từng phiên tiếp theo (Điều 12.2a).`,
    );

  const titleSaid =
    fields.title ??
    titleFromInvitation(text) ??
    titleFromProse(text, ctx.matcher) ??
    titleFromSubjectLine(text);
  const title = titleSaid ? titleCleaned(titleSaid) : null;
  const contactText = fields.contact ?? contactFromProse(text);
  let contact = contactText ? parseContact(contactText) : null;
  if ((!contact?.name || !contact.phone) && facts.signature)
    contact = contactFromSignature(facts.signature) ?? contact;

  const parsed: ParsedBooking = {
    host,
    ...(hostEndpoint ? { hostEndpoint } : {}),
    participants,
    unresolved,
    start,
    end,
    day: start ? null : dayOnly,
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
  // Điều 5.2: a secret session's answer names no endpoint.
  if (parsed.secret && sessionNote) warnings[sessionNote.at] = sessionNote.plain;
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
    ...(p.hostEndpoint ? { hostEndpoint: p.hostEndpoint } : {}),
    participants: p.participants,
    unresolved: p.unresolved,
    start: p.start,
    end: p.end,
    day: p.start ? null : (p.day ?? null),
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

/**
 * Điều 5.2, 14.4: is a registration about a secret session? Pure: text in, verdict out.
 *
 * Detection fails closed. `secret` when a mark is clear (`Mật`, `(Mật)`, `Mật -`, `họp mật`, `MẬT`, `Tối mật`,
 * `Tuyệt mật`, `bí mật nhà nước`, `Độ mật: Mật`, and their forms without diacritics that cannot be read otherwise);
 * `ambiguous` when a word may be a mark or may be something else (`hop mat` is «họp mặt» or «họp mật»; `giữ bí
 * mật`; `Độ mật:` left blank; `họp kín`); `open` otherwise. An ambiguous booking is treated as secret until a
 * technician clears it. Words that only look alike are not marks: «mặt» (face, «Mặt trận»), «mất» (lost), «mát»,
 * and the compounds «mật khẩu», «mật độ», «mật thiết», «bảo mật», «thân mật».
 *
 * The labelled phrasings that pin this down are in tests/security/secret-detection.test.ts.
 */
import { withoutDisclaimer } from "../text/disclaimer.js";
import { fold, nfc } from "../text/fold.js";

export type Secrecy = "secret" | "ambiguous" | "open";

export interface SecrecyTexts {
  subject?: string | null;
  title?: string | null;
  body?: string | null;
}

const RANK: Record<Secrecy, number> = { open: 0, ambiguous: 1, secret: 2 };

function worst(a: Secrecy, b: Secrecy): Secrecy {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Compounds whose first syllable is «mật» but that mark nothing: mật khẩu, mật độ, mật thiết, mật ong, mật mã… */
const OPEN_AFTER = new Set([
  "khau",
  "do",
  "thiet",
  "ong",
  "ma",
  "danh",
  "vu",
  "tham",
  "phuc",
  "ngot",
  "mia",
  "tich",
]);

/**
 * Without diacritics, `mat` is also «mặt», «mất», «mát», «mắt»: mặt trận, mặt bằng, mặt hàng, mất tiếng, mất kết
 * nối, mất hình, mất điện, mất sóng, mất mạng, mất âm thanh, mất liên lạc, mất nguồn, mát mẻ, mất ngủ.
 */
const BARE_OPEN_AFTER = new Set([
  "tran",
  "bang",
  "hang",
  "tieng",
  "ket",
  "hinh",
  "dien",
  "song",
  "mang",
  "am",
  "lien",
  "nguon",
  "me",
  "ngu",
  "tin",
  "tien",
  "diem",
  "dat",
  "troi",
]);

/**
 * Without diacritics, words before `mat` that make it «mặt», «mát» or «mắt»: có mặt, vắng mặt, thay mặt, gặp mặt,
 * ra mắt, bề mặt, trước mặt, đối mặt, làm mát, con mắt, bị mất…
 */
const BARE_OPEN_BEFORE = new Set([
  "co",
  "vang",
  "thay",
  "gap",
  "ra",
  "be",
  "truoc",
  "doi",
  "lam",
  "con",
  "mot",
  "hai",
  "mien",
  "sat",
]);

/**
 * Words before «mật» that make it a mark: họp mật, phiên mật, hội nghị mật, nội dung mật, tài liệu mật, văn bản
 * mật, tính chất mật, trực tuyến mật.
 */
const SECRET_BEFORE = new Set(["hop", "phien", "nghi", "dung", "lieu", "ban", "chat", "tuyen"]);

/** «đề nghị bảo mật», «yêu cầu bảo mật», «cần bảo mật»: a request for secrecy, not the topic of security. */
const REQUEST_BEFORE = new Set(["nghi", "cau", "can"]);

const DASH = new Set(["-", "–", "—"]);

interface Token {
  raw: string;
  index: number;
  word: boolean;
}

function tokenize(text: string): Token[] {
  return [...text.matchAll(/\p{L}+|\d+|\S/gu)].map((m) => ({
    raw: m[0],
    index: m.index,
    word: /^\p{L}/u.test(m[0]),
  }));
}

/** A line written all in capitals (with at least two words): a capital `MAT` there is no stamp. */
function capsLine(text: string, index: number): boolean {
  const start = text.lastIndexOf("\n", index) + 1;
  const endAt = text.indexOf("\n", index);
  const line = text.slice(start, endAt < 0 ? undefined : endAt);
  const words = line.match(/\p{L}+/gu) ?? [];
  return words.length >= 2 && !/\p{Ll}/u.test(line);
}

/** The verdict for one text. */
export function secrecyOfText(input: string | null | undefined): Secrecy {
  if (!input) return "open";
  const text = nfc(input);
  const tokens = tokenize(text);
  let verdict: Secrecy = "open";
  for (let t = 0; t < tokens.length && verdict !== "secret"; t++) {
    const tok = tokens[t]!;
    if (!tok.word) continue;
    const lower = tok.raw.toLowerCase();
    if (lower === "mật" || lower === "mat") verdict = worst(verdict, judgeMat(text, tokens, t));
    else if ((lower === "kín" || lower === "kin") && fold(previousWord(tokens, t)?.raw ?? "") === "hop")
      // «họp kín»: a closed meeting is not necessarily secret, but the desk asks.
      verdict = worst(verdict, "ambiguous");
  }
  return verdict;
}

function previousWord(tokens: Token[], t: number, k = 1): Token | undefined {
  let seen = 0;
  for (let i = t - 1; i >= 0; i--) {
    if (tokens[i]!.word && ++seen === k) return tokens[i];
  }
  return undefined;
}

function nextWord(tokens: Token[], t: number, k = 1): Token | undefined {
  let seen = 0;
  for (let i = t + 1; i < tokens.length; i++) {
    if (tokens[i]!.word && ++seen === k) return tokens[i];
  }
  return undefined;
}

/** Two tokens form one phrase when only spaces separate them (no punctuation, no line break). */
function adjacent(text: string, a: Token | undefined, b: Token | undefined): boolean {
  if (!a || !b) return false;
  const [first, second] = a.index < b.index ? [a, b] : [b, a];
  return /^[ \t\u00a0]+$/.test(text.slice(first.index + first.raw.length, second.index));
}

function judgeMat(text: string, tokens: Token[], t: number): Secrecy {
  const tok = tokens[t]!;
  const exact = tok.raw.toLowerCase() === "mật";
  const stamp = tok.raw === "MẬT" || (tok.raw === "MAT" && !capsLine(text, tok.index));
  const prev = previousWord(tokens, t);
  const next = nextWord(tokens, t);
  const p1 = fold(prev?.raw ?? "");
  const p2 = fold(previousWord(tokens, t, 2)?.raw ?? "");
  const n1 = fold(next?.raw ?? "");
  const n2 = fold(nextWord(tokens, t, 2)?.raw ?? "");
  const withPrev = adjacent(text, prev, tok);
  const withNext = adjacent(text, tok, next);
  const before = tokens[t - 1]?.word === false ? tokens[t - 1]!.raw : "";
  const after = tokens[t + 1]?.word === false ? tokens[t + 1]!.raw : "";

  // Compounds in which the word means something else.
  if (withNext && OPEN_AFTER.has(n1)) return "open";
  if (!exact && withNext && BARE_OPEN_AFTER.has(n1)) return "open";

  if (withPrev) {
    if (p1 === "toi" || p1 === "tuyet") return "secret";
    if (p1 === "bi") {
      // «bí mật nhà nước» is a mark; «bảo vệ bí mật nhà nước» is also a topic (a training), so the desk asks.
      if (n1 === "nha" && n2 === "nuoc") return p2 === "ve" ? "ambiguous" : "secret";
      // «giữ bí mật», «nội dung bí mật»: a request for secrecy, without a level.
      return "ambiguous";
    }
    if (p1 === "bao") return REQUEST_BEFORE.has(p2) ? "ambiguous" : "open";
    if (p1 === "than") return "open";
    // «cơ mật» (confidential affairs) vs «có mặt» (present).
    if (p1 === "co") return exact ? "ambiguous" : "open";
    if (p1 === "giai") return "ambiguous";
    if (!exact && BARE_OPEN_BEFORE.has(p1)) return "open";
    if (p1 === "do") return levelField(text, tok);
  }

  if (stamp) return "secret";
  if ((before === "(" && after === ")") || (before === "[" && after === "]")) return "secret";
  const lineStart = text.lastIndexOf("\n", tok.index) + 1;
  const firstOnLine = /^[\s([{«"'“*•-]*$/u.test(text.slice(lineStart, tok.index));
  if (DASH.has(after) || (after === ":" && firstOnLine)) return exact || firstOnLine ? "secret" : "ambiguous";
  if (before === ":") return exact ? "secret" : "ambiguous";
  if (exact && firstOnLine && /^\p{Lu}/u.test(tok.raw)) return "secret";
  if (withPrev && SECRET_BEFORE.has(p1)) {
    // Without diacritics «hop mat» is just as often «họp mặt» (a get-together).
    if (exact) return "secret";
    // …but «phiên họp mặt» is not said: «phien hop mat» is a secret session.
    return p1 === "hop" && p2 !== "phien" ? "ambiguous" : "secret";
  }
  return "ambiguous";
}

/** «Độ mật: …»: the value on the same line decides. Blank or unknown: the desk asks. */
function levelField(text: string, tok: Token): Secrecy {
  const lineEnd = text.indexOf("\n", tok.index);
  const rest = fold(text.slice(tok.index + tok.raw.length, lineEnd < 0 ? undefined : lineEnd));
  const first = rest.split(" ")[0] ?? "";
  if (first === "mat" || first === "toi" || first === "tuyet") return "secret";
  if (first === "thuong" || first === "khong") return "open";
  return "ambiguous";
}

/**
 * The verdict for a registration: the worst of its subject, title and body. The body is read without the
 * disclaimer a mail system appends under every mail («… có thể chứa thông tin mật, nếu nhận nhầm xin xoá»): it
 * marks no session. Subject and title are read whole, and so is a mark in the body's own words.
 */
export function secrecyOf(texts: SecrecyTexts): Secrecy {
  const body = texts.body ? withoutDisclaimer(nfc(texts.body)) : texts.body;
  return [texts.subject, texts.title, body].map(secrecyOfText).reduce(worst, "open" as Secrecy);
}

/** How a verdict is stored on a request: ambiguous counts as secret, with a flag that a technician must decide. */
export function secrecyFields(verdict: Secrecy): { secret: boolean; secretUnsure: boolean } {
  return { secret: verdict !== "open", secretUnsure: verdict === "ambiguous" };
}

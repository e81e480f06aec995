import { type DirectoryMatcher, nameKey, scanForm } from "../directory/matcher.js";
import type { Endpoint } from "../directory/types.js";

/**
 * The endpoint a fault report's words name, if they name one with confidence:
 * - `one`: exactly one endpoint, by its own name, an alias, its code, or the name of an agency that has only it;
 * - `unclear`: the words name several endpoints, a group («tất cả các xã»), an agency with several endpoints
 *   («Sở Y tế» has two), or an endpoint as what the reporter cannot hear or see («không nghe được Sở Công Thương»:
 *   the fault may as well be the reporter's own): the report stays where it was made;
 * - `none`: no endpoint is named.
 */
export type NamedPlace =
  | { kind: "none" }
  | { kind: "one"; code: string }
  | { kind: "unclear"; why: "several" | "group" | "ambiguous" | "perceived"; codes: string[] };

/** What the finder needs of each endpoint. */
export type PlaceEndpoint = Pick<Endpoint, "code" | "name" | "aliases" | "agency">;

/** An endpoint code as typed in a report: `CX-00004`, `syt-01` (not the head of `SC-2026-0001`). */
const CODE_RE = /(?<![\p{L}\p{N}-])(\p{L}{1,8}-\d{2,6})(?![\p{L}\p{N}-])/gu;

/** `P.` or `X.` before a name, as clerks shorten `phường` and `xã`. */
const UNIT_ABBREVIATION = /(?<![\p{L}\p{N}])([PpXx])\.\s*(?=\p{L})/gu;

/**
 * A name right after hearing or seeing («không nghe được tiếng của …», «không thấy hình …»), in scan form: the
 * endpoint is what the reporter perceives, not where the fault surely is.
 */
const PERCEIVED = /\b(?:nghe|thay|nhin|xem|nhan duoc)(?: [a-z0-9]+){0,4} $/;

/**
 * Finds the endpoint a report's text names, with the directory's matcher (with or without diacritics, `UBND`,
 * `P.`/`X.` prefixes and aliases, as the mail reader resolves names). A name the matcher reads only as an agency's
 * host endpoint counts only when that agency has one endpoint: which of an agency's rooms is meant is the
 * reporter's to say.
 */
export function namedPlace(
  said: string,
  matcher: DirectoryMatcher,
  endpoints: readonly PlaceEndpoint[],
): NamedPlace {
  if (matcher.groupPhrase(said)) return { kind: "unclear", why: "group", codes: [] };
  // «P. Ba Đình», «X. Sóc Sơn»: the scan looks for whole names, so the abbreviations are spelled out first.
  const text = said.replace(UNIT_ABBREVIATION, (_, unit: string) => (/p/i.test(unit) ? "phường " : "xã "));
  const byCode = new Map(endpoints.map((e) => [e.code, e]));
  const folded = scanForm(text);
  const sure = new Set<string>();
  const unsure = new Set<string>();
  for (const { code, index } of matcher.scan(text)) {
    const e = byCode.get(code);
    if (!e) continue;
    if (PERCEIVED.test(folded.slice(Math.max(0, index - 48), index + 1)))
      return { kind: "unclear", why: "perceived", codes: [code] };
    const own = [e.name, ...e.aliases].some((n) => {
      const key = nameKey(n);
      return key !== "" && folded.includes(` ${key} `);
    });
    const siblings = endpoints.filter((x) => x.agency === e.agency).map((x) => x.code);
    if (own || siblings.length === 1) sure.add(code);
    else for (const s of siblings) unsure.add(s);
  }
  for (const m of text.matchAll(CODE_RE)) {
    const code = m[1]!.toUpperCase();
    if (byCode.has(code)) sure.add(code);
  }
  if (unsure.size > 0) {
    // «Sở Y tế (điểm cầu 2)» names one of the agency's rooms: the agency's name inside it is no second guess.
    const named = [...unsure].filter((c) => sure.has(c));
    if (named.length === 0)
      return { kind: "unclear", why: "ambiguous", codes: [...new Set([...sure, ...unsure])].sort() };
  }
  if (sure.size > 1) return { kind: "unclear", why: "several", codes: [...sure].sort() };
  const [one] = sure;
  return one ? { kind: "one", code: one } : { kind: "none" };
}

/** Where a report's words break into clauses: commas, semicolons, lines, «còn …» («…, còn Giảng Võ mất tiếng»). */
const CLAUSE_BREAK = /[,;\n]+|\s+(?=(?:còn|con)\s)/u;

/**
 * A report of faults at several endpoints, each in a clause of its own («Phường Ba Đình mất mạng, Phường Giảng Võ
 * mất tiếng»), as one report per endpoint: its clauses (a clause without a place continues the one before it),
 * each naming exactly one endpoint and a fault. Null when the words are not so: one place or none, a clause naming
 * several places or a group, a place without a fault («Ba Đình vẫn bình thường»), a fault before any place. Such a
 * report was filed whole at the reporter's own endpoint, where nothing was wrong.
 */
export function placedClauses(
  said: string,
  matcher: DirectoryMatcher,
  endpoints: readonly PlaceEndpoint[],
  isFault: (clause: string) => boolean,
): { code: string; text: string }[] | null {
  const groups: { code: string; parts: string[] }[] = [];
  for (const raw of said.split(CLAUSE_BREAK)) {
    const part = raw.trim();
    if (!part) continue;
    const place = namedPlace(part, matcher, endpoints);
    if (place.kind === "unclear") return null;
    if (place.kind === "one") {
      const same = groups.find((g) => g.code === place.code);
      if (same) same.parts.push(part);
      else groups.push({ code: place.code, parts: [part] });
      continue;
    }
    // Words before any place («Anh ơi») are no clause of their own; a fault there belongs to no place said.
    const last = groups.at(-1);
    if (last) last.parts.push(part);
    else if (isFault(part)) return null;
  }
  if (groups.length < 2) return null;
  const clauses = groups.map((g) => ({ code: g.code, text: g.parts.join(", ") }));
  return clauses.every((c) => isFault(c.text)) ? clauses : null;
}

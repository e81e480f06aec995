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

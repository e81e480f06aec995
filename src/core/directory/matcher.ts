import { distance } from "fastest-levenshtein";
import { fold } from "../text/fold.js";
import { foldKeepingIndex } from "../text/vi-datetime.js";
import type { Directory } from "./types.js";

/**
 * Finds endpoints and agencies by the names clerks write: with or without diacritics, with `UBND`, `P.` or `X.`
 * prefixes, or an alias from the directory. The unit type (`phường`, `xã`) is part of the key: since 2025 many
 * old district names belong to a different unit, so "xã Sóc Sơn" never matches a "phường Sóc Sơn".
 */

const LEADING = /^(?:(?:diem cau|cac|tai|va|voi)\s+)+/;

/**
 * The comparable form of a name: folded, filler dropped, `p`/`x` spelled out. `UBND` goes only before a unit type
 * ("UBND phường X" is "phường X"); "UBND Thành phố" keeps it, or every "thành phố" in a mail would match.
 */
export function nameKey(text: string): string {
  const key = fold(text)
    .replace(/\b(?:uy ban nhan dan|uy ban nd|ubnd)\b/g, "ubnd")
    .replace(/\btp\b/g, "thanh pho")
    .replace(LEADING, "")
    .replace(/^ubnd\s+(?:cac\s+)?(?=(?:phuong|xa|thi tran|thi xa|quan|huyen|p|x|tt|tx|q|h)\s)/, "");
  const unit = /^(p|x|tt|tx|q|h)\s+/.exec(key);
  return (unit ? `${UNIT_ABBREVIATIONS[unit[1]!]} ${key.slice(unit[0].length)}` : key).trim();
}

/** Free text as `scan` searches it; `scan`'s indices point into this string (at the space before a name). */
export function scanForm(text: string): string {
  return ` ${fold(text).replace(/\btp\b/g, "thanh pho")} `;
}

/** `P.`, `X.`, `TT.`, `TX.`, `Q.`, `H.` before a unit's name; `TP.` is spelled out anywhere. */
const UNIT_ABBREVIATIONS: Record<string, string> = {
  p: "phuong",
  x: "xa",
  tt: "thi tran",
  tx: "thi xa",
  q: "quan",
  h: "huyen",
};

/** Unit types, commune-level and the district-level ones abolished in 2025 that clerks still write. */
const UNIT_TYPE = /^(?:phuong|xa|thi tran|thi xa|quan|huyen|thanh pho)\s+/;

const COMMUNE_GROUP =
  /\b(?:tat ca|toan bo)\s+(?:cac\s+)?(?:diem cau\s+)?(?:cap\s+)?(?:xa|phuong)(?:\s+(?:phuong|xa))?\b/;

/** The same phrase over text folded with its indices kept (punctuation stays). */
const COMMUNE_GROUP_KEEPING_INDEX =
  /\b(?:tat ca|toan bo)\s+(?:cac\s+)?(?:diem cau\s+)?(?:cap\s+)?(?:xa|phuong)(?:\s*,?\s*(?:va\s+)?(?:phuong|xa))?\b/;

export interface Resolution {
  codes: string[];
  /** Closest names when nothing matched. */
  suggestions: string[];
}

export class DirectoryMatcher {
  /** key → endpoint codes (more than one: ambiguous) */
  private readonly endpointKeys = new Map<string, Set<string>>();
  /** bare name without unit type → codes, used only when unique */
  private readonly bareKeys = new Map<string, Set<string>>();
  private readonly agencyKeys = new Map<string, string>();
  /** agency name → its endpoints' codes, for «Sở Tài chính (02 điểm cầu)». */
  private readonly agencyEndpoints = new Map<string, string[]>();
  private readonly names = new Map<string, string>();
  /** Điều 11.1: office → the chair whose sessions it notifies. */
  private readonly chairs = new Map<string, string>();
  private readonly communes: string[];
  private readonly scanKeys: string[];
  private readonly scanNeedles: string[];
  private readonly scanWords: string[][];
  private readonly scanByWord = new Map<string, number[]>();

  constructor(dir: Directory) {
    const hostOf = new Map<string, string>();
    for (const e of [...dir.endpoints].sort((a, b) => a.code.localeCompare(b.code))) {
      if (!hostOf.has(e.agency)) hostOf.set(e.agency, e.code);
    }
    const add = (map: Map<string, Set<string>>, key: string, code: string) => {
      if (!key) return;
      map.set(key, new Set([...(map.get(key) ?? []), code]));
    };
    for (const e of dir.endpoints) {
      this.names.set(e.code, e.name);
      this.agencyEndpoints.set(e.agency, [...(this.agencyEndpoints.get(e.agency) ?? []), e.code]);
      for (const n of [e.name, ...e.aliases]) {
        const key = nameKey(n);
        add(this.endpointKeys, key, e.code);
        const bare = key.replace(UNIT_TYPE, "");
        if (bare !== key) add(this.bareKeys, bare, e.code);
      }
    }
    for (const a of dir.agencies) {
      if (a.notifiesFor) this.chairs.set(a.name, a.notifiesFor);
      const host = hostOf.get(a.name);
      for (const n of [a.name, ...a.aliases]) {
        const key = nameKey(n);
        this.agencyKeys.set(key, a.name);
        if (host && !this.endpointKeys.has(key)) add(this.endpointKeys, key, host);
      }
    }
    this.communes = dir.endpoints.filter((e) => e.level === "commune").map((e) => e.code);
    // Longest first, so "phuong ha dong" wins over a shorter name inside it.
    this.scanKeys = [...this.endpointKeys.keys()]
      .filter((k) => k.includes(" "))
      .sort((a, b) => b.length - a.length);
    // Built once: `scan` looks for each of them in every mail (issue 12).
    this.scanNeedles = this.scanKeys.map((k) => ` ${k} `);
    this.scanWords = this.scanKeys.map((k) => k.split(" "));
    // Each name filed under its longest word (the rarest, roughly): a text's words pick the names worth a search.
    for (const [k, words] of this.scanWords.entries()) {
      const word = words.reduce((a, b) => (b.length > a.length ? b : a));
      const list = this.scanByWord.get(word);
      if (list) list.push(k);
      else this.scanByWord.set(word, [k]);
    }
  }

  /**
   * Every endpoint code a participant phrase names (a group phrase names many). An endpoint's code (the answers
   * print it beside the name: «CX-00008») names it too; a remark in brackets that is no part of a name
   * («phường Ngọc Hà (điểm cầu chính)») is dropped when the whole phrase names nothing.
   */
  resolve(phrase: string): Resolution {
    const code = phrase.trim().toUpperCase();
    if (this.names.has(code)) return { codes: [code], suggestions: [] };
    const named = this.resolveName(phrase);
    if (named.codes.length || !/\(.*\)/.test(phrase)) return named;
    const bare = phrase.replace(/\s*\([^()]*\)\s*/g, " ").trim();
    if (!bare || bare === phrase.trim()) return named;
    // «Sở Tài chính (02 điểm cầu)», «(cả hai điểm cầu)», «(các điểm cầu)»: every endpoint of that agency.
    const remarks = [...phrase.matchAll(/\(([^()]*)\)/g)].map((m) => fold(m[1]!).trim());
    if (remarks.some((r) => /^(?:ca |tat ca )?(?:\d+|hai|ba|bon|cac) diem cau$/.test(r))) {
      const agency = this.agencyKeys.get(nameKey(bare));
      const codes = agency ? this.agencyEndpoints.get(agency) : undefined;
      if (codes && codes.length > 1) return { codes: [...codes].sort(), suggestions: [] };
    }
    const without = this.resolveName(bare);
    return without.codes.length ? without : named;
  }

  private resolveName(phrase: string): Resolution {
    const folded = fold(phrase);
    if (COMMUNE_GROUP.test(folded)) return { codes: [...this.communes], suggestions: [] };
    const key = nameKey(phrase);
    const exact = this.endpointKeys.get(key);
    if (exact?.size === 1) return { codes: [...exact], suggestions: [] };
    const bare = this.bareKeys.get(key);
    if (!exact && bare?.size === 1) return { codes: [...bare], suggestions: [] };
    const pool = exact ?? bare;
    if (pool && pool.size > 1)
      return { codes: [], suggestions: [...pool].map((c) => this.names.get(c) ?? c) };
    return { codes: [], suggestions: this.suggest(key) };
  }

  /** The group phrase ("tất cả các xã, phường") a text contains, as written, or null. */
  groupPhrase(text: string): string | null {
    const folded = foldKeepingIndex(text);
    const m = COMMUNE_GROUP_KEEPING_INDEX.exec(folded);
    return m ? text.slice(m.index, m.index + m[0].length) : null;
  }

  private suggest(key: string): string[] {
    return this.nearest(key, 3).map((c) => this.names.get(c) ?? c);
  }

  /** Codes of the endpoints whose names are closest to `key` (a `nameKey`), at most `n`. */
  private nearest(key: string, n: number): string[] {
    // The same name under another unit type is the likeliest mistake ("phường Sóc Sơn" for "xã Sóc Sơn").
    const sameName = this.bareKeys.get(key.replace(UNIT_TYPE, ""));
    if (sameName) return [...sameName].slice(0, n);
    const scored = [...this.endpointKeys.entries()]
      .map(([k, codes]) => ({ d: distance(k, key), codes }))
      .sort((a, b) => a.d - b.d)
      .slice(0, n);
    return [...new Set(scored.flatMap((s) => [...s.codes]))].slice(0, n);
  }

  /**
   * One endpoint by a name as a person types it (chat's `/dangky Xã Sóc Sơn`): `one` when the name (or an alias,
   * or the agency's name) names exactly one endpoint; `many` when it names several (ambiguous); otherwise `none`
   * with the codes of the nearest names, at most `n`. Group phrases ("tất cả các xã") name no one endpoint.
   */
  endpointByName(
    phrase: string,
    n = 5,
  ): { kind: "one"; code: string } | { kind: "many"; codes: string[] } | { kind: "none"; nearest: string[] } {
    const key = nameKey(phrase);
    if (!key || COMMUNE_GROUP.test(fold(phrase))) return { kind: "none", nearest: [] };
    const exact = this.endpointKeys.get(key);
    const bare = exact ? undefined : this.bareKeys.get(key);
    const pool = exact ?? bare;
    if (pool?.size === 1) return { kind: "one", code: [...pool][0]! };
    if (pool && pool.size > 1) return { kind: "many", codes: [...pool].sort() };
    return { kind: "none", nearest: this.nearest(key, n) };
  }

  /** The endpoint's name in the directory. */
  nameOf(code: string): string | undefined {
    return this.names.get(code);
  }

  /** The agency a phrase names, by name or alias. */
  agency(phrase: string): string | null {
    return this.agencyKeys.get(nameKey(phrase)) ?? null;
  }

  /** Endpoints named anywhere in free text, in order of first mention; group phrases expand. */
  scan(text: string): { code: string; index: number }[] {
    const folded = scanForm(text);
    const found: { code: string; index: number; end: number }[] = [];
    const m = COMMUNE_GROUP.exec(folded);
    if (m) for (const code of this.communes) found.push({ code, index: m.index, end: m.index + m[0].length });
    // A name occurs only where each of its words does: most names are ruled out without searching the text.
    // The candidates are searched in the order of scanKeys (longest first), as every name was before.
    const words = new Set(folded.split(" "));
    const candidates: number[] = [];
    for (const w of words) {
      const list = this.scanByWord.get(w);
      if (list) for (const k of list) candidates.push(k);
    }
    candidates.sort((a, b) => a - b);
    for (const k of candidates) {
      const key = this.scanKeys[k]!;
      const codes = this.endpointKeys.get(key)!;
      if (codes.size !== 1 || !this.scanWords[k]!.every((w) => words.has(w))) continue;
      let from = 0;
      for (;;) {
        const i = folded.indexOf(this.scanNeedles[k]!, from);
        if (i < 0) break;
        from = i + 1;
        const end = i + key.length + 1;
        if (found.some((f) => i < f.end && f.index < end && f.end - f.index > key.length)) continue;
        found.push({ code: [...codes][0]!, index: i, end });
      }
    }
    const seen = new Set<string>();
    return found
      .sort((a, b) => a.index - b.index)
      .filter((f) => !seen.has(f.code) && seen.add(f.code))
      .map(({ code, index }) => ({ code, index }));
  }

  /** Điều 11.1: the chair whose sessions `office` notifies (Văn phòng UBND Thành phố → UBND Thành phố), or null. */
  chairNotifiedBy(office: string): string | null {
    return this.chairs.get(office) ?? null;
  }

  /**
   * Whether free text names `agency` itself: by a name or alias of its own, not as part of a longer name (its
   * office's «Văn phòng UBND Thành phố», an endpoint's «trụ sở UBND Thành phố»).
   */
  namesItself(text: string, agency: string): boolean {
    const folded = scanForm(text).replace(/\b(?:uy ban nhan dan|uy ban nd)\b/g, "ubnd");
    const own = [...this.agencyKeys].filter(([k, n]) => n === agency && k.includes(" ")).map(([k]) => k);
    const longer = [...new Set([...this.agencyKeys.keys(), ...this.scanKeys])];
    const covered = (key: string, at: number) =>
      longer.some((k) => {
        if (k.length <= key.length || !k.includes(key)) return false;
        for (let j = folded.indexOf(` ${k} `, Math.max(0, at - k.length)); j >= 0 && j <= at; )
          if (j + k.length >= at + key.length) return true;
          else j = folded.indexOf(` ${k} `, j + 1);
        return false;
      });
    for (const key of own)
      for (let i = folded.indexOf(` ${key} `); i >= 0; i = folded.indexOf(` ${key} `, i + 1))
        if (!covered(key, i)) return true;
    return false;
  }

  /** Agencies named anywhere in free text, in order. */
  scanAgencies(text: string): string[] {
    const folded = scanForm(text);
    const hits: { name: string; index: number }[] = [];
    for (const [key, name] of this.agencyKeys) {
      if (!key.includes(" ")) continue;
      const i = folded.indexOf(` ${key} `);
      if (i >= 0) hits.push({ name, index: i });
    }
    return hits.sort((a, b) => a.index - b.index).map((h) => h.name);
  }
}

/**
 * `DirectoryMatcher.scan` finds the endpoints named in a mail's prose; it ran every directory name through
 * `indexOf` for each mail (issue 12: the largest piece of reading a mail). It now builds its needles once and
 * rules a name out when one of its words is not in the text. The hits must be exactly those of the code before,
 * which is kept below and run on the same matcher's keys.
 */
import { describe, expect, it } from "vitest";
import { mulberry32 } from "../bench/fixture.js";
import { makeMix } from "../bench/mail-mix.js";
import { DirectoryMatcher, scanForm } from "../src/core/directory/matcher.js";
import { readMail } from "../src/mail/extract.js";
import { sampleDirectory } from "./helpers.js";

const COMMUNE_GROUP =
  /\b(?:tat ca|toan bo)\s+(?:cac\s+)?(?:diem cau\s+)?(?:cap\s+)?(?:xa|phuong)(?:\s+(?:phuong|xa))?\b/;

/** The scan before, verbatim, over the matcher's own keys. */
function oldScan(matcher: DirectoryMatcher, text: string): { code: string; index: number }[] {
  const m0 = matcher as unknown as {
    endpointKeys: Map<string, Set<string>>;
    scanKeys: string[];
    communes: string[];
  };
  const folded = scanForm(text);
  const found: { code: string; index: number; end: number }[] = [];
  const m = COMMUNE_GROUP.exec(folded);
  if (m) for (const code of m0.communes) found.push({ code, index: m.index, end: m.index + m[0].length });
  for (const key of m0.scanKeys) {
    const codes = m0.endpointKeys.get(key)!;
    if (codes.size !== 1) continue;
    let from = 0;
    for (;;) {
      const i = folded.indexOf(` ${key} `, from);
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

describe("scanning a mail's prose for endpoint names", () => {
  it("finds exactly the endpoints the code before found, in mails of the bench mix and in soups of directory names", async () => {
    const matcher = new DirectoryMatcher(sampleDirectory);
    const texts: string[] = [];
    for (const m of makeMix("scan", 120))
      texts.push((await readMail(m.raw, { addresses: [], messageIdDomain: "x" })).text);
    const rnd = mulberry32(12);
    const names = sampleDirectory.endpoints.flatMap((e) => [e.name, ...e.aliases]);
    const fillers = [
      "UBND",
      "các",
      "và",
      "với",
      "tất cả các xã, phường",
      "P.",
      "Thành phố",
      "TP.",
      ",",
      ";",
      "\n",
      "họp",
      "điểm cầu",
      "xã",
      "phường",
    ];
    for (let i = 0; i < 1500; i++) {
      const parts: string[] = [];
      for (let k = 0; k < 1 + rnd(12); k++) {
        const name = names[rnd(names.length)]!;
        // Whole names, their first or last words, names run together: overlaps and near misses.
        const words = name.split(" ");
        parts.push(
          [
            name,
            words.slice(0, 1 + rnd(words.length)).join(" "),
            words.slice(rnd(words.length)).join(" "),
            fillers[rnd(fillers.length)]!,
          ][rnd(4)]!,
        );
      }
      texts.push(parts.join(rnd(2) ? " " : ", "));
    }
    let hits = 0;
    const differ: string[] = [];
    for (const text of texts) {
      const want = JSON.stringify(oldScan(matcher, text));
      const got = JSON.stringify(matcher.scan(text));
      if (got !== want) differ.push(`«${text.slice(0, 120)}»: ${got} instead of ${want}`);
      hits += JSON.parse(want).length;
    }
    expect(differ.slice(0, 5)).toEqual([]);
    // The texts do name endpoints, many of them.
    expect(hits).toBeGreaterThan(texts.length);
  });
});

import type { AgencyKind } from "../regulation.js";
import { fold } from "../text/fold.js";

/** The city's four chairing bodies (Điều 11.1) by the folded core of their name, city suffix removed. */
const CHAIR_CORES: [AgencyKind, RegExp][] = [
  ["party", /^thanh uy$/],
  ["assembly", /^doan (dbqh|dai bieu quoc hoi)$/],
  ["council", /^(hdnd|hoi dong nhan dan)$/],
  ["government", /^(ubnd|uy ban nhan dan)$/],
];

/** Other kinds, by how the folded name starts; first match wins. */
const PREFIXES: [AgencyKind, RegExp][] = [
  ["commune", /^(ubnd|uy ban nhan dan) (phuong|xa|thi tran) /],
  ["district", /^(ubnd|uy ban nhan dan) (quan|huyen|thi xa) /],
  ["front", /^(uy ban )?(mttq|mat tran to quoc)\b/],
  ["security", /^cong an\b/],
  ["military", /^(bo tu lenh|bo chi huy quan su)\b/],
  ["department", /^(so|van phong|thanh tra)\b/],
  ["board", /^ban\b/],
];

/** `UBND thành phố Hà Nội`, `HĐND TP`, `Thành ủy` → `ubnd`, `hdnd`, `thanh uy`: the body without its city. */
function core(name: string): string {
  return fold(name)
    .replace(/\b(thanh pho ha noi|tp ha noi|ha noi|thanh pho|tp)$/, "")
    .replace(/\b(thanh pho|tp)$/, "")
    .trim();
}

/** The chair kind a name denotes (Thành ủy, Đoàn ĐBQH, HĐND or UBND of the city), or null. */
export function chairKindOf(name: string): AgencyKind | null {
  const c = core(name);
  for (const [kind, re] of CHAIR_CORES) if (re.test(c)) return kind;
  return null;
}

/**
 * The kind of an agency from its official name, then its aliases, for directories kept without a `kind`
 * column: the city's chairs first (their priority and unlimited quota depend on it), then the usual prefixes
 * (Sở, UBND phường, Công an…); `other` when nothing fits.
 */
export function inferAgencyKind(name: string, aliases: readonly string[] = []): AgencyKind {
  const names = [name, ...aliases];
  for (const n of names) {
    const chair = chairKindOf(n);
    if (chair) return chair;
  }
  for (const n of names) {
    const f = fold(n);
    for (const [kind, re] of PREFIXES) if (re.test(f)) return kind;
  }
  return "other";
}

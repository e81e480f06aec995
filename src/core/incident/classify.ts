import { fold } from "../text/fold.js";

export type FaultCategory = "audio" | "video" | "network" | "power" | "equipment" | "other";
export type Route = "wan" | "mcu";

export const CATEGORY_VI: Record<FaultCategory, string> = {
  audio: "âm thanh",
  video: "hình ảnh",
  network: "đường truyền",
  power: "nguồn điện",
  equipment: "thiết bị",
  other: "khác",
};

type Fault = Exclude<FaultCategory, "other">;

/**
 * Two faults in one message: the one to fix first is the primary. Causes before symptoms: without power
 * nothing works; without the link neither sound nor picture arrive; a dead device explains what it shows.
 * Between the symptoms, sound first: a meeting goes on without a picture, not without sound.
 * Measured on tests/fixtures/incidents/corpus.tsv (BENCHMARKS.md, "Fault classification").
 */
export const PRIMARY_ORDER: readonly Fault[] = ["power", "network", "equipment", "audio", "video"];

/** Shorthand endpoint staff type, folded, word for word. */
const ABBREVIATIONS: Record<string, string> = {
  ko: "khong",
  k: "khong",
  kg: "khong",
  khg: "khong",
  hok: "khong",
  hong: "hong", // hỏng (broken); the southern "hông" (không) is rare in writing here
  dc: "duoc",
  d: "duoc",
  tv: "tivi",
  mik: "mic",
  micro: "mic",
  j: "gi",
  r: "roi",
  bj: "bi",
  sdt: "so dien thoai",
  dt: "dien thoai",
};

/** Phrases that name a fault without doubt, folded. Matched longest first; a matched span is used up. */
const STRONG: Record<Fault, string[]> = {
  power: [
    "mat dien",
    "cup dien",
    "cat dien",
    "dien bi cat",
    "chap dien",
    "dien chap chon",
    "dien luoi",
    "khong co dien",
    "co dien lai",
    "nhay aptomat",
    "aptomat",
    "ups",
    "luu dien",
    "sut ap",
    "mat nguon",
    "nguon dien",
    "sap nguon",
    "may phat",
    "dien du phong",
  ],
  network: [
    "rot mang",
    "mat mang",
    "dut mang",
    "mang cham",
    "mang yeu",
    "mang wan",
    "wan",
    "internet",
    "vpn",
    "ping",
    "mat goi",
    "packet loss",
    "duong truyen",
    "ket noi",
    "tin hieu",
    "chap chon",
    "lag",
    "giat",
    "dung hinh",
    "hinh bi dung",
    "hinh cu dung",
    "bi dung",
    "treo hinh",
    "bi do",
    "hinh do",
    "bi ngat",
    "ngat ket noi",
    "call failed",
    "cuoc goi",
    "goi khong duoc",
    "khong goi duoc",
    "khong vao duoc",
    "vao phong xong",
    "vang",
    "da ra",
    "thoat ra",
    "rot ra",
    "rot khoi",
    "mat ca tieng lan hinh",
    "mat ca tieng va hinh",
    "mat het ca tieng va hinh",
    "tieng hinh mat",
    "hinh tieng mat",
  ],
  equipment: [
    "khong dieu khien duoc camera",
    "cam khong xoay",
    "hong thiet bi",
    "treo may",
    "man hinh khong bat",
    "man hinh bi hong",
  ],
  audio: [
    "mat tieng",
    "mat am thanh",
    "khong nghe",
    "nghe khong ro",
    "khong co tieng",
    "khong len tieng",
    "tieng nho",
    "tieng vong",
    "vong tieng",
    "bi vong",
    "hu",
    "re",
    "rit",
    "u u",
    "am thanh",
    "mic",
    "tieng bi tre",
    "tieng on",
    "tieng bi lap",
    "ngat quang",
    "dut quang",
  ],
  video: [
    "bo cuc",
    "layout",
    "chia man hinh",
    "nguoc",
    "bi lat",
    "lat nguoc",
    "hinh mo",
    "bi mo",
    "rat mo",
    "mo qua",
    "nhoe",
    "khong net",
    "bi nhieu",
    "mat hinh",
    "khong thay hinh",
    "khong co hinh",
    "khong thay",
    "hinh bi den",
    "den xi",
    "hinh bi xanh",
    "sai mau",
    "mau hinh",
    "hinh toi",
    "toi qua",
    "hinh bi meo",
    "hinh bi cat",
    "keo dan",
    "vo hat",
    "hinh bi soc",
    "chat luong hinh",
    "hinh ben em khong len",
  ],
};

/** Loss of sound and loss of picture: both at once is the link, not two faults (routed to WAN). */
const SOUND_LOST = ["mat tieng", "mat am thanh", "khong nghe", "khong co tieng"];
const PICTURE_LOST = ["mat hinh", "khong thay hinh", "khong co hinh", "khong thay"];

/** A device and, within two words after it, what is wrong with it: `máy chiếu không lên`, `loa bị cháy`. */
const DEVICE =
  /\b(may chieu|tivi|ti vi|loa|camera|codec|remote|dieu khien|may tinh|laptop|hdmi|bo chia|thiet bi)( [a-z0-9]+){0,2}? (hong|chay|khong len|khong bat|khong xoay|khong quay|khong zoom|khong dieu khien|khong khoi dong|khoi dong lai|treo|tat|ket|loi|long|het pin|dung im|nong)\b/;

/** Patterns with a gap for a word or two: `gọi mãi không vào được`, `hình và tiếng đều mất`. */
const PATTERNS: [Fault, RegExp][] = [
  ["power", /\bdien( [a-z0-9]+){0,2} bi (ngat|cat)\b/],
  ["network", /\bgoi( [a-z0-9]+){0,2} khong (vao )?duoc\b/],
  ["network", /\bkhong goi( [a-z0-9]+){0,2} duoc\b/],
  ["network", /\bmat (ca |het )*(hinh|tieng) (ca|va|lan|lan ca|va ca) (hinh|tieng)\b/],
  ["network", /\b(hinh|tieng) (va|lan|voi) (hinh|tieng) (deu |cung )?(mat|khong)\b/],
  ["audio", /\bnghe khong duoc\b/],
];

/** Words that lean one way but decide only when nothing stronger is said. */
const WEAK: Record<Fault, string[]> = {
  power: ["dien", "nguon"],
  network: ["mang", "ngat"],
  equipment: ["thiet bi", "may chieu", "tivi", "codec", "loa", "hong", "loi"],
  audio: ["tieng", "meo", "loa"],
  video: ["hinh", "camera", "mo"],
};

/** Asking how things work rather than reporting a fault (Điều 12: registration questions go to the desk). */
const QUESTION =
  /\b(cho (em |e |minh |anh |chi )?hoi|xin hoi|thu tuc|quy trinh|huong dan|mau dang ky|dang ky|cam on|so dien thoai)\b/;

/** Words whose meaning the folding would lose: «hư» (broken) is not «hú» (howling). */
function unambiguous(text: string): string {
  return text
    .normalize("NFC")
    .toLowerCase()
    .replace(/(^|[^\p{L}])hư(?![\p{L}])/gu, "$1hỏng");
}

function normalize(text: string): string {
  return fold(unambiguous(text))
    .split(" ")
    .map((w) => ABBREVIATIONS[w] ?? w)
    .join(" ");
}

const PHRASES: [Fault, string][] = (Object.entries(STRONG) as [Fault, string[]][])
  .flatMap(([c, ps]) => ps.map((p) => [c, p] as [Fault, string]))
  .sort((a, b) => b[1].length - a[1].length);

/** The fault a report describes, by the phrases endpoint staff use; `other` for questions and chatter. */
export function classify(text: string): FaultCategory {
  let rest = ` ${normalize(text)} `;
  const found = new Set<Fault>();
  const matched: string[] = [];
  const device = rest.match(DEVICE);
  if (device) {
    found.add("equipment");
    rest = rest.replace(device[0], " | ");
  }
  for (const [category, re] of PATTERNS) {
    const m = rest.match(re);
    if (m) {
      found.add(category);
      rest = rest.replace(m[0], " | ");
    }
  }
  for (const [category, phrase] of PHRASES) {
    const key = ` ${phrase} `;
    while (rest.includes(key)) {
      found.add(category);
      matched.push(phrase);
      rest = rest.replace(key, " | ");
    }
  }
  if (matched.some((p) => SOUND_LOST.includes(p)) && matched.some((p) => PICTURE_LOST.includes(p))) {
    found.add("network");
  }
  const primary = PRIMARY_ORDER.find((c) => found.has(c));
  if (primary) return primary;
  if (QUESTION.test(rest)) return "other";
  for (const c of PRIMARY_ORDER) {
    if (WEAK[c].some((w) => rest.includes(` ${w} `))) return c;
  }
  return "other";
}

/** Điều 12.2c: WAN faults go to the WAN operator; everything else to the desk's MCU technician. */
export function routeOf(category: FaultCategory): Route {
  return category === "network" ? "wan" : "mcu";
}

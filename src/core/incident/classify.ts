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

/**
 * Phrases endpoint staff type for each kind of fault, folded (no diacritics, lower case): "mất tiếng" and
 * "mat tieng" are the same key. Longer phrases weigh more than single words.
 */
const PHRASES: Record<Exclude<FaultCategory, "other">, string[]> = {
  power: [
    "mat dien",
    "cup dien",
    "cat dien",
    "chap dien",
    "dien du phong",
    "mat nguon",
    "ups",
    "nguon dien",
    "sap nguon",
  ],
  network: [
    "rot mang",
    "mat mang",
    "dut mang",
    "mat ket noi",
    "rot ket noi",
    "dut ket noi",
    "duong truyen",
    "mang cham",
    "mang yeu",
    "mang wan",
    "wan",
    "internet",
    "mat goi",
    "packet loss",
    "ping",
    "vpn",
    "chap chon",
    "lag",
    "giat lag",
    "khong ket noi duoc",
    "bi ngat",
    "mang",
  ],
  audio: [
    "mat tieng",
    "khong nghe",
    "nghe khong ro",
    "khong co tieng",
    "tieng nho",
    "tieng vong",
    "vong tieng",
    "hu",
    "re re",
    "am thanh",
    "micro",
    "mic",
    "loa",
    "tieng",
    "rit",
  ],
  video: [
    "mat hinh",
    "khong co hinh",
    "khong thay hinh",
    "dung hinh",
    "giat hinh",
    "treo hinh",
    "nhoe",
    "mo hinh",
    "hinh anh",
    "den hinh",
    "camera",
    "video",
    "hinh",
  ],
  equipment: [
    "hong thiet bi",
    "thiet bi",
    "codec",
    "may tinh",
    "laptop",
    "tivi",
    "man hinh",
    "dieu khien",
    "remote",
    "treo may",
    "khoi dong lai",
    "hong",
    "loi",
  ],
};

/** When scores tie, the fault that stops the most goes first: no power, no network, then sound, picture. */
const ORDER: Exclude<FaultCategory, "other">[] = ["power", "network", "audio", "video", "equipment"];

export function classify(text: string): FaultCategory {
  const folded = ` ${fold(text)} `;
  let best: FaultCategory = "other";
  let bestScore = 0;
  for (const category of ORDER) {
    let score = 0;
    for (const phrase of PHRASES[category]) {
      if (folded.includes(` ${phrase} `)) score += phrase.split(" ").length * 2;
    }
    if (score > bestScore) {
      best = category;
      bestScore = score;
    }
  }
  return best;
}

/** Điều 12.2c: WAN faults go to the WAN operator; everything else to the desk's MCU technician. */
export function routeOf(category: FaultCategory): Route {
  return category === "network" ? "wan" : "mcu";
}

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
  // Teen-code: «wá» (quá), «kh», «hk», «k0», «khum», «hem» (không).
  wa: "qua",
  kh: "khong",
  hk: "khong",
  k0: "khong",
  khum: "khong",
  hem: "khong",
  // «giựt», the southern spelling of «giật» (the picture jerks: the link): «hình giựt giựt» went to the MCU.
  giut: "giat",
  // «cứu» (help!) as it is: its doubled «u» was «repaired» into «cũ», and «ad ơi cứu» went unanswered.
  cuu: "cuu",
};

/**
 * Phrases that name a thing, not something wrong with it, folded: they route a report that says something is wrong
 * («mạng WAN chập chờn»), but beside what works («âm thanh hình ảnh tốt», «đường truyền ổn định») they say nothing is.
 */
const THING_PHRASES: Record<Fault, string[]> = {
  power: ["dien luoi", "aptomat", "ups", "luu dien", "nguon dien", "may phat", "dien du phong"],
  network: [
    "mang wan",
    "wan",
    "internet",
    "vpn",
    "ping",
    "duong truyen",
    "ket noi",
    "tin hieu",
    "cuoc goi",
    // The line and the gear that carries it: a cut cable or a dead router stops the link, the WAN duty's.
    "cap quang",
    "cap mang",
    "day mang",
    "router",
    "modem",
    "switch",
    // Wireless and mobile data, where a ward's line is one: «wifi yếu», «mất wifi», «sóng 4G yếu» went unanswered.
    "wifi",
    "wi fi",
    "3g",
    "4g",
    "5g",
  ],
  equipment: ["hdmi"],
  audio: ["am thanh", "mic"],
  video: ["bo cuc", "layout", "chia man hinh", "mau hinh", "chat luong hinh"],
};

/** Phrases that name a fault without doubt, folded. */
const FAULT_PHRASES: Record<Fault, string[]> = {
  power: [
    "mat dien",
    "cup dien",
    "cat dien",
    "dien bi cat",
    "chap dien",
    "dien chap chon",
    "khong co dien",
    "co dien lai",
    "nhay aptomat",
    "sut ap",
    "mat nguon",
    "sap nguon",
  ],
  network: [
    "rot mang",
    "mat mang",
    "dut mang",
    "mang cham",
    "mang yeu",
    "mat goi",
    "packet loss",
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
    "goi khong duoc",
    "khong goi duoc",
    "khong vao duoc",
    "khong vo duoc",
    "vo khong duoc",
    "vao phong xong",
    // «văng» (thrown out) folds to «vang», as «vâng» (yes) does: without marks only where it cannot be «vâng».
    "bi vang",
    "lai vang",
    "cu vang",
    "hay vang",
    "vang ra",
    "vang khoi",
    "vang lien tuc",
    "vang hoai",
    "vang luon",
    "da ra",
    "thoat ra",
    "rot ra",
    "rot khoi",
    "mat ca tieng lan hinh",
    "mat ca tieng va hinh",
    "mat het ca tieng va hinh",
    "tieng hinh mat",
    "hinh tieng mat",
    // A cut cable stops the link, the WAN duty's (the cables and the gear themselves are THING_PHRASES).
    "dut cap",
    // Thrown out of the room, in the English staff borrow.
    "bi out",
    "out ra",
    "bi kick",
    "kick ra",
    "busy",
    // Dropped out of the meeting room («rớt phòng»), a call that does not go («call không được»), a feed that comes
    // and goes («tiếng lúc có lúc không», the link's «chập chờn» in plain words): they were passed over in silence.
    "rot phong",
    "call khong duoc",
    "khong call duoc",
    "luc co luc khong",
    "luc duoc luc khong",
    "luc nghe duoc luc khong",
    "luc thay luc khong",
  ],
  equipment: [
    "khong dieu khien duoc camera",
    "cam khong xoay",
    "hong thiet bi",
    "treo may",
    "man hinh khong bat",
    "man hinh bi hong",
    "no signal",
  ],
  audio: [
    "mat tieng",
    "mat am thanh",
    "khong nghe",
    "nghe khong ro",
    "khong noi duoc",
    "khong co tieng",
    "khong len tieng",
    "tieng nho",
    "noi nho",
    "noi be",
    "tieng vong",
    "vong tieng",
    "bi vong",
    "hu",
    "re",
    "lao xao",
    // «vang» without marks is also the echo (vang), not only «văng» (thrown out, network): said of the sound.
    "tieng bi vang",
    "tieng vang",
    "loa bi vang",
    "bi vang tieng",
    "rit",
    "u u",
    "tieng bi tre",
    "tieng on",
    "tieng bi lap",
    "ngat quang",
    "dut quang",
    // In the English staff borrow: «bên em bị echo», «bị mute» went unanswered.
    "echo",
    "bi mute",
  ],
  video: [
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
    "hinh toi",
    "toi qua",
    "hinh bi meo",
    "hinh bi cat",
    "keo dan",
    "vo hat",
    "hinh bi soc",
    "hinh ben em khong len",
  ],
};

/** What names a thing and no fault (see THING_PHRASES). */
const THINGS = new Set(Object.values(THING_PHRASES).flat());

/** Loss of sound and loss of picture: both at once is the link, not two faults (routed to WAN). */
const SOUND_LOST = ["mat tieng", "mat am thanh", "khong nghe", "khong co tieng"];
const PICTURE_LOST = ["mat hinh", "khong thay hinh", "khong co hinh", "khong thay"];

/** A device and, within two words after it, what is wrong with it: `máy chiếu không lên`, `loa bị cháy`. */
const DEVICE =
  /\b(may chieu|tivi|ti vi|loa|camera|codec|remote|dieu khien|may tinh|laptop|hdmi|bo chia|thiet bi|dau cuoi|man led)( [a-z0-9]+){0,2}? (hong|chay|khong sang|khong len|khong bat|khong xoay|khong quay|khong zoom|khong dieu khien|khong khoi dong|khoi dong lai|treo|tat|ket|loi|long|het pin|dung im|nong|khong nhan)\b/;

/** Patterns with a gap for a word or two: `gọi mãi không vào được`, `hình và tiếng đều mất`. */
const PATTERNS: [Fault, RegExp][] = [
  // A flat battery: a wireless mic's is the sound («mic không dây hết pin»), anything else's its device («hết pin
  // rồi ạ», the mic or the remote); «hết pin» was nothing. Not a phone's («điện thoại em hết pin»: chatter).
  ["audio", /\bmic( [a-z0-9]+){0,3} (bi |da )?het pin\b/],
  ["equipment", /(?<!~\s+([a-z]+\s+){0,2})\bhet pin\b/],
  // The link said dead («internet cũng chết», «mạng chết rồi»): the link down, a fault, not the thing named alone
  // (beside «mất điện» it was read as no second fault, and the WAN duty was not told).
  [
    "network",
    /\b(mang|internet|wifi|wi fi|duong truyen|ket noi|wan|vpn|4g|modem|router)( [a-z0-9]+){0,2} (chet|die|dut)\b/,
  ],
  ["power", /\bdien( [a-z0-9]+){0,2} bi (ngat|cat)\b/],
  // The room's wiring: «ổ cắm bị chập», «cầu dao bị nhảy», «phích cắm cháy» went unanswered.
  [
    "power",
    /\b(o cam|o dien|phich cam|cau dao|day dien)( [a-z0-9]+){0,2} (bi )?(chap|chay|nhay|no|hong|long)\b/,
  ],
  // A screen with no signal is its cable or source, at the endpoint: «tivi không có tín hiệu» is not the link.
  [
    "equipment",
    /\b(man hinh|tivi|ti vi|may chieu|camera|cam)( [a-z0-9]+){0,2} (bao )?(khong co|mat|khong nhan|khong nhan duoc) tin hieu\b/,
  ],
  ["equipment", /\b(khong co|mat|khong nhan|khong nhan duoc) tin hieu( [a-z0-9]+){0,1} (hdmi|vga)\b/],
  // «điều khiển camera không được»: the remote control, not the picture.
  ["equipment", /\bdieu khien( [a-z0-9]+){0,2} khong duoc\b/],
  // «không đăng nhập được (phần mềm họp)»: the account or the client, the MCU technician's; it went unanswered.
  ["equipment", /\b(khong dang nhap( [a-z0-9]+){0,3} duoc|dang nhap( [a-z0-9]+){0,3} khong duoc)\b/],
  // An endpoint's lamp or LED that does not light («đèn không sáng», «đèn camera không sáng»): its device, the MCU
  // technician's; it went unanswered. Not «tắt» (off), which «đến lúc tắt» (arrive) would say too, nor «hình đen».
  ["equipment", /(?<!hinh )\bden( [a-z0-9]+){0,2} (khong|chua) (sang|len|bat)\b/],
  ["network", /\bgoi( [a-z0-9]+){0,2} khong (vao )?duoc\b/],
  ["network", /\bgoi( [a-z0-9]+){0,2} khong (vao|len)\b/],
  ["network", /\bkhong goi( [a-z0-9]+){0,2} duoc\b/],
  ["network", /\bmat (ca |het )*(hinh|tieng) (ca|va|lan|lan ca|va ca) (hinh|tieng)\b/],
  ["network", /\b(hinh|tieng) (va|lan|voi) (hinh|tieng) (deu |cung )?(mat|khong)\b/],
  ["audio", /\bnghe khong duoc\b/],
  // «vẫn chưa nghe được ạ» after the technician's «xong»: the sound, still lost (it named no fault, and joined
  // another open incident of the endpoint instead of reopening the one just closed). Not a notice not yet heard of
  // («chưa nghe được thông báo về lịch họp»).
  ["audio", /\bchua nghe (duoc|thay|ro)\b(?! (thong bao|tin|lich|ve|link|gi ve))/],
];

/** Words that lean one way but decide only when nothing stronger is said. */
const WEAK: Record<Fault, string[]> = {
  power: ["dien", "nguon"],
  network: ["mang", "ngat"],
  equipment: ["thiet bi", "may chieu", "tivi", "codec", "loa", "hong", "loi"],
  audio: ["tieng", "meo", "loa"],
  // Not «mo»: «mở» (open) folds to it as «mờ» (blurred) does; «hình mờ», «bị mờ», «mờ quá» are strong phrases.
  video: ["hinh", "camera"],
};

/**
 * Asking how things work rather than reporting a fault (Điều 12: registration questions go to the desk). «hỏi về»,
 * «muốn hỏi»: «hơi» (a bit) folds to «hoi» too, but is never followed by these.
 */
const QUESTION =
  /\b(cho (em |e |minh |anh |chi )?hoi|xin hoi|(muon|can) hoi|hoi (ve|them)|thu tuc|quy trinh|huong dan|mau dang ky|dang ky|cam on|so dien thoai)\b/;

/**
 * A fault that is over, in the words of the news that it is («hết bị vọng rồi», «tiếng hết rè rồi», «không còn bị
 * giật nữa», «đã hết lag»): it names the fault and says it is gone. Such news opened a new incident at every word.
 * Not «hết pin» (a flat battery is the fault): only the faults themselves.
 */
const OVER =
  "(?<!(khong|chua) )\\b(da )?(het|khong con) (bi )?(vong|vong tieng|tieng vong|hu|re|rit|u u|tieng on|lao xao|giat|lag|chap chon|do|treo|dung hinh|nhieu|mo|nhoe|meo|tre|lap|loi|vang|vang ra|mat tieng|mat hinh|mat mang|mat dien|mat ket noi|rot mang)( (roi|nua))*\\b";

/**
 * A message saying things work: the answer to the technical check (Điều 12.2b) or the news that a fault is over
 * («đã có hình rồi ạ», «có điện lại rồi», «âm thanh hình ảnh tốt», «bên em đã kết nối»), or a host's instruction
 * about microphones («đề nghị các điểm cầu tắt mic»). It names a fault's words and is no fault: forty endpoints
 * answering a check would open forty incidents. Read only when nothing in it says something is wrong (WRONG).
 */
const ALL_WELL = [
  /\b(da |vua )?co (lai )?(tieng|hinh|mang|dien|am thanh|hinh anh|ket noi|tin hieu|internet)( [a-z0-9]+){0,3} (lai|roi)\b/,
  /\b(da|vua) co (lai )?(tieng|hinh|mang|dien|am thanh|hinh anh|ket noi|tin hieu|internet)\b/,
  // The link by its names too: «internet ổn định», «wifi tốt» (each a network thing) opened a WAN incident.
  /\b(tieng|hinh|mang|dien|am thanh|hinh anh|ket noi|duong truyen|tin hieu|internet|wifi|wi fi|4g|wan|vpn|router|modem|nghe|nhin|thay|mic|camera|loa)( [a-z0-9]+){0,3} (tot|on|ok|oke|okay|binh thuong|on dinh|ro|ro rang|net|thanh cong|nhanh|muot)\b/,
  /\bda (ket noi|vao phong|vao duoc|khac phuc|xu ly|on|san sang|thong)\b/,
  /\b(thiet bi|may|he thong|phong hop)( [a-z0-9]+){0,2} (san sang|hoat dong binh thuong|chay tot)\b/,
  /\bdang (ket noi|vao phong|goi vao)\b/,
  // «điện có lại rồi», «mạng có lại rồi ạ»; a fault that is over.
  /\b(tieng|hinh|mang|dien|am thanh|hinh anh|ket noi|tin hieu|internet|wifi|wi fi|4g) (da )?co lai\b/,
  new RegExp(OVER),
  // What was done to a thing, said back after the technician's advice: «em đã cắm lại mic rồi ạ», «đã thay mic»
  // opened an incident (the mic named alone is a fault's word).
  /\b(test|thu|kiem tra|tat|bat|tat het|bat len|cam lai|thay|doi|sac|lap lai|chinh lai|khoi dong lai|reset)( lai)? (mic|am thanh|loa|camera|day mic|day loa)\b/,
  // A check of the link, planned or said («kiểm tra kết nối lúc 8h», «8h test đường truyền»): no fault, unless it
  // asks for help («kiểm tra kết nối giúp em»: something is wrong, the desk asks what).
  /^(?!.* (giup|ho|gap) |.* voi( a| nhe| nha)? $).* (kiem tra|test|thu|chay thu)( lai)? (ket noi|duong truyen|mang|wan|internet|tin hieu|vpn|ping|hinh anh|ky thuat)\b/,
  // A workaround, news and no fault: «dùng 4G thay thế nhé», «em chuyển sang phát wifi từ điện thoại» opened a WAN
  // incident (the 4G, the wifi are the link's things). The fault it works around, said too, is still read (WRONG).
  /\b(dung|su dung|chuyen sang|chuyen qua|doi sang|doi qua|phat)( tam)? (4g|3g|5g|wifi|wi fi|hotspot|sim|mang du phong|duong truyen du phong|duong du phong)\b/,
  // An instruction to every endpoint: «mọi người tắt mic khi không phát biểu».
  /\b(moi nguoi|cac diem cau|cac dau cau|de nghi)( [a-z0-9]+){0,3} (tat|bat|kiem tra|chu y|luu y|giu|chuan bi)\b/,
];

/**
 * «khi không phát biểu»: when, not what is wrong; «sau khi rớt mạng» what was wrong before it works again;
 * «thiết bị» (device) holds no «bị».
 */
const WHEN_NOT = new RegExp(
  `\\bkhi khong (phat bieu|noi|su dung|dung|can)\\b|\\bsau (khi )?(bi )?(rot|mat|dut|ngat|cup|cat)( [a-z]+){0,2} ?$|\\bthiet bi\\b|${OVER}`,
  "g",
);

const WORKS =
  "tieng|hinh|mang|dien|am thanh|hinh anh|ket noi|duong truyen|tin hieu|internet|wifi|wi fi|4g|wan|vpn|router|modem|mic|camera|loa";

/**
 * The part of a message that says what works, one piece at a time (no words between a thing and its state, and
 * not after a negation: «không nghe rõ» is a fault).
 */
const FINE = [
  new RegExp(`(?<!(khong|chua) )\\b(da |vua )?co (lai )?(${WORKS})( lai| roi)*\\b`, "g"),
  new RegExp(
    `(?<!(khong|chua) )\\b(${WORKS}|nghe|nhin|thay) (da )?(tot|on|ok|oke|okay|binh thuong|on dinh|ro|ro rang|net)\\b`,
    "g",
  ),
  /\bda (ket noi|vao phong|vao duoc|khac phuc|on|san sang|thong)\b/g,
  new RegExp(`(?<!(khong|chua) )\\b(${WORKS}) (da )?co lai( roi)*\\b`, "g"),
  new RegExp(OVER, "g"),
];

/** What says something is wrong after all: a negation, a loss, a fault verb. */
const WRONG =
  /\b(khong|chua|mat|rot|loi|hong|bi|van|kem|yeu|cham|giat|lag|chap chon|ngat|dut|treo|do|vo|re|hu|rit|vong|nhoe|mo|den|nhieu|tre|sai|nhung|nho|be|toi|nguoc|lech|meo|nhay|keu|bip|lai mat|lai rot|khong duoc|rat to|qua to|to qua)\b/;

/**
 * «ồn» (noisy) folds to «on», as «ổn» (fine) does: «tiếng ồn» is a fault, «tiếng ổn» none, and «tieng on»
 * without marks may be either, so it is read as the fault (an incident too many, not a fault missed).
 */
const NOISY = /(^|[^\p{L}])ồn(?!\p{L})/u;
const FINE_ON = /(^|[^\p{L}])ổn(?!\p{L})/u;

function allWell(rest: string, said: string): boolean {
  if (NOISY.test(said) || (rest.includes(" tieng on ") && !FINE_ON.test(said))) return false;
  if (!ALL_WELL.some((re) => re.test(rest))) return false;
  const now = rest.replace(WHEN_NOT, " ");
  // Beside what works, a fault named outright is still a fault: «hình tiếng ổn, cứ 5 phút lại văng ra», «âm thanh
  // tốt, máy chiếu tắt», «hình ảnh rõ, tiếng lạo xạo» were dropped because their words are no WRONG word.
  return (
    !WRONG.test(now) &&
    faultIn(
      FINE.reduce((t, re) => t.replace(re, " | "), now),
      true,
    ) === "other"
  );
}

/** Words whose meaning the folding would lose: «hư» (broken) is not «hú» (howling), «vâng» not «văng». */
function unambiguous(text: string): string {
  return (
    text
      .normalize("NFC")
      .toLowerCase()
      .replace(/(^|[^\p{L}])hư(?![\p{L}])/gu, "$1hỏng")
      // «vâng ạ» (yes) is no «văng» (thrown out of the room): every «vâng» in the group opened a WAN incident.
      .replace(/(^|[^\p{L}])vâng(?![\p{L}])/gu, "$1dạ")
      // «mở» (open) is no «mờ» (blurred), «rẻ», «rẽ» (cheap, turn) no «rè» (crackling).
      .replace(/(^|[^\p{L}])mở(?![\p{L}])/gu, "$1bật")
      .replace(/(^|[^\p{L}])(rẻ|rẽ|rể)(?![\p{L}])/gu, "$1~")
      .replace(/(^|[^\p{L}])văng(?![\p{L}])/gu, "$1văng ra")
      // «vắng mặt» (absent) is no «văng mất».
      .replace(/(^|[^\p{L}])vắng(?![\p{L}])/gu, "$1~")
  );
}

function normalize(text: string): string {
  const words = fold(unambiguous(text))
    .split(" ")
    .map((w) => ABBREVIATIONS[w] ?? repaired(w))
    .join(" ");
  // «mất kết lối», «mat ket loi» (l for n, as many speak): the link, not «lỗi» (a device's error).
  return ` ${words} `
    .replace(/ ket loi /g, " ket noi ")
    .replace(NOT_FAULT_WORDS, " ~ ")
    .replace(HOURS, "$1 gio")
    .trim();
}

/**
 * Words that hold a fault's word and mean something else, folded: «điện thoại», «đại diện», «diễn ra», «tình
 * hình», «hình thức», «hình như»… «Đại diện xã Sóc Sơn» opened a power incident, «tình hình thế nào» a video one,
 * and «xin lỗi» (sorry) an equipment one: «xin lỗi anh, em nhầm nhóm» paged the MCU technician. «Mật khẩu»
 * (password) holds no loss («mất»). «Hình như» after a picture's fault is no «it seems»: «mất hình như này» (under a
 * photo of the screen) is the picture lost, «like this» (it was read as nothing, and answered with nothing).
 */
const NOT_FAULT_WORDS =
  / (?:dien thoai|goi dien|dai dien|dien ra|dien bien|dien dan|dien tich|dien vien|trinh dien|tinh hinh|hinh thuc|mo hinh|dia hinh|dien hinh|hinh dung|xin loi|mat khau)(?= )|(?<!\b(?:mat|bi|dung|treo|vo|mo|nhoe|den|giat|khong co|khong thay|khong len|khong ra)) hinh nhu(?= )/g;

/** «1 tiếng», «nửa tiếng», «mấy tiếng nữa»: an hour, not the sound. */
const HOURS = /\b(\d+|nua|may|mot|hai|ba|vai) tieng\b/g;

/** Every word the rules know, folded: a typo is repaired only into one of them. */
let vocabulary: Set<string> | null = null;
function known(word: string): boolean {
  vocabulary ??= new Set(
    [
      ...Object.values(FAULT_PHRASES).flat(),
      ...Object.values(THING_PHRASES).flat(),
      ...Object.values(WEAK).flat(),
      ...Object.values(ABBREVIATIONS),
      ...(DEVICE.source.match(/[a-z]{2,}/g) ?? []),
      ...PATTERNS.flatMap(([, re]) => re.source.match(/[a-z]{2,}/g) ?? []),
    ].flatMap((p) => p.split(" ")),
  );
  return vocabulary.has(word);
}

/**
 * A word typed in a hurry, repaired into a word the rules know: the «n» of a final «ng» dropped («mạg», «tiếg»),
 * a letter held down («mangg», «mattt»), or Telex typed with the Vietnamese keyboard off («maats mangj»: its
 * doubled vowels and final tone letter, which no Vietnamese syllable ends with). A word that is known already,
 * or whose repair is not, is kept as typed.
 */
function repaired(word: string): string {
  if (word.length < 2 || known(word)) return word;
  const candidates = [
    word.replace(/([aeiouy])g$/, "$1ng"),
    word.replace(/(.)\1+$/, "$1").replace(/(.)\1{2,}/g, "$1"),
    word
      .replace(/^dd/, "d")
      .replace(/(aa|ee|oo)/, (d) => d[0]!)
      .replace(/([aou])w/, "$1")
      .replace(/([a-z]{2,})[sfrxj]$/, "$1"),
  ];
  for (const c of candidates) {
    const fixed = c.replace(/([aeiouy])g$/, "$1ng");
    if (c !== word && known(c)) return c;
    if (fixed !== word && known(fixed)) return fixed;
  }
  return word;
}

/** Every phrase that decides a class, a fault's or a thing's: matched longest first; a matched span is used up. */
const PHRASES: [Fault, string][] = [FAULT_PHRASES, THING_PHRASES]
  .flatMap((table) =>
    (Object.entries(table) as [Fault, string[]][]).flatMap(([c, ps]) =>
      ps.map((p) => [c, p] as [Fault, string]),
    ),
  )
  .sort((a, b) => b[1].length - a[1].length);

/** The fault a report describes, by the phrases endpoint staff use; `other` for questions and chatter. */
export function classify(text: string): FaultCategory {
  const rest = ` ${normalize(text)} `;
  if (allWell(rest, text.normalize("NFC").toLowerCase())) return "other";
  // «đã kết nối, hình bị ngược»: what works is not the fault; read the rest, unless nothing is left of it
  // («vừa có điện lại nhưng chưa lên máy» is still about the power).
  const wrong = FINE.reduce((t, re) => t.replace(re, " | "), rest);
  const category = wrong === rest ? "other" : faultIn(wrong);
  // «mạng ổn định chưa ạ?», «đường truyền đã ổn chưa?»: asking whether things work, nothing said wrong besides.
  if (category === "other" && wrong !== rest && (ASKS.test(rest) || /\?\s*$/.test(text))) return "other";
  const found = category === "other" ? faultIn(rest) : category;
  // «có nghe tiếng bên em không ạ?», «bên mình thấy hình bên em chưa ạ», «mạng bên em ổn chưa ạ»: the check's
  // question, a thing named and nothing said wrong with it; forty endpoints asking it opened forty incidents.
  // «mic bên em bị hỏng không ạ?» still says what is wrong.
  const asked = rest.replace(ASKS, " ");
  if (found !== "other" && asked !== rest && !WRONG.test(asked) && faultIn(rest, true) === "other")
    return "other";
  return found;
}

/**
 * The faults a report says besides its primary class, by the phrases that say something is wrong (a thing named
 * alone is none): «mất điện và mất mạng luôn» is power first, and the link («mất mạng») too. Empty for one fault.
 */
export function alsoSaid(text: string): FaultCategory[] {
  const primary = classify(text);
  if (primary === "other") return [];
  const rest = ` ${normalize(text)} `;
  const wrong = FINE.reduce((t, re) => t.replace(re, " | "), rest);
  const all = new Set<Fault>();
  faultIn(wrong !== rest && faultIn(wrong) !== "other" ? wrong : rest, true, all);
  return PRIMARY_ORDER.filter((c) => c !== primary && all.has(c));
}

/** A message ending as a yes-or-no question: «… chưa ạ», «… không nhỉ», «… được chưa». */
const ASKS = /\b(chua|khong|ko|chu)( (a|nhi|vay|ha|nhe|the|anh|chi|em|oi))* $/;

const isThing = (phrase: string) => THINGS.has(phrase);

/**
 * The fault `said` names; with `faultsOnly`, only by phrases that say something is wrong (no thing named alone, no
 * lone weak word).
 */
function faultIn(said: string, faultsOnly = false, all?: Set<Fault>): FaultCategory {
  let rest = said;
  const found = new Set<Fault>();
  const matched: string[] = [];
  // A device or a pattern read names something wrong with it; a phrase may name only a thing.
  let shaped = false;
  const device = rest.match(DEVICE);
  if (device) {
    found.add("equipment");
    shaped = true;
    rest = rest.replace(device[0], " | ");
  }
  for (const [category, re] of PATTERNS) {
    const m = rest.match(re);
    if (m) {
      found.add(category);
      shaped = true;
      rest = rest.replace(m[0], " | ");
    }
  }
  for (const [category, phrase] of PHRASES) {
    if (faultsOnly && THINGS.has(phrase)) continue;
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
  if (all) for (const c of found) all.add(c);
  const primary = PRIMARY_ORDER.find((c) => found.has(c));
  // «cho hỏi về mạng WAN của sở»: a question that only names a thing, and says nothing is wrong with it.
  if (primary && !shaped && matched.every(isThing) && QUESTION.test(said) && !WRONG.test(said))
    return "other";
  if (primary) return primary;
  if (faultsOnly || QUESTION.test(rest)) return "other";
  for (const c of PRIMARY_ORDER) {
    if (WEAK[c].some((w) => rest.includes(` ${w} `))) return c;
  }
  return "other";
}

/**
 * Something is wrong and the words do not say what («điểm cầu em có vấn đề», «ad ơi giúp em với», «không họp
 * được»): a technician would ask what before sending anyone, so the desk asks back instead of guessing a route.
 */
const VAGUE =
  /\b(su co|van de|truc trac|khong on|khong hop duoc|hop khong duoc|khong hop dc|giup (em|minh|toi|voi|do)|ho tro (em|minh|toi|gap|voi|ky thuat)|help|sos|(?<!nghien )cuu|co ai (truc )?khong)\b/;

/** Asking the desk to do something («mở phòng giúp em», «cho em xin link»): a request, not a fault. */
const REQUEST = /\b(bat|tat|xin|gui|cho em|chuyen|doi|mo)\b/;

/**
 * «vẫn chưa được anh ạ», «vẫn chưa khắc phục được», «vẫn bị như cũ», «chưa ổn ạ»: the fault the endpoint reported
 * is not over. It names no fault, so it belongs to the endpoint's open incident, or is asked about.
 */
/** «không có vấn đề gì ạ», «bên em không có sự cố gì»: the answer to a check, nothing to ask about. */
const NO_PROBLEM = /\bkhong (co )?(gi )?(van de|su co|truc trac)\b/;

// «lại mất tiếng rồi», «bị lại rồi ạ»: the fault came back just after the «xong», as «vẫn» says it never left (it
// opened a second incident beside the one just closed). Not «khởi động lại», «cắm lại» (what was done).
const STILL_WORDS =
  /\b(van (chua|khong|con bi|bi|the|vay|nhu cu)|chua (on|khac phuc|sua duoc)|van mat|khong (thay )?(do|khac|thay doi) (gi|hon)|lai (bi|mat|khong|chap chon|rot|dut|loi)|(bi|loi) lai (roi|nua|a)|lai nhu cu)\b/;
/** «chưa được ạ» as the whole answer (not «chưa được duyệt», «chưa được cấp link»). */
const STILL_END = /\bchua duoc(?: (?:a|anh|chi|em|nhe|roi|oi))*\s*$/;
const still = (rest: string) => STILL_WORDS.test(rest) || STILL_END.test(rest);

/** A follow-up saying the fault is still there, naming none (the open incident is the one meant). */
export function stillFailing(text: string): boolean {
  if (classify(text) !== "other") return false;
  const rest = ` ${normalize(text)} `;
  return (
    still(rest) &&
    !NO_PROBLEM.test(rest) &&
    !QUESTION.test(rest) &&
    !allWell(rest, text.normalize("NFC").toLowerCase())
  );
}

/**
 * «vẫn chưa có tiếng ạ», «vẫn bị mất hình»: a fault said to be still there (named or not), as a follow-up to one the
 * desk was told of.
 */
export function saysStill(text: string): boolean {
  const rest = ` ${normalize(text)} `;
  return still(rest) && !NO_PROBLEM.test(rest) && !QUESTION.test(rest);
}

/** A report to ask back about: no fault this classifier can name, but words that say there is one. */
export function asksBack(text: string): boolean {
  if (classify(text) !== "other") return false;
  const rest = ` ${normalize(text)} `;
  return (
    (VAGUE.test(rest) || still(rest)) &&
    !NO_PROBLEM.test(rest) &&
    !QUESTION.test(rest) &&
    !REQUEST.test(rest) &&
    !allWell(rest, text.normalize("NFC").toLowerCase())
  );
}

/**
 * Desk staff talking an endpoint through a fault in the group («Sóc Sơn kiểm tra lại đường truyền giúp anh», «em
 * khởi động lại codec xem», «WAN đang xử lý đường truyền»): advice and news about a fault, not a new report.
 */
const ADVICE =
  /\b(kiem tra|thu|khoi dong lai|cam lai|rut|giup anh|giup chi|dang xu ly|dang kiem tra|da bao|da chuyen|bao ben|cho (chut|mot chut|ti|xiu)|nhe|nha)\b/;

/** Whether a desk person's message in the group is advice about a fault rather than a report of one. */
export function advises(text: string): boolean {
  return ADVICE.test(` ${normalize(text)} `);
}

/** Điều 12.2c: WAN faults go to the WAN operator; everything else to the desk's MCU technician. */
export function routeOf(category: FaultCategory): Route {
  return category === "network" ? "wan" : "mcu";
}

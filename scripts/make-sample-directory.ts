/**
 * Builds the sample directory of Hanoi shipped in data/sample-directory from the official unit names in
 * ../shared/data. Codes, mailboxes and people are made up, deterministically, so the output is stable.
 * Run: npx tsx scripts/make-sample-directory.ts [SHARED_DATA_DIR]
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { directoryToCsv } from "../src/app/directory/csv.js";
import type { Agency, Directory, Endpoint, Person } from "../src/core/directory/types.js";
import type { AgencyKind } from "../src/core/regulation.js";
import { fold } from "../src/core/text/fold.js";

const shared = process.argv[2] ?? join(import.meta.dirname, "../../shared/data");
const out = join(import.meta.dirname, "../data/sample-directory");

/** City bodies: short code, mailboxes, endpoint count and extra aliases. */
const CITY: Record<
  string,
  { acr: string; mail: string[]; n: number; aliases: string[]; control?: boolean; notifiesFor?: string }
> = {
  "Thành ủy Hà Nội": { acr: "TU", mail: ["vanthu.thanhuy"], n: 3, aliases: ["Thành ủy"], control: true },
  "Đoàn đại biểu Quốc hội thành phố Hà Nội": {
    acr: "DBQH",
    mail: ["vanthu.doandbqh"],
    n: 1,
    aliases: ["Đoàn ĐBQH thành phố", "Đoàn ĐBQH"],
  },
  "HĐND thành phố Hà Nội": {
    acr: "HDND",
    mail: ["vanthu.hdnd"],
    n: 2,
    aliases: ["HĐND Thành phố", "Hội đồng nhân dân thành phố Hà Nội"],
    control: true,
  },
  "UBND thành phố Hà Nội": {
    acr: "UBND",
    mail: ["vanthu.ubnd"],
    n: 4,
    aliases: ["UBND Thành phố", "Ủy ban nhân dân thành phố Hà Nội"],
    control: true,
  },
  "Ủy ban MTTQ Việt Nam thành phố Hà Nội": {
    acr: "MTTQ",
    mail: ["vanthu.mttq"],
    n: 1,
    aliases: ["Ủy ban MTTQ Thành phố", "MTTQ thành phố"],
  },
  "Văn phòng UBND thành phố Hà Nội": {
    acr: "VPUB",
    mail: ["vanthu.vpub"],
    n: 2,
    aliases: ["Văn phòng UBND Thành phố", "VP UBND TP"],
    control: true,
    notifiesFor: "UBND thành phố Hà Nội",
  },
  "Sở Nội vụ": { acr: "SNV", mail: ["vanthu.snv"], n: 1, aliases: [] },
  "Sở Tư pháp": { acr: "STP", mail: ["vanthu.stp", "vanphong.stp"], n: 1, aliases: [] },
  "Sở Tài chính": { acr: "STC", mail: ["vanthu.stc"], n: 2, aliases: [] },
  "Sở Công Thương": { acr: "SCT", mail: ["vanthu.sct"], n: 1, aliases: ["Sở Công thương"] },
  "Sở Nông nghiệp và Môi trường": { acr: "SNNMT", mail: ["vanthu.snnmt"], n: 1, aliases: [] },
  "Sở Xây dựng": { acr: "SXD", mail: ["vanthu.sxd"], n: 2, aliases: [] },
  "Sở Khoa học và Công nghệ": {
    acr: "SKHCN",
    mail: ["vanthu.skhcn"],
    n: 2,
    aliases: ["Sở KH&CN"],
    control: true,
  },
  "Sở Văn hóa và Thể thao": { acr: "SVHTT", mail: ["vanthu.svhtt"], n: 1, aliases: [] },
  "Sở Giáo dục và Đào tạo": { acr: "SGDDT", mail: ["vanthu.sgddt"], n: 1, aliases: ["Sở GD&ĐT"] },
  "Sở Y tế": { acr: "SYT", mail: ["vanthu.syt"], n: 2, aliases: [] },
  "Thanh tra thành phố Hà Nội": {
    acr: "TTTP",
    mail: ["vanthu.thanhtra"],
    n: 1,
    aliases: ["Thanh tra Thành phố"],
  },
  "Sở Dân tộc và Tôn giáo": { acr: "SDTTG", mail: ["vanthu.sdttg"], n: 1, aliases: [] },
  "Sở Du lịch": { acr: "SDL", mail: ["vanthu.sdl"], n: 1, aliases: [] },
  "Sở Quy hoạch - Kiến trúc": {
    acr: "SQHKT",
    mail: ["vanthu.sqhkt"],
    n: 1,
    aliases: ["Sở Quy hoạch Kiến trúc"],
  },
  "Công an thành phố Hà Nội": { acr: "CATP", mail: ["vanthu.catp"], n: 2, aliases: ["Công an Thành phố"] },
  "Bộ Tư lệnh Thủ đô Hà Nội": {
    acr: "BTLTD",
    mail: ["vanthu.btltd"],
    n: 1,
    aliases: ["Bộ Tư lệnh Thủ đô"],
  },
  "Ban quản lý các Khu công nghệ cao và Khu công nghiệp thành phố": {
    acr: "BQLKCN",
    mail: ["vanthu.bqlkcn"],
    n: 1,
    aliases: ["Ban quản lý các KCN và KCNC"],
  },
};

const FAMILY = [
  "Nguyễn",
  "Trần",
  "Lê",
  "Phạm",
  "Hoàng",
  "Vũ",
  "Đặng",
  "Bùi",
  "Đỗ",
  "Hồ",
  "Ngô",
  "Dương",
  "Lý",
  "Đinh",
  "Trịnh",
];
const MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Hữu", "Ngọc", "Quang", "Thanh", "Hải"];
const GIVEN = [
  "An",
  "Bình",
  "Cường",
  "Dũng",
  "Giang",
  "Hà",
  "Hạnh",
  "Hùng",
  "Khánh",
  "Lan",
  "Linh",
  "Mai",
  "Nam",
  "Phương",
  "Quân",
  "Sơn",
  "Thảo",
  "Trang",
  "Tuấn",
  "Yến",
];

let seed = 20251;
function rnd(n: number): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
}
function personName(): string {
  return `${FAMILY[rnd(FAMILY.length)]} ${MIDDLE[rnd(MIDDLE.length)]} ${GIVEN[rnd(GIVEN.length)]}`;
}
function phone(): string {
  return `09${String(10_000_000 + rnd(89_999_999)).padStart(8, "0")}`;
}
let chatSeq = 700_000_000;
function staff(endpoint: string | null, role: Person["role"], email: string | null): Person {
  chatSeq += 1 + rnd(97);
  return {
    name: personName(),
    phone: phone(),
    email,
    endpoint,
    role,
    telegramId: String(chatSeq),
    zaloId: `z${(chatSeq * 7919).toString(16)}`,
  };
}

const cityRows = parse(readFileSync(join(shared, "hanoi-city-agencies-2025.csv"), "utf8"), {
  columns: true,
  relax_column_count: true,
}) as {
  name: string;
  kind: AgencyKind;
}[];
const communeRows = parse(readFileSync(join(shared, "hanoi-commune-units-2025.csv"), "utf8"), {
  columns: true,
}) as {
  code: string;
  name: string;
  type: string;
}[];

const dir: Directory = { agencies: [], endpoints: [], people: [] };
let token = 0;
for (const row of cityRows) {
  const c = CITY[row.name];
  if (!c) throw new Error(`no sample data for ${row.name}`);
  const agency: Agency = {
    name: row.name,
    kind: row.kind,
    mailboxes: c.mail.map((m) => `${m}@hanoi.gov.vn`),
    aliases: c.aliases,
    approvedQuota: null,
    approvalRef: null,
    notifiesFor: c.notifiesFor ?? null,
  };
  dir.agencies.push(agency);
  for (let i = 1; i <= c.n; i++) {
    const code = `${c.acr}-${String(i).padStart(2, "0")}`;
    const e: Endpoint = {
      code,
      name: c.n === 1 ? row.name : `${row.name} (điểm cầu ${i})`,
      level: "city",
      agency: row.name,
      aliases: i === 1 ? [] : [],
      control: Boolean(c.control) && i === 1,
      vpnToken: c.control && i === 1 ? `VPN-HN-${String(++token).padStart(3, "0")}` : null,
      dial: `sip:${code.toLowerCase()}@mcu.hanoi.gov.vn`,
    };
    if (row.name === "UBND thành phố Hà Nội" && i === 1) {
      e.name = "Phòng họp trực tuyến trụ sở UBND Thành phố";
      e.aliases = ["phòng họp trực tuyến UBND Thành phố", "trụ sở UBND Thành phố"];
    }
    dir.endpoints.push(e);
    dir.people.push(staff(code, "leader", null), staff(code, "technician", null));
  }
}

const used = new Set<string>();
for (const row of communeRows) {
  const type = row.type; // "phường" | "xã"
  const bare = row.name.replace(/^(Phường|Xã)\s+/u, "");
  let box = fold(bare).replace(/ /g, "");
  if (used.has(box)) box = `${type === "phường" ? "p" : "x"}${box}`;
  used.add(box);
  const agencyName = `UBND ${type} ${bare}`;
  dir.agencies.push({
    name: agencyName,
    kind: "commune",
    mailboxes: [`vanthu.${box}@hanoi.gov.vn`],
    aliases: [],
    approvedQuota: null,
    approvalRef: null,
  });
  const code = `CX-${row.code}`;
  dir.endpoints.push({
    code,
    name: row.name,
    level: "commune",
    agency: agencyName,
    aliases: [agencyName, `${type === "phường" ? "P." : "X."} ${bare}`],
    control: false,
    vpnToken: null,
    dial: `sip:${code.toLowerCase()}@mcu.hanoi.gov.vn`,
  });
  dir.people.push(staff(code, "leader", null), staff(code, "technician", `kythuat.${box}@hanoi.gov.vn`));
}

// The desk: MCU technicians (Trung tâm Tin học - Công báo), WAN duty (Sở Khoa học và Công nghệ), an admin.
dir.people.push(
  staff(null, "mcu-technician", "mcu1.ttth@hanoi.gov.vn"),
  staff(null, "mcu-technician", "mcu2.ttth@hanoi.gov.vn"),
  staff(null, "wan-duty", "wan.skhcn@hanoi.gov.vn"),
  staff(null, "wan-duty", "wan2.skhcn@hanoi.gov.vn"),
  staff(null, "admin", "kythuat@hanoi.gov.vn"),
);

mkdirSync(out, { recursive: true });
for (const [file, text] of Object.entries(directoryToCsv(dir))) writeFileSync(join(out, file), text);
console.log(
  `${dir.agencies.length} cơ quan, ${dir.endpoints.length} điểm cầu, ${dir.people.length} người → ${out}`,
);

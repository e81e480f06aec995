import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import type { CliError } from "../src/app/cli/commands.js";
import { DirectoryCsvError, readDirectoryCsv } from "../src/app/directory/csv.js";
import { directoryToXlsx, readDirectoryXlsx, zipRefusal } from "../src/app/directory/xlsx.js";
import type { Directory } from "../src/core/directory/types.js";
import { sampleDirectory, tempDir } from "./helpers.js";
import { cliOnSampleDesk } from "./support/cli-here.js";
import { copySample, edit } from "./support/directory-csv.js";

/** The problems the workbook reader names, one per line; none when it reads. */
async function xlsxProblems(bytes: Buffer, known?: Directory): Promise<string[]> {
  try {
    await readDirectoryXlsx(bytes, known ? { known } : {});
  } catch (err) {
    if (err instanceof DirectoryCsvError) return err.message.split("\n");
    throw err;
  }
  return [];
}

/** The sample's exported workbook, with `change` applied to it as an operator editing in Excel would. */
async function editedWorkbook(
  change: (wb: ExcelJS.Workbook) => void,
  dir = sampleDirectory,
): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await directoryToXlsx(dir)) as never);
  change(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A zip of `parts`, deflated; `declare` overrides the uncompressed size written in the headers. */
function zip(parts: { name: string; data: Buffer; declare?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const packed = deflateRawSync(p.data);
    const name = Buffer.from(p.name);
    const size = p.declare ?? p.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += 30 + name.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

describe("directory as an .xlsx workbook", () => {
  it("exports text cells that read back unchanged, leading zeros and formula-like values included", async () => {
    const dir = structuredClone(sampleDirectory);
    const tu = dir.endpoints[0]!;
    tu.vpnToken = "000123";
    tu.name = '=HYPERLINK("http://evil.example","x")';
    dir.people[0]!.zaloId = "5420061234567890123";
    const bytes = await directoryToXlsx(dir);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["agencies", "endpoints", "people"]);
    const ws = wb.getWorksheet("endpoints")!;
    // Written as text, never a formula, guarded as the CSV guards it; the token's column and cell are «Text».
    const name = ws.getRow(2).getCell(2);
    expect(name.type).toBe(ExcelJS.ValueType.String);
    expect(name.value).toBe(`'${tu.name}`);
    const token = ws.getRow(2).getCell(7);
    expect(token.value).toBe("000123");
    expect(token.numFmt).toBe("@");
    expect(ws.getColumn(7).numFmt).toBe("@");
    expect(await readDirectoryXlsx(bytes)).toEqual(dir);
  });

  it("is as strict as the CSV import: the same per-line problems, named by sheet", async () => {
    const bytes = await editedWorkbook((wb) => {
      const ws = wb.getWorksheet("endpoints")!;
      ws.getRow(4).getCell(3).value = "tỉnh";
      ws.getRow(5).getCell(4).value = "Sở Không Có";
      wb.getWorksheet("people")!.getRow(3).getCell(5).value = "khách";
    });
    const problems = await xlsxProblems(bytes);
    expect(problems).toEqual([
      "trang endpoints, dòng 4, cột level: giá trị «tỉnh» không hợp lệ (phải là city, district hoặc commune).",
      "trang endpoints, dòng 5, cột agency: cơ quan «Sở Không Có» không có trong trang agencies.",
      `trang people, dòng 3, cột role: vai trò «khách» không hợp lệ (leader, technician, mcu-technician, wan-duty, admin).`,
    ]);
  });

  it("refuses a formula, a date, an error cell and a number Excel rounded, each on its line", async () => {
    const bytes = await editedWorkbook((wb) => {
      const ws = wb.getWorksheet("endpoints")!;
      ws.getRow(2).getCell(2).value = { formula: 'HYPERLINK("http://evil.example","TU")', result: "TU" };
      // A cell of a General column Excel took for a date («12/2»): it gets a date format, as Excel gives it.
      ws.getRow(3).getCell(8).value = new Date("2026-12-02T00:00:00Z");
      // (A style of its own: a loaded workbook's cells share their style objects.)
      const date = ws.getRow(3).getCell(8);
      date.style = { ...date.style, numFmt: "dd/mm/yyyy" };
      ws.getRow(4).getCell(5).value = { error: "#REF!" };
      wb.getWorksheet("people")!.getRow(2).getCell(7).value = 5420061234567890000;
    });
    const problems = await xlsxProblems(bytes);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(
      /^trang endpoints, dòng 2, cột name: ô chứa công thức: danh bạ chỉ nhận giá trị/,
    );
    expect(problems[1]).toMatch(/^trang endpoints, dòng 3, cột dial: ô bị Excel hiểu là ngày tháng/);
    expect(problems[2]).toBe("trang endpoints, dòng 4, cột aliases: ô báo lỗi #REF!.");
    expect(problems[3]).toMatch(
      /^trang people, dòng 2, cột zalo_id: số có hơn 15 chữ số đã bị Excel làm tròn/,
    );
  });

  it("reads what Excel makes of typed cells: a mailto link, rich text, a phone without its zero", async () => {
    const bytes = await editedWorkbook((wb) => {
      const ws = wb.getWorksheet("people")!;
      ws.getRow(2).getCell(3).value = {
        text: "thao.bt@hanoi.gov.vn",
        hyperlink: "mailto:thao.bt@hanoi.gov.vn",
      };
      ws.getRow(2).getCell(2).value = 962256780;
      ws.getRow(3).getCell(1).value = {
        richText: [{ text: "Đặng " }, { font: { bold: true }, text: "Đức Khánh" }],
      };
    });
    const dir = await readDirectoryXlsx(bytes);
    expect(dir.people[0]).toMatchObject({ email: "thao.bt@hanoi.gov.vn", phone: "0962256780" });
    expect(dir.people[1]!.name).toBe("Đặng Đức Khánh");
  });

  it("names the sheets it needs when they are missing or renamed", async () => {
    const bytes = await editedWorkbook((wb) => {
      wb.getWorksheet("agencies")!.name = "Cơ quan";
    });
    expect(await xlsxProblems(bytes)).toEqual([
      "danh-ba.xlsx, dòng 0, cột -: không có trang «agencies» (các trang có: «Cơ quan», «endpoints», «people»). Sổ danh bạ có ba trang tên agencies, endpoints, people như sổ xuất từ bàn kỹ thuật.",
    ]);
  });

  it("refuses what is no workbook, in Vietnamese: a CSV renamed, an old .xls, a broken zip", async () => {
    const [csv] = await xlsxProblems(Buffer.from("name,mailboxes,aliases\n"));
    expect(csv).toContain("tệp không phải sổ Excel .xlsx");
    const [xls] = await xlsxProblems(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]));
    expect(xls).toContain("Excel 97-2003 (.xls)");
    const good = await directoryToXlsx(sampleDirectory);
    const [cut] = await xlsxProblems(good.subarray(0, good.length - 100));
    expect(cut).toContain("bị hỏng hoặc không đầy đủ");
  });

  it("refuses a zip bomb before exceljs inflates it, whether its sizes are declared or lied about", async () => {
    const big = Buffer.alloc(40 * 1024 * 1024);
    const [declared] = await xlsxProblems(zip([{ name: "xl/worksheets/sheet1.xml", data: big }]));
    expect(declared).toContain("khi giải nén vượt 6 MB");
    const [lying] = await xlsxProblems(zip([{ name: "xl/worksheets/sheet1.xml", data: big, declare: 100 }]));
    expect(lying).toContain("khi giải nén vượt 6 MB");
    const [oversize] = await xlsxProblems(Buffer.alloc(3 * 1024 * 1024));
    expect(oversize).toContain("tệp quá lớn");
  });

  it("keeps the inflated size near what a directory needs: 6 MB refused in words, ten times the city passes", async () => {
    // Between the new cap (6 MB) and the old one (24 MB): a workbook no directory of the city could be.
    const [big] = await xlsxProblems(
      zip([{ name: "xl/worksheets/sheet1.xml", data: Buffer.alloc(10 * 1024 * 1024, 0x20) }]),
    );
    expect(big).toBe(
      `danh-ba.xlsx, dòng 0, cột -: nội dung tệp khi giải nén vượt 6 MB, trong khi danh bạ cả thành phố chỉ khoảng 0,3 MB: đây không phải sổ danh bạ (hoặc sổ có thêm trang, ảnh, dữ liệu khác). Hãy dùng sổ danh-ba.xlsx xuất từ trang Danh bạ, chỉ sửa ba trang agencies, endpoints, people.`,
    );
    // Ten times the sample (itself the city's size) in every sheet still passes the guard.
    const times = <T>(list: T[]) => Array.from({ length: 10 }, () => list).flat();
    const tenfold: Directory = {
      ...sampleDirectory,
      agencies: times(sampleDirectory.agencies),
      endpoints: times(sampleDirectory.endpoints),
      people: times(sampleDirectory.people),
    };
    expect(zipRefusal(await directoryToXlsx(tenfold))).toBeNull();
  });
});

describe("a CSV whose digits Excel changed", () => {
  it("refuses a VPN token that lost its leading zeros against the stored directory, without echoing it", () => {
    const known = structuredClone(sampleDirectory);
    known.endpoints[0]!.vpnToken = "00123456";
    const dir = copySample();
    edit(dir, "endpoints.csv", (t) => t.replace(",yes,VPN-HN-001,", ",yes,123456,"));
    let problems: string[] = [];
    try {
      readDirectoryCsv(dir, { known });
    } catch (err) {
      problems = (err as DirectoryCsvError).message.split("\n");
    }
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^endpoints\.csv, dòng 2, cột vpn_token: giá trị ngắn hơn giá trị đang lưu của điểm cầu TU-01 đúng bằng các chữ số 0 ở đầu: có lẽ Excel đã bỏ chúng/,
    );
    expect(problems[0]).not.toContain("123456");
    // Without a stored token to compare with, a short digit-only token is a token.
    expect(readDirectoryCsv(dir).endpoints[0]!.vpnToken).toBe("123456");
  });

  it("refuses a VPN token Excel wrote in scientific notation", () => {
    const dir = copySample();
    edit(dir, "endpoints.csv", (t) => t.replace(",yes,VPN-HN-001,", ",yes,1.23457E+17,"));
    expect(() => readDirectoryCsv(dir)).toThrow(/cột vpn_token: giá trị đã bị Excel đổi sang dạng số mũ/);
  });

  it("refuses the same in a workbook whose token cell became a number", async () => {
    const known = structuredClone(sampleDirectory);
    known.endpoints[0]!.vpnToken = "0042";
    const bytes = await editedWorkbook((wb) => {
      wb.getWorksheet("endpoints")!.getRow(2).getCell(7).value = 42;
    });
    const problems = await xlsxProblems(bytes, known);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^trang endpoints, dòng 2, cột vpn_token: giá trị ngắn hơn/);
  });
});

describe("the CLI with a directory workbook", () => {
  it("directory export TỆP.xlsx writes the workbook (operator-only, never over a file unasked); import reads it", async () => {
    const { run, lines } = await cliOnSampleDesk();
    const file = join(tempDir(), "danh-ba.xlsx");
    expect(await run("directory", "export", file)).toBeNull();
    expect(lines.at(-1)).toBe(`Đã xuất danh bạ ra sổ Excel ${file}.`);
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(await readDirectoryXlsx(readFileSync(file))).toEqual(sampleDirectory);
    expect(((await run("directory", "export", file)) as CliError).message).toContain("không ghi đè");
    expect(await run("directory", "import", file)).toBeNull();
    expect(lines.at(-1)).toMatch(/^Đã nhập \d+ cơ quan, \d+ điểm cầu, \d+ người/);
  });

  it("directory check --directory TỆP.xlsx checks the workbook, as it checks a folder", async () => {
    const { run, lines } = await cliOnSampleDesk();
    const dir = structuredClone(sampleDirectory);
    const commune = dir.endpoints.find((e) => e.level === "commune")!;
    commune.control = true;
    const file = join(tempDir(), "danh-ba.xlsx");
    writeFileSync(file, await directoryToXlsx(dir));
    expect(await run("directory", "check", "--directory", file, "--json")).toBeNull();
    const found = JSON.parse(lines.at(-1)!) as { article: string; endpoints: string[] }[];
    expect(found).toContainEqual(expect.objectContaining({ article: "10.1", endpoints: [commune.code] }));
  });

  it("directory import of one file that is no workbook (an old .xls, a lone CSV) says what it is", async () => {
    const { run } = await cliOnSampleDesk();
    const xls = join(tempDir(), "danh-ba.xls");
    writeFileSync(xls, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]));
    expect((await run("directory", "import", xls)) as Error).toHaveProperty(
      "message",
      expect.stringContaining("sổ Excel 97-2003 (.xls)"),
    );
    const csv = join(tempDir(), "agencies.csv");
    writeFileSync(csv, "name,mailboxes,aliases\n");
    expect((await run("directory", "check", "--directory", csv)) as Error).toHaveProperty(
      "message",
      expect.stringContaining("tệp không phải sổ Excel .xlsx"),
    );
  });

  it("directory import of a broken workbook names the problem and imports nothing", async () => {
    const { run } = await cliOnSampleDesk();
    const file = join(tempDir(), "danh-ba.xlsx");
    writeFileSync(file, "name,mailboxes\n");
    const err = await run("directory", "import", file);
    expect(err).toBeInstanceOf(DirectoryCsvError);
    expect((err as Error).message).toContain("danh-ba.xlsx, dòng 0, cột -: tệp không phải sổ Excel .xlsx");
  });
});

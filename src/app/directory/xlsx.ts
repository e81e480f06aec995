import { inflateRawSync } from "node:zlib";
import type ExcelJS from "exceljs";
import type { Directory } from "../../core/directory/types.js";
import {
  type CsvProblem,
  DirectoryCsvError,
  directorySheets,
  guardCell,
  type RawTable,
  type ReadOptions,
  readDirectoryFrom,
  type SheetName,
} from "./csv.js";

/**
 * The directory as one .xlsx workbook, beside the three CSV files: Excel opens a CSV with its locale's list
 * separator and turns digit-only cells into numbers (a VPN token loses its leading zeros, a long id its last
 * digits); a workbook's text cells stay text.
 */

/** The workbook's name on export, and in its problems. */
/**
 * exceljs, loaded on the first workbook: the web desk imports this module, and exceljs must stay out of what
 * `npm start` parses before the desk runs (tests/startup-bundle.test.ts), as the report's workbook does.
 */
async function excel(): Promise<typeof ExcelJS> {
  return (await import("exceljs")).default;
}

export const XLSX_FILE = "danh-ba.xlsx";
/** The city's directory is about 50 kB as a workbook: a file near these limits is not one. */
export const MAX_XLSX_BYTES = 2 * 1024 * 1024;
/**
 * What its parts may inflate to, all together: the check against a zip bomb, before exceljs opens anything. The
 * sample directory (149 agencies, 161 endpoints, 327 people: the city's size) exported as a workbook inflates to
 * 0.3 MB; 6 MB is twenty of it. It was 24 MB: exceljs building its cells from that much XML held the desk's
 * memory and CPU for what no directory of the city needs.
 */
export const MAX_INFLATED_BYTES = 6 * 1024 * 1024;
const MAX_ZIP_ENTRIES = 200;
const MAX_ROWS = 20_000;

const SAVE_AS_XLSX = "hãy mở tệp trong Excel và «Lưu thành» → «Sổ làm việc Excel (.xlsx)».";

/**
 * Why these bytes are no workbook to open, or null: not a zip (an old .xls, a password-protected book, a CSV
 * renamed), too big, or parts that inflate beyond MAX_INFLATED_BYTES (inflated here, bounded, whatever sizes the
 * zip declares).
 */
export function zipRefusal(bytes: Buffer): string | null {
  if (bytes.length > MAX_XLSX_BYTES)
    return `tệp quá lớn (${(bytes.length / 1024 / 1024).toFixed(1)} MB; tối đa ${MAX_XLSX_BYTES / 1024 / 1024} MB): đây không phải sổ danh bạ.`;
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0xd0cf11e0)
    return `tệp là sổ Excel 97-2003 (.xls) hoặc sổ có đặt mật khẩu, không đọc được: ${SAVE_AS_XLSX} (không đặt mật khẩu).`;
  if (bytes.length < 22 || bytes.readUInt32LE(0) !== 0x04034b50)
    return `tệp không phải sổ Excel .xlsx: ${SAVE_AS_XLSX}`;
  const broken = `tệp .xlsx bị hỏng hoặc không đầy đủ: ${SAVE_AS_XLSX}`;
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return broken;
  const entries = bytes.readUInt16LE(eocd + 10);
  let at = bytes.readUInt32LE(eocd + 16);
  if (entries === 0xffff || at === 0xffffffff || entries > MAX_ZIP_ENTRIES)
    return "tệp có cấu trúc nén bất thường (quá nhiều phần), không phải sổ danh bạ.";
  let budget = MAX_INFLATED_BYTES;
  const tooBig = `nội dung tệp khi giải nén vượt ${MAX_INFLATED_BYTES / 1024 / 1024} MB, trong khi danh bạ cả thành phố chỉ khoảng 0,3 MB: đây không phải sổ danh bạ (hoặc sổ có thêm trang, ảnh, dữ liệu khác). Hãy dùng sổ ${XLSX_FILE} xuất từ trang Danh bạ, chỉ sửa ba trang agencies, endpoints, people.`;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50) return broken;
    const method = bytes.readUInt16LE(at + 10);
    const packed = bytes.readUInt32LE(at + 20);
    const size = bytes.readUInt32LE(at + 24);
    const local = bytes.readUInt32LE(at + 42);
    at += 46 + bytes.readUInt16LE(at + 28) + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    if (size > budget) return tooBig;
    if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== 0x04034b50) return broken;
    const from = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    if (from + packed > bytes.length) return broken;
    let inflated: number;
    if (method === 0) inflated = packed;
    else if (method === 8) {
      try {
        inflated = inflateRawSync(bytes.subarray(from, from + packed), { maxOutputLength: budget }).length;
      } catch (err) {
        return (err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" ? tooBig : broken;
      }
    } else return broken;
    // A part that inflates to more than it declares is made to slip past a check of the declared sizes.
    if (inflated !== size) return broken;
    budget -= inflated;
  }
  return null;
}

/** A cell's text as the import reads it, or why the cell cannot be read as a value. */
function cellText(v: ExcelJS.CellValue): { text: string } | { problem: string } {
  if (v === null || v === undefined) return { text: "" };
  if (typeof v === "string") return { text: v.trim() };
  if (typeof v === "boolean") return { text: v ? "yes" : "no" };
  if (typeof v === "number") {
    // Excel keeps 15 significant digits: a longer number typed in a General cell has lost its last ones.
    if (Number.isInteger(v) && Math.abs(v) >= 1e15)
      return {
        problem:
          "số có hơn 15 chữ số đã bị Excel làm tròn, mất các chữ số cuối; hãy định dạng cột là «Văn bản» (Text), nhập lại đủ rồi lưu.",
      };
    return { text: String(v) };
  }
  if (v instanceof Date)
    return {
      problem: "ô bị Excel hiểu là ngày tháng; hãy định dạng cột là «Văn bản» (Text) rồi nhập lại giá trị.",
    };
  if ("formula" in v || "sharedFormula" in v)
    return {
      problem:
        "ô chứa công thức: danh bạ chỉ nhận giá trị. Hãy chép và «Dán giá trị» (Paste Values) hoặc gõ lại giá trị.",
    };
  if ("error" in v) return { problem: `ô báo lỗi ${v.error}.` };
  if ("richText" in v)
    return {
      text: v.richText
        .map((r) => r.text)
        .join("")
        .trim(),
    };
  // Excel makes a typed e-mail address a mailto: link: its shown text is the value.
  if ("hyperlink" in v) {
    const text = v.text as unknown;
    return typeof text === "string" ? { text: text.trim() } : cellText(text as ExcelJS.CellValue);
  }
  return { problem: "ô có giá trị không đọc được." };
}

/** The sheet `name` of the workbook as a table, its unreadable cells recorded as problems of their line. */
function sheetTable(
  wb: ExcelJS.Workbook,
  name: SheetName,
  label: string,
  problems: CsvProblem[],
  optional: boolean,
): RawTable | null {
  const ws = wb.worksheets.find((w) => w.name.trim().toLowerCase() === name);
  if (!ws) {
    if (!optional)
      problems.push({
        file: XLSX_FILE,
        line: 0,
        column: "-",
        message: `không có trang «${name}» (các trang có: ${wb.worksheets.map((w) => `«${w.name}»`).join(", ") || "không có"}). Sổ danh bạ có ba trang tên agencies, endpoints, people như sổ xuất từ bàn kỹ thuật.`,
      });
    return null;
  }
  if (ws.rowCount > MAX_ROWS) {
    problems.push({
      file: label,
      line: 0,
      column: "-",
      message: `trang có ${ws.rowCount} dòng (tối đa ${MAX_ROWS}): đây không phải danh bạ.`,
    });
    return null;
  }
  const read = (line: number, column: string, v: ExcelJS.CellValue): string => {
    const got = cellText(v);
    if ("text" in got) return got.text;
    problems.push({ file: label, line, column, message: got.problem });
    return "";
  };
  const headerRow = ws.getRow(1);
  const header: string[] = [];
  for (let i = 1; i <= headerRow.cellCount; i++) header.push(read(1, `thứ ${i}`, headerRow.getCell(i).value));
  while (header.length && header[header.length - 1] === "") header.pop();
  return {
    header,
    rows() {
      const rows: { line: number; record: Record<string, string> }[] = [];
      const before = problems.length;
      ws.eachRow({ includeEmpty: false }, (row, line) => {
        if (line === 1) return;
        const record: Record<string, string> = {};
        let filled = false;
        for (let i = 1; i <= row.cellCount; i++) {
          const column = header[i - 1]?.trim() ?? "";
          const text = read(line, column || `thứ ${i}`, row.getCell(i).value);
          if (!text) continue;
          filled = true;
          if (i > header.length)
            problems.push({
              file: label,
              line,
              column: `thứ ${i}`,
              message: "ô có giá trị nằm ngoài các cột có tiêu đề.",
            });
          else record[column] = text;
        }
        if (filled) rows.push({ line, record });
      });
      return problems.length > before ? null : rows;
    },
  };
}

/**
 * Read a directory workbook (the bytes of an .xlsx) with every check of the CSV import and the same per-line
 * problems, the sheets named `trang agencies` and so on; throws a DirectoryCsvError, returns nothing half-read.
 * The bytes are checked (size, zip structure, inflated size) before exceljs parses them.
 */
export async function readDirectoryXlsx(bytes: Buffer, options: ReadOptions = {}): Promise<Directory> {
  const refusal = zipRefusal(bytes);
  if (refusal) throw new DirectoryCsvError([{ file: XLSX_FILE, line: 0, column: "-", message: refusal }]);
  const wb = new (await excel()).Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as Parameters<typeof wb.xlsx.load>[0]);
  } catch {
    throw new DirectoryCsvError([
      {
        file: XLSX_FILE,
        line: 0,
        column: "-",
        message: `không đọc được sổ Excel (tệp hỏng hoặc không phải .xlsx): ${SAVE_AS_XLSX}`,
      },
    ]);
  }
  const label = (name: SheetName) => `trang ${name}`;
  return readDirectoryFrom(
    { label, table: (name, problems, optional) => sheetTable(wb, name, label(name), problems, optional) },
    options,
  );
}

/**
 * The directory as a workbook: one sheet per CSV file, same columns, every cell a text cell in a column formatted
 * «Text» (@), so an edit in Excel keeps a token's leading zeros and a chat id's digits. A formula-like value is
 * written as text and guarded with an apostrophe as in the CSV (the import takes it off): saved as CSV later, it
 * still does not run.
 */
export async function directoryToXlsx(dir: Directory): Promise<Buffer> {
  const wb = new (await excel()).Workbook();
  wb.creator = "Bàn hỗ trợ hội nghị truyền hình Hà Nội";
  for (const [name, { columns, rows }] of Object.entries(directorySheets(dir))) {
    const ws = wb.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
    columns.forEach((c, i) => {
      const col = ws.getColumn(i + 1);
      col.numFmt = "@";
      col.width = Math.min(60, Math.max(c.length, ...rows.map((r) => r[i]!.length)) + 2);
    });
    ws.addRow(columns).font = { bold: true };
    for (const r of rows) {
      const row = ws.addRow(r.map(guardCell));
      // addRow copies no column style onto its cells: each one is a text cell, as a cell typed in the column is.
      row.eachCell({ includeEmpty: true }, (cell) => {
        cell.numFmt = "@";
      });
    }
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

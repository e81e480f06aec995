import ExcelJS from "exceljs";
import { LEVEL_VI, type Report } from "../../core/report/compute.js";
import {
  type Column,
  DATE,
  DATE_TIME,
  definitionsOf,
  excelDate,
  excelTime,
  LEGAL_BASIS_VI,
  reportTables,
  SECRET_OMITTED_VI,
} from "./tables.js";

export { LEGAL_BASIS_VI };

function cellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return "00/00/0000 00:00";
  return String(v);
}

/** One sheet: Vietnamese headers in a frozen bold row, number/date formats, widths that fit the content. */
function sheet(
  wb: ExcelJS.Workbook,
  name: string,
  columns: Column[],
  rows: unknown[][],
  formats: (string | undefined)[] = [],
): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
  ws.addRow(columns.map((c) => c.header)).font = { bold: true };
  rows.forEach((r, n) => {
    const row = ws.addRow(r);
    const format = formats[n];
    if (format)
      r.forEach((v, i) => {
        if (typeof v === "number") row.getCell(i + 1).numFmt = format;
      });
  });
  columns.forEach((c, i) => {
    const col = ws.getColumn(i + 1);
    if (c.numFmt) col.numFmt = c.numFmt;
    const longest = Math.max(c.header.length, ...rows.map((r) => cellText(r[i]).length), c.width ?? 0);
    col.width = Math.min(80, longest + 2);
  });
  return ws;
}

/** The report as a workbook: a cover with period, legal basis, generation time and definitions, then one sheet per table. */
export function reportWorkbook(report: Report, zone: string): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = "Bàn hỗ trợ hội nghị truyền hình Hà Nội";
  wb.created = new Date(report.generatedAt);

  const cover = wb.addWorksheet("Bìa");
  cover.getColumn(1).width = 44;
  cover.getColumn(2).width = 110;
  cover.addRow(["BÁO CÁO TÌNH HÌNH SỬ DỤNG HỆ THỐNG HỘI NGHỊ TRUYỀN HÌNH TRỰC TUYẾN THÀNH PHỐ HÀ NỘI"]).font =
    {
      bold: true,
      size: 14,
    };
  cover.addRow([]);
  const fromRow = cover.addRow(["Từ ngày", excelDate(report.period.from)]);
  fromRow.getCell(2).numFmt = DATE;
  const toRow = cover.addRow(["Đến ngày", excelDate(report.period.to)]);
  toRow.getCell(2).numFmt = DATE;
  cover.addRow(["Kỳ báo cáo", report.period.label]);
  cover.addRow([
    "Phạm vi",
    [
      report.filter.agency ? `Cơ quan: ${report.filter.agency}` : null,
      report.filter.level ? `Cấp: ${LEVEL_VI[report.filter.level]}` : null,
    ]
      .filter(Boolean)
      .join("; ") || "Toàn mạng",
  ]);
  cover.addRow(["Căn cứ", LEGAL_BASIS_VI]);
  if (report.secretOmitted) cover.addRow(["Phiên họp mật", SECRET_OMITTED_VI]);
  const gen = cover.addRow(["Thời điểm lập báo cáo", excelTime(report.generatedAt, zone)]);
  gen.getCell(2).numFmt = DATE_TIME;
  cover.addRow([]);
  cover.addRow(["Định nghĩa các chỉ tiêu", ""]).font = { bold: true };
  for (const [term, def] of definitionsOf(report)) {
    const row = cover.addRow([term, def]);
    row.getCell(2).alignment = { wrapText: true, vertical: "top" };
    row.getCell(1).alignment = { vertical: "top" };
  }
  for (const c of [2, 3, 5, 6, 7, 8])
    cover.getCell(`B${c}`).alignment = { horizontal: "left", wrapText: true };

  for (const t of reportTables(report, zone)) sheet(wb, t.name, t.columns, t.rows, t.formats);
  return wb;
}

export async function writeReportWorkbook(report: Report, zone: string, file: string): Promise<void> {
  await reportWorkbook(report, zone).xlsx.writeFile(file);
}

import { DateTime } from "luxon";
import {
  CATEGORY_LABEL_VI,
  CHANNEL_VI,
  DECISION_VI,
  DECISIONS,
  DEFINITIONS_VI,
  LEVEL_VI,
  type Level,
  REASON_VI,
  type Report,
} from "../../core/report/compute.js";

/**
 * The report's tables, with Vietnamese headers and number/date formats: one definition for the workbook's sheets
 * and the web desk's "Báo cáo" page. Dates are the wall-clock time in the zone stored in a Date's UTC fields
 * (Excel has no zones); the page formats them the same way.
 */

/** How a report for someone other than an admin says that secret sessions are left out (page, workbook). */
export const SECRET_OMITTED_VI = "Báo cáo không gồm các phiên họp mật (chỉ quản trị viên xem được).";

/** The definitions a report shows: without «Phiên mật» when secret sessions were left out of it. */
export function definitionsOf(report: Report): [string, string][] {
  return report.secretOmitted ? DEFINITIONS_VI.filter(([term]) => term !== "Phiên mật") : DEFINITIONS_VI;
}

export const LEGAL_BASIS_VI =
  "Điều 15 khoản 2 điểm c và Điều 19 khoản 6 Quy chế quản lý, vận hành, sử dụng Hệ thống hội nghị truyền hình trực tuyến của thành phố Hà Nội (Quyết định số 3125/QĐ-UBND năm 2022); Điều 11 Thông tư số 01/2020/TT-VPCP.";

export const SLA_VI = {
  answer: "Trả lời đăng ký trong 2 giờ (Điều 12.2b)",
  check: "Kiểm tra kỹ thuật trước 2 giờ (Điều 12.2b)",
  handover: "Bàn giao bản ghi trong 2 ngày làm việc (Điều 14.2)",
} as const;

const ROUTE_VI: Record<string, string> = { mcu: "Kỹ thuật MCU", wan: "Trực ban mạng WAN" };

export const DATE_TIME = "dd/mm/yyyy hh:mm";
export const DATE = "dd/mm/yyyy";
export const PERCENT = "0.0%";
export const INTEGER = "#,##0";
export const DECIMAL = "#,##0.00";
export const MINUTES = "#,##0.0";

/** An instant as the wall-clock time in the zone, so Excel (which has no zones) shows Hanoi time. */
export function excelTime(iso: string, zone: string): Date {
  const l = DateTime.fromISO(iso, { zone });
  return new Date(Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second));
}

export function excelDate(day: string): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
}

export interface Column {
  header: string;
  numFmt?: string;
  /** Display width of a formatted cell, when it differs from its text (dates). */
  width?: number;
}

export type Cell = string | number | Date | null;

export interface Table {
  /** The sheet's name (at most 31 characters, as Excel wants). */
  name: string;
  columns: Column[];
  rows: Cell[][];
  /**
   * Per row, the number format of its numeric cells, over the column's: the summary mixes counts, hours, minutes
   * and a rate in one column, and one «#,##0.##» for all of them made Excel show every count with a trailing
   * separator («11.») and the readiness rate as «0.85».
   */
  formats?: (string | undefined)[];
}

const pctOf = (met: number, total: number) => (total ? met / total : null);

export function reportTables(report: Report, zone: string): Table[] {
  const tables: Table[] = [];
  const add = (name: string, columns: Column[], rows: Cell[][], formats?: (string | undefined)[]) =>
    tables.push({ name, columns, rows, ...(formats ? { formats } : {}) });
  const s = report.sessions;
  const { answer, check, handover } = report.sla;
  // [label, value, number format]: a text value (the SLAs' «đạt/tổng») has none.
  const summary: [string, Cell, string?][] = [
    ["Phiên họp đã tổ chức", s.held, INTEGER],
    ["Phiên họp bị hủy", s.cancelled, INTEGER],
    ["Phiên họp bị nhường cho phiên ưu tiên", s.displaced, INTEGER],
    ["Phiên khẩn cấp", s.emergencies, INTEGER],
    ["Phiên do Chủ tịch thông báo (Điều 11)", s.chairNotified, INTEGER],
    ...(report.secretOmitted ? [] : [["Phiên mật (chỉ đếm)", s.secret, INTEGER] as [string, Cell, string]]),
    ["Giờ trực tuyến", s.hoursOnline, DECIMAL],
    ["Lượt kết nối điểm cầu", s.connections, INTEGER],
    ["Số điểm cầu bình quân mỗi phiên", s.meanEndpoints, DECIMAL],
    ["Đăng ký tiếp nhận", report.registrations.total, INTEGER],
    [`${SLA_VI.answer}: đạt/tổng`, `${answer.met}/${answer.total}`],
    [`${SLA_VI.check}: đạt/tổng`, `${check.met}/${check.total}`],
    [`${SLA_VI.handover}: đạt/tổng`, `${handover.met}/${handover.total}`],
    ["Sự cố", report.incidents.total, INTEGER],
    ["Sự cố do cán bộ báo", report.incidents.byStaff, INTEGER],
    ["Sự cố do hệ thống giám sát MCU phát hiện", report.incidents.byMonitor, INTEGER],
    ["Thời gian tiếp nhận sự cố P50 (phút)", report.incidents.ackMinutes.p50, MINUTES],
    ["Thời gian tiếp nhận sự cố P90 (phút)", report.incidents.ackMinutes.p90, MINUTES],
    ["Thời gian khắc phục sự cố P50 (phút)", report.incidents.resolveMinutes.p50, MINUTES],
    ["Thời gian khắc phục sự cố P90 (phút)", report.incidents.resolveMinutes.p90, MINUTES],
    ["Số phòng họp MCU đồng thời cao nhất", report.mcu.peakConferences, INTEGER],
    ["Năng lực MCU (phòng họp đồng thời)", report.mcu.capacity.conferences, INTEGER],
    ["Số cổng MCU đồng thời cao nhất", report.mcu.peakPorts, INTEGER],
    ["Năng lực MCU (cổng)", report.mcu.capacity.ports, INTEGER],
    ["Tỷ lệ điểm cầu xác nhận sẵn sàng", report.endpoints.readiness, PERCENT],
    ["Điểm cầu chưa sử dụng trong kỳ", report.endpoints.neverUsed.length, INTEGER],
  ];
  add(
    "Tổng hợp",
    [{ header: "Chỉ tiêu" }, { header: "Giá trị" }],
    summary.map(([label, value]) => [label, value]),
    summary.map(([, , format]) => format),
  );

  add(
    "Theo cơ quan",
    [
      { header: "Cơ quan chủ trì" },
      { header: "Cấp" },
      { header: "Phiên đã tổ chức", numFmt: "#,##0" },
      { header: "Phiên bị hủy", numFmt: "#,##0" },
      { header: "Giờ trực tuyến", numFmt: "#,##0.00" },
      { header: "Lượt kết nối điểm cầu", numFmt: "#,##0" },
    ],
    s.byAgency.map((a) => [a.agency, LEVEL_VI[a.level], a.held, a.cancelled, a.hours, a.connections]),
  );
  add(
    "Theo cấp",
    [
      { header: "Cấp" },
      { header: "Phiên đã tổ chức", numFmt: "#,##0" },
      { header: "Phiên bị hủy", numFmt: "#,##0" },
      { header: "Giờ trực tuyến", numFmt: "#,##0.00" },
      { header: "Lượt kết nối điểm cầu", numFmt: "#,##0" },
    ],
    s.byLevel.map((l) => [LEVEL_VI[l.level as Level], l.held, l.cancelled, l.hours, l.connections]),
  );
  add(
    "Theo tháng",
    [
      { header: "Tháng" },
      { header: "Phiên cấp Thành phố", numFmt: "#,##0" },
      { header: "Phiên cấp Quận/huyện", numFmt: "#,##0" },
      { header: "Phiên cấp Xã/phường", numFmt: "#,##0" },
      { header: "Trả lời trong 2 giờ", numFmt: PERCENT },
      { header: "Kiểm tra trước 2 giờ", numFmt: PERCENT },
      { header: "Bàn giao trong 2 ngày làm việc", numFmt: PERCENT },
      { header: "Cổng MCU cao nhất", numFmt: "#,##0" },
      { header: "Phòng họp MCU cao nhất", numFmt: "#,##0" },
    ],
    s.byMonth.map((m, i) => {
      const t = report.sla.trend[i]!;
      const mcu = report.mcu.byMonth[i]!;
      const p = (x: number | null) => (x === null ? null : x / 100);
      return [
        `${m.month.slice(5)}/${m.month.slice(0, 4)}`,
        m.city,
        m.district,
        m.commune,
        p(t.answer),
        p(t.check),
        p(t.handover),
        mcu.peakPorts,
        mcu.peakConferences,
      ];
    }),
  );
  add(
    "Đăng ký",
    [
      { header: "Kênh" },
      { header: "Tổng", numFmt: "#,##0" },
      ...DECISIONS.map((d) => ({ header: DECISION_VI[d], numFmt: "#,##0" })),
    ],
    [
      ...report.registrations.byChannel.map((c) => [
        CHANNEL_VI[c.channel],
        c.total,
        ...DECISIONS.map((d) => c.byDecision[d]),
      ]),
      ["Cộng", report.registrations.total, ...DECISIONS.map((d) => report.registrations.byDecision[d])],
    ],
  );
  add(
    "Lý do",
    [{ header: "Lý do" }, { header: "Mã" }, { header: "Số đăng ký", numFmt: "#,##0" }],
    report.registrations.reasons.map((r) => [REASON_VI[r.key] ?? r.key, r.key, r.count]),
  );
  add(
    "Chỉ tiêu dịch vụ",
    [
      { header: "Chỉ tiêu" },
      { header: "Đạt", numFmt: "#,##0" },
      { header: "Tổng", numFmt: "#,##0" },
      { header: "Tỷ lệ đạt", numFmt: PERCENT },
      { header: "Không đạt", numFmt: "#,##0" },
      { header: "Chưa đến hạn", numFmt: "#,##0" },
    ],
    (["answer", "check", "handover"] as const).map((k) => {
      const x = report.sla[k];
      return [SLA_VI[k], x.met, x.total, pctOf(x.met, x.total), x.misses.length, x.pending];
    }),
  );
  add(
    "Vi phạm chỉ tiêu",
    [
      { header: "Chỉ tiêu" },
      { header: "Mã lịch họp" },
      { header: "Cơ quan chủ trì" },
      { header: "Hạn", numFmt: DATE_TIME, width: 16 },
      { header: "Thực hiện lúc", numFmt: DATE_TIME, width: 16 },
      { header: "Trễ (phút)", numFmt: "#,##0" },
    ],
    [...answer.misses, ...check.misses, ...handover.misses].map((m) => [
      SLA_VI[m.sla],
      m.booking,
      m.host ?? "(phiên mật)",
      excelTime(m.due, zone),
      m.done ? excelTime(m.done, zone) : "chưa thực hiện",
      m.lateMinutes,
    ]),
  );
  const inc = report.incidents;
  add(
    "Sự cố",
    [{ header: "Phân loại" }, { header: "Giá trị" }, { header: "Số sự cố", numFmt: "#,##0" }],
    [
      ...inc.byCategory.map((c) => ["Loại", CATEGORY_LABEL_VI[c.key] ?? c.key, c.count]),
      ...inc.byRoute.map((c) => ["Tuyến xử lý", ROUTE_VI[c.key] ?? c.key, c.count]),
      ...inc.byEndpoint.map((c) => ["Điểm cầu", c.key, c.count]),
      ...inc.byAgency.map((c) => ["Cơ quan", c.key, c.count]),
      ["Người báo", "Cán bộ", inc.byStaff],
      ["Người báo", "Hệ thống giám sát MCU", inc.byMonitor],
    ],
  );
  add(
    "MCU ngày cao điểm",
    [
      { header: "Ngày", numFmt: DATE, width: 10 },
      { header: "Số phiên", numFmt: "#,##0" },
      { header: "Giờ họp", numFmt: "#,##0.00" },
    ],
    report.mcu.busiestDays.map((d) => [excelDate(d.date), d.sessions, d.hours]),
  );
  add(
    "MCU khung giờ",
    [{ header: "Khung giờ bắt đầu" }, { header: "Số phiên", numFmt: "#,##0" }],
    report.mcu.busiestHours.map((h) => [
      `${String(h.hour).padStart(2, "0")}:00–${String(h.hour).padStart(2, "0")}:59`,
      h.sessions,
    ]),
  );
  add(
    "Điểm cầu chưa dùng",
    [{ header: "Mã điểm cầu" }, { header: "Cơ quan" }, { header: "Cấp" }],
    report.endpoints.neverUsed.map((e) => [e.code, e.agency, LEVEL_VI[e.level as Level] ?? e.level]),
  );
  return tables;
}

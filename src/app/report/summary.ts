import { DateTime } from "luxon";
import { dateVi } from "../../core/calendar/zone.js";
import {
  CATEGORY_LABEL_VI,
  CHANNEL_VI,
  DECISION_VI,
  DECISIONS,
  LEVEL_VI,
  REASON_VI,
  type Report,
  type Sla,
} from "../../core/report/compute.js";

const num = (x: number | null, d = 2) =>
  x === null ? "—" : x.toLocaleString("vi-VN", { maximumFractionDigits: d });
const rate = (s: Sla) =>
  `${s.met}/${s.total}${s.total ? ` (${num((100 * s.met) / s.total, 1)}%)` : ""}${s.pending ? `, ${s.pending} chưa đến hạn` : ""}`;

/** A readable summary of the report for the terminal, in Vietnamese. */
export function reportSummary(report: Report, zone: string): string {
  const s = report.sessions;
  const r = report.registrations;
  const inc = report.incidents;
  const scope = [
    report.filter.agency ? `cơ quan ${report.filter.agency}` : null,
    report.filter.level ? `cấp ${LEVEL_VI[report.filter.level]}` : null,
  ].filter(Boolean);
  const lines = [
    `BÁO CÁO SỬ DỤNG HỆ THỐNG HỘI NGHỊ TRUYỀN HÌNH (${report.period.label}): từ ${dateVi(report.period.from)} đến ${dateVi(report.period.to)}${scope.length ? `, ${scope.join(", ")}` : ", toàn mạng"}.`,
    `Lập lúc ${DateTime.fromISO(report.generatedAt, { zone }).toFormat("HH:mm dd/MM/yyyy")}.`,
    "",
    "Phiên họp",
    `  Đã tổ chức ${s.held}, bị hủy ${s.cancelled}, bị nhường cho phiên ưu tiên ${s.displaced}.`,
    `  Khẩn cấp ${s.emergencies}; do Chủ tịch thông báo ${s.chairNotified}; phiên mật ${s.secret}.`,
    `  Giờ trực tuyến ${num(s.hoursOnline)}; lượt kết nối điểm cầu ${s.connections}; bình quân ${num(s.meanEndpoints)} điểm cầu/phiên.`,
    `  Theo cấp: ${s.byLevel.map((l) => `${LEVEL_VI[l.level]} ${l.held}`).join(", ")}.`,
    "",
    "Đăng ký",
    `  Tổng ${r.total}: ${DECISIONS.map((d) => `${DECISION_VI[d].toLowerCase()} ${r.byDecision[d]}`).join(", ")}.`,
    `  Theo kênh: ${r.byChannel.map((c) => `${CHANNEL_VI[c.channel]} ${c.total}`).join(", ") || "không có"}.`,
    ...(r.reasons.length
      ? [`  Lý do: ${r.reasons.map((x) => `${REASON_VI[x.key] ?? x.key} ${x.count}`).join("; ")}.`]
      : []),
    "",
    "Chỉ tiêu dịch vụ (đạt/tổng)",
    `  Trả lời trong 2 giờ (Điều 12.2b): ${rate(report.sla.answer)}.`,
    `  Kiểm tra kỹ thuật trước 2 giờ (Điều 12.2b): ${rate(report.sla.check)}.`,
    `  Bàn giao bản ghi trong 2 ngày làm việc (Điều 14.2): ${rate(report.sla.handover)}.`,
    "",
    "Sự cố",
    `  Tổng ${inc.total}: cán bộ báo ${inc.byStaff}, hệ thống giám sát MCU phát hiện ${inc.byMonitor}.`,
    `  Theo loại: ${inc.byCategory.map((c) => `${CATEGORY_LABEL_VI[c.key] ?? c.key} ${c.count}`).join(", ") || "không có"}.`,
    `  Tiếp nhận: P50 ${num(inc.ackMinutes.p50, 1)} phút, P90 ${num(inc.ackMinutes.p90, 1)} phút; khắc phục: P50 ${num(inc.resolveMinutes.p50, 1)} phút, P90 ${num(inc.resolveMinutes.p90, 1)} phút.`,
    "",
    "MCU",
    `  Cao nhất ${report.mcu.peakConferences}/${report.mcu.capacity.conferences} phòng họp và ${report.mcu.peakPorts}/${report.mcu.capacity.ports} cổng đồng thời.`,
    `  Ngày bận nhất: ${
      report.mcu.busiestDays
        .slice(0, 3)
        .map((d) => `${dateVi(d.date)} (${d.sessions} phiên)`)
        .join(", ") || "không có"
    }.`,
    "",
    "Điểm cầu",
    `  Xác nhận sẵn sàng ${report.endpoints.ready}/${report.endpoints.booked} lượt${report.endpoints.readiness === null ? "" : ` (${num(report.endpoints.readiness * 100, 1)}%)`}; ${report.endpoints.neverUsed.length} điểm cầu chưa sử dụng trong kỳ.`,
  ];
  return lines.join("\n");
}

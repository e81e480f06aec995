import * as echarts from "echarts";
import { CATEGORY_LABEL_VI, LEVEL_VI, LEVELS, type Report } from "../../core/report/compute.js";

/**
 * The report's charts as SVG strings, rendered on the server by Apache ECharts (SSR, no DOM, no native
 * dependencies): the same strings can be embedded in the web desk's "Báo cáo" page, written to files and printed.
 */

const WIDTH = 800;
const HEIGHT = 420;
const FONT = "Noto Sans, DejaVu Sans, Arial, sans-serif";

function render(option: echarts.EChartsCoreOption): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: WIDTH, height: HEIGHT });
  try {
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: FONT },
      backgroundColor: "#ffffff",
      ...option,
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

const monthLabel = (m: string) => `${m.slice(5)}/${m.slice(0, 4)}`;

/** Sessions held per month, stacked by level (city, district, commune). */
export function sessionsByMonthChart(report: Report): string {
  const months = report.sessions.byMonth;
  return render({
    title: { text: "Số phiên họp đã tổ chức theo tháng và cấp", left: "center" },
    legend: { top: 30 },
    grid: { top: 70, left: 50, right: 20, bottom: 40 },
    xAxis: { type: "category", data: months.map((m) => monthLabel(m.month)) },
    yAxis: { type: "value", name: "Phiên", minInterval: 1 },
    series: LEVELS.map((level) => ({
      name: LEVEL_VI[level],
      type: "bar",
      stack: "sessions",
      data: months.map((m) => m[level]),
    })),
  });
}

/** Incidents opened in the period by category. */
export function incidentsByCategoryChart(report: Report): string {
  const rows = report.incidents.byCategory;
  return render({
    title: { text: "Sự cố theo loại", left: "center" },
    grid: { top: 60, left: 50, right: 20, bottom: 40 },
    xAxis: { type: "category", data: rows.map((r) => CATEGORY_LABEL_VI[r.key] ?? r.key) },
    yAxis: { type: "value", name: "Sự cố", minInterval: 1 },
    series: [{ type: "bar", data: rows.map((r) => r.count), label: { show: true, position: "top" } }],
  });
}

/** Share of each service level met, per month (percent). */
export function slaTrendChart(report: Report): string {
  const t = report.sla.trend;
  return render({
    title: { text: "Tỷ lệ đạt chỉ tiêu dịch vụ theo tháng (%)", left: "center" },
    legend: { top: 30 },
    grid: { top: 70, left: 50, right: 20, bottom: 40 },
    xAxis: { type: "category", data: t.map((m) => monthLabel(m.month)) },
    yAxis: { type: "value", min: 0, max: 100, name: "%" },
    series: [
      { name: "Trả lời trong 2 giờ", type: "line", connectNulls: true, data: t.map((m) => m.answer) },
      {
        name: "Kiểm tra kỹ thuật trước 2 giờ",
        type: "line",
        connectNulls: true,
        data: t.map((m) => m.check),
      },
      {
        name: "Bàn giao bản ghi trong 2 ngày làm việc",
        type: "line",
        connectNulls: true,
        data: t.map((m) => m.handover),
      },
    ],
  });
}

/** Peak concurrent MCU ports per month against the MCU's port capacity. */
export function mcuPeakChart(report: Report): string {
  const rows = report.mcu.byMonth;
  return render({
    title: { text: "Số cổng MCU sử dụng đồng thời cao nhất so với năng lực", left: "center" },
    legend: { top: 30 },
    grid: { top: 70, left: 50, right: 20, bottom: 40 },
    xAxis: { type: "category", data: rows.map((m) => monthLabel(m.month)) },
    yAxis: {
      type: "value",
      name: "Cổng",
      max: Math.max(report.mcu.capacity.ports, ...rows.map((r) => r.peakPorts)),
    },
    series: [
      { name: "Cao nhất trong tháng", type: "bar", data: rows.map((m) => m.peakPorts) },
      {
        name: `Năng lực (${report.mcu.capacity.ports} cổng)`,
        type: "line",
        symbol: "none",
        lineStyle: { type: "dashed", color: "#c0392b" },
        itemStyle: { color: "#c0392b" },
        data: rows.map(() => report.mcu.capacity.ports),
      },
    ],
  });
}

/** Every chart by file name, for `report --charts DIR` and the web page. */
export function reportCharts(report: Report): Record<string, string> {
  return {
    "phien-theo-thang.svg": sessionsByMonthChart(report),
    "su-co-theo-loai.svg": incidentsByCategoryChart(report),
    "chi-tieu-dich-vu.svg": slaTrendChart(report),
    "mcu-cao-diem.svg": mcuPeakChart(report),
  };
}

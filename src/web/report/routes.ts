import { type Context, Hono } from "hono";
import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { DateTime } from "luxon";
import type { Desk } from "../../app/desk.js";
import { buildReport, levelOf, periodOf, REPORT_YEARS, ReportInputError } from "../../app/report/report.js";
import {
  type Cell,
  type Column,
  DATE_TIME,
  definitionsOf,
  INTEGER,
  LEGAL_BASIS_VI,
  MINUTES,
  PERCENT,
  reportTables,
  SECRET_OMITTED_VI,
} from "../../app/report/tables.js";
import { dateVi } from "../../core/calendar/zone.js";
import {
  LEVEL_VI,
  LEVELS,
  type Report,
  type ReportFilter,
  type ReportPeriod,
} from "../../core/report/compute.js";
import {
  type BadValue,
  badValuesText,
  dayParam,
  type QueryField,
  repeatedParam,
  tooLong,
  wholeParam,
} from "../views/query.js";

/**
 * The web desk's "Báo cáo" page (issue 11): a form (period, agency, level), the four charts inline as SVG, the
 * report's tables and definitions, and the workbook download. Routes only translate: the report is
 * `buildReport`'s, the tables are the workbook's. Every value is escaped by hono's `html` template; the charts are
 * ECharts SVG, which escapes its own text.
 */

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** Wraps the page's body (the web shell adds its navigation and login guard here). */
export type ReportLayout = (page: { title: string; body: Html }, c: Context) => Html;

export interface ReportRoutesDeps {
  desk: Desk;
  /** The zone times are shown in (default: the regulation's, Asia/Ho_Chi_Minh). */
  zone?: string;
  /** The clock (default: the system clock). */
  now?: () => Date;
  layout?: ReportLayout;
  /**
   * Whether this request's reader may have secret sessions counted (an admin). Everyone else gets a report
   * without them (buildReport's `secret: "omit"`), which says so once. Default: nobody.
   */
  withSecret?: (c: Context) => boolean;
}

/** A page of its own when no web shell wraps it. */
export const minimalLayout: ReportLayout = ({ title, body }) => html`<!doctype html>
<html lang="vi">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>
<body>${body}</body>
</html>`;

/**
 * A chart as an image: ECharts writes inline `style` attributes, which the web desk's Content-Security-Policy
 * (style-src 'self') would strip from inline SVG; an SVG image is its own document, and `img-src data:` is allowed.
 */
function svgDataUri(svg: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(svg, "utf8").toString("base64")}`;
}

/** At most this many rows of a table on the page; the workbook has them all. */
const PAGE_ROWS = 500;
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

interface Query {
  period: ReportPeriod;
  filter: ReportFilter;
  /** The query as given (empty fields dropped), to refill the form and build the download link. */
  given: Record<string, string>;
}

/**
 * The page's fields: the form's names, and the Vietnamese names the desk's other pages use (`?ngay=`, `?co-quan=`),
 * which a person types by analogy. «?tu=abc» was ignored and the year's report answered 200, as if nothing were
 * wrong; both names are read now, by the desk's one query parser (views/query.ts).
 */
const PARAMS = [
  { key: "from", label: "Từ ngày", names: ["from", "tu"] },
  { key: "to", label: "Đến ngày", names: ["to", "den"] },
  { key: "half", label: "Nửa năm", names: ["half", "nua-nam"] },
  { key: "year", label: "Năm", names: ["year", "nam"] },
  { key: "agency", label: "Cơ quan", names: ["agency", "co-quan"] },
  { key: "level", label: "Cấp", names: ["level", "cap"] },
] as const;

/**
 * The longest period the page shows: a year (a leap one). Its charts and tables have a column or row per month,
 * and a range of «2000-01-01..2099-12-31» asked for 1,200 of each; a longer report is the CLI's
 * (`report --from … --to …`).
 */
export const REPORT_PAGE_MAX_DAYS = 366;

type Given = Partial<Record<(typeof PARAMS)[number]["key"], string>>;

/** Each field's value (either name, empty ones dropped) and the name it came under; repeated ones are `twice`. */
function fieldsOf(query: Record<string, string[] | undefined>) {
  const given: Given = {};
  const fields: Partial<Record<keyof Given, QueryField>> = {};
  const twice: BadValue[] = [];
  for (const p of PARAMS) {
    const names = p.names.filter((n) => query[n]?.some((v) => v.trim()));
    const values = names.flatMap((n) => (query[n] ?? []).filter((v) => v.trim()));
    if (!values.length) continue;
    const field = { param: names.join(", "), label: p.label };
    fields[p.key] = field;
    const repeated = repeatedParam(values, field) ?? tooLong(values[0]!.trim(), field);
    if (repeated) twice.push(repeated);
    else given[p.key] = values[0]!.trim();
  }
  return { given, fields, twice };
}

/** The query as the form is refilled with: each field under the form's name. */
export function formValues(query: Record<string, string[] | undefined>): Given {
  return fieldsOf(query).given;
}

/** The page's query → period and filter; a person's mistake is a ReportInputError with a Vietnamese message. */
export function readQuery(query: Record<string, string[] | undefined>, now: Date, zone: string): Query {
  const { given, fields, twice } = fieldsOf(query);
  const bad = [...twice];
  const today = DateTime.fromJSDate(now, { zone }).toISODate()!;
  const asked = (["from", "to"] as const).map((k) => {
    const read = dayParam(given[k], fields[k]!, today);
    if (read.bad) bad.push(read.bad);
    return read.day;
  });
  const year = wholeParam(
    given.year,
    fields.year!,
    { min: REPORT_YEARS.first, max: REPORT_YEARS.last },
    `năm theo dạng ${today.slice(0, 4)} (từ ${REPORT_YEARS.first} đến ${REPORT_YEARS.last})`,
  );
  if (year.bad) bad.push(year.bad);
  if (bad.length) throw new ReportInputError(badValuesText(bad));
  const periodGiven = given.from || given.to || given.half || given.year;
  // The days and the year as the parser above read them: periodOf does not check their forms again.
  const read = {
    ...(asked[0] ? { from: asked[0] } : {}),
    ...(asked[1] ? { to: asked[1] } : {}),
    ...(given.half ? { half: given.half } : {}),
    ...(year.value !== undefined ? { year: String(year.value) } : {}),
  };
  const period = periodOf(
    periodGiven ? read : { year: String(DateTime.fromJSDate(now, { zone }).year) },
    WEB_NAMES,
    "read",
  );
  const days = DateTime.fromISO(period.to).diff(DateTime.fromISO(period.from), "days").days + 1;
  if (days > REPORT_PAGE_MAX_DAYS)
    throw new ReportInputError(
      `Khoảng ${days} ngày từ ${period.from} đến ${period.to} dài hơn ${REPORT_PAGE_MAX_DAYS} ngày trang báo cáo hiển thị được: hãy chọn khoảng ngắn hơn (một năm, nửa năm), hoặc lập báo cáo dài hơn bằng lệnh report --from … --to … của CLI.`,
    );
  const filter: ReportFilter = {};
  if (given.agency) filter.agency = given.agency;
  const level = levelOf(given.level, WEB_NAMES.level);
  if (level) filter.level = level;
  return { period, filter, given: given as Record<string, string> };
}

/** How the page names its fields in messages (the CLI names its flags). */
const WEB_NAMES = {
  from: "«Từ ngày»",
  to: "«Đến ngày»",
  half: "«Nửa năm»",
  year: "«Năm»",
  level: "«Cấp»",
  one: "Hãy chọn đúng một kỳ báo cáo: khoảng ngày (từ ngày, đến ngày), hoặc nửa năm (ví dụ 2026H1), hoặc năm (ví dụ 2026).",
};

const nf = (digits: number) => new Intl.NumberFormat("vi-VN", { maximumFractionDigits: digits });
const INT = nf(0);
const DEC = nf(2);
const PCT = nf(1);
const pad = (n: number) => String(n).padStart(2, "0");

/**
 * A table cell as the page shows it: the workbook's number and date formats (the row's own, else the column's),
 * Vietnamese separators.
 */
export function cellText(v: Cell, col: Column, format = col.numFmt): string {
  if (v === null) return "—";
  if (v instanceof Date) {
    const d = `${pad(v.getUTCDate())}/${pad(v.getUTCMonth() + 1)}/${v.getUTCFullYear()}`;
    return col.numFmt === DATE_TIME ? `${d} ${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}` : d;
  }
  if (typeof v === "string") return v;
  if (format === PERCENT) return `${PCT.format(v * 100)}%`;
  if (format === INTEGER) return INT.format(v);
  if (format === MINUTES) return PCT.format(v);
  return DEC.format(v);
}

function form(q: Partial<Record<string, string>>, agencies: string[]): Html {
  const v = (k: string) => q[k] ?? "";
  return html`<form method="get" action="" class="report-form" aria-label="Chọn kỳ báo cáo">
<fieldset><legend>Kỳ báo cáo (chọn một cách)</legend>
<label>Từ ngày <input type="date" name="from" value="${v("from")}"></label>
<label>Đến ngày <input type="date" name="to" value="${v("to")}"></label>
<label>Nửa năm <input type="text" name="half" value="${v("half")}" placeholder="2026H1" pattern="\\d{4}[Hh][12]" size="7"></label>
<label>Năm <input type="number" name="year" value="${v("year")}" placeholder="2026" min="2000" max="2099"></label>
</fieldset>
<fieldset><legend>Phạm vi</legend>
<label>Cơ quan <select name="agency"><option value="">Toàn mạng</option>${agencies.map(
    (a) => html`<option value="${a}"${a === q.agency ? raw(" selected") : ""}>${a}</option>`,
  )}</select></label>
<label>Cấp <select name="level"><option value="">Mọi cấp</option>${LEVELS.map(
    (l) => html`<option value="${l}"${l === q.level ? raw(" selected") : ""}>${LEVEL_VI[l]}</option>`,
  )}</select></label>
</fieldset>
<button type="submit">Xem báo cáo</button>
</form>`;
}

function table(t: ReturnType<typeof reportTables>[number]): Html {
  const shown = t.rows.slice(0, PAGE_ROWS);
  return html`<section class="report-table">
<h3>${t.name}</h3>
<div class="table-wrap"><table>
<thead><tr>${t.columns.map((c) => html`<th scope="col">${c.header}</th>`)}</tr></thead>
<tbody>${shown.map(
    (r, n) =>
      html`<tr>${r.map((v, i) => {
        const col = t.columns[i]!;
        const numeric = typeof v === "number" || v instanceof Date;
        return html`<td${numeric ? raw(' class="num"') : ""}>${cellText(v, col, t.formats?.[n] ?? col.numFmt)}</td>`;
      })}</tr>`,
  )}</tbody>
</table></div>${
    t.rows.length > shown.length
      ? html`<p class="note">Trang chỉ hiện ${INT.format(shown.length)}/${INT.format(t.rows.length)} dòng; tệp Excel có đủ.</p>`
      : ""
  }
</section>`;
}

async function reportBody(report: Report, given: Record<string, string>, zone: string): Promise<Html> {
  const { sessionsByMonthChart, incidentsByCategoryChart, slaTrendChart, mcuPeakChart } = await import(
    "../../app/report/charts.js"
  );
  const charts: [string, string][] = [
    ["Số phiên họp đã tổ chức theo tháng và cấp", sessionsByMonthChart(report)],
    ["Sự cố theo loại", incidentsByCategoryChart(report)],
    ["Tỷ lệ đạt chỉ tiêu dịch vụ theo tháng", slaTrendChart(report)],
    ["Số cổng MCU sử dụng đồng thời cao nhất so với năng lực", mcuPeakChart(report)],
  ];
  const scope =
    [
      report.filter.agency ? `cơ quan ${report.filter.agency}` : null,
      report.filter.level ? `cấp ${LEVEL_VI[report.filter.level]}` : null,
    ]
      .filter(Boolean)
      .join(", ") || "toàn mạng";
  const download = `bao-cao/tai-ve.xlsx?${new URLSearchParams(given).toString()}`;
  return html`<section class="report-head">
<p>Kỳ báo cáo <strong>${report.period.label}</strong>: từ ${dateVi(report.period.from)} đến ${dateVi(report.period.to)}, ${scope}.
Lập lúc ${DateTime.fromISO(report.generatedAt, { zone }).toFormat("HH:mm dd/MM/yyyy")}.</p>
<p>Căn cứ: ${LEGAL_BASIS_VI}</p>${
    report.secretOmitted
      ? html`
<p class="note">${SECRET_OMITTED_VI}</p>`
      : ""
  }
<p><a href="${download}" download>Tải báo cáo (Excel)</a></p>
</section>
<section class="report-charts">
<h2>Biểu đồ</h2>
${charts.map(([caption, svg]) => html`<figure><img src="${svgDataUri(svg)}" alt="${caption}"><figcaption>${caption}</figcaption></figure>`)}
</section>
<section class="report-tables">
<h2>Số liệu</h2>
${reportTables(report, zone).map(table)}
</section>
<section class="report-definitions">
<h2>Định nghĩa các chỉ tiêu</h2>
<dl>${definitionsOf(report).map(([term, def]) => html`<dt>${term}</dt><dd>${def}</dd>`)}</dl>
</section>`;
}

const TITLE = "Báo cáo sử dụng hệ thống hội nghị truyền hình";

/** Mount with `app.route("/", reportRoutes({ desk, layout }))`: serves `/bao-cao` and `/bao-cao/tai-ve.xlsx`. */
export function reportRoutes(deps: ReportRoutesDeps): Hono {
  const zone = deps.zone ?? deps.desk.reg.zone;
  const now = deps.now ?? (() => new Date());
  const layout = deps.layout ?? minimalLayout;
  const secretOf = (c: Context) => (deps.withSecret?.(c) ? "count" : "omit");
  const app = new Hono();

  const agencyNames = async () =>
    (await deps.desk.store.read((r) => r.directory.snapshot())).directory.agencies
      .map((a) => a.name)
      .sort((a, b) => a.localeCompare(b, "vi"));

  app.get("/bao-cao", async (c) => {
    const at = now();
    const query = c.req.queries();
    const agencies = await agencyNames();
    let body: Html;
    let status: 200 | 400 = 200;
    try {
      const q = readQuery(query, at, zone);
      const report = await buildReport(deps.desk, q.period, q.filter, at, { secret: secretOf(c) });
      body = html`<h1>${TITLE}</h1>${form(q.given, agencies)}${await reportBody(report, q.given, zone)}`;
    } catch (err) {
      if (!(err instanceof ReportInputError)) throw err;
      status = 400;
      // What was asked is named in the message; the way back is the page with its defaults (this year).
      body = html`<h1>${TITLE}</h1><p role="alert" class="error">${err.message}</p>
<p><a href="bao-cao">Mở lại trang với giá trị mặc định</a></p>${form(formValues(query), agencies)}`;
    }
    return c.html(await layout({ title: TITLE, body }, c), status);
  });

  app.get("/bao-cao/tai-ve.xlsx", async (c) => {
    const at = now();
    let report: Report;
    try {
      const q = readQuery(c.req.queries(), at, zone);
      report = await buildReport(deps.desk, q.period, q.filter, at, { secret: secretOf(c) });
    } catch (err) {
      if (!(err instanceof ReportInputError)) throw err;
      return c.text(err.message, 400);
    }
    const { reportWorkbook } = await import("../../app/report/workbook.js");
    const buffer = await reportWorkbook(report, zone).xlsx.writeBuffer();
    const name = `bao-cao-${report.period.label.replace(/[^0-9A-Za-z.-]/g, "_")}.xlsx`;
    return c.body(new Uint8Array(buffer as ArrayBuffer), 200, {
      "Content-Type": XLSX,
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": "no-store",
    });
  });
  return app;
}

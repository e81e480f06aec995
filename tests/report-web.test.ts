import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { html } from "hono/html";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadHolidayCalendar } from "../src/app/config.js";
import type { Desk } from "../src/app/desk.js";
import { buildReport, periodOf } from "../src/app/report/report.js";
import { DEFAULT_REGULATION } from "../src/core/regulation.js";
import type { Report } from "../src/core/report/compute.js";
import { reportRoutes } from "../src/web/report/routes.js";
import { at, CALENDAR_DIR, sampleDirectory, suiteStore } from "./helpers.js";
import { rawSql } from "./support/raw-sql.js";

/**
 * The web desk's "Báo cáo" page over a small year written straight into the tables (the use-case-driven year is
 * tests/report.test.ts's): the page and the download must show buildReport's figures, escape every value and
 * answer a person's bad input with 400 and a Vietnamese message.
 */

const EVIL = `<script>alert("x")</script> & Cộng sự`;
const SECRET_TITLE = "Phương án bảo vệ mục tiêu K-19";
const NOW = at("2027-01-10", "09:00");
const MIN = 60_000;

let desk: Desk;
let report: Report;
let hosts: string[];
let release: () => Promise<void>;
// Shared by every test in the file (helpers' makeDesk closes its store after each test).
const root = mkdtempSync(join(tmpdir(), "desk-report-web-"));
afterAll(async () => {
  await release();
  rmSync(root, { recursive: true, force: true });
});

beforeAll(async () => {
  const opened = await suiteStore(join(root, "desk.db"));
  release = opened.release;
  desk = {
    store: opened.store,
    reg: DEFAULT_REGULATION,
    holidays: loadHolidayCalendar(CALENDAR_DIR),
  };
  await desk.store.tx((r) => r.directory.replaceAll(sampleDirectory));
  const s = rawSql(desk.store);
  // An agency whose name is markup: it must come out escaped on the page and in the download.
  s.prepare("INSERT INTO agencies (name, kind, aliases) VALUES (?, 'city', '[]')").run(EVIL);
  s.prepare(
    "INSERT INTO endpoints (code, name, level, agency, aliases) VALUES ('EVIL-01', 'Điểm cầu thử', 'city', ?, '[]')",
  ).run(EVIL);
  const eps = await s.all<{ code: string; agency: string }>(
    "SELECT code, agency FROM endpoints WHERE code <> 'EVIL-01' ORDER BY code LIMIT 6",
  );
  hosts = [EVIL, eps[0]!.agency, eps[3]!.agency];
  const insB = s.prepare(
    `INSERT INTO bookings (code,status,host,host_endpoint,title,start_at,end_at,contact_name,contact_phone,emergency,secret,recording,city_hall_room,unresolved,priority,ports,reasons,missing,channel,sender,received_at,sequence,created_at,updated_at)
     VALUES (?,?,?,?,?,?,?,'Thử','0900000000',0,?,?,0,'[]',1,2,'[]','[]',?,'x@hanoi.gov.vn',?,1,?,?)`,
  );
  const insE = s.prepare("INSERT INTO booking_endpoints (booking,endpoint,role) VALUES (?,?,'participant')");
  const insEv = s.prepare(
    "INSERT INTO booking_events (booking,at,from_status,to_status,actor,channel,reason) VALUES (?,?,?,?,'system','system',?)",
  );
  // 12 sessions in 2026 (one a month), one cancelled, one secret; the secret one's title must never show.
  for (let i = 0; i < 12; i++) {
    const month = String(i + 1).padStart(2, "0");
    const start = at(`2026-${month}-15`, "09:00").getTime();
    const end = start + 90 * MIN;
    const received = start - 3 * 24 * 60 * MIN;
    const code = `HTT-2026-${String(i + 1).padStart(4, "0")}`;
    const host = hosts[i % hosts.length]!;
    const cancelled = i === 4;
    const secret = i === 7;
    insB.run(
      code,
      cancelled ? "cancelled" : "ended",
      host,
      host === EVIL ? "EVIL-01" : null,
      secret ? SECRET_TITLE : `Giao ban số ${i + 1}`,
      start,
      end,
      secret ? 1 : 0,
      0,
      i % 2 ? "telegram" : "mail",
      received,
      received,
      received,
    );
    insE.run(code, host === EVIL ? "EVIL-01" : eps[1]!.code);
    insE.run(code, eps[2 + (i % 4)]!.code);
    insEv.run(code, received, null, "received", "tiếp nhận");
    insEv.run(code, received + (i === 2 ? 3 * 60 * MIN : MIN), "received", "confirmed", "đủ điều kiện");
    if (cancelled) {
      insEv.run(code, received + 60 * MIN, "confirmed", "cancelled", "đơn vị đề nghị hủy");
      continue;
    }
    insEv.run(code, start, "confirmed", "live", "bắt đầu");
    insEv.run(code, end, "live", "ended", "kết thúc");
  }
  await s.flush();
  report = await buildReport(desk, periodOf({ year: "2026" }), {}, NOW);
  expect(report.sessions.held).toBe(11);
});

/** The admin's view (secret sessions counted); tests/security/report-secret-omitted.test.ts has the others'. */
const app = () => reportRoutes({ desk, now: () => NOW, withSecret: () => true });

/** The cells of the table under the heading `name`, as text. */
function tableRows(page: string, name: string): string[][] {
  const start = page.indexOf(`<h3>${name}</h3>`);
  expect(start, `table ${name}`).toBeGreaterThanOrEqual(0);
  const body = page.slice(start, page.indexOf("</table>", start));
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) =>
    [...m[1]!.matchAll(/<t[dh][^>]*>(.*?)<\/t[dh]>/gs)].map((c) => c[1]!),
  );
}

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

describe("GET /bao-cao", () => {
  it("shows the four charts inline, the tables with buildReport's figures, and the definitions", async () => {
    const res = await app().request("/bao-cao?year=2026");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const page = await res.text();
    expect(page.startsWith("<!doctype html>")).toBe(true);
    // Each chart is an SVG image (the desk's CSP would strip ECharts' inline styles from inline SVG).
    const charts = [
      ...page.matchAll(/<figure><img src="data:image\/svg\+xml;base64,([^"]+)" alt="([^"]+)">/g),
    ];
    expect(charts).toHaveLength(4);
    for (const [, b64, alt] of charts) {
      expect(Buffer.from(b64 as string, "base64").toString("utf8")).toMatch(/^<svg /);
      expect(alt).not.toBe("");
    }
    for (const caption of ["Số phiên họp đã tổ chức theo tháng và cấp", "Sự cố theo loại"])
      expect(page).toContain(`<figcaption>${caption}</figcaption>`);

    const summary = Object.fromEntries(tableRows(page, "Tổng hợp").slice(1) as [string, string][]);
    expect(summary["Phiên họp đã tổ chức"]).toBe(String(report.sessions.held));
    expect(summary["Phiên họp bị hủy"]).toBe("1");
    expect(summary["Phiên mật (chỉ đếm)"]).toBe("1");
    expect(summary["Lượt kết nối điểm cầu"]).toBe(String(report.sessions.connections));
    expect(summary["Giờ trực tuyến"]).toBe(report.sessions.hoursOnline.toLocaleString("vi-VN"));
    expect(summary["Trả lời đăng ký trong 2 giờ (Điều 12.2b): đạt/tổng"]).toBe(
      `${report.sla.answer.met}/${report.sla.answer.total}`,
    );
    expect(report.sla.answer.total - report.sla.answer.met).toBe(1);

    // Every host's row: held and cancelled as buildReport counted them.
    const byAgency = tableRows(page, "Theo cơ quan");
    expect(byAgency[0]).toEqual([
      "Cơ quan chủ trì",
      "Cấp",
      "Phiên đã tổ chức",
      "Phiên bị hủy",
      "Giờ trực tuyến",
      "Lượt kết nối điểm cầu",
    ]);
    expect(byAgency.length - 1).toBe(report.sessions.byAgency.length);
    for (const a of report.sessions.byAgency) {
      const row = byAgency.find((r) => r[0] === esc(a.agency));
      expect(row, a.agency).toBeDefined();
      expect([row![2], row![3]]).toEqual([String(a.held), String(a.cancelled)]);
    }
    // One session a month.
    const months = tableRows(page, "Theo tháng").slice(1);
    expect(months.map((r) => r[0])).toEqual(report.sessions.byMonth.map((m) => `${m.month.slice(5)}/2026`));
    expect(page).toContain("<dt>Trả lời trong 2 giờ (Điều 12.2b)</dt>");
    expect(page).toContain('href="bao-cao/tai-ve.xlsx?year=2026"');
  });

  it("escapes every value: an agency named with markup, and a query echoed in an error", async () => {
    const page = await (await app().request("/bao-cao?year=2026")).text();
    expect(page).toContain(esc(EVIL));
    expect(page).not.toContain("<script>");

    const res = await app().request(
      `/bao-cao?year=2026&agency=${encodeURIComponent('<img src=x onerror="y">')}`,
    );
    expect(res.status).toBe(400);
    const bad = await res.text();
    expect(bad).toContain("Không có cơ quan «&lt;img src=x onerror=&quot;y&quot;&gt;» trong danh bạ.");
    expect(bad).not.toContain("<img");
  });

  it("filters by the agency named in the query, even one whose name is markup", async () => {
    const res = await app().request(`/bao-cao?year=2026&agency=${encodeURIComponent(EVIL)}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    const held = (await buildReport(desk, periodOf({ year: "2026" }), { agency: EVIL }, NOW)).sessions.held;
    expect(held).toBe(4);
    const summary = Object.fromEntries(tableRows(page, "Tổng hợp").slice(1) as [string, string][]);
    expect(summary["Phiên họp đã tổ chức"]).toBe("4");
    expect(page).toContain(`<option value="${esc(EVIL)}" selected>`);
  });

  it("never describes a secret session", async () => {
    const html = await (await app().request("/bao-cao?year=2026")).text();
    // The charts travel base64-encoded: read them as text too.
    const charts = [...html.matchAll(/base64,([^"]+)"/g)].map((m) =>
      Buffer.from(m[1] as string, "base64").toString(),
    );
    expect(charts).toHaveLength(4);
    const page = [html, ...charts].join("\n");
    expect(page).not.toContain(SECRET_TITLE);
    expect(page).not.toContain("K-19");
  });

  it.each([
    [
      "year=abc",
      "Địa chỉ có giá trị không đọc được. Năm (year): đã nhận «abc», cần năm theo dạng 2027 (từ 2000 đến 2099).",
    ],
    ["half=2026H3", "Giá trị «Nửa năm»=«2026H3» không hợp lệ"],
    [
      "from=2026-02-30&to=2026-03-01",
      "Địa chỉ có giá trị không đọc được. Từ ngày (from): đã nhận «2026-02-30», cần ngày theo dạng 2027-01-10.",
    ],
    ["from=2026-06-01&to=2026-01-01", "Ngày bắt đầu 2026-06-01 sau ngày kết thúc 2026-01-01."],
    ["year=2026&half=2026H1", "Hãy chọn đúng một kỳ báo cáo"],
    ["year=2026&level=province", "Giá trị «Cấp»=«province» không hợp lệ"],
    [
      "year=1850",
      "Địa chỉ có giá trị không đọc được. Năm (year): đã nhận «1850», cần năm theo dạng 2027 (từ 2000 đến 2099).",
    ],
    // The desk's Vietnamese names (as ?ngay= and ?co-quan= elsewhere): «?tu=abc» was ignored, 200.
    [
      "tu=abc",
      "Địa chỉ có giá trị không đọc được. Từ ngày (tu): đã nhận «abc», cần ngày theo dạng 2027-01-10.",
    ],
    [
      "tu=2026-01-01&den=2026-13-40",
      "Địa chỉ có giá trị không đọc được. Đến ngày (den): đã nhận «2026-13-40», cần ngày theo dạng 2027-01-10.",
    ],
    ["tu=2026-06-01&den=2026-01-01", "Ngày bắt đầu 2026-06-01 sau ngày kết thúc 2026-01-01."],
    [
      "nam=20260",
      "Địa chỉ có giá trị không đọc được. Năm (nam): đã nhận «20260», cần năm theo dạng 2027 (từ 2000 đến 2099).",
    ],
    ["cap=tinh&nam=2026", "Giá trị «Cấp»=«tinh» không hợp lệ"],
    // Longer than the page shows (a year): «2000-01-01..2099-12-31» drew 1,200 months.
    [
      "from=2000-01-01&to=2099-12-31",
      "Khoảng 36525 ngày từ 2000-01-01 đến 2099-12-31 dài hơn 366 ngày trang báo cáo hiển thị được",
    ],
    ["tu=2025-12-30&den=2026-12-31", "Khoảng 367 ngày từ 2025-12-30 đến 2026-12-31 dài hơn"],
    // Repeated: which one counts was the framework's accident.
    [
      "year=2026&year=2025",
      "Địa chỉ có giá trị không đọc được. Năm (year): đã nhận «2026», «2025», cần một giá trị duy nhất.",
    ],
    [
      "year=2026&nam=2025",
      "Địa chỉ có giá trị không đọc được. Năm (year, nam): đã nhận «2026», «2025», cần một giá trị duy nhất.",
    ],
  ])("answers bad input ?%s with 400 and a Vietnamese message", async (query, message) => {
    const res = await app().request(`/bao-cao?${query}`);
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain(`<p role="alert" class="error">${message}`);
    expect(page).not.toContain("<svg");
    expect(page).not.toContain("image/svg+xml");
    // The form is there again, refilled, to fix the input, and the way back to the defaults.
    expect(page).toContain('<form method="get"');
    expect(page).toContain('<a href="bao-cao">Mở lại trang với giá trị mặc định</a>');
    const xlsx = await app().request(`/bao-cao/tai-ve.xlsx?${query}`);
    expect(xlsx.status).toBe(400);
    expect(await xlsx.text()).toContain(message);
  });

  it("reads the Vietnamese names as the form's: a year, a range up to 366 days, a level, an agency", async () => {
    const agency = encodeURIComponent(EVIL);
    for (const [vi, en] of [
      ["nam=2026", "year=2026"],
      ["tu=2026-01-01&den=2026-12-31", "from=2026-01-01&to=2026-12-31"],
      ["tu=2026-01-01&to=2026-06-30", "from=2026-01-01&to=2026-06-30"],
      [`nua-nam=2026H2&cap=city&co-quan=${agency}`, `half=2026H2&level=city&agency=${agency}`],
    ]) {
      const res = await app().request(`/bao-cao?${vi}`);
      expect(res.status, vi).toBe(200);
      // The charts' SVG carries a renderer counter: everything else is the same page.
      const plain = (page: string) =>
        page.replace(/<section class="report-charts">[\s\S]*?<\/section>/, "").replace(/Lập lúc [^.]*\./, "");
      const page = plain(await res.text());
      const same = plain(await (await app().request(`/bao-cao?${en}`)).text());
      expect(page.length, vi).toBeGreaterThan(2000);
      expect(page === same, vi).toBe(true);
    }
  });

  it("reads no value over 200 characters: named cut, not echoed whole in the message and the form", async () => {
    for (const name of ["agency", "co-quan", "half", "level", "tu"]) {
      const res = await app().request(`/bao-cao?${name}=${"x".repeat(20_000)}`);
      expect(res.status, name).toBe(400);
      const page = await res.text();
      expect(page, name).toContain(
        `(${name}): đã nhận «${"x".repeat(60)}…», cần một giá trị không quá 200 ký tự.`,
      );
      expect(page, name).not.toContain("x".repeat(61));
      const xlsx = await app().request(`/bao-cao/tai-ve.xlsx?${name}=${"x".repeat(20_000)}`);
      expect(xlsx.status, name).toBe(400);
      expect((await xlsx.text()).length, name).toBeLessThan(400);
    }
  });

  it("shows what was typed escaped in the refusal and the refilled form", async () => {
    const res = await app().request(
      `/bao-cao?tu=${encodeURIComponent('"><script>x</script>')}&den=2026-01-01`,
    );
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).not.toContain("<script>x");
    expect(page).toContain("Từ ngày (tu): đã nhận «&quot;&gt;&lt;script&gt;x&lt;/script&gt;»");
    expect(page).toContain('name="from" value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
  });

  it("a year the query parser read is the year reported: «?nam=02026» is 2026, not a second check's refusal", async () => {
    // The page read the year with the desk's one parser, then periodOf checked its form again and refused
    // «02026», which the parser had accepted as 2026.
    const res = await app().request("/bao-cao?nam=02026");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Kỳ báo cáo <strong>2026</strong>: từ 01/01/2026 đến 31/12/2026");
  });

  it("defaults to the current year and lets the web shell wrap the body", async () => {
    const wrapped = reportRoutes({
      desk,
      now: () => NOW,
      layout: ({ title, body }) => html`<main data-shell="1"><h6>${title}</h6>${body}</main>`,
    });
    const page = await (await wrapped.request("/bao-cao")).text();
    expect(page.startsWith('<main data-shell="1">')).toBe(true);
    expect(page).not.toContain("<html");
    expect(page).toContain("Kỳ báo cáo <strong>2027</strong>");
  });
});

describe("the summary's number formats", () => {
  it("counts are whole numbers and the readiness a percentage, on the page and in the workbook", async () => {
    const page = await (await app().request("/bao-cao?year=2026")).text();
    const summary = Object.fromEntries(tableRows(page, "Tổng hợp").slice(1) as [string, string][]);
    const readiness = report.endpoints.readiness!;
    expect(readiness).not.toBeNull();
    expect(summary["Tỷ lệ điểm cầu xác nhận sẵn sàng"]).toBe(
      `${(readiness * 100).toLocaleString("vi-VN", { maximumFractionDigits: 1 })}%`,
    );
    expect(summary["Năng lực MCU (cổng)"]).toBe(report.mcu.capacity.ports.toLocaleString("vi-VN"));

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await (await app().request("/bao-cao/tai-ve.xlsx?year=2026")).arrayBuffer());
    const formats = new Map<string, string | undefined>();
    wb.getWorksheet("Tổng hợp")!.eachRow((row) =>
      formats.set(String(row.getCell(1).value), row.getCell(2).numFmt),
    );
    // Excel shows 11 under «#,##0.##» as «11.», with a separator and no digits after it.
    expect(formats.get("Phiên họp đã tổ chức")).toBe("#,##0");
    expect(formats.get("Năng lực MCU (cổng)")).toBe("#,##0");
    expect(formats.get("Giờ trực tuyến")).toBe("#,##0.00");
    expect(formats.get("Tỷ lệ điểm cầu xác nhận sẵn sàng")).toBe("0.0%");
  });
});

describe("GET /bao-cao/tai-ve.xlsx", () => {
  it("downloads the workbook, which opens with exceljs and holds the same figures", async () => {
    const res = await app().request("/bao-cao/tai-ve.xlsx?half=2026H1");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="bao-cao-2026H1.xlsx"');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const h1 = await buildReport(desk, periodOf({ half: "2026H1" }), {}, NOW);
    expect(h1.sessions.held).toBe(5);
    const summary = wb.getWorksheet("Tổng hợp")!;
    const values = new Map<string, unknown>();
    summary.eachRow((row) => values.set(String(row.getCell(1).value), row.getCell(2).value));
    expect(values.get("Phiên họp đã tổ chức")).toBe(h1.sessions.held);
    expect(values.get("Phiên họp bị hủy")).toBe(1);
    const agencies: string[] = [];
    wb.getWorksheet("Theo cơ quan")!.eachRow((row, n) => {
      if (n > 1) agencies.push(String(row.getCell(1).value));
    });
    expect(agencies).toContain(EVIL);
    expect(wb.getWorksheet("Bìa")!.getCell("B5").value).toBe("2026H1");
  });
});

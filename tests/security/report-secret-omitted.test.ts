import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { SECRET_OMITTED_VI } from "../../src/app/report/tables.js";
import { at } from "../helpers.js";
import { login, registerSecretSession, saveIncident, webDesk } from "../web/support.js";

/**
 * Decided policy: secret sessions count in reports for admins only. A technician's report filtered by the host
 * agency and one day showed «Phiên mật (chỉ đếm): 1» (and the session's hours, connections, MCU peak, its
 * endpoints missing from «never used», its incidents): that agency hosted a secret session that day. For every
 * role but admin the report must be exactly the report of a day without it, and say once that secret sessions are
 * left out; the workbook follows the page.
 */
const NOW = at("2026-12-11", "08:00");
const AGENCY = "Sở Công Thương";
const QUERY = `from=2026-12-10&to=2026-12-10&agency=${encodeURIComponent(AGENCY)}`;

async function secretSession(desk: Awaited<ReturnType<typeof webDesk>>["desk"]) {
  const res = await registerSecretSession(desk);
  expect(res.booking.request.host).toBe(AGENCY);
  // Held: live at 14:00, ended at 16:00 (the MCU's events, as the report reads them).
  await desk.store.tx((r) =>
    r.bookings.addEvents(res.code, [
      {
        at: at("2026-12-10", "14:00"),
        from: "confirmed",
        to: "live",
        actor: "mcu",
        channel: "system",
        reason: "bắt đầu",
      },
      {
        at: at("2026-12-10", "16:00"),
        from: "live",
        to: "ended",
        actor: "mcu",
        channel: "system",
        reason: "kết thúc",
      },
    ]),
  );
  await saveIncident(desk, at("2026-12-10", "14:30"), {
    endpoint: res.booking.hostEndpoint ?? null,
    booking: res.code,
  });
  return res.code;
}

/**
 * The page's report part, charts decoded: what changes from one render to the next without any data changing
 * (ECharts numbers its SVG ids «zr0-…» per chart drawn in the process) is made equal.
 */
const reportPart = (html: string) =>
  html.slice(html.indexOf("<h1>")).replace(/data:image\/svg\+xml;base64,([^"]+)/g, (_, b64: string) =>
    Buffer.from(b64, "base64")
      .toString("utf8")
      .replace(/zr\d+-/g, "zr-")
      .replace(/cls-\d+/g, "cls-"),
  );

async function summaryOf(res: Response): Promise<Map<string, string>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  const values = new Map<string, string>();
  for (const sheet of wb.worksheets)
    sheet.eachRow((row, n) => values.set(`${sheet.name}!${n}`, JSON.stringify(row.values)));
  return values;
}

describe("reports: secret sessions count for admins only", () => {
  it("a technician's report for the host agency and day is the report of a day without the secret session", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const tech = await login(app, "tech");
    const wan = await login(app, "wan");
    const page = async (cookie: string, path = `/bao-cao?${QUERY}`) =>
      reportPart(await (await app.request(path, { headers: { cookie } })).text());
    const before = { tech: await page(tech.cookie), wan: await page(wan.cookie) };
    const xlsxBefore = await summaryOf(
      await app.request(`/bao-cao/tai-ve.xlsx?${QUERY}`, { headers: { cookie: tech.cookie } }),
    );

    const code = await secretSession(desk);

    expect(await page(tech.cookie)).toBe(before.tech);
    expect(await page(wan.cookie)).toBe(before.wan);
    expect(before.tech).not.toContain("Phiên mật");
    expect(before.tech.split(SECRET_OMITTED_VI)).toHaveLength(2);
    const xlsxAfter = await summaryOf(
      await app.request(`/bao-cao/tai-ve.xlsx?${QUERY}`, { headers: { cookie: tech.cookie } }),
    );
    // The cover's «Thời điểm lập báo cáo» is the same clock; every cell of every sheet is the same.
    expect([...xlsxAfter]).toEqual([...xlsxBefore]);
    expect([...xlsxAfter.values()].some((v) => v.includes(SECRET_OMITTED_VI))).toBe(true);

    // The admin still sees it counted (never described).
    const admin = await login(app, "admin");
    const adminPage = await page(admin.cookie);
    expect(adminPage).toMatch(/<td>Phiên mật \(chỉ đếm\)<\/td><td class="num">1<\/td>/);
    expect(adminPage).not.toContain(SECRET_OMITTED_VI);
    expect(adminPage).not.toContain("Bàn phương án nhân sự");
    expect(adminPage).not.toBe(before.tech);
    void code;
  });
});

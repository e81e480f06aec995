import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { at, sampleDirectory } from "../helpers.js";
import { login, PEOPLE, post, webDesk } from "../web/support.js";

const NOW = at("2026-12-10", "08:00");

/**
 * Doors tried in round 8 that held, kept so they stay shut: admin-only addresses reached with other spellings, other
 * verbs and a role named in the form; another session's CSRF token; a cookie after logout; a stranger's formula in
 * the workbook.
 */
describe("web desk: doors that held", () => {
  it("admin-only addresses under other spellings and verbs give a technician nothing", async () => {
    const { app } = await webDesk({ now: () => NOW });
    for (const who of ["tech", "wan"] as const) {
      const s = await login(app, who);
      const get = (path: string) => app.request(path, { headers: { cookie: s.cookie } });
      for (const path of [
        "/tai-khoan",
        "/%74ai-khoan",
        "/danh-ba/xuat/people.csv",
        "/danh-ba/xuat/%70eople.csv",
      ])
        expect((await get(path)).status, `${who} ${path}`).toBe(403);
      for (const path of ["/TAI-KHOAN", "/tai-khoan/", "/danh-ba/xuat/..%2Fpeople.csv"])
        expect([403, 404], `${who} ${path}`).toContain((await get(path)).status);
      // A role or another login named in the form changes nothing: the role is the directory's.
      const fields = { _csrf: s.csrf, login: PEOPLE.admin.login, role: "admin", vai_tro: "admin" };
      for (const path of ["/tai-khoan/mo-khoa", "/danh-ba/nhap", "/danh-ba/nhap/xac-nhan"])
        expect((await post(app, path, fields, { cookie: s.cookie })).status, `${who} POST ${path}`).toBe(403);
      for (const method of ["PUT", "DELETE", "PATCH"]) {
        const res = await app.request("/tai-khoan/mo-khoa", {
          method,
          body: new URLSearchParams(fields),
          headers: { cookie: s.cookie, "x-csrf-token": s.csrf },
        });
        // A method the address does not take is 405 (round 20): refused before any role or form is read.
        expect(res.status, `${who} ${method}`).toBe(405);
        expect(res.headers.get("allow")).toBe("POST");
      }
    }
  });

  it("another session's CSRF token, or the token in a JSON body, is refused; a cookie after logout opens nothing", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    const tech = await login(app, "tech");
    const body = new URLSearchParams({ login: PEOPLE.wan.login });
    const foreign = await app.request("/tai-khoan/mo-khoa", {
      method: "POST",
      body,
      headers: { cookie: admin.cookie, "x-csrf-token": tech.csrf },
    });
    expect(foreign.status).toBe(403);
    const json = await app.request("/tai-khoan/mo-khoa", {
      method: "POST",
      body: JSON.stringify({ login: PEOPLE.wan.login, _csrf: admin.csrf }),
      headers: { cookie: admin.cookie, "content-type": "application/json" },
    });
    expect(json.status).toBe(403);
    expect((await post(app, "/dang-xuat", { _csrf: admin.csrf }, { cookie: admin.cookie })).status).toBe(303);
    expect((await app.request("/tai-khoan", { headers: { cookie: admin.cookie } })).status).toBe(302);
    const replay = await post(
      app,
      "/tai-khoan/mo-khoa",
      { _csrf: admin.csrf, login: "x" },
      { cookie: admin.cookie },
    );
    expect(replay.status).toBe(401);
  });

  it("an agency named as a formula in the directory is a text cell of the downloaded workbook, not a formula", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const evil = '=HYPERLINK("http://evil.example","x")';
    const dir = structuredClone(sampleDirectory);
    const agency = dir.agencies.find((a) => a.name === "Sở Công Thương")!;
    for (const e of dir.endpoints) if (e.agency === agency.name) e.agency = evil;
    agency.name = evil;
    await desk.store.tx((r) => r.directory.replaceAll(dir));
    const admin = await login(app, "admin");
    const res = await app.request("/bao-cao/tai-ve.xlsx?nam=2026", { headers: { cookie: admin.cookie } });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const cells: ExcelJS.Cell[] = [];
    wb.eachSheet((ws) =>
      ws.eachRow((row) =>
        row.eachCell((c) => {
          if (String(c.value).includes("HYPERLINK")) cells.push(c);
        }),
      ),
    );
    expect(cells.length).toBeGreaterThan(0);
    for (const c of cells) {
      expect(c.type).toBe(ExcelJS.ValueType.String);
      expect(c.value).toBe(evil);
    }
  });
});

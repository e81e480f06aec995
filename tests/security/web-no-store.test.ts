import { describe, expect, it } from "vitest";
import { at } from "../helpers.js";
import { login, registerSecretSession, saveIncident, webDesk } from "../web/support.js";

const NOW = at("2026-12-10", "08:00");

/**
 * Threat: the web desk's pages and downloads carried no Cache-Control. A browser keeps such answers in its disk
 * cache (and a proxy may keep them): an admin's page of a secret session (host, endpoints, title) and the
 * directory's CSV (phones, VPN tokens) stayed on a shared office computer after logout. Only the workbook said
 * «no-store».
 */
describe("web desk: nothing a signed-in person reads is kept in a cache", () => {
  it("every page, export and refusal says no-store; the static files stay cacheable", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const { code } = await registerSecretSession(desk);
    await saveIncident(desk, NOW);
    const admin = await login(app, "admin");
    const tech = await login(app, "tech");
    const paths = [
      "/hom-nay",
      "/cho-xu-ly",
      `/dat-lich/${code}`,
      "/lich-noi-bo?xem=ngay&ngay=2026-12-10",
      "/danh-ba",
      "/danh-ba/xuat/endpoints.csv",
      "/danh-ba/xuat/people.csv",
      "/bao-cao",
      "/tai-khoan",
      "/su-co",
      "/su-co/SC-2026-0001",
      "/cau-hinh",
      "/khong-co-trang-nay",
    ];
    for (const path of paths) {
      const res = await app.request(path, { headers: { cookie: admin.cookie } });
      expect(res.status, path).toBeLessThan(500);
      expect(res.headers.get("cache-control"), path).toBe("no-store");
    }
    const refused = await app.request("/tai-khoan", { headers: { cookie: tech.cookie } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("cache-control")).toBe("no-store");
    const loginPage = await app.request("/dang-nhap");
    expect(loginPage.headers.get("cache-control")).toBe("no-store");
    const xlsx = await app.request("/bao-cao/tai-ve.xlsx", { headers: { cookie: admin.cookie } });
    expect(xlsx.headers.get("cache-control")).toBe("no-store");
    const css = await app.request("/static/desk.css");
    expect(css.headers.get("cache-control")).toBe("public, max-age=3600");
  });
});

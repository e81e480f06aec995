import { describe, expect, it } from "vitest";
import { at } from "../helpers.js";
import { deskPage, HTML_ACCEPT, login, post, webDesk } from "../web/support.js";

/**
 * Threat: odd input in the address fails a page with a 500. A name (`?tb=`, `/static/…`) looked up in a plain
 * object found JavaScript's own properties (`constructor`, `__proto__`), and a day the calendar does not have
 * (`?ngay=2026-02-30`, which Date.parse reads as 2 March) failed «Lịch».
 */
const NOW = at("2026-12-10", "08:00");

describe("web desk: names from the address are looked up as data, never as JavaScript's own properties", () => {
  it("«tb=constructor», «tb=__proto__», «/static/constructor» answer as any unknown name, not with a 500", async () => {
    const { app } = await webDesk({ now: () => NOW });
    for (const tb of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      const res = await app.request(`/dang-nhap?tb=${tb}&ma=x`);
      expect(res.status, tb).toBe(200);
    }
    for (const file of ["constructor", "__proto__", "toString"]) {
      const res = await app.request(`/static/${file}`);
      expect(res.status, file).toBe(404);
    }
  });
});

describe("web desk: a day the calendar does not have is today, not a 500", () => {
  it("«?ngay=2026-02-30», «2026-13-01» show today's week with 400 (tests/web/bad-query.test.ts); «0000-01-01» is a day", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const s = await login(app, "tech");
    for (const day of ["2026-02-30", "2026-13-01", "2026-00-10", "0000-01-01"])
      for (const q of [`?ngay=${day}`, `?xem=ngay&ngay=${day}`]) {
        const res = await app.request(`/lich-noi-bo${q}`, { headers: { cookie: s.cookie } });
        expect(res.status, q).toBe(day === "0000-01-01" ? 200 : 400);
        expect(await res.text(), q).toContain("<h1>Lịch</h1>");
      }
  });
});

describe("web desk: an action on an incident that does not exist", () => {
  it("is the desk's 404 page for a browser, not a line of plain text", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const s = await login(app, "tech");
    for (const action of ["nhan", "xong", "ghichu", "mo"]) {
      const res = await post(
        app,
        `/su-co/SC-2026-9999/${action}`,
        { _csrf: s.csrf, note: "x", target: "wan" },
        { cookie: s.cookie, ...HTML_ACCEPT },
      );
      const page = await deskPage(res, 404, "Không tìm thấy");
      expect(page, action).toContain("SC-2026-9999");
    }
    // A program asking for text still gets the line.
    const line = await post(
      app,
      "/su-co/SC-2026-9999/nhan",
      { _csrf: s.csrf },
      { cookie: s.cookie, accept: "text/plain" },
    );
    expect(line.status).toBe(404);
    expect(line.headers.get("content-type")).toMatch(/^text\/plain/);
  });
});

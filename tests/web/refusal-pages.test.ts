import { describe, expect, it } from "vitest";
import type { Desk } from "../../src/app/desk.js";
import { MAX_FORM_BYTES } from "../../src/web/server.js";
import { at } from "../helpers.js";
import { deskPage, HTML_ACCEPT, login, ORIGIN, PASSWORD, PEOPLE, post, webDesk } from "./support.js";

// Found by following the desk's refusals in a browser: the 401 after a form sent from an expired session, the
// 403 of a stale CSRF token, the 413 of an upload and a failing database gave a line of plain text (or Hono's
// English «Internal Server Error»), without the desk's frame or a word on what to do.

const NOW = at("2026-12-03", "09:00");
const HTML = HTML_ACCEPT;
const JSON_ONLY = { accept: "application/json" };
const TEXT_ONLY = { accept: "text/plain" };

describe("401: no session", () => {
  it("is a page saying how to sign in for a browser, the line for htmx, JSON or text when asked", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const forged = `desk_session=${"a".repeat(64)}`;
    const path = "/cho-xu-ly/HTT-2026-0001/duyet";
    const page = await deskPage(await post(app, path, {}, { ...HTML, cookie: forged }), 401, "Cần đăng nhập");
    expect(page).toContain('<a href="/dang-nhap">đăng nhập</a>');
    expect(page).toContain("địa chỉ thư công vụ và mật khẩu");
    expect(page).not.toContain("a".repeat(64));
    const json = await post(app, path, {}, JSON_ONLY);
    expect(json.status).toBe(401);
    expect(await json.json()).toEqual({ status: 401, error: "Cần đăng nhập." });
    const text = await post(app, path, {}, TEXT_ONLY);
    expect(text.status).toBe(401);
    expect(await text.text()).toBe("Cần đăng nhập.");
    const swap = await app.request("/su-kien", { headers: { "hx-request": "true", ...HTML } });
    expect(swap.status).toBe(401);
    expect(await swap.text()).toBe("Cần đăng nhập.");
  });
});

describe("403", () => {
  it("a stale or forged CSRF token, and a foreign origin, are pages that echo no token", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const tech = await login(app, "tech");
    const forged = "f".repeat(43);
    const res = await post(
      app,
      "/su-co/SC-2026-0001/nhan",
      { _csrf: forged },
      { ...HTML, cookie: tech.cookie },
    );
    const page = await deskPage(res, 403, "Yêu cầu bị từ chối");
    expect(page).toContain("mã chống giả mạo (CSRF)");
    expect(page).not.toContain(forged);
    const foreign = await app.request("/su-co/SC-2026-0001/nhan", {
      method: "POST",
      body: new URLSearchParams({ _csrf: tech.csrf }),
      headers: { ...HTML, cookie: tech.cookie, origin: "https://evil.example" },
    });
    expect(await deskPage(foreign, 403, "Yêu cầu bị từ chối")).toContain("gửi từ một trang khác");
    const json = await post(
      app,
      "/su-co/SC-2026-0001/nhan",
      { _csrf: forged },
      { ...JSON_ONLY, cookie: tech.cookie },
    );
    expect(json.status).toBe(403);
    expect(await json.json()).toEqual({
      status: 403,
      error: "Mã chống giả mạo (CSRF) không hợp lệ. Hãy tải lại trang rồi thử lại.",
    });
  });

  it("another role's page says the account lacks the role; a client asking for JSON gets JSON", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const tech = await login(app, "tech");
    const page = await deskPage(
      await app.request("/tai-khoan", { headers: { ...HTML, cookie: tech.cookie } }),
      403,
      "Không có quyền truy cập",
    );
    expect(page).toContain("Tài khoản của bạn không có vai trò cần thiết.");
    const json = await app.request("/tai-khoan", { headers: { ...JSON_ONLY, cookie: tech.cookie } });
    expect(json.status).toBe(403);
    expect(await json.json()).toEqual({ status: 403, error: "Bạn không có quyền thực hiện thao tác này." });
  });
});

describe("413: a body over its limit", () => {
  it("an upload's page says the limit in MB; a form's too; programs get the line", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    const big = new FormData();
    big.set("_csrf", admin.csrf);
    big.set("agencies", new File(["x".repeat(3 * 1024 * 1024)], "agencies.csv", { type: "text/csv" }));
    const upload = await app.request("/danh-ba/nhap", {
      method: "POST",
      body: big,
      headers: { ...HTML, cookie: admin.cookie, origin: ORIGIN },
    });
    const page = await deskPage(upload, 413, "Tệp quá lớn");
    expect(page).toContain("tối đa 2 MB");
    expect(page).toContain('href="/danh-ba#nhap"');
    const form = await post(
      app,
      "/dang-nhap",
      { login: PEOPLE.tech.login, password: `${PASSWORD}${"a".repeat(MAX_FORM_BYTES)}` },
      HTML,
    );
    expect(await deskPage(form, 413, "Tệp quá lớn")).toContain("mỗi biểu mẫu tối đa 0,06 MB");
    const json = await post(app, "/dang-nhap", { password: "a".repeat(MAX_FORM_BYTES) }, JSON_ONLY);
    expect(json.status).toBe(413);
    expect(await json.json()).toEqual({ status: 413, error: "Yêu cầu quá lớn: tối đa 0,06 MB." });
  });
});

/** The store's calls fail as node-postgres's do when the server is gone (wrapped, as drizzle wraps them). */
function cutDatabase(desk: Desk, error: Error) {
  const fail = () => Promise.reject(error);
  Object.assign(desk.store, { read: fail, tx: fail });
}

describe("503: the database out of reach", () => {
  it("is a page saying the desk is starting or the database unreachable, try again; no address or stack", async () => {
    const { app, desk } = await webDesk({ now: () => NOW });
    const tech = await login(app, "tech");
    const refused = Object.assign(new Error("connect ECONNREFUSED 10.20.30.40:5432"), {
      code: "ECONNREFUSED",
    });
    cutDatabase(desk, new Error("Failed query: select * from web_sessions", { cause: refused }));
    const errors: unknown[] = [];
    const log = console.error;
    console.error = (e: unknown) => errors.push(e);
    try {
      const res = await app.request("/hom-nay", { headers: { ...HTML, cookie: tech.cookie } });
      const page = await deskPage(res, 503, "Tạm thời chưa phục vụ được");
      expect(res.headers.get("retry-after")).toBe("30");
      expect(page).toContain("đang khởi động, hoặc tạm thời không kết nối được cơ sở dữ liệu");
      expect(page).toContain("Hãy thử lại sau ít phút");
      for (const secret of ["10.20.30.40", "5432", "ECONNREFUSED", "web_sessions", "at ", tech.csrf])
        expect(page, secret).not.toContain(secret);
      const json = await app.request("/hom-nay", { headers: { ...JSON_ONLY, cookie: tech.cookie } });
      expect(json.status).toBe(503);
      expect((await json.json()).error).toContain("Hãy thử lại sau ít phút");
      // PostgreSQL «the database system is starting up» (57P03) is the same answer.
      cutDatabase(desk, Object.assign(new Error("the database system is starting up"), { code: "57P03" }));
      expect((await app.request("/hom-nay", { headers: { ...HTML, cookie: tech.cookie } })).status).toBe(503);
      // A bug stays a 500.
      cutDatabase(desk, new TypeError("x is not a function"));
      expect((await app.request("/hom-nay", { headers: { ...HTML, cookie: tech.cookie } })).status).toBe(500);
    } finally {
      console.error = log;
    }
    expect(errors.length).toBe(4);
  });
});

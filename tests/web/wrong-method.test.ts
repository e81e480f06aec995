import { describe, expect, it } from "vitest";
import { setPassword } from "../../src/web/auth/accounts.js";
import { publicRoutes } from "../../src/web/public/routes.js";
import { webApp } from "../../src/web/server.js";
import { DEFAULT_WEB_SETTINGS } from "../../src/web/settings.js";
import { at, makeDesk, sampleDirectory } from "../helpers.js";
import { login, ORIGIN, PASSWORD, PEOPLE } from "./support.js";

// A wrong method on a real page (DELETE /dat-lich/…, PUT /cho-xu-ly, POST /lich) was answered 404 «Không có trang
// này», which sent a person or a script looking for a page that exists. It is 405 with the methods the page takes
// (`Allow`), through the same refusal as every other; a page that does not exist is still 404.

const NOW = at("2026-12-10", "09:00");

async function desk() {
  const desk = await makeDesk();
  await desk.store.tx((r) => r.directory.replaceAll(sampleDirectory));
  for (const p of Object.values(PEOPLE)) await setPassword(desk, p.login, PASSWORD, new Date());
  const open = publicRoutes({ desk, config: { mail: { messageIdDomain: "hanoi.gov.vn" } }, now: () => NOW });
  const app = webApp({ desk, settings: DEFAULT_WEB_SETTINGS, open: [open] });
  const { cookie, csrf } = await login(app, "admin");
  const signed = { cookie, "x-csrf-token": csrf, origin: ORIGIN, accept: "text/html" };
  return { app, signed };
}

const READ = "GET, HEAD";
/** One page of each family, public and signed-in, with a method it does not take and the methods it does. */
const WRONG: [method: string, path: string, allow: string][] = [
  ["DELETE", "/dat-lich/HTT-2026-0001", READ],
  ["PUT", "/cho-xu-ly", READ],
  ["POST", "/lich", READ],
  ["POST", "/lich.ics", READ],
  ["PUT", "/lich/co-quan/so-cong-thuong.ics", READ],
  ["PATCH", "/hom-nay", READ],
  ["POST", "/su-co", READ],
  ["PUT", "/su-co/SC-2026-0001", READ],
  ["GET", "/su-co/SC-2026-0001/nhan", "POST"],
  ["GET", "/dang-xuat", "POST"],
  ["DELETE", "/dang-nhap", "GET, HEAD, POST"],
  ["POST", "/danh-ba", READ],
  ["GET", "/danh-ba/nhap", "POST"],
  ["POST", "/lich-noi-bo", READ],
  ["POST", "/cau-hinh", READ],
  ["DELETE", "/tai-khoan", READ],
  ["POST", "/bao-cao", READ],
  ["POST", "/static/desk.css", READ],
  ["POST", "/su-kien", READ],
  ["POST", "/", READ],
  ["GET", "/cho-xu-ly/HTT-2026-0001/duyet", "POST"],
];

describe("a wrong method on a real page is 405 with Allow, in Vietnamese", () => {
  it("for every page family, signed in", async () => {
    const { app, signed } = await desk();
    for (const [method, path, allow] of WRONG) {
      const res = await app.request(path, { method, headers: signed });
      expect([method, path, res.status]).toEqual([method, path, 405]);
      expect([path, res.headers.get("allow")]).toEqual([path, allow]);
      const html = await res.text();
      expect(html).toContain('<html lang="vi">');
      expect(html).toContain(`Địa chỉ này không nhận phương thức ${method} (405)`);
      expect(html).not.toContain("Không có trang này");
    }
  });

  it("before sign-in too: a public page and a signed-in page's address answer 405, not «Cần đăng nhập»", async () => {
    const { app } = await desk();
    for (const [method, path] of [
      ["POST", "/lich"],
      ["DELETE", "/dat-lich/HTT-2026-0001"],
    ] as const) {
      const res = await app.request(path, { method, headers: { accept: "text/html", origin: ORIGIN } });
      expect([path, res.status, res.headers.get("allow")]).toEqual([path, 405, READ]);
    }
  });

  it("answers as the other refusals do: the line to htmx and plain text, JSON to a program", async () => {
    const { app, signed } = await desk();
    const ask = (headers: Record<string, string>) =>
      app.request("/cho-xu-ly", { method: "PUT", headers: { ...signed, ...headers } });
    const line = await ask({ "hx-request": "true" });
    expect(line.status).toBe(405);
    expect(line.headers.get("allow")).toBe(READ);
    expect(await line.text()).toBe(
      "Địa chỉ này không nhận phương thức PUT (405). Phương thức được nhận: GET, HEAD.",
    );
    const json = await ask({ accept: "application/json" });
    expect(json.status).toBe(405);
    expect(await json.json()).toEqual({
      status: 405,
      error: "Địa chỉ này không nhận phương thức PUT (405). Phương thức được nhận: GET, HEAD.",
    });
  });

  it("HEAD is GET's; a page that does not exist is still 404, whatever the method", async () => {
    const { app, signed } = await desk();
    const head = await app.request("/hom-nay", { method: "HEAD", headers: signed });
    expect(head.status).toBe(200);
    expect((await app.request("/lich", { method: "HEAD" })).status).toBe(200);
    for (const method of ["GET", "HEAD", "POST", "DELETE"]) {
      for (const path of ["/khong-co", "/su-co/SC-2026-0001/khong-co", "/dat-lich"]) {
        const res = await app.request(path, { method, headers: signed });
        expect([method, path, res.status]).toEqual([method, path, 404]);
        expect(res.headers.get("allow")).toBeNull();
        if (method !== "HEAD") expect(await res.text()).toContain("Không có trang này");
      }
    }
  });
});

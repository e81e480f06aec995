import { describe, expect, it } from "vitest";
import { login, webDesk } from "./support.js";

// Found by trying the web desk as an attacker and a technician: an unknown path or file got Hono's English
// «404 Not Found».

describe("an unknown address is answered in Vietnamese", () => {
  it("with and without a session, for a page, a static file and a traversal attempt", async () => {
    const { app } = await webDesk();
    const { cookie } = await login(app, "tech");
    for (const path of [
      "/khong-co",
      "/static/..%2F..%2Fpackage.json",
      "/su-co/../../etc/passwd",
      "/static/x.js",
    ]) {
      for (const headers of [{}, { cookie }] as Record<string, string>[]) {
        const res = await app.request(path, { headers });
        expect(res.status).toBe(404);
        const text = await res.text();
        expect(text).not.toMatch(/Not Found/i);
        expect(text).toContain("Không có trang này");
      }
    }
  });
});

describe("a 404 answers as every other refusal does (views/refusal.tsx)", () => {
  it("the page for a browser, the short line for an htmx swap and plain text, JSON for a program", async () => {
    const { app } = await webDesk();
    const { cookie } = await login(app, "tech");
    const ask = (headers: Record<string, string>) =>
      app.request("/dat-lich/HTT-2026-9999", { headers: { cookie, ...headers } });
    const page = await ask({ accept: "text/html" });
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('<html lang="vi">');
    for (const headers of [{ "hx-request": "true", accept: "text/html" }, { accept: "text/plain" }] as Record<
      string,
      string
    >[]) {
      const res = await ask(headers);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
      const line = await res.text();
      expect(line).toContain("HTT-2026-9999");
      expect(line).not.toContain("<");
    }
    const json = await ask({ accept: "application/json" });
    expect(json.status).toBe(404);
    const body = (await json.json()) as { status: number; error: string };
    expect(body.status).toBe(404);
    expect(body.error).toContain("HTT-2026-9999");
  });
});

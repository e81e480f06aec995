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

import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { setPassword } from "../../src/web/auth/accounts.js";
import { publicRoutes } from "../../src/web/public/routes.js";
import { webApp } from "../../src/web/server.js";
import { DEFAULT_WEB_SETTINGS } from "../../src/web/settings.js";
import { at, makeDesk, sampleDirectory } from "../helpers.js";
import { login, PASSWORD, PEOPLE } from "../web/support.js";

const NOW = at("2026-12-10", "08:00");

/**
 * Threat: the public schedule (`/lich`, no login) shows what strangers wrote (a session's title comes from a mail)
 * and was served with no security header at all: no Content-Security-Policy, no nosniff, nothing against framing.
 * One escaping slip would have run a stranger's script on the desk's own origin, beside the signed-in pages.
 */
describe("public schedule: its own security headers", () => {
  it("/lich and the feeds forbid scripts and framing; the page's one style block is allowed by its hash; the desk keeps its policy", async () => {
    const desk = await makeDesk();
    await desk.store.tx((r) => r.directory.replaceAll(sampleDirectory));
    await setPassword(desk, PEOPLE.admin.login, PASSWORD, NOW);
    const open = publicRoutes({
      desk,
      config: { mail: { messageIdDomain: "hanoi.gov.vn" } },
      now: () => NOW,
    });
    const app = webApp({ desk, settings: DEFAULT_WEB_SETTINGS, clock: () => NOW, open: [open] });

    const page = await app.request("/lich");
    expect(page.status).toBe(200);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("script-src");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await page.text();
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(csp).toContain(`'sha256-${createHash("sha256").update(style).digest("base64")}'`);
    expect(html).not.toMatch(/ style="/);

    for (const path of ["/lich.ics", "/lich/diem-cau/SCT-01.ics"]) {
      const feed = await app.request(path);
      expect(feed.status, path).toBe(200);
      expect(feed.headers.get("x-content-type-options"), path).toBe("nosniff");
    }

    const admin = await login(app, "admin");
    const desk1 = await app.request("/hom-nay", { headers: { cookie: admin.cookie } });
    expect(desk1.headers.get("content-security-policy")).toContain("script-src 'self'");
    const internal = await app.request("/lich-noi-bo", { headers: { cookie: admin.cookie } });
    expect(internal.headers.get("content-security-policy")).toContain("script-src 'self'");
  });
});

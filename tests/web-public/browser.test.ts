import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { registerBooking } from "../../src/app/booking/index.js";
import { ROOT } from "../../src/app/config.js";
import { publicRoutes } from "../../src/web/public/routes.js";
import { at, makeDesk, request } from "../helpers.js";

const NOW = at("2026-12-07", "08:35");

interface AxeResult {
  violations: { id: string; impact: string | null; nodes: unknown[] }[];
}

// SQLite only (kept out of BOTH_STORES): a Chromium layout check; the public page's data runs on PostgreSQL in
// tests/web-public/page.test.ts and feeds.test.ts.
describe("/lich in Chromium, on a phone-sized screen", () => {
  it("has no serious or critical axe-core violations and no sideways scrolling at 360 px", {
    timeout: 180_000,
  }, async () => {
    const desk = await makeDesk();
    await registerBooking(desk, request(), { now: NOW });
    await registerBooking(
      desk,
      request({ start: at("2026-12-10", "14:00"), end: at("2026-12-10", "15:00"), secret: true }),
      { now: NOW },
    );
    const app = publicRoutes({
      desk,
      config: { mail: { messageIdDomain: "kythuat.hanoi.gov.vn" } },
      now: () => at("2026-12-10", "07:00"),
    });
    const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
    await new Promise<void>((resolve) => (server.listening ? resolve() : server.once("listening", resolve)));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
    try {
      const page = await browser.newPage({ viewport: { width: 360, height: 740 }, locale: "vi-VN" });
      await page.goto(`${base}/lich`);
      expect(await page.locator("h1").textContent()).toBe("Lịch họp trực tuyến thành phố Hà Nội");
      expect(await page.locator("ul.sessions li").count()).toBe(2);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      // The page runs under its own CSP: its style block, allowed by its hash, applies (the header's red rule).
      expect(
        await page.evaluate(() => getComputedStyle(document.querySelector("header")!).borderBottomColor),
      ).toBe("rgb(163, 0, 0)");
      // The GET form filters: choose the agency, submit, land on its filtered page.
      await page.selectOption("#co-quan", "so-cong-thuong");
      await Promise.all([page.waitForURL(/co-quan=so-cong-thuong/), page.click("button[type=submit]")]);
      expect(await page.locator("ul.sessions li").count()).toBe(1);
      const axe = readFileSync(join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");
      // bypassCSP only lets the test inject axe-core (the page's CSP forbids every script).
      const audit = await (
        await browser.newContext({ bypassCSP: true, viewport: { width: 360, height: 740 }, locale: "vi-VN" })
      ).newPage();
      for (const path of ["/lich", "/lich?co-quan=so-cong-thuong"]) {
        await audit.goto(`${base}${path}`);
        await audit.addScriptTag({ content: axe });
        const result = (await audit.evaluate("axe.run(document)")) as AxeResult;
        const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
        expect(
          bad.map((v) => `${v.id} (${v.nodes.length})`),
          path,
        ).toEqual([]);
      }
    } finally {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

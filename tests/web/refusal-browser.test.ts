import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeskService } from "../../src/app/service.js";
import { at } from "../helpers.js";
import { launchBrowser, seriousAxeViolations } from "../support/browser.js";
import { PASSWORD, PEOPLE, servedDesk } from "./support.js";

// The bad-address and refusal pages (tests/web/bad-query.test.ts, refusal-pages.test.ts) as a technician meets
// them in Chromium: the status, no serious accessibility finding, and the way back working.
// SQLite only (kept out of BOTH_STORES), as the other Chromium suites.

const NOW = at("2026-12-03", "09:00");
let browser: Browser;
let service: DeskService;
let base: string;

beforeAll(async () => {
  ({ service, base } = await servedDesk(NOW));
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

describe("refusal pages in Chromium", { timeout: 120_000 }, () => {
  it("a bad day, an unknown agency, a repeated parameter and another role's page: status, axe, the way back", async () => {
    const ctx = await browser.newContext({ bypassCSP: true });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${base}/dang-nhap`);
    await page.getByLabel("Địa chỉ thư (hoặc họ tên trong danh bạ)").fill(PEOPLE.tech.login);
    await page.getByLabel("Mật khẩu").fill(PASSWORD);
    await page.getByRole("button", { name: "Đăng nhập" }).click();
    await page.locator("h1:text('Hôm nay')").waitFor();
    for (const [path, status, back] of [
      ["/lich-noi-bo?ngay=2026-13-40", 400, "/lich-noi-bo"],
      ["/su-co?trang=1&trang=2", 400, "/su-co"],
      ["/bao-cao?tu=abc", 400, "/bao-cao"],
      [`/lich-noi-bo?co-quan=${encodeURIComponent("<b>Sở không có</b>")}`, 404, null],
      ["/tai-khoan", 403, null],
    ] as const) {
      const res = await page.goto(`${base}${path}`);
      expect(res?.status(), path).toBe(status);
      expect(await page.locator("[role=alert]").count(), path).toBeGreaterThan(0);
      expect(await seriousAxeViolations(page), path).toEqual([]);
      if (back) {
        await page.getByRole("link", { name: "Mở lại trang với giá trị mặc định" }).click();
        await page.waitForURL((u) => u.pathname === back && u.search === "");
      }
    }
    await ctx.close();
  });
});

import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeskService } from "../../src/app/service.js";
import { at, sampleDirectory } from "../helpers.js";
import { launchBrowser, seriousAxeViolations } from "../support/browser.js";
import { PASSWORD, PEOPLE, servedDesk } from "./support.js";

const NOW = at("2026-12-10", "08:00");
/** An official name as long as the city's project boards have (here 180 characters). */
const LONG =
  "Ban Quản lý dự án đầu tư xây dựng công trình dân dụng và công nghiệp thành phố Hà Nội (Ban Quản lý dự án chuyên ngành hạ tầng kỹ thuật đô thị và phát triển nông thôn phía Tây Bắc)";

let browser: Browser;
let service: DeskService;
let base: string;

beforeAll(async () => {
  ({ service, base } = await servedDesk(NOW));
  const dir = structuredClone(sampleDirectory);
  const sct = dir.agencies.find((a) => a.name === "Sở Công Thương")!;
  dir.agencies.push({ ...sct, name: LONG, mailboxes: ["vanthu.bqlda@hanoi.gov.vn"], aliases: [] });
  const ep = dir.endpoints.find((e) => e.code === "SCT-01")!;
  dir.endpoints.push({ ...ep, code: "BQLDA-01", name: LONG, agency: LONG, aliases: [] });
  await service.desk.store.tx((r) => r.directory.replaceAll(dir));
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

/** A signed-in admin's page at a viewport width (bypassing the CSP so that axe-core can be injected). */
async function adminPage(width: number) {
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width, height: 800 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${base}/dang-nhap`);
  await page.getByLabel("Địa chỉ thư (hoặc họ tên trong danh bạ)").fill(PEOPLE.admin.login);
  await page.getByLabel("Mật khẩu").fill(PASSWORD);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.locator("h1:text('Hôm nay')").waitFor();
  return page;
}

// SQLite only (kept out of BOTH_STORES), as the other Chromium suites.
describe("web desk in Chromium, round 13", { timeout: 120_000 }, () => {
  it("a 180-character agency name in the filters of «Lịch» and «Báo cáo» does not make the page scroll sideways", async () => {
    for (const width of [1280, 390]) {
      const page = await adminPage(width);
      for (const path of ["/lich-noi-bo", "/lich-noi-bo?xem=ngay&ngay=2026-12-10", "/bao-cao?year=2026"]) {
        await page.goto(`${base}${path}`);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(wide, `${width}px ${path}`).toBeLessThanOrEqual(0);
      }
      await page.context().close();
    }
  });

  it("on a phone, a table that scrolls sideways takes the keyboard's focus (directory, settings, accounts, report)", async () => {
    const page = await adminPage(390);
    for (const path of ["/danh-ba", "/cau-hinh", "/tai-khoan", "/bao-cao?year=2026"]) {
      await page.goto(`${base}${path}`);
      const violations = await seriousAxeViolations(page);
      expect(
        violations.map((v) => v.id),
        path,
      ).not.toContain("scrollable-region-focusable");
    }
    // The keyboard reaches the directory's first wide table and scrolls it with the arrow key.
    await page.goto(`${base}/danh-ba`);
    const box = page.locator(".table-wrap[tabindex='0']").first();
    expect(await box.getAttribute("aria-label")).toMatch(/^Bảng cuộn ngang: /);
    await box.focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => box.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    // On a desktop nothing scrolls, so nothing is an extra stop.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${base}/cau-hinh`);
    expect(await page.locator(".table-wrap[tabindex]").count()).toBe(0);
    await page.context().close();
  });
});

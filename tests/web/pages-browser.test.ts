import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen, type RunningWeb } from "../../src/web/server.js";
import { at, SAMPLE_DIR, tempDir } from "../helpers.js";
import { PASSWORD, PEOPLE, webDesk } from "./support.js";

const require_ = createRequire(import.meta.url);
const AXE = readFileSync(require_.resolve("axe-core/axe.min.js"), "utf8");
const NOW = at("2026-12-08", "08:00");

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
}, 60_000);

// SQLite only (kept out of BOTH_STORES): a Chromium accessibility pass; the directory import it drives runs on
// PostgreSQL in tests/web/pages-directory.test.ts.
describe("Danh bạ in Chromium", () => {
  it("an import preview with an error, then a fixed file, a confirmation, and no serious axe violations", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const web: RunningWeb = await listen(app, "127.0.0.1", 0);
    // bypassCSP only lets the test inject axe-core; the pages themselves run under their CSP.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    try {
      await page.goto(`${web.url}/dang-nhap`);
      await page.fill('input[name="login"]', PEOPLE.admin.login);
      await page.fill('input[name="password"]', PASSWORD);
      await Promise.all([page.waitForURL(/\/hom-nay/), page.press('input[name="password"]', "Enter")]);

      const folder = tempDir();
      const files = ["agencies.csv", "endpoints.csv", "people.csv"].map((f) => join(SAMPLE_DIR, f));
      const broken = join(folder, "endpoints.csv");
      const lines = readFileSync(files[1]!, "utf8").split("\n");
      lines[2] = lines[2]!.replace(",city,", ",tinh,");
      writeFileSync(broken, lines.join("\n"));

      for (const path of ["/lich-noi-bo", "/cau-hinh", "/danh-ba"]) {
        await page.goto(`${web.url}${path}`);
        await page.evaluate(AXE);
        const violations = (await page.evaluate(
          "axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations.map(v => ({ id: v.id, impact: v.impact })))",
        )) as { id: string; impact: string }[];
        expect(
          violations.filter((v) => v.impact === "serious" || v.impact === "critical"),
          path,
        ).toEqual([]);
      }

      const endpointsBefore = (await desk.store.read((r) => r.directory.load())).endpoints.length;
      await page.setInputFiles('input[name="agencies.csv"]', files[0]!);
      await page.setInputFiles('input[name="endpoints.csv"]', broken);
      await page.setInputFiles('input[name="people.csv"]', files[2]!);
      await page.click("text=Kiểm tra và xem trước");
      const row = page.locator("tr", { hasText: "endpoints.csv" }).first();
      await row.waitFor();
      expect(await row.textContent()).toMatch(/endpoints\.csv\s*3\s*level\s*giá trị «tinh» không hợp lệ/);
      expect(await page.locator('input[name="token"]').count()).toBe(0);

      await page.goto(`${web.url}/danh-ba`);
      await page.setInputFiles('input[name="agencies.csv"]', files[0]!);
      await page.setInputFiles('input[name="endpoints.csv"]', files[1]!);
      await page.setInputFiles('input[name="people.csv"]', files[2]!);
      await page.click("text=Kiểm tra và xem trước");
      await page.locator("text=Xác nhận nhập danh bạ").waitFor();
      expect(await page.locator("main").textContent()).toContain("Tệp hợp lệ");
      await page.click("text=Xác nhận nhập danh bạ");
      await page.locator("text=Đã nhập danh bạ").waitFor();
      expect(await page.locator(".flash").textContent()).toContain(`${endpointsBefore} điểm cầu`);
    } finally {
      await context.close();
      await web.close();
    }
  }, 180_000);
});

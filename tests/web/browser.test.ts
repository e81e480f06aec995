import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerBooking } from "../../src/app/booking/index.js";
import { handleChatEvent } from "../../src/app/chat/conversation.js";
import type { DeskService } from "../../src/app/service.js";
import { at, request, sampleDirectory } from "../helpers.js";
import { launchBrowser, newPage, seriousAxeViolations } from "../support/browser.js";
import { SmtpSink } from "../support/servers.js";
import { PASSWORD, PEOPLE, servedDesk } from "./support.js";

// The desk's clock: a working morning; the browser's own clock does not matter.
const NOW = at("2026-12-10", "08:00");

let browser: Browser;
let page: Page;
let sink: SmtpSink;
let service: DeskService;
let base: string;
let pending: string;

beforeAll(async () => {
  sink = new SmtpSink();
  await sink.start();
  ({ service, base } = await servedDesk(NOW, {
    DESK_SMTP_HOST: "127.0.0.1",
    DESK_SMTP_PORT: String(sink.port),
    DESK_SMTP_TLS: "none",
  }));
  // A late registration: under 24 h ahead, so the rules leave it to a technician.
  const res = await registerBooking(
    service.desk,
    request({
      start: at("2026-12-10", "14:00"),
      end: at("2026-12-10", "16:00"),
      receivedAt: at("2026-12-10", "07:30"),
    }),
    { now: at("2026-12-10", "07:30") },
  );
  if (res.duplicate || res.booking.status !== "needs-review") throw new Error("seed: not in review");
  pending = res.code;
  browser = await launchBrowser();
  page = await newPage(browser);
  page.setDefaultTimeout(15_000);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await service?.stop();
  await sink?.stop();
});

async function signIn(who: keyof typeof PEOPLE, password = PASSWORD) {
  await page.goto(`${base}/dang-nhap`);
  await page.getByLabel("Địa chỉ thư (hoặc họ tên trong danh bạ)").fill(PEOPLE[who].login);
  await page.getByLabel("Mật khẩu").fill(password);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  // The form posts through htmx: wait for its answer before going anywhere else.
  await page.locator(".flash.error, h1:text('Hôm nay')").first().waitFor();
}

// A loaded two-core machine: a page with its scripts takes seconds, not milliseconds.
// SQLite only (kept out of BOTH_STORES): a heavy Chromium suite. Its store part runs on PostgreSQL in
// tests/web/pages-booking, pages-directory, paging, security and request-id.
describe("web desk in Chromium", { timeout: 120_000 }, () => {
  it("a wrong password is refused; the right one signs in; logout signs out", async () => {
    await signIn("tech", "khong-dung-mat-khau");
    expect(await page.locator(".flash.error").textContent()).toContain("Không đăng nhập được");
    expect(await page.locator("h1").textContent()).toBe("Đăng nhập");
    await signIn("tech");
    await page.locator("h1", { hasText: "Hôm nay" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/hom-nay");
    expect(await page.locator(".who").textContent()).toContain(PEOPLE.tech.name);
    await page.getByRole("button", { name: "Đăng xuất" }).click();
    await page.locator(".flash.ok", { hasText: "Đã đăng xuất." }).waitFor();
    await page.goto(`${base}/hom-nay`);
    expect(new URL(page.url()).pathname).toBe("/dang-nhap");
  });

  it("approving a booking in review sends the answer by mail (it reaches the SMTP sink)", async () => {
    await signIn("tech");
    await page.goto(`${base}/cho-xu-ly`);
    const card = page.locator("article", { hasText: pending });
    expect(await card.locator("[data-deadline]").textContent()).toBe("còn 1 giờ 30 phút");
    await card.getByLabel("Ghi chú").fill("đã gọi điện xác nhận với văn thư");
    await card.getByRole("button", { name: `Xác nhận ${pending}` }).click();
    await page.locator(".flash.ok", { hasText: `Đã xác nhận lịch họp ${pending}` }).waitFor();
    expect(await page.locator("article", { hasText: pending }).count()).toBe(0);
    // The receipt («đã tiếp nhận») went out at registration; the confirmation is the answer to the approval.
    const confirmation = () =>
      sink.messages.find((m) => (m.parsed.text ?? "").includes(`Lịch họp ${pending}: ĐÃ XÁC NHẬN`));
    await expect.poll(confirmation, { timeout: 30_000 }).toBeTruthy();
    const to = confirmation()!.parsed.to;
    expect(to && "text" in to ? to.text : "").toContain("vanthu.sct@hanoi.gov.vn");
  });

  it("an incident raised in chat appears live, and Nhận acknowledges it", async () => {
    await page.goto(`${base}/hom-nay`);
    await page.locator("#su-co-mo").waitFor();
    // Marks this document: a reload would lose it.
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42;
    });
    expect(await page.locator("article", { hasText: "SC-" }).count()).toBe(0);
    const reporter = sampleDirectory.people.find((p) => p.endpoint === "TU-01" && p.telegramId)!;
    await handleChatEvent(
      service.desk,
      {
        platform: "telegram",
        chatId: "-100",
        chatType: "group",
        userId: reporter.telegramId!,
        userName: reporter.name,
        text: "điểm cầu mất tiếng hoàn toàn",
        button: null,
        updateId: "u-1",
      },
      NOW,
    );
    const card = page.locator("article", { hasText: "SC-2026-0001" });
    await card.waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    expect(await card.textContent()).toContain("mới tiếp nhận");
    await card.getByRole("button", { name: "Nhận SC-2026-0001" }).click();
    await page.locator(".flash.ok", { hasText: "Đã nhận xử lý sự cố SC-2026-0001." }).waitFor();
    expect(await page.locator("article", { hasText: "SC-2026-0001" }).textContent()).toContain(
      "đã có người nhận xử lý",
    );
    const events = await service.desk.store.read((r) => r.incidents.events("SC-2026-0001"));
    expect(events.at(-1)).toMatchObject({
      action: "nhan",
      actor: `web:${PEOPLE.tech.login}`,
      channel: "web",
    });
  });

  it("every page passes axe-core with no serious or critical violation", async () => {
    const found: Record<string, unknown[]> = {};
    await page.context().clearCookies();
    await page.goto(`${base}/dang-nhap`);
    found["/dang-nhap"] = await seriousAxeViolations(page);
    await signIn("admin");
    for (const path of ["/hom-nay", "/cho-xu-ly", "/su-co", "/su-co/SC-2026-0001", "/tai-khoan"]) {
      await page.goto(`${base}${path}`);
      found[path] = await seriousAxeViolations(page);
    }
    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((k) => [k, []])));
  });
});

/**
 * Screenshots of the web desk's main pages for the README (docs/web-*.png), taken with Debian's Chromium through
 * playwright-core. A throwaway desk on the sample directory gets a few bookings and a fault report, at a fixed
 * clock, so the pictures are stable. Run: `npx tsx scripts/screenshots.ts` (needs /usr/bin/chromium).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { registerBooking } from "../src/app/booking/index.js";
import { loadHolidayCalendar, ROOT } from "../src/app/config.js";
import type { Desk } from "../src/app/desk.js";
import { readDirectoryCsv } from "../src/app/directory/csv.js";
import { reportIncident } from "../src/app/incident/index.js";
import { DEFAULT_REGULATION } from "../src/core/regulation.js";
import { Store } from "../src/store/store.js";
import { setPassword } from "../src/web/auth/accounts.js";
import { publicRoutes } from "../src/web/public/index.js";
import { listen, webApp } from "../src/web/server.js";
import { DEFAULT_WEB_SETTINGS } from "../src/web/settings.js";
import { at, request } from "../tests/support/fixtures.js";

const NOW = at("2026-12-10", "08:10");
const tmp = mkdtempSync(join(tmpdir(), "desk-shots-"));
const store = Store.open(join(tmp, "desk.db"));
await store.tx((r) => r.directory.replaceAll(readDirectoryCsv(join(ROOT, "data/sample-directory"))));
const desk: Desk = {
  store,
  reg: DEFAULT_REGULATION,
  holidays: loadHolidayCalendar(join(ROOT, "data/calendar")),
};

const received = at("2026-12-07", "08:30");
await registerBooking(desk, request({}), { now: received });
await registerBooking(
  desk,
  request({
    host: "Sở Y tế",
    participants: ["TU-01", "TU-02", "TU-03"],
    start: at("2026-12-10", "14:00"),
    end: at("2026-12-10", "16:00"),
    title: "Giao ban công tác phòng chống dịch mùa đông",
    sender: "vanthu.syt@hanoi.gov.vn",
  }),
  { now: received },
);
await registerBooking(
  desk,
  request({
    host: "Sở Tài chính",
    participants: ["CX-00025"],
    start: at("2026-12-11", "08:00"),
    end: at("2026-12-11", "10:00"),
    title: "Nội dung mật",
    secret: true,
    sender: "vanthu.vp@hanoi.gov.vn",
  }),
  { now: received },
);
// A request whose secrecy is unclear: it waits in review, with the 2-hour clock running (Điều 5.2, 12.2b).
await registerBooking(
  desk,
  request({
    host: "Sở Nội vụ",
    participants: ["CX-00025"],
    start: at("2026-12-11", "14:00"),
    end: at("2026-12-11", "16:00"),
    title: "Rà soát tổ chức bộ máy (tài liệu hạn chế phổ biến)",
    secretUnsure: true,
    receivedAt: at("2026-12-10", "07:40"),
    sender: "vanthu.snv@hanoi.gov.vn",
  }),
  { now: at("2026-12-10", "07:40") },
);
// An emergency session on the day.
await registerBooking(
  desk,
  request({
    host: "Sở Xây dựng",
    participants: ["CX-00008"],
    start: at("2026-12-10", "15:00"),
    end: at("2026-12-10", "16:30"),
    title: "Họp khẩn về sự cố công trình",
    emergency: true,
    receivedAt: at("2026-12-10", "07:50"),
    sender: "vanthu.sxd@hanoi.gov.vn",
  }),
  { now: at("2026-12-10", "07:50") },
);
const reporter = store.sqlite.prepare("SELECT id, name FROM people WHERE endpoint = 'TU-01' LIMIT 1").get() as
  | {
      id: number;
      name: string;
    }
  | undefined;
if (reporter) {
  await reportIncident(
    desk,
    {
      id: "telegram:700000134",
      channel: "telegram",
      person: { id: reporter.id, name: reporter.name, role: "technician", endpoint: "TU-01" },
    },
    { text: "Điểm cầu mất tiếng, bên kia không nghe thấy gì" },
    NOW,
  );
}
const password = `chup-${Math.random().toString(36).slice(2)}`;
await setPassword(desk, "kythuat@hanoi.gov.vn", password, NOW);

const app = webApp({
  desk,
  settings: DEFAULT_WEB_SETTINGS,
  clock: () => NOW,
  open: [publicRoutes({ desk, config: { mail: { messageIdDomain: "hanoi.gov.vn" } }, now: () => NOW })],
});
const server = await listen(app, "127.0.0.1", 0);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: "vi-VN" });
  await page.goto(`${server.url}/dang-nhap`);
  await page.fill("#login", "kythuat@hanoi.gov.vn");
  await page.fill("#password", password);
  await Promise.all([page.waitForURL(/hom-nay/), page.click("button[type=submit]")]);
  const shots: [string, string][] = [
    ["/hom-nay", "web-hom-nay.png"],
    ["/cho-xu-ly", "web-cho-xu-ly.png"],
    ["/lich-noi-bo?ngay=2026-12-10", "web-lich.png"],
    ["/su-co", "web-su-co.png"],
  ];
  for (const [path, file] of shots) {
    await page.goto(`${server.url}${path}`);
    await page.waitForLoadState("networkidle").catch(() => {});
    await page.screenshot({ path: join(ROOT, "docs", file) });
    console.log(`docs/${file}`);
  }
  const pub = await browser.newPage({ viewport: { width: 390, height: 800 }, locale: "vi-VN" });
  await pub.goto(`${server.url}/lich`);
  await pub.screenshot({ path: join(ROOT, "docs", "web-lich-cong-khai.png") });
  console.log("docs/web-lich-cong-khai.png");
} finally {
  await browser.close();
  await server.close();
  store.close();
  rmSync(tmp, { recursive: true, force: true });
}

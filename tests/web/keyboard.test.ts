import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerBooking } from "../../src/app/booking/index.js";
import type { DeskService } from "../../src/app/service.js";
import { at, request } from "../helpers.js";
import { launchBrowser, newPage } from "../support/browser.js";
import { PASSWORD, PEOPLE, saveIncident, servedDesk } from "./support.js";

/**
 * A technician who works the web desk with the keyboard alone (no mouse: a screen reader, a broken touchpad, a
 * habit). Every step below is a key press; the mouse is never used.
 */

const NOW = at("2026-12-10", "08:00");

let browser: Browser;
let page: Page;
let service: DeskService;
let base: string;
let pending: string;
let other: string;

beforeAll(async () => {
  ({ service, base } = await servedDesk(NOW));
  // Two bookings in review (both late, Điều 8): the page still has work on it after the first is confirmed.
  const seeded: string[] = [];
  for (const [start, end] of [
    ["14:00", "15:00"],
    ["16:00", "17:00"],
  ] as const) {
    const res = await registerBooking(
      service.desk,
      request({
        start: at("2026-12-10", start),
        end: at("2026-12-10", end),
        receivedAt: at("2026-12-10", "07:30"),
      }),
      { now: at("2026-12-10", "07:30") },
    );
    if (res.duplicate || res.booking.status !== "needs-review") throw new Error("seed: not in review");
    seeded.push(res.code);
  }
  [pending, other] = seeded as [string, string];
  browser = await launchBrowser();
  page = await newPage(browser);
  // Count the live part's refreshes from the page's first script on: a listener added after \`goto\` could miss the
  // stream's first refresh (sent on connecting) and then wait for one that never comes.
  await page.addInitScript(() => {
    const w = window as unknown as { swaps?: number };
    w.swaps = 0;
    document.addEventListener("htmx:afterSettle", (e) => {
      if ((e.target as Element).id === "song") w.swaps = (w.swaps ?? 0) + 1;
    });
  });
  page.setDefaultTimeout(15_000);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await service?.stop();
});

/** How many times the page's live part (#song) was refreshed since the page loaded. */
function refreshes() {
  return page.evaluate(() => (window as unknown as { swaps?: number }).swaps ?? 0);
}

/** What has the keyboard's focus now: its tag, accessible-ish name and whether a focus ring is drawn. */
function focused() {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { tag: "body", name: "", ring: false };
    const s = getComputedStyle(el);
    const ring =
      (s.outlineStyle !== "none" && Number.parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none";
    const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null;
    const name = (el.getAttribute("aria-label") ?? label ?? el.textContent ?? "").trim().replace(/\s+/g, " ");
    return { tag: el.tagName.toLowerCase(), name, ring };
  });
}

/** Press Tab until the focus is on an element whose name contains `name`; fails after `max` presses. */
async function tabTo(name: string, max = 60) {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const f = await focused();
    seen.push(`${f.tag}:${f.name.slice(0, 40)}`);
    if (f.name.includes(name)) return f;
  }
  throw new Error(`Tab never reached «${name}»; went through: ${seen.join(" | ")}`);
}

describe("the web desk with the keyboard alone", { timeout: 120_000 }, () => {
  it("signs in: the first Tab is the skip link, then the fields, and Enter submits", async () => {
    await page.goto(`${base}/dang-nhap`);
    await page.keyboard.press("Tab");
    expect(await focused()).toMatchObject({ tag: "a", name: "Bỏ qua điều hướng", ring: true });
    await tabTo("Địa chỉ thư");
    await page.keyboard.type(PEOPLE.tech.login);
    const pw = await tabTo("Mật khẩu");
    expect(pw).toMatchObject({ tag: "input", ring: true });
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    await page.locator("h1", { hasText: "Hôm nay" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/hom-nay");
  });

  it("every stop on the pages a technician uses shows where the focus is", async () => {
    const unringed: string[] = [];
    for (const path of ["/hom-nay", "/cho-xu-ly", "/su-co", "/lich"]) {
      await page.goto(`${base}${path}`);
      let first = "";
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press("Tab");
        const f = await focused();
        const key = `${f.tag}:${f.name}`;
        if (i > 0 && key === first) break; // wrapped around
        if (i === 0) first = key;
        if (f.tag !== "body" && !f.ring) unringed.push(`${path} ${key}`);
      }
    }
    expect(unringed).toEqual([]);
  });

  it("confirms a booking in review: note typed, button pressed with Enter, the result read out", async () => {
    await page.goto(`${base}/cho-xu-ly`);
    await tabTo("Ghi chú");
    await page.keyboard.type("đã gọi điện xác nhận với văn thư");
    const button = await tabTo(`Xác nhận ${pending}`);
    expect(button).toMatchObject({ tag: "button", ring: true });
    await page.keyboard.press("Enter");
    await page.locator(".flash.ok", { hasText: `Đã xác nhận lịch họp ${pending}` }).waitFor();
    // The result is announced (a live region) and the keyboard is not thrown back to the page's top unseen.
    expect(await page.locator(".flash.ok").getAttribute("role")).toBe("status");
    // Before: the focus fell to <body>, and the next Tab started again at «Bỏ qua điều hướng».
    // htmx moves the focus when the swap has settled, a moment after the notice is on screen.
    await expect.poll(focused).toMatchObject({
      tag: "p",
      name: expect.stringContaining(`Đã xác nhận lịch họp ${pending}`),
    });
    // The next Tab goes on from the notice to the work left on the page, not back to «Bỏ qua điều hướng».
    await page.keyboard.press("Tab");
    const href = await page.evaluate(() => document.activeElement?.getAttribute("href") ?? null);
    expect(href).toBe(`/dat-lich/${other}`);
  });

  it("a live refresh keeps the keyboard on its link and keeps a note being typed", async () => {
    // The page's live part (#song) is re-fetched whenever the desk's data moves (here: a new late booking). Before,
    // a keyboard user on a card's link was thrown to <body>, and a note half-typed was wiped by the new HTML.
    await page.goto(`${base}/cho-xu-ly`);
    // The stream's first «change» (sent on connecting) refreshes the part once: let it pass first.
    await expect.poll(refreshes, { timeout: 10_000 }).toBeGreaterThan(0);
    const arrive = async (start: string, end: string, ward: string) => {
      const before = await refreshes();
      const res = await registerBooking(
        service.desk,
        request({
          host: "Sở Y tế",
          participants: [ward],
          start: at("2026-12-10", start),
          end: at("2026-12-10", end),
          receivedAt: at("2026-12-10", "07:40"),
        }),
        { now: at("2026-12-10", "07:40") },
      );
      if (res.duplicate || res.booking.status !== "needs-review")
        throw new Error(`seed: ${res.duplicate ? "duplicate" : res.booking.status}`);
      await page.locator("#song", { hasText: res.code }).waitFor();
      await expect.poll(refreshes, { timeout: 10_000 }).toBeGreaterThan(before);
    };
    const link = await tabTo(other);
    expect(link.tag).toBe("a");
    await arrive("10:00", "11:00", "CX-00004");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("href") ?? null)).toBe(
      `/dat-lich/${other}`,
    );
    // A note typed halfway, then a change: the words stay, and so does the caret.
    const note = `dl-${other.toLowerCase()}`;
    await tabTo("Ghi chú");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(note);
    await page.keyboard.type("đã gọi điện");
    await arrive("12:00", "13:00", "CX-00070");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(note);
    await page.keyboard.type(" cho văn thư");
    expect(await page.inputValue(`#${note}`)).toBe("đã gọi điện cho văn thư");
  });

  it("on Sự cố too: a live refresh keeps the focus on a card's link, a chosen «Chuyển cho» and a typed note", async () => {
    // The incident list (#song) is re-fetched on every change like the bookings in review: a card's link, its
    // «Chuyển cho» choice and its «Cách xử lý» field are what a technician works with while reports come in.
    for (const n of [1, 2])
      await saveIncident(service.desk, at("2026-12-10", `07:0${n}`), { code: `SC-2026-000${n}` });
    await page.goto(`${base}/su-co`);
    await expect.poll(refreshes, { timeout: 10_000 }).toBeGreaterThan(0);
    let next = 3;
    const arrive = async () => {
      const before = await refreshes();
      const code = `SC-2026-000${next++}`;
      await saveIncident(service.desk, at("2026-12-10", "07:50"), { code, endpoint: "CX-00025" });
      await page.locator("#song", { hasText: code }).waitFor();
      await expect.poll(refreshes, { timeout: 10_000 }).toBeGreaterThan(before);
    };
    const link = await tabTo("SC-2026-0001");
    expect(link.tag).toBe("a");
    await arrive();
    expect(await page.evaluate(() => document.activeElement?.getAttribute("href") ?? null)).toBe(
      "/su-co/SC-2026-0001",
    );
    // «Chuyển cho» changed with the arrow keys: the choice stays through a refresh, and the focus on it.
    await tabTo("Chuyển cho");
    const select = await page.evaluate(() => document.activeElement?.id ?? "");
    expect(select).toMatch(/^chuyen-sc-2026-000\d$/);
    await page.keyboard.press("ArrowDown");
    expect(await page.inputValue(`#${select}`)).toBe("mcu");
    await arrive();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(select);
    expect(await page.inputValue(`#${select}`)).toBe("mcu");
    // A note typed halfway, then a change: the words stay, and so does the caret.
    await tabTo("Cách xử lý");
    const note = await page.evaluate(() => document.activeElement?.id ?? "");
    expect(note).toMatch(/^xong-sc-2026-000\d$/);
    await page.keyboard.type("đã thay micro");
    await arrive();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(note);
    await page.keyboard.type(" ở phòng họp");
    expect(await page.inputValue(`#${note}`)).toBe("đã thay micro ở phòng họp");
    expect(await page.inputValue(`#${select}`)).toBe("mcu");
  });

  it("a menu link opens the page with the focus on its heading, not back at the top", async () => {
    await page.goto(`${base}/hom-nay`);
    await tabTo("Sự cố");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${base}/su-co`);
    await expect.poll(focused).toMatchObject({ tag: "h1" });
  });
});

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/app/config.js";
import { listen, type RunningWeb } from "../../src/web/server.js";
import type { WebSettings } from "../../src/web/settings.js";
import { at, countOf } from "../helpers.js";
import { launchBrowser } from "../support/browser.js";
import { PASSWORD, PEOPLE, webDesk } from "../web/support.js";

/**
 * Threat: login CSRF. The login form has no session, so no CSRF token; a page on another site could post the
 * attacker's own login and password to /dang-nhap from the victim's browser, and the victim would work (report
 * incidents, read the directory's notes) inside the attacker's account. The login form took posts without an
 * Origin and from any Origin. Decided: a login post must come from the desk itself (Origin; without one,
 * Sec-Fetch-Site, then Referer), else 403 with the form and a Vietnamese message; behind a proxy that rewrites
 * Host, DESK_WEB_PUBLIC_URL names the desk's origin.
 */
const NOW = at("2026-12-10", "08:00");
const EVIL = "https://evil.example";
const PUBLIC = "https://bankythuat.hanoi.gov.vn";

let running: RunningWeb | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});

async function served(settings: Partial<WebSettings> = {}) {
  const { desk, app } = await webDesk({ now: () => NOW, settings });
  running = await listen(app, "127.0.0.1", 0);
  const url = running.url;
  /** The tech's right password, posted with these headers (and nothing else a browser would add). */
  const signIn = async (headers: Record<string, string>) => {
    const res = await fetch(`${url}/dang-nhap`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams({ login: PEOPLE.tech.login, password: PASSWORD }),
    });
    const html = await res.text();
    return {
      status: res.status,
      cookie: res.headers.get("set-cookie"),
      error: /class="flash error"[^>]*>([^<]*)</.exec(html)?.[1] ?? null,
      form: html.includes('action="/dang-nhap"'),
    };
  };
  const sessions = () => countOf(desk.store, "SELECT count(*) AS n FROM web_sessions");
  return { url, signIn, sessions };
}

describe("web login: only from the desk's own page", () => {
  it("a login post without Origin, Sec-Fetch-Site or Referer is refused: 403, in Vietnamese, no session", async () => {
    const { signIn, sessions } = await served();
    const res = await signIn({});
    expect(res.status).toBe(403);
    expect(res.error).toContain("không được gửi từ trang đăng nhập của bàn kỹ thuật");
    expect(res.form).toBe(true);
    expect(res.cookie).toBeNull();
    expect(await sessions()).toBe(0);
  });

  it("a login post from another site's page is refused, the right password notwithstanding", async () => {
    const { url, signIn, sessions } = await served();
    for (const headers of <Record<string, string>[]>[
      { origin: EVIL },
      { origin: "null" },
      { origin: EVIL, "sec-fetch-site": "cross-site" },
      { origin: `http://evil.example:${new URL(url).port}` },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { referer: `${EVIL}/dang-nhap` },
      { origin: "not a url" },
    ]) {
      const res = await signIn(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.error, JSON.stringify(headers)).toContain("không được gửi từ trang đăng nhập");
      expect(res.cookie, JSON.stringify(headers)).toBeNull();
    }
    expect(await sessions()).toBe(0);
  });

  it("a login from the desk's own page signs in: by Origin, by Sec-Fetch-Site, or (neither sent) by Referer", async () => {
    const { url, signIn, sessions } = await served();
    for (const headers of <Record<string, string>[]>[
      { origin: url },
      { origin: url, "sec-fetch-site": "same-origin" },
      { "sec-fetch-site": "same-origin" },
      { referer: `${url}/dang-nhap?tiep=%2Fhom-nay` },
      // A reverse proxy that ends TLS and passes the browser's Host on: the browser says https.
      { origin: url.replace("http:", "https:") },
    ]) {
      const res = await signIn(headers);
      expect(res.status, JSON.stringify(headers)).toBe(303);
      expect(res.cookie, JSON.stringify(headers)).toMatch(/^desk_session=/);
    }
    expect(await sessions()).toBe(5);
  });

  it("behind a proxy that rewrites Host, DESK_WEB_PUBLIC_URL's origin is the desk's: logins and forms from it pass", async () => {
    // Without the setting the desk cannot tell the public name from a stranger's.
    expect((await (await served()).signIn({ origin: PUBLIC })).status).toBe(403);
    await running?.close();
    const { url, signIn } = await served({ publicOrigin: PUBLIC });
    const res = await signIn({ origin: PUBLIC });
    expect(res.status).toBe(303);
    const cookie = /desk_session=[0-9a-f]+/.exec(res.cookie ?? "")?.[0] ?? "";
    // A signed-in form from the public origin passes the guard too (and reaches the token check: 403 without one
    // would be the same for any origin, so a logout, which needs the token, shows it).
    const page = await (await fetch(`${url}/hom-nay`, { headers: { cookie } })).text();
    const csrf = /<meta name="csrf-token" content="([0-9a-f]+)"/.exec(page)?.[1] ?? "";
    const out = await fetch(`${url}/dang-xuat`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie, origin: PUBLIC, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: csrf }),
    });
    expect(out.status).toBe(303);
    // Still only that origin and the desk's own host.
    expect((await signIn({ origin: EVIL })).status).toBe(403);
    expect((await signIn({ origin: `${PUBLIC}:8443` })).status).toBe(403);
    expect((await signIn({ origin: url })).status).toBe(303);
  });
});

describe("DESK_WEB_PUBLIC_URL", () => {
  it("is read as the origin of the URL; unset, there is none", () => {
    const cfg = loadConfig({ DESK_DB: ":memory:", DESK_WEB_PUBLIC_URL: "https://BanKyThuat.hanoi.gov.vn/" });
    expect(cfg.web.publicOrigin).toBe(PUBLIC);
    expect(loadConfig({ DESK_DB: ":memory:" }).web.publicOrigin).toBeUndefined();
  });

  it("a value that is not an http(s) address stops the start, in Vietnamese", () => {
    for (const bad of ["bankythuat.hanoi.gov.vn", "ftp://bankythuat.hanoi.gov.vn"]) {
      const load = () => loadConfig({ DESK_DB: ":memory:", DESK_WEB_PUBLIC_URL: bad });
      expect(load).toThrow(ConfigError);
      expect(load).toThrow("DESK_WEB_PUBLIC_URL");
      expect(load).toThrow("phải là địa chỉ http(s)");
    }
  });
});

describe("web login CSRF in Chromium", { timeout: 120_000 }, () => {
  let browser: Browser;
  let evil: Server;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((done) => (evil ? evil.close(() => done()) : done()));
  });

  it("another site's page that posts the attacker's login to the desk signs nobody in; the desk's own form does", async () => {
    const { url, sessions } = await served();
    // The attacker's page, on another origin (localhost is not 127.0.0.1), posts itself on load.
    evil = createServer((_req, res) => {
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.end(
        `<!doctype html><form method="post" action="${url}/dang-nhap">` +
          `<input name="login" value="${PEOPLE.tech.login}"><input name="password" value="${PASSWORD}">` +
          `</form><script>document.forms[0].submit()</script>`,
      );
    });
    await new Promise<void>((done) => evil.listen(0, "127.0.0.1", done));
    const evilUrl = `http://localhost:${(evil.address() as AddressInfo).port}/`;
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const answer = page.waitForResponse((r) => r.url() === `${url}/dang-nhap`);
      await page.goto(evilUrl);
      expect((await answer).status()).toBe(403);
      await page.locator(".flash.error").waitFor();
      expect(await page.locator(".flash.error").textContent()).toContain(
        "không được gửi từ trang đăng nhập của bàn kỹ thuật",
      );
      expect(await sessions()).toBe(0);
      await page.goto(`${url}/hom-nay`);
      expect(new URL(page.url()).pathname).toBe("/dang-nhap");
      // The person then signs in through the desk's own form, in the same browser.
      await page.getByLabel("Địa chỉ thư (hoặc họ tên trong danh bạ)").fill(PEOPLE.admin.login);
      await page.getByLabel("Mật khẩu").fill(PASSWORD);
      await page.getByRole("button", { name: "Đăng nhập" }).click();
      await page.locator("h1", { hasText: "Hôm nay" }).waitFor();
      expect(await page.locator(".who").textContent()).toContain(PEOPLE.admin.name);
      expect(await sessions()).toBe(1);
    } finally {
      await context.close();
    }
  });
});

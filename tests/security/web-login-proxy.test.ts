import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/app/config.js";
import { PER_LOGIN_FAILURES } from "../../src/web/auth/login-guard.js";
import { listen, type RunningWeb } from "../../src/web/server.js";
import type { WebSettings } from "../../src/web/settings.js";
import { at } from "../helpers.js";
import { login, PASSWORD, PEOPLE, post, webDesk } from "../web/support.js";

/**
 * Threats at the login form, through a real listening server:
 * - behind a reverse proxy every person comes from the proxy's address, so one per-minute bucket served everyone;
 *   but trusting X-Forwarded-For from anyone lets an attacker pick a fresh bucket per request;
 * - the lockout was per account: anyone who knew a login could lock its owner out with 5 wrong passwords.
 * Decided: XFF is read only from DESK_WEB_TRUSTED_PROXIES; the lockout is per (login, client address); past
 * PER_LOGIN_FAILURES failures for a login in 15 minutes, addresses that failed for it wait (429).
 */
const NOW = at("2026-12-10", "08:00");
let running: RunningWeb | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});

async function served(settings: Partial<WebSettings> = {}, now: () => Date = () => NOW) {
  const logged: { event: string; fields?: Record<string, unknown>; level?: string }[] = [];
  const { desk, app } = await webDesk({
    now,
    settings,
    log: (event, fields, level) =>
      logged.push({ event, ...(fields ? { fields } : {}), ...(level ? { level } : {}) }),
  });
  running = await listen(app, "127.0.0.1", 0);
  const url = running.url;
  const attempt = async (loginName: string, password: string, xff?: string) => {
    const res = await fetch(`${url}/dang-nhap`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: url,
        ...(xff ? { "x-forwarded-for": xff } : {}),
      },
      body: new URLSearchParams({ login: loginName, password }),
    });
    const html = await res.text();
    return { status: res.status, error: /class="flash error"[^>]*>([^<]*)</.exec(html)?.[1] ?? null };
  };
  return { desk, app, url, attempt, logged };
}

describe("web login behind a reverse proxy", () => {
  it("a forged X-Forwarded-For from a peer that is not a trusted proxy does not change the bucket", async () => {
    const { attempt } = await served({ loginPerMinute: 3 });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++)
      codes.push((await attempt(`x${i}@hanoi.gov.vn`, "khong-dung-1", `203.0.113.${i + 1}`)).status);
    expect(codes).toEqual([401, 401, 401, 429]);
  });

  it("from a trusted proxy the bucket follows the client named in X-Forwarded-For (the rightmost untrusted)", async () => {
    const { attempt } = await served({ loginPerMinute: 3, trustedProxies: ["127.0.0.1", "10.0.0.0/8"] });
    const a = "203.0.113.7";
    // The client wrote its own XFF «198.51.100.1»; the proxies appended a and an inner proxy 10.1.2.3.
    const codes: number[] = [];
    for (let i = 0; i < 4; i++)
      codes.push(
        (await attempt(`a${i}@hanoi.gov.vn`, "khong-dung-1", `198.51.100.${i}, ${a}, 10.1.2.3`)).status,
      );
    expect(codes).toEqual([401, 401, 401, 429]);
    // Another client behind the same proxy has its own bucket.
    expect((await attempt("b@hanoi.gov.vn", "khong-dung-1", "203.0.113.8")).status).toBe(401);
    expect((await attempt(PEOPLE.tech.login, PASSWORD, "203.0.113.8")).status).toBe(303);
  });
});

describe("web login lockout by login and client address", () => {
  it("wrong passwords from address A lock the login for A only; B still signs in; the admin's unlock clears A", async () => {
    const { attempt, app, logged } = await served({
      trustedProxies: ["127.0.0.1"],
      lockout: { attempts: 3, minutes: 15 },
    });
    const A = "203.0.113.10";
    const B = "203.0.113.20";
    for (let i = 1; i <= 3; i++)
      expect((await attempt(PEOPLE.tech.login, `sai-mat-khau-${i}`, A)).status).toBe(401);
    const wrong = await attempt("khong-co@hanoi.gov.vn", "sai-mat-khau-1", B);
    // Locked from A: even the right password fails, with the same answer as a wrong one.
    expect(await attempt(PEOPLE.tech.login, PASSWORD, A)).toEqual(wrong);
    expect((await attempt(PEOPLE.tech.login, PASSWORD, B)).status).toBe(303);
    expect(logged.filter((l) => l.event === "web-login-locked").map((l) => l.fields?.address)).toEqual([A]);
    expect(logged.find((l) => l.event === "web-login-locked")?.fields?.login).toBe(PEOPLE.tech.login);
    expect(logged.find((l) => l.event === "web-login-locked")?.level).toBe("warn");
    // The admin sees the lock on «Tài khoản» and lifts it.
    const admin = await login(app, "admin");
    const page = await (await app.request("/tai-khoan", { headers: { cookie: admin.cookie } })).text();
    expect(page).toContain("tạm khóa với 1 địa chỉ");
    const unlock = await app.request("/tai-khoan/mo-khoa", {
      method: "POST",
      body: new URLSearchParams({ _csrf: admin.csrf, login: PEOPLE.tech.login }),
      headers: { cookie: admin.cookie },
    });
    expect(unlock.status).toBe(303);
    expect((await attempt(PEOPLE.tech.login, PASSWORD, A)).status).toBe(303);
    expect(logged.some((l) => l.event === "web-login-unlocked" && l.fields?.by === PEOPLE.admin.login)).toBe(
      true,
    );
  });

  it(`past ${PER_LOGIN_FAILURES} failures in 15 minutes from many addresses, those addresses wait (429); a clean address still signs in`, async () => {
    let now = NOW;
    const { attempt, logged } = await served(
      { trustedProxies: ["127.0.0.1"], lockout: { attempts: 5, minutes: 15 } },
      () => now,
    );
    // Ten addresses, two wrong guesses each: no address reaches its own lockout.
    for (let i = 0; i < PER_LOGIN_FAILURES; i++)
      expect(
        (await attempt(PEOPLE.tech.login, `doan-${i}`, `198.51.100.${Math.floor(i / 2) + 1}`)).status,
      ).toBe(401);
    const slowed = await attempt(PEOPLE.tech.login, "doan-tiep", "198.51.100.1");
    expect(slowed.status).toBe(429);
    expect(slowed.error).toBe("Tài khoản đang bị thử mật khẩu nhiều lần; vui lòng thử lại sau 15 phút.");
    // Even the right password waits from an address that guessed.
    expect((await attempt(PEOPLE.tech.login, PASSWORD, "198.51.100.2")).status).toBe(429);
    expect(logged.filter((l) => l.event === "web-login-slowed")).toHaveLength(1);
    // A new address gets one try: wrong, and it waits too.
    expect((await attempt(PEOPLE.tech.login, "doan-moi", "198.51.100.99")).status).toBe(401);
    expect((await attempt(PEOPLE.tech.login, "doan-moi-2", "198.51.100.99")).status).toBe(429);
    // The owner, from an address that has not failed, signs in.
    expect((await attempt(PEOPLE.tech.login, PASSWORD, "192.0.2.50")).status).toBe(303);
    // Other logins are not slowed.
    expect((await attempt(PEOPLE.admin.login, PASSWORD, "198.51.100.1")).status).toBe(303);
    // The wait is said in minutes and ends when the failures leave the 15 minutes.
    now = new Date(NOW.getTime() + 10 * 60_000);
    expect((await attempt(PEOPLE.tech.login, "x", "198.51.100.1")).error).toContain("thử lại sau 5 phút");
    now = new Date(NOW.getTime() + 16 * 60_000);
    expect((await attempt(PEOPLE.tech.login, PASSWORD, "198.51.100.1")).status).toBe(303);
  });

  it("wrong passwords sent in parallel from one address are checked no more than the lockout allows", async () => {
    const { app } = await webDesk({
      now: () => NOW,
      settings: { loginPerMinute: 100, lockout: { attempts: 3, minutes: 15 } },
    });
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        post(app, "/dang-nhap", { login: PEOPLE.tech.login, password: `doan-song-song-${i}` }),
      ),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(401));
    const admin = await login(app, "admin");
    const page = await (await app.request("/tai-khoan", { headers: { cookie: admin.cookie } })).text();
    // Three guesses were checked (and locked the address); the other seven were refused unchecked.
    expect(page).toContain("3 lần nhập sai trong 15 phút");
  });

  it("an unknown login is slowed the same way: the 429 does not tell that an account exists", async () => {
    const { attempt } = await served({
      trustedProxies: ["127.0.0.1"],
      lockout: { attempts: 50, minutes: 15 },
    });
    for (let i = 0; i < PER_LOGIN_FAILURES; i++)
      await attempt("khong-co@hanoi.gov.vn", `doan-${i}`, "198.51.100.1");
    for (let i = 0; i < PER_LOGIN_FAILURES; i++) await attempt(PEOPLE.wan.login, `doan-${i}`, "198.51.100.2");
    const ghost = await attempt("khong-co@hanoi.gov.vn", "x", "198.51.100.1");
    const real = await attempt(PEOPLE.wan.login, "x", "198.51.100.2");
    expect(ghost).toEqual(real);
    expect(real.status).toBe(429);
  });
});

describe("DESK_WEB_TRUSTED_PROXIES", () => {
  it("is read as a comma list of IPs and CIDRs", () => {
    const cfg = loadConfig({ DESK_DB: ":memory:", DESK_WEB_TRUSTED_PROXIES: " 127.0.0.1, 10.0.0.0/8 ,::1" });
    expect(cfg.web.trustedProxies).toEqual(["127.0.0.1", "10.0.0.0/8", "::1"]);
    expect(loadConfig({ DESK_DB: ":memory:" }).web.trustedProxies).toEqual([]);
  });

  it("a bad entry is refused at start, named in Vietnamese", () => {
    for (const bad of ["proxy.hanoi.gov.vn", "10.0.0.0/33", "300.1.1.1"]) {
      const load = () => loadConfig({ DESK_DB: ":memory:", DESK_WEB_TRUSTED_PROXIES: `127.0.0.1,${bad}` });
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(`DESK_WEB_TRUSTED_PROXIES: «${bad}» không phải địa chỉ IP hay dải CIDR`);
    }
  });
});

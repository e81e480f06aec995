import { describe, expect, it } from "vitest";
import { registerBooking } from "../../src/app/booking/index.js";
import { at, request } from "../helpers.js";
import { login, PASSWORD, PEOPLE, pendingBooking, post, saveIncident, statusOf, webDesk } from "./support.js";

const NOW = at("2026-12-10", "08:00");

describe("web desk: who may do what", () => {
  it("without a session, pages redirect to the login and actions get 401", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const code = await pendingBooking(desk);
    for (const path of ["/hom-nay", "/cho-xu-ly", "/su-co", "/tai-khoan"]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(302);
      expect(res.headers.get("location")).toBe(`/dang-nhap?tiep=${encodeURIComponent(path)}`);
    }
    expect((await app.request("/su-kien", { headers: { "hx-request": "true" } })).status).toBe(401);
    const res = await post(app, `/cho-xu-ly/${code}/duyet`, { reason: "ok" });
    expect(res.status).toBe(401);
    // A made-up cookie is no session either.
    const forged = await post(
      app,
      `/cho-xu-ly/${code}/duyet`,
      {},
      { cookie: `desk_session=${"a".repeat(64)}` },
    );
    expect(forged.status).toBe(401);
    expect(await statusOf(desk, code)).toBe("needs-review");
  });

  it("a missing or forged CSRF token gets 403 and changes nothing; the right one works", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const code = await pendingBooking(desk);
    const tech = await login(app, "tech");
    const path = `/cho-xu-ly/${code}/duyet`;
    expect((await post(app, path, { reason: "x" }, { cookie: tech.cookie })).status).toBe(403);
    const forged = "f".repeat(64);
    expect((await post(app, path, { _csrf: forged }, { cookie: tech.cookie })).status).toBe(403);
    expect((await post(app, path, {}, { cookie: tech.cookie, "x-csrf-token": forged })).status).toBe(403);
    // Another person's token is not this session's.
    const admin = await login(app, "admin");
    expect((await post(app, path, { _csrf: admin.csrf }, { cookie: tech.cookie })).status).toBe(403);
    // A request from another site is refused even with the token.
    const foreign = { cookie: tech.cookie, origin: "https://evil.example" };
    expect((await post(app, path, { _csrf: tech.csrf }, foreign)).status).toBe(403);
    expect(await statusOf(desk, code)).toBe("needs-review");
    const ok = await post(app, path, { _csrf: tech.csrf }, { cookie: tech.cookie });
    expect(ok.status).toBe(303);
    expect(await statusOf(desk, code)).toBe("confirmed");
  });

  it("a technician cannot take an admin's action, WAN duty cannot settle bookings (403)", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const code = await pendingBooking(desk);
    const tech = await login(app, "tech");
    const wan = await login(app, "wan");
    expect((await app.request("/tai-khoan", { headers: { cookie: tech.cookie } })).status).toBe(403);
    const unlock = { _csrf: tech.csrf, login: PEOPLE.wan.login };
    expect((await post(app, "/tai-khoan/mo-khoa", unlock, { cookie: tech.cookie })).status).toBe(403);
    const approve = await post(app, `/cho-xu-ly/${code}/duyet`, { _csrf: wan.csrf }, { cookie: wan.cookie });
    expect(approve.status).toBe(403);
    expect(await statusOf(desk, code)).toBe("needs-review");
    // The admin may.
    const admin = await login(app, "admin");
    const res = await post(
      app,
      "/tai-khoan/mo-khoa",
      { ...unlock, _csrf: admin.csrf },
      { cookie: admin.cookie },
    );
    expect(res.status).toBe(303);
  });

  it("a web approval goes through the chat use case: audited as the person on channel web, mail and group queued", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const code = await pendingBooking(desk);
    const tech = await login(app, "tech");
    const before = await desk.store.read((r) => r.outbox.list({ booking: code }));
    await post(
      app,
      `/cho-xu-ly/${code}/duyet`,
      { _csrf: tech.csrf, reason: "đã liên hệ" },
      { cookie: tech.cookie },
    );
    const events = await desk.store.read((r) => r.bookings.events(code));
    expect(events.at(-1)).toMatchObject({
      to: "confirmed",
      actor: `web:${PEOPLE.tech.login}`,
      channel: "web",
      reason: "đã liên hệ",
    });
    const out = (await desk.store.read((r) => r.outbox.list({ booking: code }))).slice(before.length);
    expect(out.map((m) => `${m.channel}:${m.kind}`).sort()).toEqual([
      "group:booking-public",
      "mail:booking-confirmed",
    ]);
  });
});

describe("web desk: escaping and secrecy", () => {
  it("a <script> in a booking title or an incident text is shown escaped on every page", async () => {
    const evil = `<script>alert("x")</script>`;
    const { desk, app } = await webDesk({ now: () => NOW });
    await pendingBooking(desk, `Họp ${evil}`);
    // A confirmed session later today, with the same title, on "Hôm nay".
    const live = await registerBooking(
      desk,
      request({
        title: `Giao ban ${evil}`,
        start: at("2026-12-10", "10:00"),
        end: at("2026-12-10", "11:00"),
        receivedAt: at("2026-12-08", "08:00"),
      }),
      { now: at("2026-12-08", "08:00") },
    );
    expect(!live.duplicate && live.booking.status).toBe("confirmed");
    await saveIncident(desk, NOW, { text: `mất tiếng ${evil}` });
    const admin = await login(app, "admin");
    const pages = ["/hom-nay", "/hom-nay?phan=song", "/cho-xu-ly", "/su-co", "/su-co/SC-2026-0001"];
    for (const path of pages) {
      const html = await (await app.request(path, { headers: { cookie: admin.cookie } })).text();
      expect(html, path).not.toContain("<script>alert");
      expect(html, path).toContain("&lt;script&gt;alert");
    }
  });

  it("a secret session's title is shown to admins only; others see «phiên họp mật»", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const res = await registerBooking(
      desk,
      request({
        title: "Bàn phương án nhân sự",
        secret: true,
        start: at("2026-12-10", "14:00"),
        end: at("2026-12-10", "16:00"),
        receivedAt: at("2026-12-10", "07:30"),
      }),
      { now: at("2026-12-10", "07:30") },
    );
    expect(res.duplicate).toBe(false);
    const tech = await (await login(app, "tech")).cookie;
    const admin = await (await login(app, "admin")).cookie;
    const techPage = await (await app.request("/cho-xu-ly", { headers: { cookie: tech } })).text();
    expect(techPage).toContain("phiên họp mật");
    expect(techPage).not.toContain("Bàn phương án nhân sự");
    expect(techPage).not.toContain("Sở Công Thương");
    const adminPage = await (await app.request("/cho-xu-ly", { headers: { cookie: admin } })).text();
    expect(adminPage).toContain("Bàn phương án nhân sự");
  });
});

describe("web desk: sessions and passwords", () => {
  it("session fixation: a cookie set before login is not the session after it", async () => {
    const { app } = await webDesk({ now: () => NOW });
    // An attacker's own valid session, planted in the victim's browser.
    const planted = await login(app, "wan");
    const victim = await login(app, "admin", planted.cookie);
    expect(victim.token).not.toBe(planted.token);
    // The planted token no longer opens anything (it was replaced at login).
    const res = await app.request("/hom-nay", { headers: { cookie: planted.cookie } });
    expect(res.status).toBe(302);
    // A token the server never issued is not adopted either.
    const made = await login(app, "admin", `desk_session=${"b".repeat(64)}`);
    expect(made.token).not.toBe("b".repeat(64));
  });

  it("logout deletes the session: the old cookie opens nothing", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const s = await login(app, "tech");
    const out = await post(app, "/dang-xuat", { _csrf: s.csrf }, { cookie: s.cookie });
    expect(out.status).toBe(303);
    expect((await app.request("/hom-nay", { headers: { cookie: s.cookie } })).status).toBe(302);
  });

  it("locks an account after repeated failures, with one message that never tells whether the login exists", async () => {
    let now = NOW;
    const { app } = await webDesk({ now: () => now, settings: { lockout: { attempts: 3, minutes: 15 } } });
    const attempt = async (loginName: string, password: string) => {
      const res = await post(app, "/dang-nhap", { login: loginName, password });
      const html = await res.text();
      return { status: res.status, error: /class="flash error"[^>]*>([^<]*)</.exec(html)?.[1] ?? null };
    };
    const unknown = await attempt("khong-co@hanoi.gov.vn", "sai-mat-khau-1");
    const wrong = await attempt(PEOPLE.tech.login, "sai-mat-khau-1");
    expect(wrong.status).toBe(401);
    expect(wrong.error).toBeTruthy();
    expect(unknown).toEqual(wrong);
    await attempt(PEOPLE.tech.login, "sai-mat-khau-2");
    await attempt(PEOPLE.tech.login, "sai-mat-khau-3");
    // Locked: even the right password fails, with the same message.
    const locked = await attempt(PEOPLE.tech.login, PASSWORD);
    expect(locked).toEqual(wrong);
    // Other accounts are not affected.
    expect((await post(app, "/dang-nhap", { login: PEOPLE.admin.login, password: PASSWORD })).status).toBe(
      303,
    );
    now = new Date(NOW.getTime() + 16 * 60_000);
    expect((await post(app, "/dang-nhap", { login: PEOPLE.tech.login, password: PASSWORD })).status).toBe(
      303,
    );
  });

  it("limits login attempts per address", async () => {
    const { app } = await webDesk({ now: () => NOW, settings: { loginPerMinute: 3 } });
    const codes: number[] = [];
    for (let i = 0; i < 4; i++)
      codes.push(
        (await post(app, "/dang-nhap", { login: `x${i}@hanoi.gov.vn`, password: "khong-dung-1" })).status,
      );
    expect(codes).toEqual([401, 401, 401, 429]);
  });

  it("the stored hash is salted scrypt: never the password, never containing it", async () => {
    const { desk } = await webDesk();
    const rows = await desk.store.read((_r, c) => c.db.select().from(c.t.webAccounts));
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.passwordHash).not.toBe(PASSWORD);
      expect(row.passwordHash).not.toContain(PASSWORD);
      expect(row.passwordHash).not.toContain(Buffer.from(PASSWORD).toString("base64"));
      expect(row.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    }
    // Same password, different salts.
    expect(new Set(rows.map((r) => r.passwordHash)).size).toBe(3);
  });
});

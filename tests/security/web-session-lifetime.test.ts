import { describe, expect, it } from "vitest";
import { SESSION_MAX_HOURS } from "../../src/web/auth/sessions.js";
import { at } from "../helpers.js";
import { login, webDesk } from "../web/support.js";

const START = at("2026-12-07", "08:00");
const HOUR = 3600_000;

/**
 * Two faults of one promise, «a session ends this long after its last request»:
 * - the cookie was set once, at login, expiring 12 hours later: a browser dropped it then however busy its person,
 *   while the table's expiry slid on;
 * - nothing ended a session that was kept busy: a copied cookie polled every few hours by a script opened the desk
 *   for ever. A session now ends SESSION_MAX_HOURS after its login, whatever its use.
 */
describe("web desk: how long a session lives", () => {
  it("a busy session's cookie follows its sliding expiry", async () => {
    let now = START;
    const { app } = await webDesk({ now: () => now });
    const s = await login(app, "tech");
    now = new Date(START.getTime() + 11 * HOUR);
    const res = await app.request("/hom-nay", { headers: { cookie: s.cookie } });
    expect(res.status).toBe(200);
    const set = res.headers.get("set-cookie") ?? "";
    expect(set).toContain(`desk_session=${s.token}`);
    const expires = new Date(/Expires=([^;]+)/i.exec(set)![1]!);
    expect(expires.getTime()).toBe(now.getTime() + 12 * HOUR);
    // How long from now, for a browser whose clock is not the desk's (with Expires alone, a computer whose clock ran
    // past the expiry dropped the cookie at once and could not sign in).
    expect(set).toMatch(/Max-Age=43200(?:;|$)/i);
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Strict/i);
  });

  it(`a session kept busy ends ${SESSION_MAX_HOURS} hours after its login`, async () => {
    let now = START;
    const { desk, app } = await webDesk({ now: () => now });
    const s = await login(app, "wan");
    const open = async () => (await app.request("/hom-nay", { headers: { cookie: s.cookie } })).status;
    // A request every 10 hours keeps it alive up to the limit...
    for (let h = 10; h < SESSION_MAX_HOURS; h += 10) {
      now = new Date(START.getTime() + h * HOUR);
      expect(await open(), `${h} h`).toBe(200);
    }
    // ...and its expiry never passes it.
    const [row] = await desk.store.read((_, { db, t }) => db.select().from(t.webSessions));
    expect(row!.expiresAt.getTime()).toBeLessThanOrEqual(START.getTime() + SESSION_MAX_HOURS * HOUR);
    now = new Date(START.getTime() + SESSION_MAX_HOURS * HOUR);
    expect(await open()).toBe(302);
    // The person signs in again as before (the expired row is swept then); the old cookie stays shut.
    const again = await login(app, "wan");
    expect((await app.request("/hom-nay", { headers: { cookie: again.cookie } })).status).toBe(200);
    expect(await open()).toBe(302);
    const rows = await desk.store.read((_, { db, t }) => db.select().from(t.webSessions));
    expect(rows).toHaveLength(1);
  });
});

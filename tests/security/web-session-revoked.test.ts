import { describe, expect, it } from "vitest";
import { importDirectory } from "../../src/app/directory/import.js";
import { setPassword } from "../../src/web/auth/accounts.js";
import { at, sampleDirectory } from "../helpers.js";
import { login, PEOPLE, webDesk } from "../web/support.js";

const NOW = at("2026-12-10", "08:00");

/**
 * Threat: a desk person is taken off the web desk by the directory (removed, or given a role that may not sign in).
 * Their open session was refused, but its row stayed, and each refused request still slid its expiry: a cookie
 * copied from them (or kept by whoever was removed) opened the desk again the moment a later import put the person
 * back, however long after, as long as someone kept knocking (or within the session's hours, without a knock). A
 * password change already ends every session; a removal now does too, in the import's transaction.
 */
describe("web desk: a person the directory takes off the desk loses their open sessions", () => {
  const without = (login: string) => ({
    ...sampleDirectory,
    people: sampleDirectory.people.filter((p) => p.email?.toLowerCase() !== login),
  });
  const demoted = (login: string) => ({
    ...sampleDirectory,
    people: sampleDirectory.people.map((p) =>
      p.email?.toLowerCase() === login ? { ...p, role: "leader" as const } : p,
    ),
  });

  for (const [how, dir] of [
    ["removed", without],
    ["demoted to a role without web access", demoted],
  ] as const) {
    it(`${how}, then put back: the old cookie opens nothing`, async () => {
      const { desk, app } = await webDesk({ now: () => NOW });
      const wan = await login(app, "wan");
      const other = await login(app, "tech");
      expect((await app.request("/hom-nay", { headers: { cookie: wan.cookie } })).status).toBe(200);

      await importDirectory(desk.store, dir(PEOPLE.wan.login), { now: NOW, force: true });
      expect((await app.request("/hom-nay", { headers: { cookie: wan.cookie } })).status).toBe(302);

      await importDirectory(desk.store, sampleDirectory, { now: NOW, force: true });
      const again = await app.request("/hom-nay", { headers: { cookie: wan.cookie } });
      expect(again.status).toBe(302);
      expect(again.headers.get("location")).toMatch(/^\/dang-nhap/);
      // Nobody else's session is touched, and the person signs in again as before.
      expect((await app.request("/hom-nay", { headers: { cookie: other.cookie } })).status).toBe(200);
      const fresh = await login(app, "wan");
      expect((await app.request("/hom-nay", { headers: { cookie: fresh.cookie } })).status).toBe(200);
    });
  }

  it("removed and put back with no request in between: the import itself ended the session (CLI alike)", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const wan = await login(app, "wan");
    const other = await login(app, "tech");
    await importDirectory(desk.store, without(PEOPLE.wan.login), { now: NOW, force: true });
    await importDirectory(desk.store, sampleDirectory, { now: NOW, force: true });
    expect((await app.request("/hom-nay", { headers: { cookie: wan.cookie } })).status).toBe(302);
    expect((await app.request("/hom-nay", { headers: { cookie: other.cookie } })).status).toBe(200);
  });

  it("what held: a password set again ends every open session of that account, and only of that account", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const first = await login(app, "tech");
    const second = await login(app, "tech");
    const other = await login(app, "wan");
    await setPassword(desk, PEOPLE.tech.login, `mat-khau-moi-${Date.now()}`, NOW);
    for (const s of [first, second])
      expect((await app.request("/hom-nay", { headers: { cookie: s.cookie } })).status).toBe(302);
    expect((await app.request("/hom-nay", { headers: { cookie: other.cookie } })).status).toBe(200);
  });
});

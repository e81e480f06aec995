import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importDirectory } from "../../src/app/directory/import.js";
import { setPassword } from "../../src/web/auth/accounts.js";
import { at, SAMPLE_DIR, sampleDirectory } from "../helpers.js";
import { login, PASSWORD, PEOPLE, webDesk } from "../web/support.js";

const NOW = at("2026-12-10", "08:00");

/**
 * Threat: a desk person is taken off the web desk by the directory (removed, or given a role that may not sign in).
 * Their open session was refused, but its row stayed, and each refused request still slid its expiry: a cookie
 * copied from them (or kept by whoever was removed) opened the desk again the moment a later import put the person
 * back, however long after, as long as someone kept knocking (or within the session's hours, without a knock), and
 * the password stayed: a role mailbox (`mcu1.ttth@…`) given to a successor still opened with the leaver's password.
 * A password change already ends every session; a removal now closes the account, in the import's transaction.
 */
describe("web desk: a person the directory takes off the desk loses their open sessions and password", () => {
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
      // Nobody else's session is touched. The old password opens nothing either (whoever is given the same role
      // mailbox next is not let in by it): the person signs in once an admin sets a password again.
      expect((await app.request("/hom-nay", { headers: { cookie: other.cookie } })).status).toBe(200);
      await expect(login(app, "wan")).rejects.toThrow("login wan: 401");
      await setPassword(desk, PEOPLE.wan.login, PASSWORD, NOW);
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

  it("the web preview names the accounts the import closes", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    const files = Object.fromEntries(
      ["agencies.csv", "endpoints.csv", "people.csv"].map((f) => [
        f,
        readFileSync(join(SAMPLE_DIR, f), "utf8"),
      ]),
    );
    files["people.csv"] = files["people.csv"]!.replace(
      /^Đỗ Văn Khánh,[^,]*,wan\.skhcn@hanoi\.gov\.vn,.*\n/m,
      "",
    );
    expect(files["people.csv"]).not.toContain(PEOPLE.wan.login);
    const form = new FormData();
    for (const [name, text] of Object.entries(files)) form.append(name, new File([text], name));
    const res = await app.request("/danh-ba/nhap", {
      method: "POST",
      body: form,
      headers: { cookie: admin.cookie, "x-csrf-token": admin.csrf },
    });
    const html = await res.text();
    expect(html).toContain("Tài khoản web sẽ bị đóng");
    expect(html).toContain(PEOPLE.wan.login);
    const plain = new FormData();
    for (const f of ["agencies.csv", "endpoints.csv", "people.csv"])
      plain.append(f, new File([readFileSync(join(SAMPLE_DIR, f), "utf8")], f));
    const same = await app.request("/danh-ba/nhap", {
      method: "POST",
      body: plain,
      headers: { cookie: admin.cookie, "x-csrf-token": admin.csrf },
    });
    expect(await same.text()).not.toContain("Tài khoản web sẽ bị đóng");
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

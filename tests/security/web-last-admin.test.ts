import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { at, SAMPLE_DIR } from "../helpers.js";
import { confirmImport, sampleCsvs } from "../web/directory-upload.js";
import { login, PEOPLE, webDesk } from "../web/support.js";

/**
 * Threat: the web import (admin only) of a directory in which no admin has a web account, by a slip in the role
 * column or on purpose. It was accepted like any other: the importer's session ended, nobody could sign in as an
 * admin again, so nobody could import the directory back or unlock an account on the web until someone reached the
 * server's CLI. And an admin who demoted themselves was not told.
 */

const NOW = at("2026-12-08", "08:00");
const ADMIN_ROW = /^(Đỗ Ngọc Thảo,[^,]*,kythuat@hanoi\.gov\.vn,,)admin,/m;

function files(people: (t: string) => string) {
  const out = sampleCsvs();
  out["people.csv"] = people(out["people.csv"]!);
  return out;
}

function upload(parts: Record<string, string>, auth: { cookie: string; csrf: string }) {
  const form = new FormData();
  for (const [name, text] of Object.entries(parts))
    form.append(name, new File([text], name, { type: "text/csv" }));
  return { method: "POST", body: form, headers: { cookie: auth.cookie, "x-csrf-token": auth.csrf } };
}

describe("web directory import and the last admin", () => {
  it("a directory without an admin who can sign in is refused at the preview, with no confirm button", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    const people = readFileSync(join(SAMPLE_DIR, "people.csv"), "utf8");
    expect(people.match(/,admin,/g)).toHaveLength(1);
    const res = await app.request(
      "/danh-ba/nhap",
      upload(
        files((t) => t.replace(ADMIN_ROW, "$1wan-duty,")),
        admin,
      ),
    );
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain("không còn quản trị viên nào có tài khoản web");
    expect(html).not.toContain("/danh-ba/nhap/xac-nhan");
    const still = await desk.store.read((r) => r.directory.load());
    expect(still.people.find((p) => p.email === PEOPLE.admin.login)?.role).toBe("admin");
    expect((await app.request("/tai-khoan", { headers: { cookie: admin.cookie } })).status).toBe(200);
  });

  it("an admin without a password does not count: the admin role alone opens nothing on the web", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    // The only admin becomes WAN duty; a person with no web account becomes admin.
    const parts = files((t) =>
      t
        .replace(ADMIN_ROW, "$1wan-duty,")
        .concat("Người Quản Trị Mới,0900000001,quantri.moi@hanoi.gov.vn,,admin,,\n"),
    );
    const res = await app.request("/danh-ba/nhap", upload(parts, admin));
    expect(res.status).toBe(409);
    expect(await res.text()).toContain("không còn quản trị viên nào có tài khoản web");
  });

  it("an admin who demotes themselves while another admin remains is told so, and may go on", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    // WAN duty (who has a web account) becomes admin; the importing admin becomes WAN duty.
    const parts = files((t) =>
      t
        .replace(ADMIN_ROW, "$1wan-duty,")
        .replace(/^(Đỗ Văn Khánh,[^,]*,wan\.skhcn@hanoi\.gov\.vn,,)wan-duty,/m, "$1admin,"),
    );
    expect(parts["people.csv"]).toMatch(/wan\.skhcn@hanoi\.gov\.vn,,admin,/);
    const res = await app.request("/danh-ba/nhap", upload(parts, admin));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`tài khoản của bạn (${PEOPLE.admin.login}) không còn vai trò quản trị viên`);
    const ok = await confirmImport(app, html, admin);
    expect(ok.status).toBe(303);
    const wan = await login(app, "wan");
    expect((await app.request("/tai-khoan", { headers: { cookie: wan.cookie } })).status).toBe(200);
  });

  it("an ordinary import says nothing of admins", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    const html = await (
      await app.request(
        "/danh-ba/nhap",
        upload(
          files((t) => t),
          admin,
        ),
      )
    ).text();
    expect(html).toContain("/danh-ba/nhap/xac-nhan");
    expect(html).not.toContain("quản trị viên nào");
    expect(html).not.toContain("không còn vai trò quản trị viên");
  });
});

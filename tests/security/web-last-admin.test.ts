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
 * server's CLI. And an admin who demoted themselves was not told; one whose import closed their own account (a role
 * without web access, or their row gone) saw their login only in a list of closed accounts, and was locked out on
 * confirming. Decided: the preview says which of their own accounts closes or loses its admin role and why, and the
 * confirmation is refused (409) unless they tick «Tôi hiểu …» (another admin with a web account remains, or the
 * import is refused outright above).
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

  it("an admin who demotes themselves while another admin remains is told so, and may go on once they tick «Tôi hiểu …»", async () => {
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
    expect(html).toContain("vai trò mới: trực mạng WAN): bạn vẫn đăng nhập được nhưng");
    expect(html).toContain(`quản trị viên còn lại (${PEOPLE.wan.login})`);
    expect(html).toContain("Tôi hiểu: sau khi nhập, tôi không còn là quản trị viên bàn kỹ thuật trên web");
    // Without the box ticked the import is refused, the preview offered again; ticked, it goes through.
    const unticked = await confirmImport(app, html, admin);
    expect(unticked.status).toBe(409);
    const again = await unticked.text();
    expect(again).toContain("Chưa nhập: danh bạ mới khóa chính bạn khỏi quyền quản trị");
    expect((await app.request("/tai-khoan", { headers: { cookie: admin.cookie } })).status).toBe(200);
    const ok = await confirmImport(app, again, admin, { "toi-hieu": "1" });
    expect(ok.status).toBe(303);
    // Still signed in, as WAN duty now: the admin's pages are closed to them.
    expect((await app.request("/hom-nay", { headers: { cookie: admin.cookie } })).status).toBe(200);
    expect((await app.request("/tai-khoan", { headers: { cookie: admin.cookie } })).status).toBe(403);
    const wan = await login(app, "wan");
    expect((await app.request("/tai-khoan", { headers: { cookie: wan.cookie } })).status).toBe(200);
  });

  it("an import that closes the importing admin's own account says so, which account and why, and needs «Tôi hiểu …»", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    // WAN duty becomes admin; the importing admin becomes an endpoint technician, a role without web access.
    const parts = files((t) =>
      t
        .replace(/^(Đỗ Ngọc Thảo,[^,]*,kythuat@hanoi\.gov\.vn,),admin,/m, "$1CX-00008,technician,")
        .replace(/^(Đỗ Văn Khánh,[^,]*,wan\.skhcn@hanoi\.gov\.vn,,)wan-duty,/m, "$1admin,"),
    );
    expect(parts["people.csv"]).toMatch(/kythuat@hanoi\.gov\.vn,CX-00008,technician,/);
    const res = await app.request("/danh-ba/nhap", upload(parts, admin));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`Danh bạ này đóng tài khoản web của chính bạn (${PEOPLE.admin.login}).`);
    expect(html).toContain(`${PEOPLE.admin.name} là cán bộ kỹ thuật điểm cầu`);
    expect(html).toContain("mật khẩu của bạn bị xóa và bạn không đăng nhập lại được");
    expect(html).toContain(`Tôi hiểu: danh bạ này đóng tài khoản web ${PEOPLE.admin.login} của tôi`);
    // Confirmed without the box: nothing imported, the admin still signed in and still admin.
    const unticked = await confirmImport(app, html, admin);
    expect(unticked.status).toBe(409);
    expect(await unticked.text()).toContain("đánh dấu ô «Tôi hiểu …» rồi bấm xác nhận lại");
    const still = await desk.store.read((r) => r.directory.load());
    expect(still.people.find((p) => p.email === PEOPLE.admin.login)?.role).toBe("admin");
    expect((await app.request("/tai-khoan", { headers: { cookie: admin.cookie } })).status).toBe(200);
    // Ticked: imported, and the account is closed as the preview said.
    const ok = await confirmImport(app, html, admin, { "toi-hieu": "1" });
    expect(ok.status).toBe(303);
    const after = await desk.store.read((r) => r.directory.load());
    expect(after.people.find((p) => p.email === PEOPLE.admin.login)?.role).toBe("technician");
    expect((await app.request("/tai-khoan", { headers: { cookie: admin.cookie } })).status).toBe(302);
    await expect(login(app, "admin")).rejects.toThrow("login admin: 401");
    const wan = await login(app, "wan");
    expect((await app.request("/tai-khoan", { headers: { cookie: wan.cookie } })).status).toBe(200);
  });

  it("an import without the importing admin's row at all names the account that closes", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    const parts = files((t) =>
      t
        .replace(/^Đỗ Ngọc Thảo,[^,]*,kythuat@hanoi\.gov\.vn,.*\n/m, "")
        .replace(/^(Đỗ Văn Khánh,[^,]*,wan\.skhcn@hanoi\.gov\.vn,,)wan-duty,/m, "$1admin,"),
    );
    expect(parts["people.csv"]).not.toContain("kythuat@hanoi.gov.vn,");
    const html = await (await app.request("/danh-ba/nhap", upload(parts, admin))).text();
    expect(html).toContain(`Danh bạ này đóng tài khoản web của chính bạn (${PEOPLE.admin.login}).`);
    expect(html).toContain(`Danh bạ mới không còn ai có tài khoản ${PEOPLE.admin.login}`);
    expect((await confirmImport(app, html, admin)).status).toBe(409);
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

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readDirectoryCsv } from "../../src/app/directory/csv.js";
import { checkDirectory } from "../../src/core/directory/check.js";
import { guardCell } from "../../src/web/routes/directory.js";
import { at, sampleDirectory, tempDir } from "../helpers.js";
import { DIRECTORY_FILES, sampleCsvs, upload } from "./directory-upload.js";
import { login, webDesk } from "./support.js";

const NOW = at("2026-12-08", "08:00");

const sample = sampleCsvs;

const escaped = (s: string) =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");

async function counts(desk: Awaited<ReturnType<typeof webDesk>>["desk"]) {
  const d = await desk.store.read((r) => r.directory.load());
  return { agencies: d.agencies.length, endpoints: d.endpoints.length, people: d.people.length };
}

describe("Danh bạ page", () => {
  it("lists agencies, endpoints and people with the directory check findings beside them", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const tech = await login(app, "tech");
    // Two breaches of Điều 10: control rights on a commune endpoint, and without a VPN token.
    const dir = structuredClone(sampleDirectory);
    const commune = dir.endpoints.find((e) => e.level === "commune")!;
    commune.control = true;
    commune.vpnToken = null;
    commune.name = "Xã <script>alert(1)</script>";
    await desk.store.tx((r) => r.directory.replaceAll(dir));
    const res = await app.request("/danh-ba", { headers: { cookie: tech.cookie } });
    expect(res.status).toBe(200);
    const html = await res.text();
    const findings = checkDirectory(dir, desk.reg);
    expect(findings.map((v) => v.article)).toEqual(expect.arrayContaining(["10.1", "10.2"]));
    // Each finding sits in the row of its endpoint.
    const row = html.slice(html.indexOf(`<td>${commune.code}</td>`));
    for (const v of findings.filter((x) => x.endpoints[0] === commune.code)) {
      expect(row.slice(0, row.indexOf("</tr>"))).toContain(escaped(v.message));
    }
    for (const v of findings) expect(html).toContain(escaped(v.message));
    expect(html).not.toContain("<script>alert(1)");
    for (const e of sampleDirectory.endpoints.slice(0, 5)) expect(html).toContain(e.code);
    expect(html).toContain(escaped(sampleDirectory.people[0]!.name));
    // A technician sees the directory but gets neither the import form nor the export links (VPN tokens).
    expect(html).not.toContain('action="/danh-ba/nhap"');
    expect(html).not.toContain("/danh-ba/xuat/");
    expect(html).not.toContain(sampleDirectory.endpoints.find((e) => e.vpnToken)!.vpnToken!);
  });

  it("names each agency's kind in Vietnamese, and the chair an office notifies for (Điều 11.1)", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const tech = await login(app, "tech");
    const html = await (await app.request("/danh-ba", { headers: { cookie: tech.cookie } })).text();
    const rowOf = (name: string) => {
      const from = html.indexOf(`<td>${name}</td>`);
      return html.slice(from, html.indexOf("</tr>", from));
    };
    expect(rowOf("Sở Công Thương")).toContain("Sở, ngành <code>department</code>");
    expect(rowOf("UBND phường Ngọc Hà")).toContain("UBND phường, xã <code>commune</code>");
    expect(rowOf("Văn phòng UBND thành phố Hà Nội")).toContain(
      "Văn phòng thông báo lịch họp của UBND thành phố Hà Nội",
    );
    // No kind stands in English alone.
    expect(html).not.toMatch(/<td>(?:department|commune|government)<\/td>/);
  });

  it("a technician cannot import or export (403) and the directory is unchanged", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const tech = await login(app, "tech");
    const before = await counts(desk);
    expect((await app.request("/danh-ba/nhap", upload(sample(), tech))).status).toBe(403);
    const confirm = new URLSearchParams({ token: "x", _csrf: tech.csrf });
    const res = await app.request("/danh-ba/nhap/xac-nhan", {
      method: "POST",
      body: confirm,
      headers: { cookie: tech.cookie },
    });
    expect(res.status).toBe(403);
    expect(
      (await app.request("/danh-ba/xuat/endpoints.csv", { headers: { cookie: tech.cookie } })).status,
    ).toBe(403);
    expect(await counts(desk)).toEqual(before);
  });

  it("a preview with errors names file, line and column, escapes the cell, and imports nothing", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    const files = sample();
    const lines = files["endpoints.csv"].split("\n");
    const cells = lines[3]!.split(",");
    cells[2] = "<script>alert(1)</script>";
    lines[3] = cells.join(",");
    files["endpoints.csv"] = lines.join("\n");
    const before = await counts(desk);
    const res = await app.request("/danh-ba/nhap", upload(files, admin));
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toMatch(/<td>endpoints\.csv<\/td><td>4<\/td><td>level<\/td>/);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert(1)");
    expect(html).not.toContain('name="token"');
    expect(await counts(desk)).toEqual(before);
  });

  it("a valid preview writes nothing; a forged CSRF token on confirm gets 403; the confirmation imports", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    const files = sample();
    const agency = sampleDirectory.agencies[5]!.name;
    files["endpoints.csv"] =
      `${files["endpoints.csv"].trimEnd()}\nXA-MOI-01,Điểm cầu mới,city,${agency},,no,,\n`;
    const before = await counts(desk);
    const res = await app.request("/danh-ba/nhap", upload(files, admin));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Điểm cầu thêm mới: XA-MOI-01");
    const token = /name="token" value="([0-9a-f]+)"/.exec(html)?.[1];
    expect(token).toBeTruthy();
    expect(await counts(desk)).toEqual(before);

    const confirm = (csrf: string, cookie = admin.cookie) =>
      app.request("/danh-ba/nhap/xac-nhan", {
        method: "POST",
        body: new URLSearchParams({ token: token!, _csrf: csrf }),
        headers: { cookie },
      });
    expect((await confirm("f".repeat(64))).status).toBe(403);
    expect(await counts(desk)).toEqual(before);
    // The pending upload is bound to the session that made it.
    const other = await login(app, "admin");
    expect((await confirm(other.csrf, other.cookie)).status).toBe(409);
    expect(await counts(desk)).toEqual(before);

    const ok = await confirm(admin.csrf);
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toContain("/danh-ba?tb=da-nhap-danh-ba");
    expect(await counts(desk)).toEqual({ ...before, endpoints: before.endpoints + 1 });
    const page = await (
      await app.request(ok.headers.get("location")!, { headers: { cookie: admin.cookie } })
    ).text();
    expect(page).toContain(`Đã nhập danh bạ: ${before.agencies} cơ quan, ${before.endpoints + 1} điểm cầu`);
    // A token works once.
    expect((await confirm(admin.csrf)).status).toBe(409);
  });

  it("refuses an oversized upload with a Vietnamese message, before reading it", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    const files = sample();
    files["people.csv"] += "x".repeat(3 * 1024 * 1024);
    const before = await counts(desk);
    // The token as a form field, as a browser without htmx posts it: the CSRF guard would read the whole body
    // to find it, so the limit must come first.
    const form = new FormData();
    form.append("_csrf", admin.csrf);
    for (const [name, text] of Object.entries(files)) form.append(name, new File([text], name));
    const res = await app.request("/danh-ba/nhap", {
      method: "POST",
      body: form,
      headers: { cookie: admin.cookie },
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain("Tệp tải lên quá lớn");
    expect(await counts(desk)).toEqual(before);
  });

  it("the export guards formula cells and reads back through the import unchanged", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    const dir = structuredClone(sampleDirectory);
    dir.agencies[0]!.aliases = ['=HYPERLINK("http://evil.example","x")', "+1", "@SUM(A1)", "-2", "Thành ủy"];
    dir.endpoints[0]!.name = "=1+1";
    await desk.store.tx((r) => r.directory.replaceAll(dir));
    const out = tempDir();
    mkdirSync(out, { recursive: true });
    for (const f of DIRECTORY_FILES) {
      const res = await app.request(`/danh-ba/xuat/${f}`, { headers: { cookie: admin.cookie } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/csv");
      const text = await res.text();
      writeFileSync(join(out, f), text);
      if (f === "agencies.csv") {
        // One cell, joined with |: it starts with = so it gets the apostrophe.
        expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")|+1|@SUM(A1)|-2|Thành ủy"`);
        expect(text).not.toMatch(/(^|,)"?=HYPERLINK/m);
      }
      if (f === "endpoints.csv") expect(text).toContain(",'=1+1,");
    }
    const back = readDirectoryCsv(out);
    expect(back.agencies[0]!.aliases).toEqual(dir.agencies[0]!.aliases);
    expect(back.endpoints[0]!.name).toBe("=1+1");
    expect(back.endpoints.length).toBe(dir.endpoints.length);
    expect(guardCell("-5")).toBe("'-5");
    expect(guardCell("Sở Y tế")).toBe("Sở Y tế");
  });
});

import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { readDirectoryXlsx } from "../../src/app/directory/xlsx.js";
import { at, sampleDirectory } from "../helpers.js";
import { confirmImport, sampleCsvs, upload } from "./directory-upload.js";
import { login, webDesk } from "./support.js";

const NOW = at("2026-12-08", "08:00");

/** The import form's workbook field, posted as the browser posts it. */
function uploadXlsx(bytes: Buffer, auth: { cookie: string; csrf: string }) {
  const form = new FormData();
  form.append("xlsx", new File([new Uint8Array(bytes)], "danh-ba.xlsx"));
  return { method: "POST", body: form, headers: { cookie: auth.cookie, "x-csrf-token": auth.csrf } };
}

async function exported(app: Awaited<ReturnType<typeof webDesk>>["app"], cookie: string) {
  const res = await app.request("/danh-ba/xuat/danh-ba.xlsx", { headers: { cookie } });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe("Danh bạ as an Excel workbook on the web desk", () => {
  it("an admin downloads the workbook, edits it and imports it back through preview and confirmation", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    const page = await (await app.request("/danh-ba", { headers: { cookie: admin.cookie } })).text();
    expect(page).toContain('href="/danh-ba/xuat/danh-ba.xlsx"');
    expect(page).toContain('name="xlsx"');
    // Why to prefer it, said where the operator chooses.
    expect(page).toContain("Để sửa bằng Excel, nên dùng sổ Excel");
    const { res, bytes } = await exported(app, admin.cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("spreadsheetml");
    expect(await readDirectoryXlsx(bytes)).toEqual(sampleDirectory);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as never);
    const tu = sampleDirectory.endpoints[0]!;
    wb.getWorksheet("endpoints")!.getRow(2).getCell(7).value = "000777";
    const preview = await app.request(
      "/danh-ba/nhap",
      uploadXlsx(Buffer.from(await wb.xlsx.writeBuffer()), admin),
    );
    expect(preview.status).toBe(200);
    const html = await preview.text();
    expect(html).toContain("Tệp hợp lệ:");
    const ok = await confirmImport(app, html, admin);
    expect(ok.status).toBe(303);
    const stored = await desk.store.read((r) => r.directory.load());
    expect(stored.endpoints.find((e) => e.code === tu.code)!.vpnToken).toBe("000777");
  });

  it("a technician gets no workbook (VPN tokens)", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const tech = await login(app, "tech");
    expect((await exported(app, tech.cookie)).res.status).toBe(403);
  });

  it("a workbook with a formula and a renamed sheet shows each problem and imports nothing", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    const { bytes } = await exported(app, admin.cookie);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as never);
    wb.getWorksheet("endpoints")!.getRow(3).getCell(2).value = { formula: 'HYPERLINK("http://x","y")' };
    wb.getWorksheet("people")!.name = "Nguoi";
    const before = await desk.store.read((r) => r.directory.load());
    const res = await app.request(
      "/danh-ba/nhap",
      uploadXlsx(Buffer.from(await wb.xlsx.writeBuffer()), admin),
    );
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toMatch(/<td>trang endpoints<\/td><td>3<\/td><td>name<\/td><td>ô chứa công thức/);
    expect(html).toContain("<td>danh-ba.xlsx</td><td>-</td><td>-</td><td>không có trang «people»");
    expect(html).not.toContain('name="token"');
    expect(await desk.store.read((r) => r.directory.load())).toEqual(before);
  });

  it("a renamed CSV or an old .xls in the workbook field is refused in Vietnamese", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    const res = await app.request(
      "/danh-ba/nhap",
      uploadXlsx(Buffer.from(sampleCsvs()["agencies.csv"]), admin),
    );
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("tệp không phải sổ Excel .xlsx");
  });

  it("a CSV whose VPN token lost its leading zeros in Excel is refused against the stored token", async () => {
    const { desk, app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    const dir = structuredClone(sampleDirectory);
    dir.endpoints[0]!.vpnToken = "0042";
    await desk.store.tx((r) => r.directory.replaceAll(dir));
    const files = sampleCsvs();
    files["endpoints.csv"] = files["endpoints.csv"].replace(",yes,VPN-HN-001,", ",yes,42,");
    const res = await app.request("/danh-ba/nhap", upload(files, admin));
    expect(res.status).toBe(422);
    expect(await res.text()).toMatch(
      /<td>endpoints\.csv<\/td><td>2<\/td><td>vpn_token<\/td><td>giá trị ngắn hơn giá trị đang lưu của điểm cầu TU-01/,
    );
  });
});

describe("a workbook picked in a CSV field", () => {
  it("says it is a workbook and where it goes, not that the file is no UTF-8", async () => {
    const { app } = await webDesk({ now: () => NOW });
    const admin = await login(app, "admin");
    const { bytes } = await exported(app, admin.cookie);
    const form = new FormData();
    const files = sampleCsvs();
    form.append("agencies.csv", new File([new Uint8Array(bytes)], "danh-ba.xlsx"));
    form.append("endpoints.csv", new File([files["endpoints.csv"]], "endpoints.csv"));
    form.append("people.csv", new File([files["people.csv"]], "people.csv"));
    const res = await app.request("/danh-ba/nhap", {
      method: "POST",
      body: form,
      headers: { cookie: admin.cookie, "x-csrf-token": admin.csrf },
    });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain(
      "<td>agencies.csv</td><td>1</td><td>-</td><td>tệp là sổ Excel (.xlsx), không phải CSV: hãy nhập cả sổ bằng ô «Sổ Excel danh bạ»",
    );
    expect(html).not.toContain("không phải UTF-8");
  });
});

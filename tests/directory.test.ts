import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { directoryToCsv, readDirectoryCsv } from "../src/app/directory/csv.js";
import { checkDirectory } from "../src/core/directory/check.js";
import { DEFAULT_REGULATION } from "../src/core/regulation.js";
import { makeDesk, sampleDirectory, tempDir } from "./helpers.js";
import { copySample, edit, problemsOf } from "./support/directory-csv.js";

describe("directory CSV (Điều 7, 9, 10, 19)", () => {
  it("the sample directory holds the city bodies and the 126 commune-level units, with no violation", () => {
    expect(sampleDirectory.agencies).toHaveLength(23 + 126);
    expect(sampleDirectory.endpoints.filter((e) => e.level === "commune")).toHaveLength(126);
    expect(sampleDirectory.endpoints.find((e) => e.name === "Phường Ngọc Hà")?.agency).toBe(
      "UBND phường Ngọc Hà",
    );
    expect(checkDirectory(sampleDirectory, DEFAULT_REGULATION)).toEqual([]);
  });

  it("round-trips through export and import unchanged", () => {
    const dir = tempDir();
    for (const [file, text] of Object.entries(directoryToCsv(sampleDirectory)))
      writeFileSync(join(dir, file), text);
    expect(readDirectoryCsv(dir)).toEqual(sampleDirectory);
  });

  it("the CLI export guards a formula cell (CSV injection) and the import reads it back unchanged", () => {
    // An alias smuggled in through an imported CSV must not run as a formula when the export is opened in Excel.
    const evil = '=CMD!A0+HYPERLINK("http://evil.example")';
    const tampered = {
      ...sampleDirectory,
      agencies: sampleDirectory.agencies.map((a, i) =>
        i === 0 ? { ...a, aliases: [evil, ...a.aliases] } : a,
      ),
    };
    const files = directoryToCsv(tampered);
    const cells = files["agencies.csv"]!.split(/[\n,]/).map((c) => c.replace(/^"/, ""));
    expect(cells.some((c) => c.startsWith("'=CMD"))).toBe(true);
    expect(cells.filter((c) => /^[=+\-@]/.test(c))).toEqual([]);
    const dir = tempDir();
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    expect(readDirectoryCsv(dir)).toEqual(tampered);
  });

  it("reads back unchanged a cell the export guarded for its leading tab or carriage return", () => {
    // Excel runs "\t=…" and "\r=…" as formulas too: the export guards them, and the import must unguard them.
    for (const lead of ["\t", "\r"]) {
      const tampered = {
        ...sampleDirectory,
        agencies: sampleDirectory.agencies.map((a, i) =>
          i === 0 ? { ...a, approvalRef: `${lead}=HYPERLINK("http://evil.example")` } : a,
        ),
      };
      const files = directoryToCsv(tampered);
      expect(files["agencies.csv"]).toContain(`'${lead}=HYPERLINK`);
      const dir = tempDir();
      for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
      expect(readDirectoryCsv(dir).agencies[0]?.approvalRef).toBe(tampered.agencies[0]?.approvalRef);
    }
  });

  it("names the file, line and column of every problem", () => {
    const dir = copySample();
    edit(dir, "endpoints.csv", (t) =>
      t.replace("CX-00004,Phường Ba Đình,commune", "CX-00004,Phường Ba Đình,village"),
    );
    edit(dir, "people.csv", (t) => `${t}Nguyễn Văn Lạ,12,,CX-99999,leader,,\n`);
    const lines = problemsOf(dir);
    const line =
      readFileSync(join(dir, "endpoints.csv"), "utf8")
        .split("\n")
        .findIndex((l) => l.startsWith("CX-00004")) + 1;
    const people = readFileSync(join(dir, "people.csv"), "utf8").trimEnd().split("\n").length;
    expect(lines).toEqual([
      `endpoints.csv, dòng ${line}, cột level: giá trị «village» không hợp lệ (phải là city, district hoặc commune).`,
      `people.csv, dòng ${people}, cột phone: số điện thoại «12» không hợp lệ.`,
      `people.csv, dòng ${people}, cột endpoint: điểm cầu CX-99999 không có trong endpoints.csv.`,
    ]);
  });

  it("refuses a missing column or an unknown one, and keeps checking the other files", () => {
    const dir = copySample();
    edit(dir, "agencies.csv", (t) => t.replace(/^name,mailboxes,aliases/, "name,mailbox,aliases,ghi_chu"));
    edit(dir, "people.csv", (t) => `${t}Nguyễn Văn Lạ,12,,TU-01,leader,,\n`);
    const lines = problemsOf(dir);
    const people = readFileSync(join(dir, "people.csv"), "utf8").trimEnd().split("\n").length;
    expect(lines).toEqual([
      "agencies.csv, dòng 1, cột mailboxes: thiếu cột bắt buộc; cột «mailbox» có lẽ là cột này bị đổi tên: hãy đặt lại tiêu đề «mailboxes».",
      "agencies.csv, dòng 1, cột ghi_chu: cột không được hỗ trợ; các cột hợp lệ: name, mailboxes, aliases, kind, approved_quota, approval_ref, notifies_for.",
      // With no agency read, the endpoints' agencies are not blamed one by one; other problems still are.
      `people.csv, dòng ${people}, cột phone: số điện thoại «12» không hợp lệ.`,
    ]);
  });

  it("a bad CSV changes nothing in the store", async () => {
    const desk = await makeDesk();
    const dir = copySample();
    edit(dir, "people.csv", (t) => `${t}Người Thừa,0912345678,,TU-01,chairman,,\n`);
    await expect(async () => {
      const parsed = readDirectoryCsv(dir);
      await desk.store.tx((r) => r.directory.replaceAll(parsed));
    }).rejects.toThrow("vai trò «chairman» không hợp lệ");
    expect(await desk.store.read((r) => r.directory.load())).toEqual(sampleDirectory);
  });

  it("a snapshot after an import in the same transaction is the imported directory (the version kept per transaction follows it)", async () => {
    const desk = await makeDesk();
    const renamed = {
      ...sampleDirectory,
      endpoints: sampleDirectory.endpoints.map((e) =>
        e.code === "CX-00004" ? { ...e, name: "Phường Ba Đình Mới" } : e,
      ),
    };
    const [before, after] = await desk.store.tx(async (r) => {
      const a = (await r.directory.snapshot()).endpoint("CX-00004")?.name;
      await r.directory.replaceAll(renamed);
      return [a, (await r.directory.snapshot()).endpoint("CX-00004")?.name];
    });
    expect([before, after]).toEqual(["Phường Ba Đình", "Phường Ba Đình Mới"]);
    expect((await desk.store.read((r) => r.directory.snapshot())).endpoint("CX-00004")?.name).toBe(
      "Phường Ba Đình Mới",
    );
  });

  it("finds quota, control-right and staffing violations with their article", () => {
    const dir = structuredClone(sampleDirectory);
    const sct = dir.endpoints.find((e) => e.agency === "Sở Công Thương")!;
    dir.endpoints.push({ ...sct, code: "SCT-02" }, { ...sct, code: "SCT-03" });
    const commune = dir.endpoints.find((e) => e.code === "CX-00004")!;
    dir.endpoints.push({ ...commune, code: "CX-00004B" });
    commune.control = true;
    const tu = dir.endpoints.filter((e) => e.agency === "Thành ủy Hà Nội");
    dir.endpoints.push({ ...tu[0]!, code: "TU-09", control: false, vpnToken: null }); // headquarters: unlimited
    dir.people = dir.people.filter((p) => !(p.endpoint === "SYT-01" && p.role === "leader"));
    const violations = checkDirectory(dir, DEFAULT_REGULATION);
    const rows = violations.map((v) => [v.article, v.agency, v.endpoints.join(" ")]);
    expect(rows.filter((r) => r[0] !== "19.3")).toEqual([
      ["7.1", "Sở Công Thương", "SCT-01 SCT-02 SCT-03"],
      ["7.3", "UBND phường Ba Đình", "CX-00004 CX-00004B"],
      ["10.1", "UBND phường Ba Đình", "CX-00004"],
      ["10.2", "UBND phường Ba Đình", "CX-00004"],
    ]);
    // Điều 19.3: the new endpoints have no leader and no technician; SYT-01 lost its leader.
    expect(
      violations
        .filter((v) => v.article === "19.3")
        .map((v) => `${v.endpoints[0]}: ${v.message.split(" có ")[1]}`),
    ).toEqual([
      "SCT-02: 0 lãnh đạo phụ trách; Quy chế yêu cầu đúng 01 người.",
      "SCT-02: 0 cán bộ kỹ thuật; Quy chế yêu cầu đúng 01 người.",
      "SCT-03: 0 lãnh đạo phụ trách; Quy chế yêu cầu đúng 01 người.",
      "SCT-03: 0 cán bộ kỹ thuật; Quy chế yêu cầu đúng 01 người.",
      "SYT-01: 0 lãnh đạo phụ trách; Quy chế yêu cầu đúng 01 người.",
      "TU-09: 0 lãnh đạo phụ trách; Quy chế yêu cầu đúng 01 người.",
      "TU-09: 0 cán bộ kỹ thuật; Quy chế yêu cầu đúng 01 người.",
      "CX-00004B: 0 lãnh đạo phụ trách; Quy chế yêu cầu đúng 01 người.",
      "CX-00004B: 0 cán bộ kỹ thuật; Quy chế yêu cầu đúng 01 người.",
    ]);
    // A recorded approval lifts the commune quota (Điều 7.3).
    const ward = dir.agencies.find((a) => a.name === "UBND phường Ba Đình")!;
    Object.assign(ward, { approvedQuota: 2, approvalRef: "Văn bản 123/UBND-KGVX" });
    expect(checkDirectory(dir, DEFAULT_REGULATION).some((v) => v.article === "7.3")).toBe(false);
  });
});

import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CliError } from "../src/app/cli/commands.js";
import { tempDir } from "./helpers.js";
import { cliOnSampleDesk } from "./support/cli-here.js";

/**
 * `directory export DIR` into a folder holding the operator's edited CSVs (waiting for an import) overwrote them
 * without a word, and `report --xlsx/--charts` overwrote whatever file bore the name. The quarantine export already
 * refused to; now every CLI export does, naming the files, unless --force.
 */
describe("CLI exports never overwrite a file unasked", () => {
  it("directory export into a folder with an edited people.csv refuses and leaves it; --force overwrites", async () => {
    const { run } = await cliOnSampleDesk();
    const dir = tempDir();
    const edited = "name,phone,email,endpoint,role\nNgười Sửa Tay,0900000000,,,admin\n";
    writeFileSync(join(dir, "people.csv"), edited, { mode: 0o644 });
    const err = await run("directory", "export", dir);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toBe(
      `Đã có «${join(dir, "people.csv")}»: không ghi đè. Hãy chọn đường dẫn khác, hoặc thêm --force nếu muốn ghi đè.`,
    );
    expect((err as CliError).exitCode).toBe(1);
    expect(readFileSync(join(dir, "people.csv"), "utf8")).toBe(edited);
    expect(await run("directory", "export", dir, "--force")).toBeNull();
    expect(readFileSync(join(dir, "people.csv"), "utf8")).toContain("kythuat@hanoi.gov.vn");
    // The edited copy was readable by all (0644 here): overwritten, it carries phones and VPN tokens, and is narrowed.
    expect(statSync(join(dir, "people.csv")).mode & 0o077).toBe(0);
    // A new folder is written as before, its files (phones, VPN tokens) readable by the operator only.
    const fresh = join(tempDir(), "moi");
    expect(await run("directory", "export", fresh)).toBeNull();
    for (const f of ["agencies.csv", "endpoints.csv", "people.csv"])
      expect(statSync(join(fresh, f)).mode & 0o077, f).toBe(0);
  });

  it("report --xlsx onto an existing file and --charts into a folder of charts refuse; --force writes", async () => {
    const { run, lines } = await cliOnSampleDesk();
    const file = join(tempDir(), "bao-cao.xlsx");
    writeFileSync(file, "tệp khác");
    const err = await run("report", "--year", "2026", "--xlsx", file);
    expect((err as CliError).message).toContain(`Đã có «${file}»: không ghi đè.`);
    expect(readFileSync(file, "utf8")).toBe("tệp khác");
    expect(lines).toEqual([]);
    const charts = tempDir();
    mkdirSync(charts, { recursive: true });
    writeFileSync(join(charts, "mcu-cao-diem.svg"), "<svg/>");
    expect((await run("report", "--year", "2026", "--charts", charts)) as CliError).toBeInstanceOf(CliError);
    expect(readFileSync(join(charts, "mcu-cao-diem.svg"), "utf8")).toBe("<svg/>");
    expect(await run("report", "--year", "2026", "--xlsx", file, "--charts", charts, "--force")).toBeNull();
    expect(readFileSync(file).subarray(0, 2).toString()).toBe("PK");
    expect(readFileSync(join(charts, "mcu-cao-diem.svg"), "utf8")).not.toBe("<svg/>");
  });
});

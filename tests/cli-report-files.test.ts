import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CliError } from "../src/app/cli/commands.js";
import { tempDir } from "./helpers.js";
import { cliOnSampleDesk } from "./support/cli-here.js";

/** `report --xlsx/--charts` to a path that cannot be written: the operator reads why, in Vietnamese, and no summary. */
describe("CLI report files", () => {
  it("an --xlsx in a folder that does not exist is a CliError naming the path, not «Lỗi hệ thống»", async () => {
    const { run, lines } = await cliOnSampleDesk();
    const file = join(tempDir(), "khong-co", "bao-cao.xlsx");
    const err = await run("report", "--year", "2026", "--xlsx", file);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toBe(
      `Không ghi được «${file}»: thư mục chứa nó không tồn tại. Hãy chọn đường dẫn khác.`,
    );
    expect((err as CliError).exitCode).toBe(1);
    expect(lines).toEqual([]);
  });

  it("--charts under a file is refused the same way; a good path still writes and says so", async () => {
    const { run, lines } = await cliOnSampleDesk();
    const file = join(tempDir(), "tep.txt");
    writeFileSync(file, "x");
    const err = await run("report", "--year", "2026", "--charts", join(file, "bieu-do"));
    expect((err as CliError).message).toBe(
      `Không ghi được «${join(file, "bieu-do")}»: một phần của đường dẫn không phải thư mục. Hãy chọn đường dẫn khác.`,
    );
    const ok = join(tempDir(), "bieu-do");
    expect(await run("report", "--year", "2026", "--charts", ok)).toBeNull();
    expect(lines.join("\n")).toContain(`Đã ghi 4 biểu đồ SVG vào ${ok}`);
  });
});

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers.js";
import { cliHere } from "./support/cli-here.js";

// Found by trying the CLI as a technician: a mistyped option was answered with node's parseArgs message in English.

const ENGLISH =
  /Unknown option|argument missing|does not take an argument|ambiguous|Unexpected argument|positional/;

describe("a mistyped option is answered in Vietnamese", () => {
  const cases: [string[], string][] = [
    [["booking", "list", "--bogus"], "Không có tùy chọn --bogus."],
    [["schedule", "--date"], "Tùy chọn --date cần một giá trị"],
    [["booking", "list", "--json=yes"], "Tùy chọn --json không nhận giá trị."],
    [["booking", "list", "--page", "-1"], "Giá trị của --page bắt đầu bằng dấu «-»"],
    [["db", "copy", "--from"], "Tùy chọn --from cần một giá trị"],
  ];
  for (const [argv, said] of cases) {
    it(argv.join(" "), async () => {
      const { error } = await cliHere(argv, { DESK_DB: join(tempDir(), "desk.db") });
      expect(error?.exitCode).toBe(2);
      expect(error?.message).toContain(said);
      expect(error?.message).not.toMatch(ENGLISH);
    });
  }
});

describe("a report period half given", () => {
  it("«report --from 2026-12-01» says --to is missing, not that «» is no date", async () => {
    const { error } = await cliHere(["report", "--from", "2026-12-01"], {
      DESK_DB: join(tempDir(), "desk.db"),
    });
    expect(error?.message).toContain("Thiếu --to; hãy cho cả --from và --to");
    expect(error?.message).not.toContain("«»");
  });
});

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, USAGE } from "../src/app/cli/commands.js";
import { loadConfig, ROOT } from "../src/app/config.js";
import { tempDir } from "./helpers.js";

/** `--help` after a command, as an operator types it: the command's lines of the usage, exit code 0. */
describe("CLI --help after a command", () => {
  const config = loadConfig({ DESK_DB: join(tempDir(), "never-opened.db") });
  const help = async (...argv: string[]) => {
    const lines: string[] = [];
    await runCli(argv, config, { out: (t) => lines.push(t), now: () => new Date() });
    return lines.join("\n");
  };

  it("report --help prints how to ask for a report, not «Không có tùy chọn --help»", async () => {
    const out = await help("report", "--help");
    expect(out).toContain("Cách dùng: npm run cli -- <lệnh> [tùy chọn]");
    expect(out).toContain("report (--from NGÀY --to NGÀY | --half 2026H1 | --year 2026)");
    expect(out).toContain("[--json] [--xlsx TỆP.xlsx] [--charts THƯ_MỤC]");
    expect(out).not.toContain("booking list");
  });

  it("booking --help lists every booking subcommand; booking show -h only that one", async () => {
    const all = await help("booking", "--help");
    for (const sub of ["list", "show", "review", "cancel", "move", "declassify"])
      expect(all).toContain(`  booking ${sub}`);
    expect(all).not.toContain("  schedule");
    const show = await help("booking", "show", "-h");
    expect(show).toContain("  booking show MÃ");
    expect(show).not.toContain("booking cancel");
  });

  it("schedule --help, mail quarantine --help, truc --help: each its own lines", async () => {
    expect(await help("schedule", "--help")).toContain("  schedule [--date NGÀY]");
    expect(await help("mail", "quarantine", "--help")).toContain("  mail quarantine export MÃ TỆP");
    expect(await help("truc", "--help")).toContain("  truc nhap TỆP.csv");
  });

  it("--help alone still prints the whole usage", async () => {
    expect(await help("--help")).toBe(USAGE);
  });

  it("doctor --help from the command line prints the usage and runs no check", () => {
    const res = spawnSync(
      process.execPath,
      ["--import", "tsx", join(ROOT, "src/app/cli/main.ts"), "doctor", "--help"],
      {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, DESK_DB: join(tempDir(), "never-opened.db") },
      },
    );
    expect(res.status).toBe(0);
    expect(res.stdout).toContain("doctor");
    expect(res.stdout).toContain("Cách dùng: npm run cli -- <lệnh> [tùy chọn]");
    expect(res.stdout).not.toContain("Kiểm tra sức khỏe");
  });
});

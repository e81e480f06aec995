import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { loadConfig, ROOT } from "../src/app/config.js";
import { runDueJobs, sessionJobHandlers } from "../src/app/scheduler.js";
import { at, makeDesk, request, sampleDirectory, tempDir } from "./helpers.js";
import { cliHere } from "./support/cli-here.js";

function run(script: string, args: string[], env: Record<string, string> = {}) {
  const res = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  return { code: res.status, out: res.stdout, err: res.stderr };
}
const cli = (args: string[], env: Record<string, string> = {}) => run("src/app/cli/main.ts", args, env);

/** zod's default English, as it would reach the operator. */
const ZOD_ENGLISH = /Invalid|expected|received|Too (small|big)/;

describe("npm run demo, read by a person", () => {
  it("prints events in time order, in Vietnamese, without colour codes when piped, with times in the schedule", () => {
    const res = run("src/app/demo.ts", [], { DESK_DB: ":memory:" });
    expect(res.code).toBe(0);
    const out = res.out;
    // stdout is a pipe here, not a terminal.
    expect(out).not.toContain("\x1b[");
    for (const english of ["registered", "mcu-technician", "wan-duty", "support-group", "technical-check"]) {
      expect(out).not.toContain(english);
    }
    expect(out).toContain("(đọc thư: đã ghi nhận đăng ký HTT-2026-0006)");
    const stamps = [...out.matchAll(/^\[(\d\d):(\d\d) [^,\]]+, (\d\d)\/(\d\d)\/(\d{4})\]/gm)].map(
      ([, h, m, d, mo, y]) => `${y}-${mo}-${d} ${h}:${m}`,
    );
    expect(stamps.length).toBeGreaterThan(15);
    expect(stamps).toEqual([...stamps].sort());
    // The follow-up of the 08/12 session came due while the demo skipped ahead: it is over, nobody is pinged.
    expect(out).not.toContain("[HTT-2026-0003] Chưa xác nhận sẵn sàng");
    const schedule = out.slice(out.indexOf("Lịch ngày 10/12/2026:")).split("\n").slice(1, 5);
    expect(schedule).toHaveLength(4);
    for (const line of schedule) expect(line).toMatch(/^ {2}\d\d:\d\d–\d\d:\d\d {2}HTT-2026-\d{4} /);
    expect(schedule[0]).toContain("09:00–11:00  HTT-2026-0001");
  }, 90_000);
});

describe("a reminder for a session already over", () => {
  it("is not sent when its timer comes due after the end (the service was down)", async () => {
    const desk = await makeDesk();
    const b = await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    expect(b.duplicate ? null : b.decision.outcome).toBe("confirmed");
    // Nothing ran until after the session of 09:00–11:00 on 10/12.
    await runDueJobs(desk, sessionJobHandlers(desk), at("2026-12-10", "12:00"));
    const sent = await desk.store.read((r) => r.outbox.list());
    expect(sent.filter((m) => ["technical-check", "check-missing", "check-ping"].includes(m.kind))).toEqual(
      [],
    );
  });
});

describe("CLI polish", () => {
  it("booking list and schedule count a session's endpoints the same way; jobs speak Vietnamese", async () => {
    const db = join(tempDir(), "cli.db");
    const desk = await makeDesk({}, db);
    await desk.store.tx((r) => r.directory.replaceAll(sampleDirectory));
    // Sở Công Thương hosts from its own endpoint SCT-01 with two communes: three endpoints.
    const b = await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    desk.store.close();
    const env = { DESK_DB: db };
    const list = await cliHere(["booking", "list", "--from", "2026-12-10", "--to", "2026-12-10"], env);
    const schedule = await cliHere(["schedule", "--date", "2026-12-10"], env);
    const row = (out: string) => out.split("\n").find((l) => l.includes(b.code!))!;
    expect(row(list.out).trimEnd().endsWith("  3")).toBe(true);
    expect(row(schedule.out).trimEnd().endsWith("  3")).toBe(true);

    const jobs = await cliHere(["jobs"], env);
    expect(jobs.error).toBeNull();
    expect(jobs.out).toContain("kiểm tra kỹ thuật trước phiên họp (Điều 12.2b)");
    expect(jobs.out).toContain("nhắc điểm cầu xác nhận sẵn sàng");
    expect(jobs.out).toContain("đang chờ");
    expect(jobs.out).not.toMatch(/technical-check|pending/);
  });

  it("--from later than --to is a usage error with a Vietnamese message", async () => {
    const res = await cliHere(["booking", "list", "--from", "2026-12-31", "--to", "2026-12-01"], {
      DESK_DB: join(tempDir(), "cli.db"),
    });
    expect(res.error?.exitCode).toBe(2);
    expect(res.error?.message).toBe(
      "Khoảng ngày không hợp lệ: --from 2026-12-31 sau --to 2026-12-01. Hãy đặt ngày bắt đầu trước hoặc bằng ngày kết thúc.",
    );
  });

  it("a configuration error reaches the operator in Vietnamese, naming the variable and value", () => {
    const res = cli(["jobs"], { DESK_DB: join(tempDir(), "x.db"), DESK_MCU_PORTS: "nhiều" });
    expect(res.code).toBe(1);
    expect(res.err).toContain("- DESK_MCU_PORTS=«nhiều»: phải là một số.");
    expect(res.err).not.toMatch(ZOD_ENGLISH);
    const many = (() => {
      try {
        loadConfig({
          DESK_MCU_PORTS: "1.5",
          DESK_MCU_CONFERENCES: "0",
          DESK_IMAP_AFTER: "delete",
          DESK_MCU_LOSS_THRESHOLD: "200",
          DESK_MESSAGE_ID_DOMAIN: "a",
          DESK_SMTP_PASSWORD: "",
          DESK_ZALO_WEBHOOK_SECRET: "no",
        });
      } catch (err) {
        return (err as Error).message;
      }
      return "";
    })();
    expect(many).not.toMatch(ZOD_ENGLISH);
    expect(many).toContain("- DESK_MCU_PORTS=«1.5»: phải là số nguyên.");
    expect(many).toContain("- DESK_MCU_CONFERENCES=«0»: phải lớn hơn 0.");
    expect(many).toContain("- DESK_IMAP_AFTER=«delete»: phải là một trong các giá trị: flag, move.");
    expect(many).toContain("- DESK_MCU_LOSS_THRESHOLD=«200»: phải nhỏ hơn hoặc bằng 100.");
    expect(many).toContain("- DESK_MESSAGE_ID_DOMAIN=«a»: phải có ít nhất 3 ký tự.");
    // A secret's value is never echoed, even when wrong.
    expect(many).toContain("- DESK_ZALO_WEBHOOK_SECRET: ");
    expect(many).not.toContain("«no»");
  }, 30_000);

  it("the README's configuration table lists every variable config.ts reads, and no longer says channels come later", () => {
    const vars = new Set(readFileSync(join(ROOT, "src/app/config.ts"), "utf8").match(/\bDESK_[A-Z0-9_]+\b/g));
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const table = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("## Architecture"));
    expect([...vars].filter((v) => !table.includes(`\`${v}\``))).toEqual([]);
    expect(readme).not.toContain("được bổ sung ở các bước tiếp theo");
  });
});

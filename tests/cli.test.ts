import { spawnSync } from "node:child_process";
import { cpSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../src/app/config.js";
import { SAMPLE_DIR, TEST_DIALECT, tempDir, testDb } from "./helpers.js";

/** A test that never opens the store (or opens an in-memory SQLite): the pg project does not run it again. */
const storeFree = it.skipIf(TEST_DIALECT === "pg");

function cli(args: string[], env: Record<string, string> = {}) {
  const res = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/app/cli/main.ts"), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

describe("CLI", () => {
  it("imports, checks and lists, with Vietnamese output", async () => {
    const db = await testDb(join(tempDir(), "cli.db"));
    const imp = cli(["directory", "import", SAMPLE_DIR], { DESK_DB: db });
    expect(imp).toMatchObject({ code: 0, out: "Đã nhập 149 cơ quan, 161 điểm cầu, 327 người.\n" });
    expect(cli(["directory", "check"], { DESK_DB: db }).out).toBe(
      "Danh bạ không có vi phạm nào theo Điều 7, 10 và 19.3.\n",
    );
    expect(cli(["booking", "list"], { DESK_DB: db }).out).toBe("Không có lịch họp nào trong khoảng này.\n");
    expect(cli(["schedule", "--date", "2026-12-10"], { DESK_DB: db }).out).toContain(
      "Không có phiên họp nào.",
    );
  }, 90_000); // several tsx processes: slow on a loaded machine

  storeFree("directory check --directory --json reads a CSV folder without touching the store", () => {
    const dir = tempDir();
    cpSync(SAMPLE_DIR, dir, { recursive: true });
    writeFileSync(
      join(dir, "endpoints.csv"),
      "code,name,level,agency,aliases,control,vpn_token\nSCT-01,Sở Công Thương,city,Sở Công Thương,,no,\nSCT-02,Sở Công Thương 2,city,Sở Công Thương,,no,\nSCT-03,Sở Công Thương 3,city,Sở Công Thương,,yes,\n",
    );
    writeFileSync(join(dir, "people.csv"), "name,phone,email,endpoint,role\n");
    const db = join(tempDir(), "untouched.db");
    const res = cli(["directory", "check", "--directory", dir, "--json"], { DESK_DB: db });
    expect(res.code).toBe(0);
    const items = JSON.parse(res.out) as {
      article: string;
      agency: string;
      endpoints: string[];
      message: string;
    }[];
    expect(items[0]).toEqual({
      article: "7.1",
      agency: "Sở Công Thương",
      endpoints: ["SCT-01", "SCT-02", "SCT-03"],
      message: "Sở Công Thương có 3 điểm cầu cấp Thành phố, vượt mức tối đa 2.",
    });
    expect(items.map((i) => i.article)).toContain("10.2");
    expect(items.filter((i) => i.article === "19.3")).toHaveLength(6);
    expect(existsSync(db)).toBe(false);
  });

  it("exits non-zero with a message a person can act on", async () => {
    const db = await testDb(join(tempDir(), "cli.db"));
    const bad = cli(["booking", "list", "--from", "10/12/2026"], { DESK_DB: db });
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("hãy dùng dạng YYYY-MM-DD");
    const unknown = cli(["frobnicate"], { DESK_DB: db });
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("Lệnh «frobnicate» không tồn tại.");
    const missing = cli(["directory", "import", "/nonexistent"], { DESK_DB: db });
    expect(missing.code).toBe(1);
    expect(missing.err).toContain(
      "agencies.csv, dòng 0, cột -: không tìm thấy tệp trong thư mục /nonexistent.",
    );
    const config = cli(["jobs"], { DESK_DB: db, DESK_MCU_PORTS: "nhiều" });
    expect(config.code).toBe(1);
    expect(config.err).toContain("DESK_MCU_PORTS");
    expect(cli(["booking", "show", "HTT-2026-9999"], { DESK_DB: db }).err).toBe(
      "Không tìm thấy lịch họp HTT-2026-9999.\n",
    );
  }, 90_000);

  storeFree(
    "mail parse and booking decide print one JSON line per file",
    () => {
      const fx = join(ROOT, "tests/fixtures/mail");
      const files = ["s01-template.eml", "s06-auto-reply.eml"].map((f) => join(fx, f));
      const parsed = cli(["mail", "parse", "--directory", SAMPLE_DIR, "--json", ...files]);
      const lines = parsed.out
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(Object.keys(lines[0])).toEqual([
        "file",
        "host",
        "participants",
        "unresolved",
        "start",
        "end",
        "title",
        "contact",
        "emergency",
        "recording",
        "cityHallRoom",
        "secret",
        "autoReply",
        "missing",
      ]);
      expect(lines[1]).toMatchObject({ autoReply: true });
      const decided = cli([
        "booking",
        "decide",
        "--directory",
        SAMPLE_DIR,
        "--json",
        files[0]!,
        files[0]!,
        files[1]!,
      ]);
      expect(
        decided.out
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l)),
      ).toEqual([
        { file: files[0], decision: "confirmed", code: "HTT-2026-0001", reasons: [], displaced: [] },
        // The same Message-ID again is a redelivery: nothing is done twice.
        { file: files[0], decision: "ignored", code: null, reasons: [], displaced: [] },
        { file: files[1], decision: "ignored", code: null, reasons: [], displaced: [] },
      ]);
      expect(cli(["mail", "parse", "--directory", SAMPLE_DIR, "/khong/co.eml"]).err).toContain(
        "Không đọc được «/khong/co.eml»: không có tệp này. Hãy kiểm tra lại đường dẫn.",
      );
    },
    90_000,
  );
});

describe("npm run demo (the README's first command)", () => {
  storeFree(
    "narrates a day end to end without credentials or network",
    () => {
      const res = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/app/demo.ts")], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, DESK_DB: ":memory:" },
      });
      expect(res.status).toBe(0);
      for (const line of [
        "Lịch họp HTT-2026-0001: ĐÃ XÁC NHẬN.",
        "KHÔNG BỐ TRÍ ĐƯỢC",
        "phải chuyển sang chờ xem xét lại",
        "Hệ thống phát hiện sự cố SC-2026-0001 (đường truyền)",
        "Đã tiếp nhận phản ánh sự cố SC-2026-0002 (âm thanh); đã chuyển Kỹ thuật MCU.",
        "Sự cố mới SC-2026-0002 (âm thanh) tại CX-00004",
        "[HTT-2026-0003] Phiên họp bắt đầu (08:00–09:30 Thứ Ba, 08/12/2026): đã kết nối 3/3 điểm cầu.",
        "Các lệnh đã gửi tới MCU: tạo phòng HTT-2026-0003",
        "tạo phòng HTT-2026-0008",
      ]) {
        expect(res.stdout).toContain(line);
      }
      // Every confirmed session of the day runs: the 08/12 one was told as missed «while the desk was down».
      expect(res.stdout).not.toContain("mà không được mở trên MCU");
      // Điều 5.2: the secret session's content never reaches the group or the answer.
      expect(res.stdout).not.toContain("Phương án bảo vệ mục tiêu trọng điểm");
    },
    60_000,
  );
});

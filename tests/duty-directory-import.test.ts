import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../src/app/config.js";
import { makeDesk, SAMPLE_DIR, sampleDirectory, tempDir } from "./helpers.js";
import { cliHere } from "./support/cli-here.js";

/** The duty roster travels with the directory: DIR/duty.csv (the `truc nhap` format), or `--truc FILE.csv`. */
const SAMPLE_DUTY = readFileSync(join(ROOT, "data/sample-duty.csv"), "utf8");

function folder(duty?: string): string {
  const dir = tempDir();
  cpSync(SAMPLE_DIR, dir, { recursive: true });
  if (duty !== undefined) writeFileSync(join(dir, "duty.csv"), duty);
  return dir;
}

async function emptyDesk() {
  const db = join(tempDir(), "desk.db");
  const desk = await makeDesk({}, db);
  desk.store.close();
  return db;
}

const now = new Date("2026-12-09T03:00:00Z");

describe("directory import with a duty roster", () => {
  it("loads DIR/duty.csv with the directory, and says how many shifts", async () => {
    const db = await emptyDesk();
    const res = await cliHere(["directory", "import", folder(SAMPLE_DUTY)], { DESK_DB: db }, now);
    expect(res.error).toBeNull();
    expect(res.out).toContain(`${sampleDirectory.people.length} người, 19 ca trực.`);
    const lich = await cliHere(["truc", "lich"], { DESK_DB: db }, now);
    expect(lich.out.split("\n")[0]).toBe("Kỹ thuật MCU\tThứ Hai\t07:00–19:00\tBùi Ngọc Giang");
    expect(lich.out.trim().split("\n")).toHaveLength(19);
  });

  it("accepts the roster as --truc FILE.csv beside a folder without one", async () => {
    const db = await emptyDesk();
    const file = join(tempDir(), "lich.csv");
    writeFileSync(file, "role,weekday,from,to,person\nwan,4,00:00,23:59,Đỗ Văn Khánh\n");
    const res = await cliHere(["directory", "import", folder(), "--truc", file], { DESK_DB: db }, now);
    expect(res.error).toBeNull();
    expect(res.out).toContain("1 ca trực.");
    expect((await cliHere(["truc", "lich"], { DESK_DB: db }, now)).out).toContain("Đỗ Văn Khánh");
  });

  it("a bad roster row imports nothing, neither the directory nor the roster, and says which row in Vietnamese", async () => {
    const db = await emptyDesk();
    const dir = folder(`${SAMPLE_DUTY.trim()}\nmcu,9,07:00,19:00,Bùi Ngọc Giang\nkho,1,07:00,19:00,Ai Đó\n`);
    const res = await cliHere(["directory", "import", dir], { DESK_DB: db }, now);
    const rows = SAMPLE_DUTY.trim().split("\n").length;
    expect(res.error?.message).toBe(
      `Lịch trực ${join(dir, "duty.csv")} không hợp lệ, không nhập gì (cả danh bạ):\n` +
        `Dòng ${rows + 1}: thứ «9» phải từ 1 (Thứ Hai) đến 7 (Chủ nhật).\n` +
        `Dòng ${rows + 2}: vai trò «kho» phải là mcu hoặc wan.`,
    );
    const check = await cliHere(["directory", "check", "--json"], { DESK_DB: db }, now);
    expect(check.error?.message).toContain("Danh bạ trong cơ sở dữ liệu đang trống");
    expect((await cliHere(["truc", "lich"], { DESK_DB: db }, now)).out).toContain("Chưa có lịch trực tuần");
  });

  it("a roster naming someone the new directory lacks in that role rolls the directory back too", async () => {
    const db = await emptyDesk();
    const dir = folder(`${SAMPLE_DUTY.trim()}\nwan,1,07:00,19:00,Bùi Ngọc Giang\n`);
    const res = await cliHere(["directory", "import", dir], { DESK_DB: db }, now);
    expect(res.error?.message).toBe(
      `Không nhập danh bạ: lịch trực ${join(dir, "duty.csv")} nêu người không có trong danh bạ mới với vai trò tương ứng: Bùi Ngọc Giang (Trực ban mạng WAN).`,
    );
    const check = await cliHere(["directory", "check", "--json"], { DESK_DB: db }, now);
    expect(check.error?.message).toContain("Danh bạ trong cơ sở dữ liệu đang trống");
    expect((await cliHere(["truc", "lich"], { DESK_DB: db }, now)).out).toContain("Chưa có lịch trực tuần");
  });
});

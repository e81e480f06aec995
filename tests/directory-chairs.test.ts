import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { loadHolidayCalendar } from "../src/app/config.js";
import type { Desk } from "../src/app/desk.js";
import { readDirectoryCsv } from "../src/app/directory/csv.js";
import { PRIORITY } from "../src/core/booking/types.js";
import { chairWarnings, checkDirectory } from "../src/core/directory/check.js";
import type { Directory } from "../src/core/directory/types.js";
import { DEFAULT_REGULATION } from "../src/core/regulation.js";
import { at, CALENDAR_DIR, openTestStore, request, SAMPLE_DIR, sampleDirectory, tempDir } from "./helpers.js";
import { cliHere } from "./support/cli-here.js";

/** The sample directory kept the way the README documents it: agencies.csv with only name, mailboxes, aliases. */
function threeColumnDir(): string {
  const dir = tempDir();
  cpSync(SAMPLE_DIR, dir, { recursive: true });
  const lines = readFileSync(join(dir, "agencies.csv"), "utf8").trimEnd().split("\n");
  writeFileSync(
    join(dir, "agencies.csv"),
    `${lines.map((l) => l.split(",").slice(0, 3).join(",")).join("\n")}\n`,
  );
  return dir;
}

async function deskOver(dir: Directory): Promise<Desk> {
  const store = await openTestStore(join(tempDir(), "desk.db"));
  await store.tx((r) => r.directory.replaceAll(dir));
  return { store, reg: DEFAULT_REGULATION, holidays: loadHolidayCalendar(CALENDAR_DIR) };
}

describe("the directory knows its chairs (Điều 7.1, 11.1)", () => {
  it("infers every agency's kind from its name when agencies.csv has only the three documented columns", () => {
    const dir = readDirectoryCsv(threeColumnDir());
    const kind = (name: string) => dir.agencies.find((a) => a.name === name)?.kind;
    expect(kind("Thành ủy Hà Nội")).toBe("party");
    expect(kind("HĐND thành phố Hà Nội")).toBe("council");
    expect(kind("UBND thành phố Hà Nội")).toBe("government");
    expect(kind("Đoàn đại biểu Quốc hội thành phố Hà Nội")).toBe("assembly");
    // Not chairs, though their names contain one.
    expect(kind("Văn phòng UBND thành phố Hà Nội")).toBe("department");
    expect(kind("UBND phường Ngọc Hà")).toBe("commune");
    // The whole sample directory: every inferred kind is the one recorded in the full file.
    expect(dir.agencies.map((a) => [a.name, a.kind])).toEqual(
      sampleDirectory.agencies.map((a) => [a.name, a.kind]),
    );
  });

  it("an empty kind cell is inferred from the aliases too", () => {
    const dir = tempDir();
    cpSync(SAMPLE_DIR, dir, { recursive: true });
    const text = readFileSync(join(dir, "agencies.csv"), "utf8")
      .replace(",council,,", ",,,")
      .replace(
        "UBND thành phố Hà Nội,vanthu.ubnd@hanoi.gov.vn,UBND Thành phố|Ủy ban nhân dân thành phố Hà Nội,government,,,",
        "Ủy ban thành phố,vanthu.ubnd@hanoi.gov.vn,UBND TP,,,,",
      )
      // Văn phòng UBND's notifies_for names the renamed chair.
      .replace(/,UBND thành phố Hà Nội$/m, ",Ủy ban thành phố");
    writeFileSync(join(dir, "agencies.csv"), text);
    writeFileSync(
      join(dir, "endpoints.csv"),
      readFileSync(join(dir, "endpoints.csv"), "utf8").replace(
        /,UBND thành phố Hà Nội,/g,
        ",Ủy ban thành phố,",
      ),
    );
    const parsed = readDirectoryCsv(dir);
    expect(parsed.agencies.find((a) => a.name === "HĐND thành phố Hà Nội")?.kind).toBe("council");
    expect(parsed.agencies.find((a) => a.name === "Ủy ban thành phố")?.kind).toBe("government");
  });

  it("headquarters of Thành ủy, HĐND and UBND have no endpoint limit; Đoàn ĐBQH and a Sở do", () => {
    const dir = readDirectoryCsv(threeColumnDir());
    expect(checkDirectory(dir, DEFAULT_REGULATION)).toEqual([]);
    const more = structuredClone(dir);
    for (const agency of [
      "UBND thành phố Hà Nội",
      "Thành ủy Hà Nội",
      "Đoàn đại biểu Quốc hội thành phố Hà Nội",
    ]) {
      const first = more.endpoints.find((e) => e.agency === agency)!;
      for (const n of [7, 8, 9])
        more.endpoints.push({ ...first, code: `${first.code}-X${n}`, control: false });
    }
    const quota = checkDirectory(more, DEFAULT_REGULATION).filter((v) => v.article === "7.1");
    expect(quota.map((v) => [v.agency, v.endpoints.length])).toEqual([
      ["Đoàn đại biểu Quốc hội thành phố Hà Nội", 4],
    ]);
  });

  it("a chair registered from a three-column directory gets its priority and displaces a normal session", async () => {
    const desk = await deskOver(readDirectoryCsv(threeColumnDir()));
    try {
      const sct = await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
      expect(sct.duplicate ? null : sct.decision.outcome).toBe("confirmed");
      const ubnd = await registerBooking(
        desk,
        request({
          host: "UBND thành phố Hà Nội",
          sender: "vanthu.ubnd@hanoi.gov.vn",
          title: "Giao ban trực tuyến",
          receivedAt: at("2026-12-09", "20:00"),
        }),
        { now: at("2026-12-09", "20:00") },
      );
      if (ubnd.duplicate) throw new Error("unexpected duplicate");
      expect(ubnd.decision.priority).toBe(PRIORITY.chair);
      // A chair notifies (no 24-hour lead time) and takes the endpoints of the normal session.
      expect(ubnd.decision.outcome).toBe("confirmed");
      expect(ubnd.decision.displaced).toEqual([sct.code]);
    } finally {
      desk.store.close();
    }
  });

  it("directory check warns when a name looks like a chair and its kind says otherwise", async () => {
    const dir = tempDir();
    cpSync(SAMPLE_DIR, dir, { recursive: true });
    writeFileSync(
      join(dir, "agencies.csv"),
      readFileSync(join(dir, "agencies.csv"), "utf8").replace(
        "Ủy ban nhân dân thành phố Hà Nội,government,,",
        "Ủy ban nhân dân thành phố Hà Nội,department,,",
      ),
    );
    const warnings = chairWarnings(readDirectoryCsv(dir));
    expect(warnings.map((w) => [w.article, w.agency])).toEqual([["11.1", "UBND thành phố Hà Nội"]]);
    expect(chairWarnings(sampleDirectory)).toEqual([]);
    const res = await cliHere(["directory", "check", "--directory", dir]);
    expect(res.error).toBeNull();
    expect(res.out).toContain("Cảnh báo (Điều 11.1)");
    const imported = await cliHere(["directory", "import", dir], { DESK_DB: join(tempDir(), "w.db") });
    expect(imported.out).toContain(
      "Có 1 cảnh báo về cơ quan chủ trì (Điều 11.1): chạy «directory check» để xem.",
    );
    expect(res.out).toContain(
      "Tên «UBND thành phố Hà Nội» giống cơ quan chủ trì UBND Thành phố (kind government) nhưng cột kind ghi «department»",
    );
  }, 30_000);

  it("directory check --directory works without people.csv and says every endpoint lacks its staff", async () => {
    const dir = tempDir();
    cpSync(SAMPLE_DIR, dir, { recursive: true });
    rmSync(join(dir, "people.csv"));
    const json = await cliHere(["directory", "check", "--directory", dir, "--json"]);
    expect(json.error).toBeNull();
    const items = JSON.parse(json.out) as { article: string; endpoints: string[]; message: string }[];
    const staff = items.filter((i) => i.article === "19.3");
    expect(staff).toHaveLength(2 * sampleDirectory.endpoints.length);
    expect(staff[0]!.message).toMatch(/có 0 (lãnh đạo phụ trách|cán bộ kỹ thuật)/);
    const text = await cliHere(["directory", "check", "--directory", dir]);
    expect(text.error).toBeNull();
    expect(text.out).toContain("Không có tệp people.csv trong");
    expect(text.out).toContain("mọi điểm cầu đều chưa có lãnh đạo phụ trách và cán bộ kỹ thuật (Điều 19.3).");
    expect(text.out).toContain(`Tổng cộng ${2 * sampleDirectory.endpoints.length} vi phạm.`);
  }, 30_000);
});

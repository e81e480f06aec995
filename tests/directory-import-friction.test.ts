import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { registerBooking } from "../src/app/booking/index.js";
import { CliError } from "../src/app/cli/commands.js";
import { directoryToCsv, readDirectoryCsv } from "../src/app/directory/csv.js";
import { importDirectory } from "../src/app/directory/import.js";
import { at, makeDesk, request, sampleDirectory, tempDir } from "./helpers.js";
import { cliHere } from "./support/cli-here.js";
import { copySample, edit, problemsOf } from "./support/directory-csv.js";

/** Excel with Vietnamese regional settings: `;` between fields, commas left inside values. */
function toSemicolons(text: string): string {
  return text
    .split("\n")
    .map((line) => line.split(",").join(";"))
    .join("\n");
}

describe("directory import friction an operator meets", () => {
  it("reads a semicolon-separated export of Excel's Vietnamese locale", () => {
    const dir = copySample();
    for (const f of ["agencies.csv", "endpoints.csv", "people.csv"]) edit(dir, f, toSemicolons);
    expect(readFileSync(join(dir, "agencies.csv"), "utf8")).toMatch(/^name;mailboxes;aliases;kind/);
    expect(readDirectoryCsv(dir)).toEqual(sampleDirectory);
  });

  it("a semicolon file with a comma inside a value keeps the value whole", () => {
    const dir = copySample();
    edit(dir, "endpoints.csv", (t) =>
      toSemicolons(t).replace("SNV-01;Sở Nội vụ;city", '"SNV-01";"Sở Nội vụ, phòng họp tầng 3";city'),
    );
    const parsed = readDirectoryCsv(dir);
    expect(parsed.endpoints.find((e) => e.code === "SNV-01")?.name).toBe("Sở Nội vụ, phòng họp tầng 3");
  });

  it("a renamed column gives exactly one error, naming it, not one per line", () => {
    const dir = copySample();
    edit(dir, "agencies.csv", (t) => t.replace(/^name,mailboxes,aliases/, "name,mailbox,aliases"));
    expect(problemsOf(dir)).toEqual([
      "agencies.csv, dòng 1, cột mailboxes: thiếu cột bắt buộc; cột «mailbox» có lẽ là cột này bị đổi tên: hãy đặt lại tiêu đề «mailboxes».",
    ]);
  });

  it("a missing column gives one error, and the files that refer to it are not blamed line by line", () => {
    const dir = copySample();
    edit(dir, "endpoints.csv", (t) =>
      t
        .split("\n")
        .map((l) => l.split(",").slice(0, 4).concat(l.split(",").slice(5)).join(","))
        .join("\n"),
    );
    expect(problemsOf(dir)).toEqual(["endpoints.csv, dòng 1, cột aliases: thiếu cột bắt buộc."]);
  });

  it("the export starts with a UTF-8 BOM so Excel shows the accents, and reads back unchanged", () => {
    const files = directoryToCsv(sampleDirectory);
    const dir = tempDir();
    for (const [file, text] of Object.entries(files)) {
      expect(text.charCodeAt(0)).toBe(0xfeff);
      writeFileSync(join(dir, file), text);
      expect([...readFileSync(join(dir, file)).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    }
    expect(readDirectoryCsv(dir)).toEqual(sampleDirectory);
  });

  it("refuses an import that removes an endpoint a future booking uses, naming it; --force imports", async () => {
    const desk = await makeDesk();
    const booked = await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    const past = await registerBooking(
      desk,
      request({
        start: at("2026-12-08", "09:00"),
        end: at("2026-12-08", "10:00"),
        participants: ["CX-00025"],
        receivedAt: at("2026-12-06", "08:00"),
      }),
      { now: at("2026-12-06", "08:00") },
    );
    const smaller = structuredClone(sampleDirectory);
    smaller.endpoints = smaller.endpoints.filter((e) => e.code !== "CX-00008" && e.code !== "CX-00025");
    smaller.people = smaller.people.filter((p) => p.endpoint !== "CX-00008" && p.endpoint !== "CX-00025");
    const now = at("2026-12-09", "10:00");
    const refused = await importDirectory(desk.store, smaller, { now, force: false });
    expect(refused).toEqual({
      imported: false,
      orphaned: [
        { code: booked.code, start: at("2026-12-10", "09:00"), endpoints: ["CX-00008", "CX-00025"] },
      ],
    });
    // The session of 08/12 is over: losing its endpoint harms nobody.
    expect(refused.orphaned.map((o) => o.code)).not.toContain(past.code);
    expect(await desk.store.read((r) => r.directory.load())).toEqual(sampleDirectory);
    const forced = await importDirectory(desk.store, smaller, { now, force: true });
    expect(forced.imported).toBe(true);
    expect((await desk.store.read((r) => r.directory.load())).endpoints).toHaveLength(
      sampleDirectory.endpoints.length - 2,
    );
  });

  it("the CLI says which bookings block the import and how to go on", async () => {
    const db = join(tempDir(), "cli.db");
    const desk = await makeDesk({}, db);
    await desk.store.tx((r) => r.directory.replaceAll(sampleDirectory));
    const b = await registerBooking(desk, request(), { now: at("2026-12-07", "08:30") });
    desk.store.close();
    const dir = copySample();
    edit(dir, "endpoints.csv", (t) =>
      t
        .split("\n")
        .filter((l) => !l.startsWith("CX-00008,"))
        .join("\n"),
    );
    edit(dir, "people.csv", (t) =>
      t
        .split("\n")
        .filter((l) => !l.includes(",CX-00008,"))
        .join("\n"),
    );
    const now = at("2026-12-09", "10:00");
    const refused = await cliHere(["directory", "import", dir], { DESK_DB: db }, now);
    expect(refused.error).toBeInstanceOf(CliError);
    expect(refused.error?.exitCode).toBe(1);
    expect(refused.error?.message).toBe(
      "Không nhập danh bạ: danh bạ mới bỏ điểm cầu mà lịch họp sắp tới còn dùng:\n" +
        `- ${b.code} (09:00 Thứ Năm, 10/12/2026): CX-00008\n` +
        "Hãy đổi hoặc hủy các lịch họp này trước, hoặc chạy lại với --force nếu chắc chắn.",
    );
    const forced = await cliHere(["directory", "import", dir, "--force"], { DESK_DB: db }, now);
    expect(forced.error).toBeNull();
    expect(forced.out).toContain(`Đã nhập 149 cơ quan, ${sampleDirectory.endpoints.length - 1} điểm cầu`);
    expect(forced.out).toContain(`Đã nhập dù các lịch họp sau mất điểm cầu (--force):\n- ${b.code}`);
  });
});

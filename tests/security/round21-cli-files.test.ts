/**
 * Round 21, the CLI's file arguments: a roster, a mail or a directory's roster named wrongly (missing, a folder, a
 * device) stopped with «Lỗi hệ thống không mong đợi: ENOENT: no such file or directory» and a stack; a roster saved
 * by Excel in Windows-1258 was read as UTF-8 and refused for names it garbled, its encoding never named.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CliError } from "../../src/app/cli/commands.js";
import { SAMPLE_DIR, tempDir } from "../helpers.js";
import { cliOnSampleDesk } from "../support/cli-here.js";

const ROSTER = "role,weekday,from,to,person\nmcu,1,07:30,17:30,Bùi Ngọc Giang\n";

/** The roster above in Windows-1258 (ù is 0xF9, ọ is o + combining dot below 0xF2, G and i unchanged). */
const ROSTER_1258 = Buffer.concat([
  Buffer.from("role,weekday,from,to,person\nmcu,1,07:30,17:30,B"),
  Buffer.from([0xf9]),
  Buffer.from("i Ng"),
  Buffer.from([0x6f, 0xf2]),
  Buffer.from("c Giang\n"),
]);

function refusal(err: unknown): string {
  expect(err).toBeInstanceOf(CliError);
  return (err as CliError).message;
}

describe("round 21: file arguments of the CLI", () => {
  it("«truc nhap» a missing file, a folder, a device: a Vietnamese line naming the path, no stack", async () => {
    const { run } = await cliOnSampleDesk();
    const missing = join(tempDir(), "khong-co.csv");
    expect(refusal(await run("truc", "nhap", missing))).toBe(
      `Không đọc được «${missing}»: không có tệp này. Hãy kiểm tra lại đường dẫn.`,
    );
    const folder = tempDir();
    expect(refusal(await run("truc", "nhap", folder))).toBe(
      `Không đọc được «${folder}»: đó là một thư mục, không phải tệp. Hãy kiểm tra lại đường dẫn.`,
    );
    expect(refusal(await run("truc", "nhap", "/dev/zero"))).toContain("không phải một tệp thường");
  });

  it("«directory import DIR --truc» a missing roster is named, and nothing is imported", async () => {
    const { run, lines } = await cliOnSampleDesk();
    const missing = join(tempDir(), "truc.csv");
    expect(refusal(await run("directory", "import", SAMPLE_DIR, "--truc", missing))).toBe(
      `Không đọc được «${missing}»: không có tệp này. Hãy kiểm tra lại đường dẫn.`,
    );
    expect(lines).toEqual([]);
  });

  it("«mail ingest», «mail parse», «booking decide» a folder: named as a folder, no English", async () => {
    const { run } = await cliOnSampleDesk();
    const folder = tempDir();
    for (const argv of [
      ["mail", "ingest", folder],
      ["mail", "parse", "--directory", SAMPLE_DIR, folder],
      ["booking", "decide", "--directory", SAMPLE_DIR, folder],
    ])
      expect(refusal(await run(...argv)), argv.join(" ")).toBe(
        `Không đọc được «${folder}»: đó là một thư mục, không phải tệp. Hãy kiểm tra lại đường dẫn.`,
      );
  });

  it("a roster in Windows-1258 or UTF-16 is refused for its encoding, not for names it garbled", async () => {
    const { run } = await cliOnSampleDesk();
    const dir = tempDir();
    const ansi = join(dir, "truc-ansi.csv");
    writeFileSync(ansi, ROSTER_1258);
    const msg = refusal(await run("truc", "nhap", ansi));
    expect(msg).toContain("Tệp không phải UTF-8 (có lẽ là bảng mã Windows-1258 của Excel)");
    expect(msg).not.toContain("\uFFFD");
    const utf16 = join(dir, "truc-utf16.csv");
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ROSTER, "utf16le")]));
    expect(refusal(await run("truc", "nhap", utf16))).toContain("Tệp được lưu dạng UTF-16");
    // The same roster in UTF-8 imports; in decomposed Unicode (saved on a Mac) too.
    const good = join(dir, "truc.csv");
    writeFileSync(good, ROSTER);
    expect(await run("truc", "nhap", good)).toBeNull();
    writeFileSync(good, ROSTER.normalize("NFD"));
    expect(await run("truc", "nhap", good)).toBeNull();
  });

  it("a roster beside the directory in Windows-1258 stops the import, naming the encoding", async () => {
    const { run } = await cliOnSampleDesk();
    const dir = join(tempDir(), "danh-ba");
    mkdirSync(dir);
    const roster = join(dir, "truc.csv");
    writeFileSync(roster, ROSTER_1258);
    const msg = refusal(await run("directory", "import", SAMPLE_DIR, "--truc", roster));
    expect(msg).toContain(`Lịch trực ${roster} không hợp lệ`);
    expect(msg).toContain("Windows-1258");
  });

  it("a directory that cannot be read by «directory check» or «mail parse» is not said to have imported nothing", async () => {
    const { run } = await cliOnSampleDesk();
    const missing = join(tempDir(), "khong-co");
    const mail = join(tempDir(), "thu.eml");
    writeFileSync(mail, "From: a@b\r\nSubject: x\r\n\r\nx\r\n");
    for (const argv of [
      ["directory", "check", "--directory", missing],
      ["mail", "parse", "--directory", missing, mail],
      ["booking", "decide", "--directory", missing, mail],
    ]) {
      const msg = refusal(await run(...argv));
      expect(msg, argv.join(" ")).toMatch(/^Danh bạ không hợp lệ:\n/);
      expect(msg).toContain(`agencies.csv, dòng 0, cột -: không tìm thấy tệp trong thư mục ${missing}.`);
    }
  });
});

import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { DirectoryCsvError, readDirectoryCsv } from "../src/app/directory/csv.js";
import { SAMPLE_DIR, tempDir } from "./helpers.js";

/**
 * Excel's plain «CSV (Comma delimited)» on a Vietnamese Windows writes the ANSI code page (Windows-1258), and
 * «Unicode Text» writes UTF-16. Read as UTF-8, every accented name became «S� C�ng Th��ng» and was imported
 * as it was: consistently garbled, so nothing failed, and mail could no longer match a single agency by name.
 */
function sampleIn(file: string, encode: (text: string) => Buffer): string {
  const dir = tempDir();
  cpSync(SAMPLE_DIR, dir, { recursive: true });
  const text = readFileSync(join(dir, file), "utf8").replace(/^\uFEFF/, "");
  writeFileSync(join(dir, file), encode(text));
  return dir;
}

function problemsOf(dir: string): string[] {
  try {
    readDirectoryCsv(dir);
  } catch (err) {
    if (err instanceof DirectoryCsvError) return err.problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
    throw err;
  }
  return [];
}

describe("directory import: a file not in UTF-8 is refused, never read garbled", () => {
  it("Windows-1258 (Excel's ANSI CSV) is one problem that says how to save the file", () => {
    const dir = sampleIn("agencies.csv", (t) => iconv.encode(t, "windows-1258"));
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^agencies\.csv:\d+: .*UTF-8/);
    expect(problems[0]).toContain("CSV UTF-8");
  });

  it("a whole directory saved in Windows-1258 is refused file by file, not imported consistently garbled", () => {
    const dir = tempDir();
    cpSync(SAMPLE_DIR, dir, { recursive: true });
    for (const file of ["agencies.csv", "endpoints.csv", "people.csv"]) {
      const text = readFileSync(join(dir, file), "utf8").replace(/^\uFEFF/, "");
      writeFileSync(join(dir, file), iconv.encode(text, "windows-1258"));
    }
    const problems = problemsOf(dir);
    expect(problems.map((p) => p.split(":")[0])).toEqual(["agencies.csv", "endpoints.csv", "people.csv"]);
  });

  it("UTF-16 (Excel's «Unicode Text») is refused the same way", () => {
    const dir = sampleIn("people.csv", (t) =>
      Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(t, "utf-16le")]),
    );
    const problems = problemsOf(dir);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^people\.csv:\d+: .*UTF-8/);
  });

  it("UTF-8, with or without the byte order mark, reads as before", () => {
    expect(problemsOf(sampleIn("agencies.csv", (t) => Buffer.from(t, "utf8")))).toEqual([]);
    expect(problemsOf(sampleIn("agencies.csv", (t) => Buffer.from(`\uFEFF${t}`, "utf8")))).toEqual([]);
  });
});

/** The directory CSV suites' shared steps: a copy of the sample directory to edit, and what the reader refuses. */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DirectoryCsvError, readDirectoryCsv } from "../../src/app/directory/csv.js";
import { SAMPLE_DIR, tempDir } from "../helpers.js";

/** A fresh copy of the sample directory's CSV files, in a temporary folder. */
export function copySample(): string {
  const dir = tempDir();
  cpSync(SAMPLE_DIR, dir, { recursive: true });
  return dir;
}

/** Rewrite one file of a copied directory. */
export function edit(dir: string, file: string, fn: (text: string) => string) {
  writeFileSync(join(dir, file), fn(readFileSync(join(dir, file), "utf8")));
}

/** The problems the CSV reader names for `dir`, one per line; none when it reads. */
export function problemsOf(dir: string): string[] {
  try {
    readDirectoryCsv(dir);
  } catch (err) {
    if (err instanceof DirectoryCsvError) return err.message.split("\n");
    throw err;
  }
  return [];
}

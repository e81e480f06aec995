import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../src/app/config.js";
import { Store } from "../../src/store/store.js";
import { sampleDirectory, tempDir } from "../helpers.js";
import { mail, TEST_AUTHSERV_ID, template } from "../support/service.js";

/**
 * Threat: what mail and chat bring in (a meeting's content, a report, a name) is printed by the CLI on the
 * technician's terminal. Escape sequences in it are obeyed by the terminal, not shown: «ESC[2K ESC[1A» erases
 * the line above and writes another in its place (a forged «ĐÃ XÁC NHẬN»), OSC 8 makes a link of any text, OSC 0
 * retitles the window, OSC 52 writes the clipboard on many terminals. Stored text must print as text.
 */

const ESC = "\u001b";
const BEL = "\u0007";
const TRICK = `${ESC}[2K${ESC}[1A${ESC}]0;da-xac-nhan${BEL}${ESC}]8;;http://evil.example${BEL}bấm vào đây${ESC}]8;;${BEL}${ESC}]52;c;ZWNobyBwd25lZA==${BEL}\u009b31m`;

function cli(db: string, args: string[]) {
  const res = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/app/cli/main.ts"), ...args], {
    cwd: ROOT,
    env: { ...process.env, DESK_DB: db, DESK_MAIL_AUTHSERV_ID: TEST_AUTHSERV_ID },
    encoding: "utf8",
  });
  return { code: res.status, out: res.stdout + res.stderr };
}

describe("the CLI prints stored text, never terminal control", () => {
  it("a booking whose content carries escape sequences: «mail ingest» and «booking show» print none", async () => {
    const dir = tempDir();
    const db = join(dir, "desk.db");
    const store = await Store.connect(db);
    await store.tx((r) => r.directory.replaceAll(sampleDirectory));
    await store.close();
    const file = join(dir, "dang-ky.eml");
    writeFileSync(
      file,
      mail({
        id: "escape@hanoi.gov.vn",
        body: template(7).replace("Phiên họp số 7", `Phiên họp số 7${TRICK}`),
      }),
    );
    const ingested = cli(db, ["mail", "ingest", file]);
    expect(ingested.code).toBe(0);
    const code = /HTT-\d{4}-\d{4}/.exec(ingested.out)?.[0];
    expect(code).toBeTruthy();
    const shown = cli(db, ["booking", "show", code!]);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain("Phiên họp số 7");
    for (const out of [ingested.out, shown.out]) {
      expect(out).not.toContain(ESC);
      expect(out).not.toContain(BEL);
      expect(out).not.toContain("\u009b");
    }
  }, 120_000);
});

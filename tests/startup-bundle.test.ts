/**
 * Start-up (issue 12): what `npm start` runs is the esbuild bundle dist/app/main.js, and V8 parses all of its eager
 * part before the first line runs. The mail parser (mailparser, iconv-lite, libmime), IMAP, SMTP and zod's foreign
 * locales are not needed to start, so they must sit in lazily imported chunks; and the minified bundle must still
 * start the desk. SQLite only: the bundle is the same on both stores.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");

interface Meta {
  outputs: Record<
    string,
    {
      bytes: number;
      inputs: Record<string, unknown>;
      imports: { path: string; kind: string; external?: boolean }[];
    }
  >;
}

describe("the start-up bundle", () => {
  let meta: Meta;
  beforeAll(() => {
    // The bundle over the current tsc build (pretest keeps that current), with its metafile.
    execFileSync(process.execPath, ["scripts/build.mjs", "--bundle-only", "--metafile"], {
      cwd: ROOT,
      stdio: "pipe",
    });
    meta = JSON.parse(readFileSync(join(ROOT, "dist/meta.json"), "utf8")) as Meta;
  }, 120_000);

  /** Every module V8 must parse before main.js runs: main.js and the chunks it imports statically. */
  function eagerInputs(): string[] {
    const main = Object.keys(meta.outputs).find((k) => /(^|\/)dist\/app\/main\.js$/.test(k))!;
    expect(main).toBeDefined();
    const seen = new Set([main]);
    const queue = [main];
    while (queue.length) {
      for (const i of meta.outputs[queue.shift()!]!.imports) {
        if (i.kind === "import-statement" && !i.external && !seen.has(i.path)) {
          seen.add(i.path);
          queue.push(i.path);
        }
      }
    }
    return [...seen].flatMap((k) => Object.keys(meta.outputs[k]!.inputs));
  }

  it("leaves the mail parser, IMAP, SMTP and zod's other locales out of what start-up parses", () => {
    const eager = eagerInputs();
    // The desk's own start-up code is there (a sanity check on the walk).
    expect(eager.some((p) => p.endsWith("src/app/service.ts"))).toBe(true);
    for (const pkg of [
      "mailparser",
      "iconv-lite",
      "libmime",
      "imapflow",
      "nodemailer",
      "exceljs",
      "echarts",
    ]) {
      expect(eager.filter((p) => p.includes(`node_modules/${pkg}/`))).toEqual([]);
    }
    expect(eager.filter((p) => /zod\/v4\/locales\/(?!en\.js)/.test(p))).toEqual([]);
    // The mail parser is still in the build, in a chunk loaded on the first mail.
    const all = Object.values(meta.outputs).flatMap((o) => Object.keys(o.inputs));
    expect(all.some((p) => p.includes("node_modules/mailparser/"))).toBe(true);
  });

  describe("started from the bundle", () => {
    const tmp = mkdtempSync(join(tmpdir(), "desk-bundle-"));
    let child: ChildProcess | null = null;
    afterAll(() => {
      if (child?.exitCode === null) child.kill("SIGKILL");
      rmSync(tmp, { recursive: true, force: true });
    });

    it("logs started, then stops on SIGTERM", async () => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DESK_DB: join(tmp, "desk.db"),
        DESK_WEB_PORT: "0",
        DESK_LOG_LEVEL: "info",
      };
      for (const k of Object.keys(env)) if (/^DESK_(IMAP|SMTP|TELEGRAM|ZALO|MCU)_/.test(k)) delete env[k];
      const proc = spawn(process.execPath, ["dist/app/main.js"], {
        cwd: ROOT,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      child = proc;
      let out = "";
      let err = "";
      proc.stderr!.on("data", (d) => (err += d.toString()));
      const exited = new Promise<number | null>((r) => proc.once("exit", (code) => r(code)));
      const started = await new Promise<boolean>((resolve) => {
        proc.stdout!.on("data", (d) => {
          out += d.toString();
          if (out.includes('"event":"started"')) resolve(true);
        });
        void exited.then(() => resolve(false));
      });
      expect(started, `${err}${out}`).toBe(true);
      proc.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(out).toContain('"event":"stopping"');
    }, 60_000);
  });
});

/**
 * `tsx bench/startup.ts`: the service as a whole process, from spawn to its "started" log line, with 10 000 pending
 * jobs in the store: the old command (`node --import tsx src/app/main.ts`) beside the shipped one
 * (`node dist/app/main.js`, after `npm run build`), and `npm start` itself (npm's own start-up included). Also the
 * resident memory of the idle service a few seconds after start. Runs alternate, so both see the same load.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../src/app/config.js";
import { readDirectoryCsv } from "../src/app/directory/csv.js";
import { Store } from "../src/store/store.js";
import { pct } from "./sections.js";

const tmp = mkdtempSync(join(tmpdir(), "desk-startup-"));
const db = join(tmp, "startup.db");
const store = Store.open(db);
const now = new Date();
await store.tx(async (r) => {
  await r.directory.replaceAll(readDirectoryCsv(join(ROOT, "data/sample-directory")));
  for (let i = 0; i < 10_000; i++) {
    await r.jobs.schedule(
      { kind: "technical-check", key: `HTT-2027-${i}`, runAt: new Date(now.getTime() + (i + 1) * 60_000) },
      now,
    );
  }
});
store.close();
execFileSync(process.execPath, [join(ROOT, "scripts/build.mjs"), "--if-stale"], { stdio: "inherit" });

const rssOf = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

/** Spawn to "started"; then, `idleMs` later, the RSS of the node process (npm's child when through npm). */
function once(cmd: string, args: string[], idleMs: number): Promise<{ ms: number; rss: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DESK_DB: db,
        DESK_WEB_PORT: "0",
        DESK_LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let buf = "";
    let err = "";
    let started = false;
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.stdout.on("data", (d) => {
      buf += d;
      if (started || !buf.includes('"started"')) return;
      started = true;
      const ms = performance.now() - t0;
      setTimeout(() => {
        let rss = rssOf(child.pid!);
        // npm start: `exec` replaces sh, but npm itself is the spawned process; take the service (its child).
        try {
          const kids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, "utf8")
            .trim()
            .split(/\s+/);
          for (const k of kids.filter(Boolean)) rss = rssOf(Number(k));
        } catch {}
        child.kill("SIGTERM");
        child.once("exit", () => resolve({ ms, rss }));
      }, idleMs);
    });
    child.once("exit", (code) => {
      if (!started) reject(new Error(`exited ${code}: ${err.slice(0, 500)}`));
    });
  });
}

const variants = {
  "node --import tsx src/app/main.ts (before)": [process.execPath, ["--import", "tsx", "src/app/main.ts"]],
  "node dist/app/main.js (after)": [process.execPath, ["dist/app/main.js"]],
  "npm start (after: prestart check + dist)": ["npm", ["start", "--silent"]],
} as const;
const res = new Map<string, { ms: number[]; rss: number[] }>();
for (let i = 0; i < 7; i++) {
  for (const [name, [cmd, args]] of Object.entries(variants)) {
    const r = await once(cmd, [...args], i === 0 ? 5000 : 300);
    const e = res.get(name) ?? { ms: [], rss: [] };
    e.ms.push(r.ms);
    if (i === 0) e.rss.push(r.rss);
    res.set(name, e);
  }
}
rmSync(tmp, { recursive: true, force: true });
for (const [name, r] of res) {
  console.log(
    `| ${name} | ${pct(r.ms, 50).toFixed(0)} ms | ${Math.max(...r.ms).toFixed(0)} ms | ${r.rss[0]!.toFixed(0)} MB |`,
  );
}

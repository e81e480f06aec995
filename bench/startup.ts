/**
 * Start-up as an operator sees it: `npm start` spawned as a whole process until the service logs "started"
 * (store opened and migrated, directory loaded, job table and outbox looked at, web desk listening), with 10 000
 * pending jobs in the store. Beside it, in the same run and interleaved: the bundle without npm (`node
 * dist/app/main.js`, what `npm start` execs), the sources under tsx, and bare `node` on an empty script. Median of
 * RUNS (default 7) of each.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../src/app/config.js";
import { readDirectoryCsv } from "../src/app/directory/csv.js";
import { Store } from "../src/store/store.js";
import { load, machine, ms, pct, verdict, writeSection } from "./sections.js";

const RUNS = Number(process.env.RUNS ?? 7);
const tmp = mkdtempSync(join(tmpdir(), "desk-bench-start-"));

async function seed(path: string): Promise<number> {
  const store = Store.open(path);
  const dir = readDirectoryCsv(join(ROOT, "data/sample-directory"));
  const now = new Date();
  await store.tx(async (r) => {
    await r.directory.replaceAll(dir);
    for (let i = 0; i < 10_000; i++) {
      await r.jobs.schedule(
        { kind: "technical-check", key: `HTT-2027-${i}`, runAt: new Date(now.getTime() + (i + 1) * 60_000) },
        now,
      );
    }
  });
  const pending = await store.read((r) => r.jobs.countPending());
  store.close();
  return pending;
}

function rssMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** Spawn, wait for the "started" line (or the exit of a script that has nothing to start), stop. */
async function once(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp | null,
): Promise<{ ms: number; rss: number }> {
  const t0 = performance.now();
  // Its own process group, so that npm and the node it execs are stopped together (by this group's id only).
  const child: ChildProcess = spawn(cmd, args, {
    env,
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let err = "";
  child.stderr!.on("data", (d) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  if (!ready) {
    const code = await exited;
    if (code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${code}: ${err}`);
    return { ms: performance.now() - t0, rss: Number.NaN };
  }
  let out = "";
  let timer: NodeJS.Timeout | undefined;
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (d) => {
      out += d.toString();
      const hit = out.split("\n").find((l) => ready.test(l));
      if (hit) resolve(hit);
    });
    void exited.then((code) => reject(new Error(`exited ${code} before ready: ${err}${out}`)));
    timer = setTimeout(() => {
      process.kill(-child.pid!, "SIGKILL");
      reject(new Error(`not ready within 60 s: ${err}${out}`));
    }, 60_000);
  }).finally(() => clearTimeout(timer));
  const took = performance.now() - t0;
  const pid = Number(/"pid":(\d+)/.exec(line)?.[1] ?? child.pid);
  const rss = rssMb(pid, "VmRSS");
  process.kill(-child.pid!, "SIGTERM");
  await exited;
  return { ms: took, rss };
}

const db = join(tmp, "startup.db");
const pending = await seed(db);
const empty = join(tmp, "empty.mjs");
writeFileSync(empty, "");
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DESK_DB: db,
  DESK_WEB_PORT: "0",
  DESK_LOG_LEVEL: "info",
};
for (const k of Object.keys(env)) if (/^DESK_(IMAP|SMTP|TELEGRAM|ZALO|MCU)_/.test(k)) delete env[k];
const started = /"event":"started"/;
const variants = [
  {
    label:
      "`npm start` (npm, then `node --max-semi-space-size=4 --heap-growing-percent=30 scripts/start.mjs`: the staleness check and the esbuild bundle in one process)",
    cmd: "npm",
    args: ["start", "--silent"],
    ready: started,
  },
  {
    label: "`node dist/app/main.js` (what `npm start` execs)",
    cmd: process.execPath,
    args: ["dist/app/main.js"],
    ready: started,
  },
  {
    label: "`node --import tsx src/app/main.ts` (the sources, as the tests start it)",
    cmd: process.execPath,
    args: ["--import", "tsx", "src/app/main.ts"],
    ready: started,
  },
  { label: "bare `node` on an empty script", cmd: process.execPath, args: [empty], ready: null },
];
// The bundle current with the sources (what scripts/start.mjs does first), so that no run pays for a build.
execFileSync(process.execPath, ["scripts/build.mjs", "--if-stale"], { cwd: ROOT, stdio: "inherit" });
const loadBefore = load();
// One warm-up of each (disk cache), then RUNS rounds, the variants interleaved within each round.
for (const v of variants) await once(v.cmd, v.args, env, v.ready);
const results = variants.map(() => ({ ms: [] as number[], rss: [] as number[] }));
for (let i = 0; i < RUNS; i++) {
  for (const [k, v] of variants.entries()) {
    const r = await once(v.cmd, v.args, env, v.ready);
    results[k]!.ms.push(r.ms);
    if (!Number.isNaN(r.rss)) results[k]!.rss.push(r.rss);
  }
}
const loadAfter = load();
rmSync(tmp, { recursive: true, force: true });

const main = results[0]!;
const rows = variants
  .map((v, k) => {
    const r = results[k]!;
    const aim = k < 2 ? verdict(pct(r.ms, 50), 1000) : "—";
    return `| ${v.label} | **${ms(pct(r.ms, 50))}** | ${ms(Math.min(...r.ms))} – ${ms(Math.max(...r.ms))} | ${r.rss.length ? `${pct(r.rss, 50).toFixed(0)} MiB` : "—"} | ${aim} |`;
  })
  .join("\n");
writeSection(
  "## Start-up (issue 12)",
  `Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${machine()}; load average (1 / 5 / 15 min)
${loadBefore} at the start, ${loadAfter} at the end. Command: \`npx tsx bench/startup.ts\`.

A whole process from spawn until the service logs \`started\` (store opened and its migrations checked, directory
loaded, job table and outbox looked at, web desk listening on a free port; no IMAP, SMTP or chat configured),
with **${pending} pending jobs** in the store. ${RUNS} runs each after one warm-up, the four commands interleaved
in every round; RSS of the service's node process when it logged \`started\`.

| command | median to ready | min – max | RSS at ready | aim ≤ 1 s |
|---|---|---|---|---|
${rows}

Aim (≤ 1 s from spawn with 10k pending jobs): ${verdict(pct(main.ms, 50), 1000)} — median ${ms(pct(main.ms, 50))} for \`npm start\`.`,
);

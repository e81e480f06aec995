import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { ROOT } from "../src/app/config.js";

export function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

export const ms = (x: number) => `${x.toFixed(1)} ms`;

/** The 1-, 5- and 15-minute load averages now, for the line beside each run (the machine is shared). */
export function load(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(" / ");
}

/** Met or not, for a figure against its aim (smaller is better unless `atLeast`). */
export function verdict(value: number, aim: number, atLeast = false): string {
  return (atLeast ? value >= aim : value <= aim) ? "met" : "**not met**";
}

export function machine(): string {
  return `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
}

/**
 * A line inside a section after which the text is written by hand (history, interleaved runs, causes): a bench run
 * replaces the section above it and keeps what follows.
 */
export const KEPT_NOTES = "<!-- notes below are kept when the bench rewrites this section -->";

/** `doc` with the section that starts with `heading` replaced by `body` (or appended), keeping its notes. */
export function replaceSection(doc: string, heading: string, body: string): string {
  let section = `${heading}\n${body.trim()}\n\n`;
  const start = doc.indexOf(heading);
  if (start < 0) return doc + section;
  const next = doc.indexOf("\n## ", start + 1);
  const end = next >= 0 ? next + 1 : doc.length;
  const notes = doc.indexOf(KEPT_NOTES, start);
  if (notes >= 0 && notes < end) section += doc.slice(notes, end);
  return doc.slice(0, start) + section + doc.slice(end);
}

/** Replace the section that starts with `heading` in BENCHMARKS.md (or append it), keeping its notes. */
export function writeSection(heading: string, body: string): void {
  const path = join(ROOT, "BENCHMARKS.md");
  let doc = "# Benchmarks\n\nWritten by `npm run bench`. Each section is replaced by its latest run.\n\n";
  try {
    doc = readFileSync(path, "utf8");
  } catch {}
  writeFileSync(path, replaceSection(doc, heading, body));
  console.log(`${heading}\n${body.trim()}\n`);
}

/**
 * `npm start`'s node arguments in checkout `root` (package.json: `exec node [flags] scripts/start.mjs`), its script
 * as a path inside `root`.
 */
export function serviceNodeArgs(root = ROOT): string[] {
  const { scripts } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    scripts: { start: string };
  };
  return scripts.start
    .replace(/^exec\s+node\s+/, "")
    .split(/\s+/)
    .map((a) => (/\.m?js$/.test(a) ? join(root, a) : a));
}

/** The node flags of `npm start` in checkout `root`. */
export function serviceNodeFlags(root = ROOT): string[] {
  return serviceNodeArgs(root).filter((a) => a.startsWith("--"));
}

/**
 * Runs this bench again, in a child process, under the node flags the service runs with (`npm start`'s; the
 * young generation's size and pretenuring decide how often and how long a collection stops a decision), unless
 * this process already is that child. BENCH_NODE_FLAGS="…" runs it under those flags instead, for comparisons
 * ("" for V8's defaults). Returns in the child; the parent exits with the child's status.
 */
export function underServiceFlags(): string[] {
  const flags =
    process.env.BENCH_NODE_FLAGS === undefined
      ? serviceNodeFlags()
      : process.env.BENCH_NODE_FLAGS.split(/\s+/).filter(Boolean);
  if (process.env.BENCH_UNDER_FLAGS) return flags;
  const child = spawnSync(process.execPath, [...flags, "--import", "tsx", ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, BENCH_UNDER_FLAGS: "1" },
  });
  process.exit(child.status ?? 1);
}

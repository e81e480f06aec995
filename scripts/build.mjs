#!/usr/bin/env node
// `npm run build`: compile src/ to dist/ with tsc (tsconfig.build.json) and copy the files tsc does not emit
// (the web desk's static CSS and JS). `npm start` runs dist/app/main.js under plain node: no TypeScript
// compiler in the running service. With --if-stale (`prestart`), it builds only when dist/ is missing or older
// than a source file, so a fresh clone and a `git pull` both start on current code.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const stamp = join(root, "dist", ".built");

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const sourcesAt = () =>
  Math.max(
    newest(join(root, "src")),
    ...["tsconfig.json", "tsconfig.build.json"].map((f) => statSync(join(root, f)).mtimeMs),
  );

if (process.argv.includes("--if-stale") && existsSync(stamp) && statSync(stamp).mtimeMs >= sourcesAt()) {
  process.exit(0);
}
const startedAt = new Date();
console.error("Đang biên dịch mã nguồn vào dist/ (npm run build)…");
execFileSync(
  process.execPath,
  [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")],
  {
    stdio: "inherit",
  },
);
cpSync(join(root, "src/web/static"), join(root, "dist/web/static"), { recursive: true });
writeFileSync(stamp, `${startedAt.toISOString()}\n`);
// Stamped with the build's start: a source saved during the build is newer, and rebuilds next time.
utimesSync(stamp, startedAt, startedAt);

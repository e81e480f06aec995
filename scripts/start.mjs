// `npm start`: builds dist/ first when it is missing or stale (a fresh clone, a `git pull`), then runs the desk's
// bundle in this same process. One node process instead of npm's `prestart` plus a second one: the staleness check
// costs a directory walk, not a process start (≈ 0.4 s of `npm start` on the 2-core machine). npm execs this
// process, so SIGTERM and SIGINT reach the desk itself.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root, stale } from "./stale.mjs";

if (stale()) execFileSync(process.execPath, [join(root, "scripts/build.mjs")], { stdio: "inherit" });
await import(pathToFileURL(join(root, "dist/app/main.js")).href);

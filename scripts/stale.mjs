// Whether dist/ must be built again: missing, or older than a source file or the TypeScript configuration.
// Shared by scripts/build.mjs (--if-stale) and scripts/start.mjs (`npm start`).
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const stamp = join(root, "dist", ".built");

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

export const stale = () => !existsSync(stamp) || statSync(stamp).mtimeMs < sourcesAt();

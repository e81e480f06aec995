import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../src/app/config.js";

const SRC = join(ROOT, "src");

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

/** Every module a file names: static and type imports, re-exports, dynamic `import()`. */
function specifiers(source: string): string[] {
  const out: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?[^'"`;]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) out.push(m[1]!);
  return out;
}

/** The top-level folder under src/ a relative import lands in (null for packages and node: modules). */
function layerOf(file: string, spec: string): string | null {
  if (!spec.startsWith(".")) return null;
  const target = relative(SRC, resolve(dirname(file), spec));
  if (target.startsWith("..")) return "outside-src";
  return target.split(/[\\/]/)[0]!;
}

/** For each layer, the layers it must not import. */
const FORBIDDEN: Record<string, string[]> = {
  mail: ["app", "bot", "web"],
  bot: ["app", "mail", "web"],
  core: ["app", "store", "mail", "bot", "mcu", "web", "outside-src"],
};

function violations(): string[] {
  const found: string[] = [];
  for (const [layer, banned] of Object.entries(FORBIDDEN)) {
    for (const file of tsFiles(join(SRC, layer))) {
      const src = readFileSync(file, "utf8");
      for (const spec of specifiers(src)) {
        const to = layerOf(file, spec);
        if (to && banned.includes(to)) found.push(`${relative(ROOT, file)} → ${spec}`);
      }
      // The core is pure: no file system, network or process from Node either.
      if (layer === "core")
        for (const spec of specifiers(src))
          if (/^node:(fs|net|http|https|child_process|dgram|dns|tls|worker_threads)/.test(spec))
            found.push(`${relative(ROOT, file)} → ${spec}`);
    }
  }
  return found;
}

describe("layering: adapters and the core import no use case", () => {
  it("src/mail and src/bot import nothing from src/app; src/core imports no other layer", () => {
    expect(violations()).toEqual([]);
  });

  it("sees every kind of import it is meant to catch", () => {
    const file = join(SRC, "bot", "x.ts");
    const specs = specifiers(
      [
        'import { a } from "../app/desk.js";',
        'import type { B } from "../app/context.js";',
        'export { c } from "../app/chat/conversation.js";',
        'import "../app/side-effect.js";',
        'const d = await import("../app/incident/actions.js");',
        "import {\n  e,\n  f,\n} from '../app/booking/index.js';",
      ].join("\n"),
    );
    expect(specs.map((s) => layerOf(file, s))).toEqual(["app", "app", "app", "app", "app", "app"]);
    expect(layerOf(join(SRC, "core", "x.ts"), "../store/store.js")).toBe("store");
    expect(layerOf(join(SRC, "core", "booking", "x.ts"), "../text/fold.js")).toBe("core");
    expect(layerOf(file, "zod")).toBeNull();
  });
});

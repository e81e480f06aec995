#!/usr/bin/env node
// `npm run build`: compile src/ to dist/ with tsc (tsconfig.build.json) and copy the files tsc does not emit
// (the web desk's static CSS and JS). `npm start` runs dist/app/main.js under plain node: no TypeScript
// compiler in the running service. dist/app/main.js is then replaced by one esbuild bundle of the service (its
// lazily imported parts as chunks beside it): node resolving and compiling ~1 200 ES and CommonJS modules one by
// one was most of the start-up (4–5 s with 10k pending jobs on the shared 2-core machine; ≈ 2 s bundled). With --if-stale (`prestart`), it builds only when dist/ is missing or older
// than a source file, so a fresh clone and a `git pull` both start on current code.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

import { root, stale, stamp } from "./stale.mjs";

if (process.argv.includes("--if-stale") && !stale()) {
  process.exit(0);
}
const startedAt = new Date();
// --bundle-only: only the esbuild bundle, over an existing tsc build (a quick rebuild while measuring start-up).
const bundleOnly = process.argv.includes("--bundle-only") && existsSync(join(root, "dist/app"));
console.error("Đang biên dịch mã nguồn vào dist/ (npm run build)…");
if (!bundleOnly)
  execFileSync(
    process.execPath,
    [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")],
    {
      stdio: "inherit",
    },
  );
cpSync(join(root, "src/web/static"), join(root, "dist/web/static"), { recursive: true });
await bundleService();
// The per-file build is not refreshed by --bundle-only: no stamp, so that the next `prestart` builds it whole.
if (!bundleOnly) {
  writeFileSync(stamp, `${startedAt.toISOString()}\n`);
  // Stamped with the build's start: a source saved during the build is newer, and rebuilds next time.
  utimesSync(stamp, startedAt, startedAt);
}

/**
 * dist/app/main.js as one ES module bundle, chunks (the `await import()`ed parts: chat platforms, IMAP, SMTP,
 * reports, PostgreSQL) beside it as dist/app/chunk-*.js. Native and worker-thread packages stay external. Every
 * `import.meta.url` of src/ is rewritten to the URL its own compiled file would have, so that paths computed from it
 * (migrations, static files, the project root) stay those of the tsc build.
 */
async function bundleService() {
  // esbuild comes with tsx and vite (devDependencies); without it the tsc build of main.js stays as it is.
  let esbuild;
  try {
    esbuild = await import("esbuild");
  } catch {
    console.error("esbuild không có: dist/app/main.js giữ bản biên dịch từng tệp (khởi động chậm hơn).");
    return;
  }
  const outdir = join(root, "dist/app");
  for (const f of readdirSync(outdir)) if (f.startsWith("chunk-")) rmSync(join(outdir, f));
  const result = await esbuild.build({
    entryPoints: { main: join(root, "src/app/main.ts") },
    bundle: true,
    splitting: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outdir,
    chunkNames: "chunk-[name]-[hash]",
    allowOverwrite: true,
    sourcemap: "linked",
    // Minified: V8 parses (pre-parses) the whole entry bundle before the first line runs, in proportion to its size
    // (issue 12, start-up). Names kept: error classes and libraries that read `constructor.name` still see theirs.
    minify: true,
    keepNames: true,
    // `--metafile`: dist/meta.json, for `npx esbuild --analyze`-style questions (what is in the entry bundle).
    metafile: process.argv.includes("--metafile"),
    // Native addons, optional drivers, and pino (its transports run worker files found beside its own modules).
    external: ["better-sqlite3", "pg-native", "pino", "pino-pretty"],
    // CommonJS packages inside an ES module bundle still call `require` for node's built-ins.
    banner: {
      js: 'import { createRequire as __deskCreateRequire } from "node:module"; const require = __deskCreateRequire(import.meta.url);',
    },
    logLevel: "warning",
    plugins: [
      {
        // zod's namespace re-exports every locale (≈ 40 languages, ≈ 400 KB); the desk writes its own Vietnamese
        // messages and zod itself uses only `en`, so only that one is bundled.
        name: "zod-locales",
        setup(build) {
          build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
            /[\\/]zod[\\/]v4[\\/]/.test(args.importer)
              ? { path: join(dirname(args.importer), "../locales/en.js"), namespace: "zod-locales" }
              : undefined,
          );
          build.onLoad({ filter: /.*/, namespace: "zod-locales" }, (args) => ({
            contents: `export { default as en } from ${JSON.stringify(args.path)};`,
            resolveDir: dirname(args.path),
          }));
        },
      },
      {
        name: "module-url",
        setup(build) {
          build.onLoad({ filter: /[\\/]src[\\/].*\.tsx?$/ }, (args) => {
            let text = readFileSync(args.path, "utf8");
            if (text.includes("import.meta.url")) {
              const compiled = join(root, "dist", relative(join(root, "src"), args.path)).replace(
                /\.tsx?$/,
                ".js",
              );
              const rel = `./${relative(outdir, compiled)}`;
              text = text.replaceAll(
                "import.meta.url",
                `new URL(${JSON.stringify(rel)}, import.meta.url).href`,
              );
            }
            return { contents: text, loader: args.path.endsWith("x") ? "tsx" : "ts" };
          });
        },
      },
    ],
  });
  if (result.metafile) writeFileSync(join(root, "dist/meta.json"), JSON.stringify(result.metafile));
  // The mail reader's thread (src/mail/read-pool.ts) starts from dist/mail/read-worker.js: one bundle of its own
  // in place of tsc's file, so the thread loads one module instead of its ~200 (≈ 2× faster to its first mail).
  await esbuild.build({
    entryPoints: [join(root, "src/mail/read-worker.ts")],
    outfile: join(root, "dist/mail/read-worker.js"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    allowOverwrite: true,
    sourcemap: "linked",
    minify: true,
    keepNames: true,
    external: ["better-sqlite3", "pg-native", "pino", "pino-pretty"],
    banner: {
      js: 'import { createRequire as __deskCreateRequire } from "node:module"; const require = __deskCreateRequire(import.meta.url);',
    },
    logLevel: "warning",
  });
}

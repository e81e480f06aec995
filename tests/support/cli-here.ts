import { join } from "node:path";
import { runCli } from "../../src/app/cli/commands.js";
import { loadConfig } from "../../src/app/config.js";
import { makeDesk, sampleDirectory, tempDir, testDb } from "../helpers.js";

/**
 * Run a CLI command in this process, as `src/app/cli/main.ts` would, without a child process: spawning tsx
 * takes seconds on a loaded machine. The error is what main.ts turns into stderr and an exit code.
 */
export async function cliHere(
  argv: string[],
  env: Record<string, string> = {},
  now: Date = new Date(),
): Promise<{ out: string; error: (Error & { exitCode?: number }) | null }> {
  const lines: string[] = [];
  try {
    // A path stands for the suite's database: the SQLite file, or the PostgreSQL database made for that path.
    const target = env.DESK_DB ? { ...env, DESK_DB: await testDb(env.DESK_DB) } : env;
    await runCli(argv, loadConfig(target), { out: (t) => lines.push(t), now: () => now });
    return { out: `${lines.join("\n")}\n`, error: null };
  } catch (err) {
    return { out: `${lines.join("\n")}\n`, error: err as Error & { exitCode?: number } };
  }
}

/**
 * A desk on its own database with the sample directory, and `run(...argv)` for CLI commands against it at `now`:
 * it resolves to null on success and to the error otherwise; `lines` gathers what the CLI printed.
 */
export async function cliOnSampleDesk(now = new Date("2026-12-01T03:00:00Z")) {
  const path = join(tempDir(), "desk.db");
  const desk = await makeDesk({}, path);
  await desk.store.tx((r) => r.directory.replaceAll(sampleDirectory));
  const config = loadConfig({ DESK_DB: await testDb(path) });
  const lines: string[] = [];
  const run = (...argv: string[]) =>
    runCli(argv, config, { out: (t) => lines.push(t), now: () => now }).then(
      () => null,
      (e: unknown) => e,
    );
  return { run, lines };
}

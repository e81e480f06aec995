import { runCli } from "../../src/app/cli/commands.js";
import { loadConfig } from "../../src/app/config.js";
import { testDb } from "../helpers.js";

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

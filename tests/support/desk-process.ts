import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../../src/app/config.js";

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * The desk as operators run it, in a process of its own: `npm start` (as in the systemd unit) or the same
 * `node --import tsx src/app/main.ts` without npm. Collects its JSON log lines and its stderr.
 */
export class DeskProcess {
  readonly events: { event: string; [k: string]: unknown }[] = [];
  stderr = "";
  readonly exited: Promise<Exit>;
  private listeners: (() => void)[] = [];
  exit: Exit | null = null;

  private constructor(readonly child: ChildProcess) {
    let buf = "";
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => {
      buf += chunk;
      const lines = buf.split("\n");
      buf = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith("{")) continue;
        try {
          this.events.push(JSON.parse(line));
        } catch {}
      }
      for (const l of this.listeners) l();
    });
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) =>
      child.once("exit", (code, signal) => {
        this.exit = { code, signal };
        for (const l of this.listeners) l();
        resolve(this.exit);
      }),
    );
  }

  static start(env: Record<string, string>, how: "npm" | "node" = "node"): DeskProcess {
    const [cmd, args] =
      how === "npm"
        ? ["npm", ["start", "--silent"]]
        : [process.execPath, ["--import", "tsx", join(ROOT, "src/app/main.ts")]];
    return new DeskProcess(
      spawn(cmd, args, {
        env: { ...process.env, DESK_WEB_PORT: "0", ...env },
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The first log line with this event, or null if the process exits first. */
  waitFor(event: string): Promise<Record<string, unknown> | null> {
    return new Promise((resolve) => {
      const check = () => {
        const hit = this.events.find((e) => e.event === event);
        if (hit || this.exit) {
          this.listeners = this.listeners.filter((l) => l !== check);
          resolve(hit ?? null);
        }
      };
      this.listeners.push(check);
      check();
    });
  }

  /** Make sure it is gone (for cleanup after a failed assertion). */
  async kill(): Promise<void> {
    if (this.exit) return;
    this.child.kill("SIGKILL");
    await this.exited;
  }
}

/** Whether a process with this pid still exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

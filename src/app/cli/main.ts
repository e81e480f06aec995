#!/usr/bin/env node
import { ConfigError, loadConfig } from "../config.js";
import { DirectoryCsvError } from "../directory/csv.js";
import { CliError, doctorCommand, runCli } from "./commands.js";
import { printable } from "./printable.js";

/** Every line the CLI prints: stored text from mail and chat must not drive the terminal. */
const say = (t: string) => console.log(printable(t));
const warn = (t: string) => console.error(printable(t));

/** Read one line from the terminal without echoing it (a password). Ctrl-C aborts. */
function readHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = process.stdin;
    process.stderr.write(prompt);
    input.setRawMode(true);
    input.resume();
    input.setEncoding("utf8");
    let typed = "";
    const done = (err?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off("data", onData);
      process.stderr.write("\n");
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return done();
        if (ch === "\u0003") return done(new Error("Đã hủy."));
        if (ch === "\u007f" || ch === "\b") typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    input.on("data", onData);
  });
}

try {
  // The doctor reports an invalid configuration as one of its checks instead of stopping at it. «doctor --help»
  // is the usage, as for every command (runCli), not a run of every check.
  const asksHelp = process.argv.slice(3).some((a) => a === "--help" || a === "-h");
  if (process.argv[2] === "doctor" && !asksHelp) {
    await doctorCommand(() => loadConfig(), { out: say, now: () => new Date() });
  } else {
    const config = loadConfig();
    await runCli(process.argv.slice(2), config, {
      out: say,
      now: () => new Date(),
      ...(process.stdin.isTTY ? { password: readHidden } : {}),
      stdin: async () => {
        if (process.stdin.isTTY) return "";
        const chunks: Buffer[] = [];
        for await (const c of process.stdin) chunks.push(c as Buffer);
        return Buffer.concat(chunks).toString("utf8");
      },
    });
  }
} catch (err) {
  if (err instanceof CliError) {
    warn(err.message);
    process.exitCode = err.exitCode;
  } else if (err instanceof DirectoryCsvError) {
    warn(`Danh bạ không hợp lệ, không có gì được nhập:\n${err.message}`);
    process.exitCode = 1;
  } else if (err instanceof ConfigError) {
    warn(err.message);
    process.exitCode = 1;
  } else {
    warn(
      `Lỗi hệ thống không mong đợi: ${(err as Error).message}\nHãy báo cho quản trị viên kèm thông tin dưới đây.`,
    );
    warn(String((err as Error).stack));
    process.exitCode = 1;
  }
}

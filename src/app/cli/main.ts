#!/usr/bin/env node
import { ConfigError, loadConfig } from "../config.js";
import { DirectoryCsvError } from "../directory/csv.js";
import { CliError, doctorCommand, runCli } from "./commands.js";

try {
  // The doctor reports an invalid configuration as one of its checks instead of stopping at it.
  if (process.argv[2] === "doctor") {
    await doctorCommand(() => loadConfig(), { out: (t) => console.log(t), now: () => new Date() });
  } else {
    const config = loadConfig();
    await runCli(process.argv.slice(2), config, {
      out: (t) => console.log(t),
      now: () => new Date(),
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
    console.error(err.message);
    process.exitCode = err.exitCode;
  } else if (err instanceof DirectoryCsvError) {
    console.error(`Danh bạ không hợp lệ, không có gì được nhập:\n${err.message}`);
    process.exitCode = 1;
  } else if (err instanceof ConfigError) {
    console.error(err.message);
    process.exitCode = 1;
  } else {
    console.error(
      `Lỗi hệ thống không mong đợi: ${(err as Error).message}\nHãy báo cho quản trị viên kèm thông tin dưới đây.`,
    );
    console.error((err as Error).stack);
    process.exitCode = 1;
  }
}

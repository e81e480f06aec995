#!/usr/bin/env node
// `npm start`: the running desk. Configuration comes from the environment (see README).
// `npm start` runs this file compiled (dist/app/main.js, built by `npm run build` or its `prestart` when stale)
// under plain node: one process, so SIGTERM and SIGINT reach it directly.
import { ConfigError, loadConfig } from "./config.js";
import { configSecrets, createLog } from "./ops/log.js";
import { DeskService, jsonLog, type Log } from "./service.js";

/** A stop that has not finished by then is cut short: every effect is a row, so nothing is lost, only redone. */
const STOP_WITHIN_MS = 4500;

let service: DeskService | null = null;
let log: Log = jsonLog;
let stopping = false;

function shutdown(reason: string, code: number): void {
  if (stopping) return;
  stopping = true;
  log("stopping", { reason });
  setTimeout(() => {
    log("stop-timeout", { afterMs: STOP_WITHIN_MS });
    process.exit(1);
  }, STOP_WITHIN_MS).unref();
  (service ? service.stop() : Promise.resolve()).then(
    () => process.exit(code),
    (err: Error) => {
      log("stop-failed", { message: err.message });
      process.exit(1);
    },
  );
}

// Installed before starting, so that a signal during the start waits for it and then drains.
const started = (async () => {
  try {
    const config = loadConfig();
    log = createLog({ level: config.logLevel, secrets: configSecrets(config) });
    service = await DeskService.open(config, log);
    service.onLeaseLost = () => shutdown("lease-lost", 1);
    await service.start();
  } catch (err) {
    console.error(
      err instanceof ConfigError ? err.message : `Không khởi động được: ${(err as Error).message}`,
    );
    process.exit(1);
  }
})();

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    void started.then(() => shutdown(signal, 0));
  });
}

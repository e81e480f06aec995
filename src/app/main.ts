#!/usr/bin/env node
// `npm start`: the running desk. Configuration comes from the environment (see README).
// `npm start` runs `node --import tsx` on this file: one process, so SIGTERM and SIGINT reach it directly.
import { ConfigError, loadConfig } from "./config.js";
import { DeskService, jsonLog } from "./service.js";

/** A stop that has not finished by then is cut short: every effect is a row, so nothing is lost, only redone. */
const STOP_WITHIN_MS = 4500;

let service: DeskService | null = null;
let stopping = false;

function shutdown(reason: string, code: number): void {
  if (stopping) return;
  stopping = true;
  jsonLog("stopping", { reason });
  setTimeout(() => {
    jsonLog("stop-timeout", { afterMs: STOP_WITHIN_MS });
    process.exit(1);
  }, STOP_WITHIN_MS).unref();
  (service ? service.stop() : Promise.resolve()).then(
    () => process.exit(code),
    (err: Error) => {
      jsonLog("stop-failed", { message: err.message });
      process.exit(1);
    },
  );
}

// Installed before starting, so that a signal during the start waits for it and then drains.
const started = (async () => {
  try {
    service = new DeskService(loadConfig());
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

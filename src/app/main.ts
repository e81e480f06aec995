#!/usr/bin/env node
// `npm start`: the running desk. Configuration comes from the environment (see README).
import { ConfigError, loadConfig } from "./config.js";
import { configSecrets, createLog } from "./ops/log.js";
import { DeskService, jsonLog, type Log } from "./service.js";

let service: DeskService;
let log: Log = jsonLog;
try {
  const config = loadConfig();
  log = createLog({ level: config.logLevel, secrets: configSecrets(config) });
  service = new DeskService(config, log);
  await service.start();
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `Không khởi động được: ${(err as Error).message}`);
  process.exit(1);
}

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log("stopping", { signal });
    service.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

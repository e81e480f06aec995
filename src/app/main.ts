#!/usr/bin/env node
// `npm start`: the running desk. Configuration comes from the environment (see README).
import { ConfigError, loadConfig } from "./config.js";
import { DeskService, jsonLog } from "./service.js";

let service: DeskService;
try {
  service = new DeskService(loadConfig());
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
    jsonLog("stopping", { signal });
    service.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

import { describe, expect, it } from "vitest";
import { PollingWorker } from "../src/app/worker.js";

/** Resolves once `cond` holds, polling the event loop; rejects after `ms` so a lost kick fails the test. */
async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met");
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("PollingWorker", () => {
  it("runs again at once when kicked while it runs, instead of waiting a whole interval", async () => {
    let runs = 0;
    // An hour between polls: only a kick can cause the second run within the test.
    const worker = new PollingWorker(
      "t",
      3_600_000,
      async () => {
        runs += 1;
        // The kick lands while this run is in progress (an answer enqueued during the run), and the run
        // finishes before the kick's timer fires: the run's re-arm must not swallow it.
        if (runs === 1) worker.kick();
      },
      () => {},
    );
    worker.start();
    try {
      await until(() => runs >= 2);
      expect(runs).toBe(2);
    } finally {
      await worker.stop();
    }
  });

  it("never overlaps itself and survives an error in work", async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const events: string[] = [];
    const worker = new PollingWorker(
      "t",
      3_600_000,
      async () => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        runs += 1;
        await new Promise((r) => setTimeout(r, 10));
        active -= 1;
        if (runs === 1) throw new Error("boom");
        return runs < 4;
      },
      (event) => events.push(event),
    );
    worker.start();
    try {
      // The first run throws: the error is logged and the loop lives on; a kick runs it again, and the runs
      // that follow ask for more until the fourth. Kicks during a run never start a second one beside it.
      await until(() => events.includes("t-error"));
      worker.kick();
      worker.kick();
      await until(() => runs >= 2);
      worker.kick();
      await until(() => runs >= 4);
      expect(maxActive).toBe(1);
      expect(events).toContain("t-error");
    } finally {
      await worker.stop();
    }
  });
});

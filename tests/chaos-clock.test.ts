import { describe, expect, it } from "vitest";
import { type JobHandler, Scheduler } from "../src/app/scheduler.js";
import { at, makeDesk } from "./helpers.js";
import { until } from "./support/until.js";

/**
 * The desk's clock (the `clock` DeskService and the Scheduler take; never the machine's) jumps forward an hour, as
 * after a suspended VM resumes or an NTP step: every timer that came due in that hour runs once, in the order of
 * its due time; a timer beyond the jump waits. Two scheduler loops on the same store stand for a desk restarted
 * beside its old loop: still once each.
 */
describe("the clock jumping forward an hour", () => {
  it("runs the timers due in that hour once each, in order, and none beyond it", async () => {
    const desk = await makeDesk();
    const t0 = at("2026-12-10", "08:00");
    // Scheduled out of order, with two due at the same instant (then by id).
    const plan = [40, 10, 50, 20, 20, 59, 61, 90];
    await desk.store.tx(async (r) => {
      for (const [i, m] of plan.entries())
        await r.jobs.schedule(
          { kind: "t", key: `t${i}@+${m}`, runAt: new Date(t0.getTime() + m * 60_000) },
          t0,
        );
    });
    let now = t0;
    const clock = () => now;
    const ran: string[] = [];
    const byLoop: string[][] = [[], []];
    const handler =
      (loop: number): JobHandler =>
      async (job, _r, at) => {
        // The handler sees the desk's (jumped) clock, and never a timer from the future.
        expect(job.runAt.getTime()).toBeLessThanOrEqual(at.getTime());
        ran.push(job.key);
        byLoop[loop]!.push(job.key);
      };
    const loops = [
      new Scheduler(desk, { t: handler(0) }, clock, 20),
      new Scheduler(desk, { t: handler(1) }, clock, 20),
    ];
    for (const l of loops) l.start();
    try {
      // Nothing is due at 08:00.
      await new Promise((r) => setTimeout(r, 200));
      expect(ran).toEqual([]);
      now = new Date(t0.getTime() + 60 * 60_000);
      await until(() => ran.length >= 6, "the six timers of the hour");
      // A few more rounds of both loops: nothing runs twice, nothing past 09:00 runs.
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      for (const l of loops) await l.stop();
    }
    const due = ["t1@+10", "t3@+20", "t4@+20", "t0@+40", "t2@+50", "t5@+59"];
    // Once each. On PostgreSQL the two loops may split the hour's timers between them (SKIP LOCKED) and run their
    // shares side by side, so the order holds within each loop, not across the two (CI saw them interleave).
    expect([...ran].sort()).toEqual([...due].sort());
    for (const own of byLoop) expect(own).toEqual(due.filter((k) => own.includes(k)));
    if (byLoop[1]!.length === 0 || byLoop[0]!.length === 0) expect(ran).toEqual(due);
    const pending = await desk.store.read((r) => r.jobs.list(["pending"]));
    expect(pending.map((j) => j.key)).toEqual(["t6@+61", "t7@+90"]);
  });
});

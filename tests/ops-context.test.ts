import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import {
  correlationId,
  correlationMiddleware,
  newCorrelationId,
  withCorrelation,
  withoutCorrelation,
} from "../src/app/ops/context.js";
import { createLog } from "../src/app/ops/log.js";
import { deliverDue } from "../src/app/outbox-worker.js";
import { runDueJobs } from "../src/app/scheduler.js";
import { PollingWorker } from "../src/app/worker.js";
import { at, makeDesk } from "./helpers.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const log = createLog({
    level: "trace",
    destination: { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
  });
  return { lines, log };
}

describe("correlation ids", () => {
  it("every log line written inside an item carries its id, however deep; lines outside carry none", async () => {
    const { lines, log } = capture();
    const deep = async () => {
      await new Promise((r) => setTimeout(r, 1));
      log("deep");
    };
    log("before");
    await Promise.all([
      withCorrelation("m-aaaaaaaaaaaaaaaa", async () => {
        log("first");
        await deep();
      }),
      withCorrelation("m-bbbbbbbbbbbbbbbb", async () => {
        await deep();
        log("second");
      }),
    ]);
    log("after");
    const byEvent = lines.map((l) => [l.event, l.cid]);
    expect(byEvent).toEqual(
      expect.arrayContaining([
        ["first", "m-aaaaaaaaaaaaaaaa"],
        ["second", "m-bbbbbbbbbbbbbbbb"],
        ["deep", "m-aaaaaaaaaaaaaaaa"],
        ["deep", "m-bbbbbbbbbbbbbbbb"],
      ]),
    );
    expect(lines.find((l) => l.event === "before")).not.toHaveProperty("cid");
    expect(lines.find((l) => l.event === "after")).not.toHaveProperty("cid");
    expect(newCorrelationId("c")).toMatch(/^c-[0-9a-f]{16}$/);
    expect(newCorrelationId("c")).not.toBe(newCorrelationId("c"));
  });

  it("ids drawn from the random pool stay distinct and well formed across its refills", () => {
    // 4 KiB of random bytes serve 512 ids: 2 000 ids cross three refills.
    const ids = Array.from({ length: 2000 }, (_, i) => newCorrelationId(i % 2 ? "m" : "o"));
    expect(new Set(ids.map((id) => id.slice(2))).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[mo]-[0-9a-f]{16}$/);
  });

  it("each job run and each outbox delivery gets its own id on the lines of its handler and sender", async () => {
    const desk = await makeDesk();
    const now = at("2026-12-07", "09:00");
    const { lines, log } = capture();
    await desk.store.tx(async (r) => {
      for (const key of ["a", "b"]) await r.jobs.schedule({ kind: "probe", key, runAt: now }, now);
      for (const recipient of ["x", "y"]) {
        await r.outbox.enqueue({ channel: "desk", recipient, kind: "probe", payload: { text: "t" } }, now);
      }
    });
    const seen: (string | undefined)[] = [];
    await runDueJobs(
      desk,
      {
        probe: async (job) => {
          seen.push(correlationId());
          log("probe-handler", { key: job.key });
        },
      },
      now,
      { log },
    );
    await deliverDue(
      desk.store,
      {
        desk: async (m) => {
          seen.push(correlationId());
          log("probe-sender", { recipient: m.recipient });
        },
      },
      now,
      { log },
    );
    expect(seen).toHaveLength(4);
    expect(seen.slice(0, 2).every((id) => /^j-[0-9a-f]{16}$/.test(id ?? ""))).toBe(true);
    expect(seen.slice(2).every((id) => /^o-[0-9a-f]{16}$/.test(id ?? ""))).toBe(true);
    expect(new Set(seen).size).toBe(4);
    // The handler's line and the runner's own line of one job share its id.
    for (const id of seen) {
      const events = lines.filter((l) => l.cid === id).map((l) => l.event);
      expect(events).toEqual(
        id!.startsWith("j-") ? ["probe-handler", "job-done"] : ["probe-sender", "outbox-sent"],
      );
    }
  });

  it("waking a shared worker from inside an item does not lend it the item's id", async () => {
    const ran: (string | undefined)[] = [];
    let resolveRun: () => void = () => undefined;
    const worker = new PollingWorker(
      "probe",
      60_000,
      async () => {
        ran.push(correlationId());
        resolveRun();
      },
      () => undefined,
    );
    // Resolved when a run starts; then one more turn of the loop, so the run has re-armed its own timer.
    const nextRun = () =>
      new Promise<void>((r) => (resolveRun = r)).then(() => new Promise((r) => setImmediate(r)));
    let running = nextRun();
    worker.start();
    await running;
    // A plain kick() inside an item arms the worker's timer in that item's context: this is the leak…
    running = nextRun();
    withCorrelation("m-1111111111111111", () => worker.kick());
    await running;
    // …which the service avoids by kicking outside it.
    running = nextRun();
    withCorrelation("m-2222222222222222", () => withoutCorrelation(() => worker.kick()));
    await running;
    await worker.stop();
    expect(ran).toEqual([undefined, "m-1111111111111111", undefined]);
  });

  it("web: X-Request-Id is kept when well formed, replaced otherwise, and echoed on the response", async () => {
    const app = new Hono();
    app.use(correlationMiddleware());
    app.get("/", async (c) => {
      await new Promise((r) => setTimeout(r, 1));
      return c.text(correlationId() ?? "none");
    });
    const good = await app.request("/", { headers: { "X-Request-Id": "proxy-42-ABC" } });
    expect(await good.text()).toBe("proxy-42-ABC");
    expect(good.headers.get("X-Request-Id")).toBe("proxy-42-ABC");
    for (const bad of ["a b", "x".repeat(65), 'a"}{"level":"fatal', ""]) {
      const res = await app.request("/", { headers: { "X-Request-Id": bad } });
      const id = await res.text();
      expect(id).toMatch(/^w-[0-9a-f]{16}$/);
      expect(res.headers.get("X-Request-Id")).toBe(id);
    }
    const none = await app.request("/");
    expect(await none.text()).toMatch(/^w-[0-9a-f]{16}$/);
  });
});

import { spawnSync } from "node:child_process";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/app/config.js";
import { DeskBusyError, DeskService } from "../../src/app/service.js";
import type { Claimant } from "../../src/store/lease-repo.js";
import { Store } from "../../src/store/store.js";
import { tempDir } from "../helpers.js";
import { DeskProcess } from "../support/desk-process.js";
import { until } from "../support/until.js";

// SQLite only (kept out of BOTH_STORES): the single-desk lock on one file. Several desks on PostgreSQL share it by
// design: tests/desk-pg.pg.test.ts and tests/failover.pg.test.ts cover their leader lease.
// Threat: two desks on one SQLite file both poll the same mailbox and chat, both run the timers, and answer,
// remind and start sessions twice. The second must refuse to start and name the holder; a holder that died is
// taken over, after its lease expires (or at once when it is provably gone from this host).

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Put a lease row into the database as if another desk held it. */
async function seedLease(path: string, who: Claimant, since: Date, until: Date): Promise<void> {
  const store = Store.open(path);
  await store.tx((r) => r.lease.take("desk", who, since, until));
  store.close();
}

async function leaseOf(path: string) {
  const store = Store.open(path);
  try {
    return await store.read((r) => r.lease.get("desk"));
  } finally {
    store.close();
  }
}

function inProcessDesk(path: string, extra: Record<string, string> = {}) {
  const events: { event: string; fields: Record<string, unknown> }[] = [];
  const service = new DeskService(loadConfig({ DESK_DB: path, ...extra }), (event, fields = {}) =>
    events.push({ event, fields }),
  );
  return { service, events };
}

describe("one desk per database", () => {
  it("a second desk process on the same file refuses, naming the holder's pid, host and start", async () => {
    const path = join(tempDir(), "desk.db");
    const first = DeskProcess.start({ DESK_DB: path });
    cleanups.push(() => first.kill());
    const started = await first.waitFor("started");
    expect(started, first.stderr).not.toBeNull();
    const pid = started!.pid as number;
    expect(pid).toBe(first.pid);

    const second = DeskProcess.start({ DESK_DB: path });
    cleanups.push(() => second.kill());
    expect(await second.waitFor("started")).toBeNull();
    expect((await second.exited).code).toBe(1);
    expect(second.stderr).toContain(`Cơ sở dữ liệu ${path} đang được một bàn khác sử dụng`);
    expect(second.stderr).toContain(`(pid ${pid}, máy ${hostname()}, từ `);
    // The refused desk did not take the lease away from the running one.
    expect(await leaseOf(path)).toMatchObject({ pid, host: hostname() });

    // A clean stop gives the lease back: the next desk starts at once.
    first.child.kill("SIGTERM");
    expect((await first.exited).code).toBe(0);
    expect(await leaseOf(path)).toBeNull();
  }, 180_000);

  it("a live lease held on another machine refuses the desk, and leaves the row alone", async () => {
    const path = join(tempDir(), "desk.db");
    const other = { holder: "desk-on-another-host", pid: 4242, host: "may-chu-khac" };
    const since = new Date(Date.now() - 60_000);
    await seedLease(path, other, since, new Date(Date.now() + 60_000));
    const { service } = inProcessDesk(path);
    const refused = await service.start().then(
      () => null,
      (err: Error) => err,
    );
    expect(refused).toBeInstanceOf(DeskBusyError);
    expect(refused!.message).toContain("(pid 4242, máy may-chu-khac, từ ");
    expect(await leaseOf(path)).toMatchObject({ holder: other.holder, pid: 4242 });
  });

  it("a stale lease (past lease_until) is taken over, and the takeover is logged", async () => {
    const path = join(tempDir(), "desk.db");
    const other = { holder: "crashed-desk", pid: 4242, host: "may-chu-khac" };
    await seedLease(path, other, new Date(Date.now() - 120_000), new Date(Date.now() - 1_000));
    const { service, events } = inProcessDesk(path);
    await service.start();
    cleanups.push(() => service.stop());
    expect(events.find((e) => e.event === "lease-taken-over")?.fields).toMatchObject({
      reason: "expired",
      previous: { pid: 4242, host: "may-chu-khac" },
    });
    const now = await service.desk.store.read((r) => r.lease.get("desk"));
    expect(now).toMatchObject({ holder: service.claimant.holder, pid: process.pid, host: hostname() });
  });

  it("a lease whose process is gone from this host is taken over without waiting for it to expire", async () => {
    const path = join(tempDir(), "desk.db");
    const dead = spawnSync("true").pid; // exited and reaped: nobody has this pid now
    const since = new Date();
    await seedLease(
      path,
      { holder: "killed-desk", pid: dead, host: hostname() },
      since,
      new Date(Date.now() + 600_000),
    );
    const { service, events } = inProcessDesk(path);
    await service.start();
    cleanups.push(() => service.stop());
    expect(events.find((e) => e.event === "lease-taken-over")?.fields).toMatchObject({
      reason: "dead",
      previous: { pid: dead },
    });
  });

  it("the holder renews its lease, and stops when another desk has taken it over", async () => {
    const path = join(tempDir(), "desk.db");
    const { service, events } = inProcessDesk(path, { DESK_LEASE_SECONDS: "3" });
    await service.start();
    cleanups.push(() => service.stop());
    const first = (await service.desk.store.read((r) => r.lease.get("desk")))!;
    await until(async () => {
      const row = await service.desk.store.read((r) => r.lease.get("desk"));
      return row && row.leaseUntil > first.leaseUntil ? row : undefined;
    }, "a heartbeat");
    // Another desk took the row (this one had stalled past its lease): this desk must stop working.
    const intruder = Store.open(path);
    await intruder.tx((r) =>
      r.lease.take(
        "desk",
        { holder: "intruder", pid: 4242, host: "may-chu-khac" },
        new Date(),
        new Date(Date.now() + 60_000),
      ),
    );
    intruder.close();
    await until(() => events.some((e) => e.event === "stopped"), "the desk to stop");
    expect(events.some((e) => e.event === "lease-lost")).toBe(true);
    expect(await leaseOf(path)).toMatchObject({ holder: "intruder" });
  });
});

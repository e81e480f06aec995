import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import { describe, expect, it, vi } from "vitest";
import { registerBooking } from "../../src/app/booking/index.js";
import { loadConfig } from "../../src/app/config.js";
import type { Desk } from "../../src/app/desk.js";
import { Health } from "../../src/app/ops/health.js";
import { ChatCounters } from "../../src/app/ops/metrics.js";
import { runDueJobs, sessionJobHandlers } from "../../src/app/scheduler.js";
import { DeskService } from "../../src/app/service.js";
import { type ChatTransport, deliverChat, RetryAfterError } from "../../src/bot/delivery.js";
import { Pacer } from "../../src/bot/pacing.js";
import { opsRoutes } from "../../src/web/public/ops-routes.js";
import { at, makeDesk, request, tempDir, testDb } from "../helpers.js";
import { rawSql } from "../support/raw-sql.js";

const NOW = at("2026-12-07", "08:35");
const TOKEN = "prom-scrape-0123456789abcdef";
const ALL = { imap: true, smtp: true, chat: true, mcu: true, jobs: true };

function ops(desk: Desk, health: Health, opts: { token?: string; chat?: ChatCounters; now?: Date } = {}) {
  return opsRoutes({
    desk,
    config: { metricsToken: opts.token ?? null },
    health,
    chatCounters: opts.chat ?? new ChatCounters(),
    now: () => opts.now ?? NOW,
  });
}

/** A request as @hono/node-server hands it over, from `address`. */
function from(app: Hono, address: string, headers: Record<string, string> = {}, path = "/metrics") {
  return app.request(path, { headers }, { incoming: { socket: { remoteAddress: address } } });
}

/** The value of one sample in Prometheus text, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function listen(app: Hono): Promise<{ base: string; close: () => Promise<void> }> {
  const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => (server.listening ? resolve() : server.once("listening", resolve)));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("Health, the workers' registry", () => {
  it("up, down, disabled; a failure is reported by its code only, never its message", () => {
    const h = new Health({ ...ALL, chat: false });
    const t = (s: number) => new Date(NOW.getTime() + s * 1000);
    expect(h.snapshot(t(0))).toMatchObject({ ok: true, workers: { chat: { status: "disabled" } } });
    h.ok("imap", t(0));
    const err = Object.assign(
      new Error("connect ECONNREFUSED imap.hanoi.gov.vn user=kythuat pass=Mk-bi-mat-42"),
      {
        code: "ECONNREFUSED",
      },
    );
    h.fail("imap", err, t(10));
    const down = h.snapshot(t(25));
    expect(down.ok).toBe(false);
    expect(down.workers.imap).toEqual({
      status: "down",
      lastSuccessAgeSeconds: 25,
      lastSuccessAt: t(0).toISOString(),
      lastFailureAt: t(10).toISOString(),
      error: "ECONNREFUSED",
    });
    expect(JSON.stringify(down)).not.toMatch(/Mk-bi-mat|kythuat|hanoi\.gov\.vn/);
    h.ok("imap", t(30));
    expect(h.snapshot(t(31))).toMatchObject({ ok: true, workers: { imap: { status: "up", error: null } } });
    // A loop that reports only failures: one not repeated within holdMs has healed.
    h.fail("smtp", new Error("x"), t(40), { holdMs: 60_000 });
    expect(h.worker("smtp", t(99)).status).toBe("down");
    expect(h.worker("smtp", t(101)).status).toBe("up");
  });
});

describe("/healthz", () => {
  it("200 when every configured worker is up, 503 when one is down; unconfigured ones are «disabled»", async () => {
    const desk = await makeDesk();
    const health = new Health({ ...ALL, imap: false });
    health.ok("smtp", NOW);
    const ok = await ops(desk, health).request("/healthz");
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { status: string; workers: Record<string, { status: string }> };
    expect(body.status).toBe("ok");
    expect(Object.fromEntries(Object.entries(body.workers).map(([k, v]) => [k, v.status]))).toEqual({
      imap: "disabled",
      smtp: "up",
      chat: "up",
      mcu: "up",
      jobs: "up",
    });
    health.fail(
      "mcu",
      Object.assign(new Error("Janus at http://admin:secret@mcu/ said no"), { code: "ETIMEDOUT" }),
      NOW,
    );
    const bad = await ops(desk, health).request("/healthz");
    expect(bad.status).toBe(503);
    const text = await bad.text();
    expect(JSON.parse(text)).toMatchObject({
      status: "degraded",
      workers: { mcu: { status: "down", error: "ETIMEDOUT" } },
    });
    expect(text).not.toContain("secret");
  });

  it("the running desk records its workers: an unreachable IMAP server makes /healthz 503 without its password", async () => {
    const dir = tempDir();
    const config = loadConfig({
      DESK_DB: await testDb(join(dir, "desk.db")),
      DESK_IMAP_HOST: "127.0.0.1",
      // Nothing listens on port 9 (discard) on a test machine: the connection is refused.
      DESK_IMAP_PORT: "9",
      DESK_IMAP_TLS: "none",
      DESK_IMAP_USER: "kythuat",
      DESK_IMAP_PASSWORD: "Mat-khau-IMAP-khong-lo-ra",
      DESK_POLL_MS: "50",
      DESK_MCU_POLL_SECONDS: "1",
      DESK_LOG_LEVEL: "silent",
    });
    const service = await DeskService.open(config, () => undefined);
    await service.start();
    try {
      // Mounted the way the web server mounts it: the service is the dependency.
      const app = opsRoutes(service);
      await vi.waitFor(() => expect(service.health.worker("imap", new Date()).status).toBe("down"), {
        timeout: 20_000,
        interval: 50,
      });
      await vi.waitFor(() => expect(service.health.worker("mcu", new Date()).lastSuccessAt).not.toBeNull(), {
        timeout: 20_000,
        interval: 50,
      });
      const res = await app.request("/healthz");
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(text).not.toContain("Mat-khau-IMAP");
      const body = JSON.parse(text);
      expect(body.workers.imap).toMatchObject({ status: "down", lastSuccessAt: null });
      expect(body.workers.imap.error).toMatch(/^(ECONNREFUSED|imap-error)$/);
      expect(body.workers.smtp.status).toBe("disabled");
      expect(body.workers.chat.status).toBe("disabled");
      expect(body.workers.mcu.status).toBe("up");
    } finally {
      await service.stop();
    }
  });
});

describe("/metrics", () => {
  it("refuses remote scrapes without the token, with a wrong token, and through a local proxy", async () => {
    const desk = await makeDesk();
    const open = ops(desk, new Health(ALL));
    expect((await from(open, "203.0.113.9")).status).toBe(403);
    expect((await open.request("/metrics")).status).toBe(403);
    const guarded = ops(desk, new Health(ALL), { token: TOKEN });
    const refused = await from(guarded, "203.0.113.9");
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("Không được phép");
    expect((await from(guarded, "203.0.113.9", { Authorization: `Bearer ${TOKEN}x` })).status).toBe(403);
    expect(
      (await from(guarded, "203.0.113.9", { Authorization: `Bearer ${TOKEN.slice(0, -1)}` })).status,
    ).toBe(403);
    expect((await from(guarded, "203.0.113.9", { Authorization: `Basic ${TOKEN}` })).status).toBe(403);
    expect((await from(guarded, "203.0.113.9", { Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    // Loopback through a real socket is allowed; the same socket carrying a proxy's forwarding header is not.
    const server = await listen(open);
    try {
      const local = await fetch(`${server.base}/metrics`);
      expect(local.status).toBe(200);
      expect(local.headers.get("content-type")).toContain("text/plain; version=0.0.4");
      expect(
        (await fetch(`${server.base}/metrics`, { headers: { "X-Forwarded-For": "203.0.113.9" } })).status,
      ).toBe(403);
      expect(
        (await fetch(`${server.base}/metrics`, { headers: { Forwarded: "for=203.0.113.9" } })).status,
      ).toBe(403);
    } finally {
      await server.close();
    }
  });

  it("reads outbox, jobs, decisions, SLA breaches, incidents and MCU figures from the database at scrape time", async () => {
    const desk = await makeDesk();
    // Confirmed: a mail answer (with its invite) and a group line wait in the outbox.
    await registerBooking(desk, request(), { now: NOW });
    // Too far ahead: needs review; nobody answers within 2 hours, so the answer deadline is missed.
    await registerBooking(
      desk,
      request({ start: at("2028-03-01", "09:00"), end: at("2028-03-01", "10:00") }),
      {
        now: NOW,
      },
    );
    const afterDeadline = new Date(NOW.getTime() + 2 * 3600_000 + 60_000);
    await runDueJobs(desk, sessionJobHandlers(desk), afterDeadline);
    const db = rawSql(desk.store);
    // One timer parked after its retries; a session live with one leg down; an incident open on the WAN route.
    await desk.store.tx((r) =>
      r.jobs.schedule({ kind: "technical-check", key: "HTT-2026-9999", runAt: NOW }, NOW),
    );
    const id = await db.num("SELECT id FROM jobs WHERE key = 'HTT-2026-9999'");
    await desk.store.tx((r) => r.jobs.fail(id, "MCU không trả lời", null));
    await db.run("UPDATE bookings SET status = 'live' WHERE code = 'HTT-2026-0001'");
    await desk.store.tx((r) => r.meta.set("mcu:leg:HTT-2026-0001:CX-00008", "SC-2026-0001"));
    await desk.store.tx((r) => r.meta.set("mcu:leg:HTT-2026-0001:CX-00025", "-"));
    await db.run(
      `INSERT INTO incidents (code, category, route, status, reporter, text, opened_at, updated_at)
       VALUES ('SC-2026-0001', 'network', 'wan', 'open', 'system', 'mất kết nối', ?, ?)`,
      NOW.getTime(),
      NOW.getTime(),
    );

    const health = new Health({ ...ALL, chat: false });
    health.ok("imap", new Date(afterDeadline.getTime() - 30_000));
    const scrapeAt = new Date(afterDeadline.getTime() + 60_000);
    const text = await (await from(ops(desk, health, { now: scrapeAt }), "127.0.0.1")).text();

    const oldestMail = (scrapeAt.getTime() - NOW.getTime()) / 1000;
    expect(sample(text, 'desk_outbox_pending{channel="mail"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'desk_outbox_oldest_pending_age_seconds{channel="mail"}')).toBe(oldestMail);
    expect(sample(text, 'desk_jobs_parked{kind="technical-check"}')).toBe(1);
    expect(sample(text, 'desk_booking_decisions_total{outcome="confirmed"}')).toBe(1);
    expect(sample(text, 'desk_booking_decisions_total{outcome="needs-review"}')).toBe(1);
    expect(sample(text, 'desk_sla_breaches_total{kind="answer"}')).toBe(1);
    expect(sample(text, 'desk_sla_breaches_total{kind="incident-ack"}')).toBe(0);
    // Live without any technical-check notice: a missed check.
    expect(sample(text, 'desk_sla_breaches_total{kind="technical-check"}')).toBe(1);
    expect(sample(text, 'desk_incidents_open{route="wan"}')).toBe(1);
    expect(sample(text, "desk_mcu_live_sessions")).toBe(1);
    expect(sample(text, "desk_mcu_dropped_legs")).toBe(1);
    expect(sample(text, "desk_imap_connected")).toBe(1);
    expect(sample(text, "desk_imap_last_event_age_seconds")).toBe(90);
    expect(sample(text, 'desk_worker_up{worker="imap"}')).toBe(1);
    expect(sample(text, 'desk_worker_up{worker="chat"}')).toBeUndefined();
    expect(sample(text, 'desk_worker_last_success_timestamp_seconds{worker="imap"}')).toBe(
      (afterDeadline.getTime() - 30_000) / 1000,
    );
    // The technical check of the first booking (2 h before 09:00 on 10/12) is not due yet at the scrape.
    expect(sample(text, 'desk_jobs_due{kind="technical-check"}')).toBeUndefined();
    const due = await (await from(ops(desk, health, { now: at("2026-12-10", "07:30") }), "::1")).text();
    expect(sample(due, 'desk_jobs_due{kind="technical-check"}')).toBe(1);
    // Delivered, the mail leaves the pending figures at the next scrape.
    await db.run("UPDATE outbox SET status = 'sent' WHERE channel = 'mail'");
    const later = await (await from(ops(desk, health, { now: scrapeAt }), "127.0.0.1")).text();
    expect(sample(later, 'desk_outbox_pending{channel="mail"}')).toBeUndefined();
  });

  it("counts chat 429s and retries through the delivery loop's hook", async () => {
    const desk = await makeDesk();
    await desk.store.tx((r) =>
      r.outbox.enqueue(
        { channel: "group", recipient: "support-group", kind: "x", payload: { text: "Xin chào" } },
        NOW,
      ),
    );
    let calls = 0;
    const transport: ChatTransport = {
      platform: "telegram",
      groupChatId: "-100",
      maxLength: 4096,
      supportsButtons: true,
      send: async () => {
        calls++;
        if (calls === 1) throw new RetryAfterError(3000);
        if (calls === 2) throw new Error("ECONNRESET");
      },
    };
    const counters = new ChatCounters();
    const pacer = new Pacer();
    pacer.onRetry = (platform, limited) => counters.record(platform, limited);
    let now = NOW;
    const clock = () => now;
    for (let i = 0; i < 3; i++) {
      await deliverChat(desk.store, [transport], pacer, clock, async () => undefined);
      now = new Date(now.getTime() + 3600_000);
    }
    expect(calls).toBe(3);
    const text = await (await from(ops(desk, new Health(ALL), { chat: counters }), "127.0.0.1")).text();
    expect(sample(text, 'desk_chat_rate_limited_total{platform="telegram"}')).toBe(1);
    expect(sample(text, 'desk_chat_retries_total{platform="telegram"}')).toBe(2);
  });

  it("counts a held session whose technical check went out later than 2 h before its start, not one on time", async () => {
    const desk = await makeDesk();
    await registerBooking(desk, request(), { now: NOW });
    await registerBooking(
      desk,
      request({
        start: at("2026-12-10", "14:00"),
        end: at("2026-12-10", "15:00"),
        title: "Họp chiều",
        participants: ["CX-00070"],
        host: "Sở Công Thương",
      }),
      { now: NOW },
    );
    const handlers = sessionJobHandlers(desk);
    // The morning session's check runs on time (07:00 for 09:00); the desk was down until 12:30 for the other.
    await runDueJobs(desk, handlers, at("2026-12-10", "07:00"));
    await runDueJobs(desk, handlers, at("2026-12-10", "12:30"));
    const kinds = await rawSql(desk.store).all<{ booking: string }>(
      "SELECT booking FROM outbox WHERE kind = 'technical-check' ORDER BY id",
    );
    expect(kinds.map((k) => k.booking)).toEqual(["HTT-2026-0001", "HTT-2026-0002"]);
    const health = new Health(ALL);
    const scrape = async () =>
      (
        await (await from(ops(desk, health, { now: at("2026-12-10", "16:00") }), "127.0.0.1")).text()
      ).toString();
    // Not yet held: nothing counted, whatever the notices.
    expect(sample(await scrape(), 'desk_sla_breaches_total{kind="technical-check"}')).toBe(0);
    await rawSql(desk.store).run("UPDATE bookings SET status = 'ended'");
    expect(sample(await scrape(), 'desk_sla_breaches_total{kind="technical-check"}')).toBe(1);
  });
});

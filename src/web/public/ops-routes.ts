import { createHash, timingSafeEqual } from "node:crypto";
import { type Context, Hono } from "hono";
import { isLoopbackHost } from "../../app/config.js";
import type { Health } from "../../app/ops/health.js";
import { type ChatCounters, deskMetrics } from "../../app/ops/metrics.js";
import { DEFAULT_REGULATION } from "../../core/regulation.js";
import type { Store } from "../../store/store.js";

/** What `/healthz` and `/metrics` need; the running DeskService has all of it (`opsRoutes(service)`). */
export interface OpsDeps {
  /** `reg` is the regulation in force (the technical check's lead time); its default value without one. */
  desk: { store: Store; reg?: { technicalCheckBeforeMinutes: number } };
  config: { metricsToken: string | null };
  health: Health;
  chatCounters: ChatCounters;
  now?: () => Date;
}

/** The TCP peer of a request served by @hono/node-server (absent under `app.request()` without bindings). */
function peerAddress(c: Context): string | undefined {
  const env = c.env as
    | {
        incoming?: { socket?: { remoteAddress?: string } };
        server?: { incoming?: { socket?: { remoteAddress?: string } } };
      }
    | undefined;
  return (env?.server?.incoming ?? env?.incoming)?.socket?.remoteAddress;
}

/**
 * A request from this machine itself. One that came through a reverse proxy on this machine is not: the proxy
 * connects from loopback on behalf of anyone, and says so in a forwarding header.
 */
function fromLoopback(c: Context): boolean {
  const peer = peerAddress(c);
  if (!peer || !isLoopbackHost(peer)) return false;
  return !["forwarded", "x-forwarded-for", "x-real-ip"].some((h) => c.req.header(h) !== undefined);
}

/** Compared as SHA-256 digests: equal lengths for timingSafeEqual, and no early exit on the first wrong byte. */
function sameToken(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

const FORBIDDEN =
  "Không được phép: /metrics chỉ trả lời yêu cầu từ chính máy chủ (loopback), hoặc yêu cầu có tiêu đề " +
  "«Authorization: Bearer <mã>» đúng với DESK_METRICS_TOKEN.";

/**
 * `/healthz` (each worker up, down or disabled, with the age of its last success; 200 when every configured worker
 * is up, 503 otherwise) and `/metrics` (Prometheus text; loopback only, or anyone with DESK_METRICS_TOKEN).
 */
export function opsRoutes(deps: OpsDeps): Hono {
  const app = new Hono();
  const now = deps.now ?? (() => new Date());
  const registry = deskMetrics({
    store: deps.desk.store,
    health: deps.health,
    chat: deps.chatCounters,
    now,
    technicalCheckBeforeMinutes:
      deps.desk.reg?.technicalCheckBeforeMinutes ?? DEFAULT_REGULATION.technicalCheckBeforeMinutes,
  });

  app.get("/healthz", (c) => {
    const snap = deps.health.snapshot(now());
    c.header("Cache-Control", "no-store");
    return c.json({ status: snap.ok ? "ok" : "degraded", workers: snap.workers }, snap.ok ? 200 : 503);
  });

  app.get("/metrics", async (c) => {
    const token = deps.config.metricsToken;
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "")?.[1];
    const allowed = fromLoopback(c) || (token !== null && bearer !== undefined && sameToken(bearer, token));
    if (!allowed) return c.body(FORBIDDEN, 403, { "Content-Type": "text/plain; charset=utf-8" });
    const body = await registry.metrics();
    return c.body(body, 200, { "Content-Type": registry.contentType, "Cache-Control": "no-store" });
  });

  return app;
}

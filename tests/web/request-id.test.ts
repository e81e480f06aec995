import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { correlationId } from "../../src/app/ops/context.js";
import { webApp } from "../../src/web/server.js";
import { DEFAULT_WEB_SETTINGS } from "../../src/web/settings.js";
import { makeDesk } from "../helpers.js";

describe("web requests carry a correlation id", () => {
  it("runs each request under its own id, keeps a valid X-Request-Id and replaces a forged one", async () => {
    const desk = await makeDesk();
    // An open sub-app that reports the id it runs under: what every log line of that request would carry.
    const probe = new Hono();
    probe.get("/tham-do", (c) => c.text(correlationId() ?? "none"));
    const app = webApp({ desk, settings: DEFAULT_WEB_SETTINGS, open: [probe] });

    const a = await app.request("/tham-do");
    const b = await app.request("/tham-do");
    const idA = await a.text();
    expect(idA).toMatch(/^w-[0-9a-f]+$/);
    expect(a.headers.get("x-request-id")).toBe(idA);
    expect(await b.text()).not.toBe(idA);

    const kept = await app.request("/tham-do", { headers: { "X-Request-Id": "proxy-42-abc" } });
    expect(await kept.text()).toBe("proxy-42-abc");

    // Log injection through the header: newlines and quotes are not taken as an id.
    const forged = await app.request("/tham-do", { headers: { "X-Request-Id": 'x"\\n{"level":"fatal"}' } });
    expect(await forged.text()).toMatch(/^w-[0-9a-f]+$/);

    // The desk's own pages get one too.
    const login = await app.request("/dang-nhap");
    expect(login.headers.get("x-request-id")).toMatch(/^w-[0-9a-f]+$/);
  });
});

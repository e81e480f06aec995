import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { loadHolidayCalendar } from "../../src/app/config.js";
import { DEFAULT_REGULATION } from "../../src/core/regulation.js";
import { Store } from "../../src/store/store.js";
import { at, CALENDAR_DIR, sampleDirectory } from "../helpers.js";
import { type OwnPgServer, startOwnPostgres } from "../support/postgres.js";
import { login, webDesk } from "./support.js";

// The 503 of tests/web/refusal-pages.test.ts against a real PostgreSQL stopped under a signed-in desk: the
// errors node-postgres and drizzle really give (not a stub's) are read as an outage, not a bug's 500.
// A server of this test's own: stopping the one the other suites share would cut them too.

const NOW = at("2026-12-03", "09:00");
let server: OwnPgServer | undefined;
let store: Store | undefined;
afterAll(async () => {
  await store?.close().catch(() => undefined);
  await server?.stop().catch(() => undefined);
});

describe("PostgreSQL stopped under the web desk", () => {
  it("a page is the desk's 503, saying try again, with nothing of the error in it", {
    timeout: 120_000,
  }, async () => {
    server = await startOwnPostgres();
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    await c.query("CREATE DATABASE desk");
    await c.end();
    const u = new URL(server.url);
    u.pathname = "/desk";
    store = await Store.openPg(u.toString(), { max: 2 });
    await store.tx((r) => r.directory.replaceAll(sampleDirectory));
    const desk = { store, reg: DEFAULT_REGULATION, holidays: loadHolidayCalendar(CALENDAR_DIR) };
    const { app } = await webDesk({ desk, now: () => NOW });
    const tech = await login(app, "tech");
    const headers = { cookie: tech.cookie, accept: "text/html" };
    expect((await app.request("/hom-nay", { headers })).status).toBe(200);
    await server.stop();
    const errors: unknown[] = [];
    const log = console.error;
    console.error = (e: unknown) => errors.push(e);
    try {
      for (const path of ["/hom-nay", "/su-co", "/lich-noi-bo"]) {
        const res = await app.request(path, { headers });
        expect(res.status, `${path}: ${String(errors.at(-1))}`).toBe(503);
        const page = await res.text();
        expect(page).toContain("<h1>Tạm thời chưa phục vụ được</h1>");
        expect(page).not.toContain(u.port);
        expect(page).not.toMatch(/ECONNREFUSED|terminat|postgres/i);
      }
    } finally {
      console.error = log;
    }
  });
});

import { join } from "node:path";
import type { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { Desk } from "../../src/app/desk.js";
import type { WebEnv } from "../../src/web/context.js";
import { at, countOf, makeDesk, sampleDirectory, tempDir } from "../helpers.js";
import { login, ORIGIN, PASSWORD, PEOPLE, post, webDesk } from "../web/support.js";

/**
 * The login guard's counts live in the database (web_login_pairs, web_login_failures), not in one process:
 * - a desk restarted after five wrong passwords still refuses that address (in memory, a restart forgot the lock,
 *   so a guesser could restart their budget by waiting for a deploy);
 * - two desks behind one balancer (PostgreSQL) or two processes on one file count the same tries (in memory, each
 *   desk gave a guesser five more).
 */
const NOW = at("2026-12-10", "08:00");
const WHO = PEOPLE.tech.login;

/** Two desks on one database: the second opened on the first's path (on PostgreSQL, the same database). */
async function twoDesks(): Promise<[Desk, Desk]> {
  const path = join(tempDir(), "desk.db");
  const first = await makeDesk({}, path);
  await first.store.tx((r) => r.directory.replaceAll(sampleDirectory));
  return [first, await makeDesk({}, path)];
}

async function attempt(app: Hono<WebEnv>, password: string): Promise<number> {
  const res = await app.request("/dang-nhap", {
    method: "POST",
    body: new URLSearchParams({ login: WHO, password }),
    headers: { origin: ORIGIN },
  });
  return res.status;
}

describe("the login guard shared through the database", () => {
  it("a lock outlives the desk that set it: a restarted desk still refuses the right password from that address", async () => {
    const [a, b] = await twoDesks();
    const before = (await webDesk({ desk: a, now: () => NOW })).app;
    for (let i = 0; i < 5; i++) expect(await attempt(before, "khong-dung")).toBe(401);
    // The desk restarts: a new process, a new web app on the same database.
    await a.store.close();
    const after = (await webDesk({ desk: b, now: () => NOW })).app;
    expect(await attempt(after, PASSWORD)).toBe(401);
    // The lock is 15 minutes: after it the right password opens again.
    const later = (await webDesk({ desk: b, now: () => new Date(NOW.getTime() + 16 * 60_000) })).app;
    expect(await attempt(later, PASSWORD)).toBe(303);
  });

  it("two desks count the same run: three wrong passwords on one and two on the other lock the login on both", async () => {
    const [a, b] = await twoDesks();
    const one = (await webDesk({ desk: a, now: () => NOW })).app;
    const two = (await webDesk({ desk: b, now: () => NOW })).app;
    for (let i = 0; i < 3; i++) expect(await attempt(one, "khong-dung")).toBe(401);
    for (let i = 0; i < 2; i++) expect(await attempt(two, "khong-dung")).toBe(401);
    expect(await attempt(one, PASSWORD)).toBe(401);
    expect(await attempt(two, PASSWORD)).toBe(401);
  });

  it("an admin's unlock on one desk opens the login on the other", async () => {
    const [a, b] = await twoDesks();
    const one = (await webDesk({ desk: a, now: () => NOW })).app;
    const two = (await webDesk({ desk: b, now: () => NOW })).app;
    for (let i = 0; i < 5; i++) await attempt(one, "khong-dung");
    expect(await attempt(one, PASSWORD)).toBe(401);
    const admin = await login(two, "admin");
    const res = await post(
      two,
      "/tai-khoan/mo-khoa",
      { _csrf: admin.csrf, login: WHO },
      { cookie: admin.cookie },
    );
    expect(res.status).toBe(303);
    expect(await attempt(one, PASSWORD)).toBe(303);
  });

  it("rows that no longer lock or count are deleted once their window has passed", async () => {
    const [a] = await twoDesks();
    let now = NOW;
    const { app } = await webDesk({ desk: a, now: () => now });
    for (let i = 0; i < 5; i++) await attempt(app, "khong-dung");
    expect(await countOf(a.store, "SELECT count(*) AS n FROM web_login_failures")).toBe(5);
    expect(await countOf(a.store, "SELECT count(*) AS n FROM web_login_pairs")).toBe(1);
    // An hour later a wrong password for another login prunes the old rows and writes its own.
    now = new Date(NOW.getTime() + 60 * 60_000);
    const res = await app.request("/dang-nhap", {
      method: "POST",
      body: new URLSearchParams({ login: PEOPLE.admin.login, password: "khong-dung" }),
      headers: { origin: ORIGIN },
    });
    expect(res.status).toBe(401);
    expect(await countOf(a.store, "SELECT count(*) AS n FROM web_login_failures")).toBe(1);
    expect(await countOf(a.store, "SELECT count(*) AS n FROM web_login_pairs")).toBe(1);
  });
});

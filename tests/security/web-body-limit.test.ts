import { afterEach, describe, expect, it } from "vitest";
import { listen, type RunningWeb } from "../../src/web/server.js";
import { at } from "../helpers.js";
import { login, PASSWORD, PEOPLE, webDesk } from "../web/support.js";

/**
 * Threat: anyone who reaches the web desk POSTs a body of hundreds of megabytes to the login form (it needs no
 * session), and the desk reads all of it into memory before looking at it; a few such requests and the process
 * that also reads the mail and the chat is gone. Only the directory upload had a limit. Through a real listening
 * server, with and without a Content-Length.
 */
const NOW = at("2026-12-10", "08:00");
let running: RunningWeb | null = null;
afterEach(async () => {
  await running?.close();
  running = null;
});

async function served() {
  const { app } = await webDesk({ now: () => NOW });
  running = await listen(app, "127.0.0.1", 0);
  return { app, url: running.url };
}

/** A form body far over any form's size: a password field of 8 MB. */
const HUGE = 8 * 1024 * 1024;

describe("web desk: a request body over the limit is refused unread", () => {
  it("the login form refuses 8 MB with 413, with a Content-Length", async () => {
    const { url } = await served();
    const body = `login=${encodeURIComponent(PEOPLE.tech.login)}&password=${"a".repeat(HUGE)}`;
    const res = await fetch(`${url}/dang-nhap`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
    });
    expect(res.status).toBe(413);
  });

  it("the login form refuses 8 MB with 413 when it comes chunked, without a length", async () => {
    const { url } = await served();
    const chunk = new TextEncoder().encode("a".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode("login=x%40hanoi.gov.vn&password="));
        if (sent >= HUGE) controller.close();
        else {
          controller.enqueue(chunk);
          sent += chunk.length;
        }
      },
    });
    const res = await fetch(`${url}/dang-nhap`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it("a signed-in person's form action over the limit is refused too; ordinary forms still work", async () => {
    const { app, url } = await served();
    const s = await login(app, "tech");
    const res = await fetch(`${url}/su-co/SC-2026-0001/ghichu`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: s.cookie },
      body: `_csrf=${s.csrf}&note=${"a".repeat(HUGE)}`,
    });
    expect(res.status).toBe(413);
    const ok = await fetch(`${url}/dang-nhap`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: url },
      body: new URLSearchParams({ login: PEOPLE.tech.login, password: PASSWORD }),
      redirect: "manual",
    });
    expect(ok.status).toBe(303);
  });
});

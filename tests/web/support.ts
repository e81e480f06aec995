import { join } from "node:path";
import type { Hono } from "hono";
import { expect } from "vitest";
import { registerBooking } from "../../src/app/booking/index.js";
import { loadConfig } from "../../src/app/config.js";
import type { Desk } from "../../src/app/desk.js";
import { DeskService } from "../../src/app/service.js";
import type { Incident } from "../../src/core/incident/types.js";
import { setPassword } from "../../src/web/auth/accounts.js";
import type { WebEnv } from "../../src/web/context.js";
import { webApp } from "../../src/web/server.js";
import { DEFAULT_WEB_SETTINGS, type WebSettings } from "../../src/web/settings.js";
import { at, makeDesk, request, sampleDirectory, tempDir } from "../helpers.js";

/** A late registration (2026-12-10 14:00, received 07:30 that day): the rules send it to review. Its code. */
export async function pendingBooking(desk: Desk, title?: string): Promise<string> {
  const res = await registerBooking(
    desk,
    request({
      start: at("2026-12-10", "14:00"),
      end: at("2026-12-10", "16:00"),
      receivedAt: at("2026-12-10", "07:30"),
      ...(title ? { title } : {}),
    }),
    { now: at("2026-12-10", "07:30") },
  );
  if (res.duplicate) throw new Error("duplicate");
  expect(res.booking.status).toBe("needs-review");
  return res.code;
}

/** A booking's status as the store has it now. */
export const statusOf = async (desk: Desk, code: string) =>
  (await desk.store.read((r) => r.bookings.get(code)))?.status;

/** Desk people of the sample directory, with the passwords the tests give them (generated per run). */
export const PEOPLE = {
  admin: { login: "kythuat@hanoi.gov.vn", name: "Đỗ Ngọc Thảo" },
  tech: { login: "mcu1.ttth@hanoi.gov.vn", name: "Bùi Ngọc Giang" },
  wan: { login: "wan.skhcn@hanoi.gov.vn", name: "Đỗ Văn Khánh" },
} as const;
export type Who = keyof typeof PEOPLE;

/** A fresh password per test run: nothing secret sits in the repository. */
export const PASSWORD = `thu-${Math.random().toString(36).slice(2)}-${Date.now()}`;

/**
 * The whole desk serving its web pages on a loopback port, on the sample directory, its clock fixed at `now`, the
 * PEOPLE given PASSWORD: what a browser test opens. `env` adds settings (an SMTP sink's, say).
 */
export async function servedDesk(now: Date, env: Record<string, string> = {}) {
  const config = loadConfig({
    DESK_DB: join(tempDir(), "desk.db"),
    DESK_POLL_MS: "200",
    DESK_WEB_PORT: "0",
    DESK_MAIL_REQUIRE_AUTH: "false",
    ...env,
  });
  const service = new DeskService(
    config,
    () => {},
    () => now,
  );
  await service.desk.store.tx((r) => r.directory.replaceAll(sampleDirectory));
  await service.start();
  for (const p of Object.values(PEOPLE)) await setPassword(service.desk, p.login, PASSWORD, now);
  return { service, base: service.webUrl! };
}

export async function webDesk(
  opts: {
    now?: () => Date;
    settings?: Partial<WebSettings>;
    desk?: Desk;
    log?: (event: string, fields?: Record<string, unknown>, level?: "info" | "warn" | "error") => void;
  } = {},
) {
  const desk = opts.desk ?? (await makeDesk());
  for (const p of Object.values(PEOPLE)) await setPassword(desk, p.login, PASSWORD, new Date());
  const app = webApp({
    desk,
    settings: { ...DEFAULT_WEB_SETTINGS, ...opts.settings },
    ...(opts.now ? { clock: opts.now } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  return { desk, app };
}

/** The origin `app.request()` serves: a browser on the desk's own pages sends it as Origin with every form. */
export const ORIGIN = "http://localhost";

/** Sign in through the form; returns the session cookie and the page's CSRF token. */
export async function login(
  app: Hono<WebEnv>,
  who: Who,
  extraCookie?: string,
): Promise<{ cookie: string; csrf: string; token: string }> {
  const res = await app.request("/dang-nhap", {
    method: "POST",
    body: new URLSearchParams({ login: PEOPLE[who].login, password: PASSWORD }),
    headers: { origin: ORIGIN, ...(extraCookie ? { cookie: extraCookie } : {}) },
  });
  if (res.status !== 303) throw new Error(`login ${who}: ${res.status}`);
  const token = /desk_session=([0-9a-f]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1];
  if (!token) throw new Error("no session cookie");
  const cookie = `desk_session=${token}`;
  const page = await (await app.request("/hom-nay", { headers: { cookie } })).text();
  const csrf = /<meta name="csrf-token" content="([0-9a-f]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error("no csrf meta");
  return { cookie, csrf, token };
}

/** A form POST as the browser sends it from the desk's own page (with its Origin, unless `headers` say another). */
export function post(
  app: Hono<WebEnv>,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return app.request(path, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { origin: ORIGIN, ...headers },
  });
}

/** An open audio fault SC-2026-0001 at CX-00008 reported at `at`, saved straight into the store (`over` on top). */
export async function saveIncident(desk: Desk, at: Date, over: Partial<Incident> = {}): Promise<void> {
  await desk.store.tx((r) =>
    r.incidents.save({
      code: "SC-2026-0001",
      endpoint: "CX-00008",
      booking: null,
      category: "audio",
      route: "mcu",
      status: "open",
      reporter: "telegram:1",
      text: "mất tiếng",
      assignee: null,
      openedAt: at,
      updatedAt: at,
      ...over,
    }),
  );
}

/**
 * A secret session of the default request's agency, 14:00–16:00 on 10/12/2026, registered on 07/12 and confirmed:
 * the scene the web suites check for leaks of a secret session's host and places.
 */
export async function registerSecretSession(desk: Desk) {
  const res = await registerBooking(
    desk,
    request({
      title: "Bàn phương án nhân sự",
      secret: true,
      start: at("2026-12-10", "14:00"),
      end: at("2026-12-10", "16:00"),
      receivedAt: at("2026-12-07", "08:30"),
    }),
    { now: at("2026-12-07", "08:30") },
  );
  if (res.duplicate) throw new Error("duplicate");
  if (res.booking.status !== "confirmed") throw new Error(`the secret session is ${res.booking.status}`);
  return res;
}

/** What a browser sends as `Accept` for a page. */
export const HTML_ACCEPT = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };

/** A refusal as a person reads it: the desk's page, Vietnamese, its frame, the title and the alert; no English. */
export async function deskPage(res: Response, status: number, title: string): Promise<string> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^text\/html/);
  const page = await res.text();
  expect(page).toContain('<html lang="vi">');
  expect(page).toContain(`<h1>${title}</h1>`);
  expect(page).toContain('<p role="alert">');
  expect(page).not.toMatch(
    /Unauthorized|Forbidden|Payload Too Large|Too Many Requests|Service Unavailable|Internal Server Error/i,
  );
  return page;
}

import type { Context, Hono, MiddlewareHandler } from "hono";
import type { Actor, Desk } from "../app/desk.js";
import type { DeskPerson } from "./auth/accounts.js";
import type { TrustFn } from "./auth/client.js";
import type { LoginGuard } from "./auth/login-guard.js";
import type { ChangeFeed } from "./events.js";
import type { WebSettings } from "./settings.js";
import { forbiddenPage } from "./views/not-found.js";
import { signInRefusal } from "./views/refusal.js";

/** The person behind the request's session, with the session's CSRF token. */
export interface WebUser extends DeskPerson {
  csrf: string;
}

/** What every page module gets: the desk, the clock, the live feed, and a nudge for the outbox worker. */
export interface WebDeps {
  desk: Desk;
  settings: WebSettings;
  /** The desk's clock; tests pin it. */
  clock?: () => Date;
  /** Deliver outbox rows now rather than at the next poll (the service passes `kickOutbox`). */
  kick?: () => void;
  /** The service's JSON log (lockouts are written there); silent by default. */
  log?: (event: string, fields?: Record<string, unknown>, level?: "info" | "warn" | "error") => void;
  /** Poll interval of the live feed; 1 s by default. */
  feedIntervalMs?: number;
  /**
   * Sub-apps served WITHOUT the desk's session, CSRF and CSP middlewares (the public schedule and its feeds,
   * /healthz, /metrics): they need no login, accept no form, and set their own headers.
   */
  open?: Hono[];
}

export interface WebCtx {
  desk: Desk;
  settings: WebSettings;
  now: () => Date;
  kick: () => void;
  feed: ChangeFeed;
  /** The login limits by login and client address (login-guard.ts). */
  logins: LoginGuard;
  /** Which TCP peers are trusted reverse proxies (settings.trustedProxies, compiled). */
  trustProxy: TrustFn;
}

/** Hono's environment for every route of the web desk: `c.get("user")` is the signed-in person or null. */
export type WebEnv = { Variables: { user: WebUser | null; sessionToken: string | null } };

/** The actor of an action taken on the web: the audit trail says who (by login) and that it was the web. */
export function webActor(user: WebUser): Actor {
  return {
    id: `web:${user.login}`,
    channel: "web",
    person: { id: user.id, name: user.name, role: user.role, endpoint: null },
    name: user.name,
  };
}

/** True for the htmx requests (partial updates), which get 401/403 answers instead of redirects. */
export function isHtmx(c: Context): boolean {
  return c.req.header("hx-request") === "true";
}

/**
 * Only a path on this site: never an open redirect to another host. Browsers drop tabs and newlines anywhere in
 * a URL before reading it (WHATWG URL), so «/\t/evil.example» would be «//evil.example»: a control character or a
 * backslash anywhere refuses the path, and what is left must still resolve to this site.
 */
export function safeNext(raw: string | undefined): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what is refused here.
  if (!raw || !/^\/(?![/\\])/.test(raw) || /[\u0000-\u001f\u007f\\]/.test(raw)) return "/hom-nay";
  const base = "http://desk.invalid";
  try {
    return new URL(raw, base).origin === base ? raw : "/hom-nay";
  } catch {
    return "/hom-nay";
  }
}

/** Signed-in people only: a page redirects to the login, anything else gets 401. */
export const requireUser: MiddlewareHandler<WebEnv> = async (c, next) => {
  if (c.get("user")) return next();
  const url = new URL(c.req.url);
  if (c.req.method === "GET" && !isHtmx(c)) {
    return c.redirect(`/dang-nhap?tiep=${encodeURIComponent(url.pathname + url.search)}`, 302);
  }
  c.header("HX-Redirect", "/dang-nhap");
  return signInRefusal(c);
};

/** Only these directory roles; others get 403 (the user is already known to be signed in). */
export function requireRole(...roles: string[]): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const user = c.get("user");
    if (!user) return requireUser(c, next);
    if (roles.includes(user.role)) return next();
    // A page (or a plain form) gets the desk's page; an htmx swap gets the line alone.
    return forbiddenPage(c);
  };
}

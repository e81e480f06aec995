import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { deleteCookie, getCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import { TrieRouter } from "hono/router/trie-router";
import { secureHeaders } from "hono/secure-headers";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";
import { correlationMiddleware } from "../app/ops/context.js";
import { personByLogin } from "./auth/accounts.js";
import { compileTrustedProxies } from "./auth/client.js";
import { LoginGuard } from "./auth/login-guard.js";
import { deleteSession, readSession, SESSION_COOKIE, setSessionCookie } from "./auth/sessions.js";
import { requireUser, type WebCtx, type WebDeps, type WebEnv } from "./context.js";
import { DESK_CSP } from "./csp.js";
import { ChangeFeed } from "./events.js";
import { accountRoutes } from "./routes/accounts.js";
import { bookingRoutes } from "./routes/booking.js";
import { calendarRoutes } from "./routes/calendar.js";
import { directoryRoutes, uploadLimit } from "./routes/directory.js";
import { incidentRoutes } from "./routes/incidents.js";
import { csrfGuard, loginRoutes } from "./routes/login.js";
import { pendingRoutes } from "./routes/pending.js";
import { regulationRoutes } from "./routes/regulation.js";
import { reportPageRoutes } from "./routes/report.js";
import { todayRoutes } from "./routes/today.js";
import { notFoundPage } from "./views/not-found.js";
import {
  badQueryRefusal,
  isOutage,
  repeatedQuery,
  serverErrorPage,
  tooLargeRefusal,
  tooManyLivePagesRefusal,
  unavailableRefusal,
  wrongMethodRefusal,
} from "./views/refusal.js";

/** The largest body of any form but the directory upload (an incident note is 1,000 characters). */
export const MAX_FORM_BYTES = 64 * 1024;
const formLimit = bodyLimit({
  maxSize: MAX_FORM_BYTES,
  onError: (c) => tooLargeRefusal(c as Context<WebEnv>, MAX_FORM_BYTES, "form"),
});

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** htmx, its SSE extension and our own files, read once and served from this process: no CDN. */
const STATIC: Record<string, { type: string; body: string }> = {
  "htmx.js": {
    type: "text/javascript",
    body: readFileSync(here("../../node_modules/htmx.org/dist/htmx.min.js"), "utf8"),
  },
  "sse.js": {
    type: "text/javascript",
    body: readFileSync(here("../../node_modules/htmx-ext-sse/dist/sse.min.js"), "utf8"),
  },
  "desk.js": { type: "text/javascript", body: readFileSync(here("static/desk.js"), "utf8") },
  "desk.css": { type: "text/css", body: readFileSync(here("static/desk.css"), "utf8") },
};

/**
 * The web desk as a Hono app: tests call `app.request()`, `npm start` serves it with `listen`. Other modules
 * mount theirs with `app.route("/", sub)` (see src/web/README.md). Every route passes the session loader and
 * the CSRF guard; pages add `requireUser` / `requireRole`.
 */
/** Live-update streams (`/su-kien`) one person may hold open at once: a tab each, more than anyone works with. */
export const LIVE_STREAMS_PER_PERSON = 10;

export function webApp(deps: WebDeps): Hono<WebEnv> & { ctx: WebCtx } {
  const ctx: WebCtx = {
    desk: deps.desk,
    settings: deps.settings,
    now: deps.clock ?? (() => new Date()),
    kick: deps.kick ?? (() => {}),
    feed: new ChangeFeed(deps.desk, deps.feedIntervalMs ?? 1000),
    logins: new LoginGuard(deps.desk.store, deps.settings.lockout, deps.log),
    trustProxy: compileTrustedProxies(deps.settings.trustedProxies ?? []),
  };
  const app = new Hono<WebEnv>();
  // Every request runs under its own correlation id (or a valid X-Request-Id it brought): one grep of the log
  // finds all it caused, as for a mail or a chat update (ops/context.ts).
  app.use("*", correlationMiddleware());
  // Registered first, so their handlers answer before the desk's middlewares run (see WebDeps.open).
  for (const open of deps.open ?? []) app.route("/", open as unknown as Hono<WebEnv>);
  app.use(
    "*",
    secureHeaders({
      contentSecurityPolicy: DESK_CSP,
      referrerPolicy: "same-origin",
    }),
  );
  // Pages and downloads show what only their reader may see (a secret session's endpoints to an admin, the
  // directory's phones and VPN tokens): neither the browser's disk cache nor a proxy keeps them. Static files and
  // responses that say otherwise (the workbook) keep their own.
  app.use("*", async (c, next) => {
    await next();
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  });
  // The session loader: the person is looked up in the directory at each request, so a role change or a
  // removal from the directory takes effect at once.
  app.use("*", async (c, next) => {
    c.set("user", null);
    c.set("sessionToken", null);
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      const now = ctx.now();
      const session = await readSession(ctx.desk, token, now, ctx.settings);
      const person = session ? await personByLogin(ctx.desk, session.login) : null;
      if (session && person) {
        c.set("user", { ...person, csrf: session.csrf });
        c.set("sessionToken", token);
        // The cookie expires with the session: set at login only, it ended a working session 12 hours after the
        // login however busy, while the table's expiry slid on.
        if (session.slid) setSessionCookie(c, token, session.expiresAt, ctx.settings, now);
      } else {
        // A live session whose person the directory took off the desk ends here: left in the table, it would open
        // the desk again whenever a later import put the person back.
        if (session) await deleteSession(ctx.desk, token);
        deleteCookie(c, SESSION_COOKIE, { path: "/" });
      }
    }
    await next();
  });
  // A parameter repeated with different values is read by no page (views/refusal.tsx, repeatedQuery).
  app.use("*", async (c, next) => {
    if (c.req.method !== "GET") return next();
    const bad = repeatedQuery(c);
    return bad.length ? badQueryRefusal(c, bad, new URL(c.req.url).pathname) : next();
  });
  // A real page asked with a method it does not take is 405, before the CSRF guard (a POST to the public schedule
  // is no request to sign in); GET and HEAD reach it through notFound below.
  const allowedMethods = methodsOf(app);
  app.use("*", async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    const allow = allowedMethods(c.req.path);
    return allow.length && !allow.includes(c.req.method) ? wrongMethodRefusal(c, allow) : next();
  });
  // Before the CSRF guard, which may read the form body: an oversized upload is refused unread.
  app.use("/danh-ba/nhap", uploadLimit);
  // Every other body is a small form: the login form reads its body without a session, and the CSRF guard reads
  // a form's to find its token, so without a limit anyone could make the desk buffer any size.
  app.use("*", (c, next) => (new URL(c.req.url).pathname === "/danh-ba/nhap" ? next() : formLimit(c, next)));
  app.use("*", csrfGuard(ctx.settings));
  app.get("/static/:file", (c) => {
    const name = c.req.param("file");
    const file = Object.hasOwn(STATIC, name) ? STATIC[name] : undefined;
    if (!file) return c.notFound();
    c.header("Content-Type", `${file.type}; charset=utf-8`);
    c.header("Cache-Control", "public, max-age=3600");
    return c.body(file.body);
  });
  app.get("/", (c) => c.redirect("/hom-nay", 302));
  // Live pages listen here: one `change` event whenever the desk's data moved (see events.ts). Each open stream
  // holds a connection for as long as its tab: a person gets LIVE_STREAMS_PER_PERSON at once, not an unbounded
  // number from a script.
  const liveStreams = new Map<string, number>();
  app.get("/su-kien", requireUser, (c) => {
    // A HEAD (a link checker, a prefetch, `curl -I`) is answered with the stream's headers and no stream: its answer
    // has no body, nothing reads the stream to its end, and it held one of the person's places until the next ping.
    if (c.req.method === "HEAD")
      return c.body(null, 200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
    const who = c.get("user")!.login;
    const open = liveStreams.get(who) ?? 0;
    if (open >= LIVE_STREAMS_PER_PERSON) return tooManyLivePagesRefusal(c, LIVE_STREAMS_PER_PERSON);
    liveStreams.set(who, open + 1);
    const release = () => {
      const left = (liveStreams.get(who) ?? 1) - 1;
      if (left > 0) liveStreams.set(who, left);
      else liveStreams.delete(who);
    };
    return streamSSE(c, async (stream) => {
      try {
        await liveStream(stream);
      } finally {
        release();
      }
    });
  });
  /** One live stream: a `change` at once, then one per change of the desk's data, a ping every 25 s. */
  const liveStream = async (stream: SSEStreamingApi) => {
    let wake: () => void = () => {};
    const unsubscribe = ctx.feed.subscribe((version) => {
      void stream.writeSSE({ event: "change", data: version });
    });
    stream.onAbort(() => {
      unsubscribe();
      wake();
    });
    // Whatever changed between the page's render and this connection: the page refreshes once now.
    await stream.writeSSE({ event: "change", data: "connected" });
    while (!stream.aborted) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 25_000).unref();
      });
      if (!stream.aborted) await stream.writeSSE({ event: "ping", data: "" });
    }
  };
  app.route("/", loginRoutes(ctx));
  app.route("/", todayRoutes(ctx));
  app.route("/", pendingRoutes(ctx));
  app.route("/", incidentRoutes(ctx));
  app.route("/", accountRoutes(ctx));
  app.route("/", calendarRoutes(ctx));
  app.route("/", bookingRoutes(ctx));
  app.route("/", directoryRoutes(ctx));
  app.route("/", regulationRoutes(ctx));
  app.route("/", reportPageRoutes(ctx));
  // Hono's default for a bug is an English «Internal Server Error»; its refusals (HTTPException: CSRF …) stay theirs.
  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    // The log keeps the error for whoever looks. The database out of reach (PostgreSQL restarting, the network, a
    // locked file) is an outage, not a bug: 503, «try again».
    console.error(err);
    return isOutage(err) ? unavailableRefusal(c) : serverErrorPage(c);
  });
  // Hono's default is an English «404 Not Found»: a person reads this answer too, in the desk's frame.
  // A path that is a page but not for this method is 405 (a GET of a form's address, `GET /dang-xuat`).
  app.notFound((c) => {
    const allow = allowedMethods(c.req.path);
    const method = c.req.method === "HEAD" ? "GET" : c.req.method;
    if (allow.length && !allow.includes(method)) return wrongMethodRefusal(c, allow);
    return notFoundPage(c, "Không có trang này (404). Hãy kiểm tra lại địa chỉ.");
  });
  return Object.assign(app, { ctx });
}

const METHOD_ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/**
 * The methods a path is served with, from the app's routes (not its middlewares, which are «ALL»): a router of its
 * own, built once at the first question (every route is registered by then), whose handler is the route's method.
 * A path no route serves gives []. HEAD is GET's (Hono answers it with the GET route).
 */
function methodsOf(app: Hono<WebEnv>): (path: string) => string[] {
  let router: TrieRouter<string> | null = null;
  return (path) => {
    if (!router) {
      router = new TrieRouter<string>();
      for (const r of app.routes) if (r.method !== "ALL") router.add("ALL", r.path, r.method);
    }
    const found = new Set(router.match("GET", path)[0].map(([method]) => method));
    if (found.has("GET")) found.add("HEAD");
    return METHOD_ORDER.filter((m) => found.has(m));
  };
}

/**
 * A request Node refuses before the app reads it: a header block over its limit (16 KB; a browser sends one once a
 * shared intranet domain has piled up cookies) or a line that is no HTTP. Node's own answer is an English status
 * line with no body, which a browser shows as a blank page; this one says in Vietnamese what happened and what to
 * do. It cannot know who asks (the headers were not read): a short line of text.
 */
const CLIENT_ERRORS: Record<string, { status: string; text: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: "431 Request Header Fields Too Large",
    text: "Yêu cầu gửi đến bàn kỹ thuật quá lớn (phần đầu yêu cầu vượt giới hạn), thường do trình duyệt giữ quá nhiều cookie của tên miền này. Hãy xóa cookie của trang rồi tải lại; nếu vẫn lỗi, báo quản trị viên.",
  },
};
const BAD_REQUEST = {
  status: "400 Bad Request",
  text: "Yêu cầu không đúng định dạng HTTP nên bàn kỹ thuật không đọc được. Hãy tải lại trang.",
};

function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  // A connection reset or a timeout has nobody left to read an answer.
  if (err.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, text } = CLIENT_ERRORS[err.code ?? ""] ?? BAD_REQUEST;
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${text}`,
  );
}

export interface RunningWeb {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serve the app on host:port (port 0: any free one); resolves once listening, rejects if the port is taken. */
export function listen(
  app: Hono<WebEnv> & { ctx?: WebCtx },
  host: string,
  port: number,
): Promise<RunningWeb> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port });
    server.on("clientError", answerClientError);
    server.once("error", reject);
    server.once("listening", () => {
      server.off("error", reject);
      const actual = (server.address() as AddressInfo).port;
      const shown = host.includes(":") ? `[${host}]` : host;
      resolve({
        url: `http://${shown}:${actual}`,
        port: actual,
        close: () =>
          new Promise<void>((done) => {
            app.ctx?.feed.stop();
            // SSE streams stay open until the client goes: cut them, then wait for the close.
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

/**
 * The web desk of a running service (`npm start`). A taken port does not stop the desk: mail and chat go on,
 * and the log says what to change.
 */
export async function startWebDesk(
  desk: WebDeps["desk"],
  settings: WebDeps["settings"],
  opts: {
    clock: () => Date;
    kick: () => void;
    log: (event: string, fields?: Record<string, unknown>, level?: "info" | "warn" | "error") => void;
    open?: Hono[];
  },
): Promise<RunningWeb | null> {
  const app = webApp({
    desk,
    settings,
    clock: opts.clock,
    kick: opts.kick,
    log: opts.log,
    open: opts.open ?? [],
  });
  try {
    const running = await listen(app, settings.host, settings.port);
    opts.log("web-started", { url: running.url });
    return running;
  } catch (err) {
    opts.log("web-failed", {
      level: "error",
      message: `Không mở được bàn kỹ thuật trên web tại ${settings.host}:${settings.port} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Hãy đổi DESK_WEB_PORT hoặc DESK_WEB_HOST rồi khởi động lại; thư và chat vẫn chạy.`,
    });
    return null;
  }
}

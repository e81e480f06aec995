import { timingSafeEqual } from "node:crypto";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { deleteCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { DESK_ROLES, findPeople } from "../auth/accounts.js";
import { clientAddress } from "../auth/client.js";
import { burnVerify } from "../auth/password.js";
import {
  checkLogin,
  createSession,
  deleteSession,
  SESSION_COOKIE,
  setSessionCookie,
} from "../auth/sessions.js";
import { safeNext, type WebCtx, type WebEnv } from "../context.js";
import type { WebSettings } from "../settings.js";
import { flashOf } from "../views/flash.js";
import { Layout } from "../views/layout.js";
import { csrfRefusal, signInRefusal } from "../views/refusal.js";

/** One message for every failed login: it never tells whether the login exists or is locked. */
export const LOGIN_FAILED =
  "Không đăng nhập được: tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang tạm khóa sau nhiều lần nhập sai. Hãy thử lại sau ít phút hoặc liên hệ quản trị viên.";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Whether `origin` (a browser's Origin, or a Referer's origin) is this desk: its configured public origin
 * (DESK_WEB_PUBLIC_URL, for a proxy that rewrites Host), or the host the request reached. The host alone, not
 * the scheme: a reverse proxy that ends TLS and passes Host on makes the request http while the browser says https.
 */
export function deskOrigin(origin: string, c: Context, settings: WebSettings): boolean {
  if (settings.publicOrigin && origin === settings.publicOrigin) return true;
  try {
    const url = new URL(origin);
    return (url.protocol === "https:" || url.protocol === "http:") && url.host === new URL(c.req.url).host;
  } catch {
    return false;
  }
}

/** The request's Origin, when sent, must be this desk (a signed-in person's form also carries its token). */
function foreignOrigin(c: Context, settings: WebSettings): boolean {
  const origin = c.req.header("origin");
  if (origin === undefined) return false;
  return !deskOrigin(origin, c, settings);
}

/** Said, with the form again, to a login that did not come from this desk's own login page (403). */
export const LOGIN_FOREIGN =
  "Không đăng nhập được: yêu cầu đăng nhập không được gửi từ trang đăng nhập của bàn kỹ thuật (có thể từ một trang web khác). Hãy đăng nhập bằng biểu mẫu dưới đây; nếu vẫn gặp thông báo này, báo quản trị viên.";

/**
 * Login CSRF: the login form has no session, so no token. An attacker's page could post its own credentials and
 * sign the victim into the attacker's account. A login must come from this desk: hono's csrf middleware accepts
 * `Sec-Fetch-Site: same-origin` or an Origin that `deskOrigin` accepts (every browser sends Origin on a POST,
 * and «null» from a sandboxed or privacy-stripped page is refused). Only when a client sends neither is the
 * Referer's origin read (the desk's pages send it to themselves: Referrer-Policy same-origin). Nothing at all:
 * refused, as a script that is not a browser has no business at a browser's login form.
 */
function loginSource(settings: WebSettings) {
  const guard = csrf({ origin: (origin, c) => deskOrigin(origin, c, settings) });
  return async (c: Context): Promise<boolean> => {
    const origin = c.req.header("origin");
    const fetchSite = c.req.header("sec-fetch-site");
    if (origin === undefined && fetchSite === undefined) {
      const referer = c.req.header("referer");
      if (!referer) return false;
      try {
        return deskOrigin(new URL(referer).origin, c, settings);
      } catch {
        return false;
      }
    }
    try {
      await guard(c, async () => {});
      return true;
    } catch (err) {
      if (err instanceof HTTPException) return false;
      throw err;
    }
  };
}

/**
 * Every request that changes something carries the session's CSRF token: htmx sends it as the X-CSRF-Token
 * header (hx-headers on <body>), plain forms as the `_csrf` field. Missing or wrong: 403. No session: 401. The
 * login form, which has no session yet, must come from this desk instead (`loginSource`).
 */
export function csrfGuard(settings: WebSettings): MiddlewareHandler<WebEnv> {
  const fromDesk = loginSource(settings);
  return async (c, next) => {
    if (SAFE.has(c.req.method)) return next();
    if (new URL(c.req.url).pathname === "/dang-nhap") {
      if (await fromDesk(c)) return next();
      return c.html(<LoginPage next="/hom-nay" error={LOGIN_FOREIGN} />, 403);
    }
    if (foreignOrigin(c, settings)) return csrfRefusal(c, true);
    const user = c.get("user");
    if (!user) {
      c.header("HX-Redirect", "/dang-nhap");
      return signInRefusal(c);
    }
    let token = c.req.header("x-csrf-token") ?? "";
    const type = c.req.header("content-type") ?? "";
    if (!token && /form-urlencoded|multipart\/form-data/.test(type)) {
      const body = await c.req.parseBody();
      token = typeof body._csrf === "string" ? body._csrf : "";
    }
    if (!token || !sameToken(token, user.csrf)) return csrfRefusal(c, false);
    return next();
  };
}

/** Per-address attempts in the current minute; kept in memory (one desk process serves the web). */
class AttemptWindow {
  private readonly hits = new Map<string, { start: number; count: number }>();
  constructor(private readonly perMinute: number) {}
  allow(key: string, now: number): boolean {
    const h = this.hits.get(key);
    if (!h || now - h.start >= 60_000) {
      if (this.hits.size > 10_000) this.hits.clear();
      this.hits.set(key, { start: now, count: 1 });
      return true;
    }
    h.count++;
    return h.count <= this.perMinute;
  }
}

function LoginPage(p: { next: string; error?: string | null; notice?: string | null; login?: string }) {
  return (
    <Layout
      title="Đăng nhập"
      user={null}
      flash={p.error ? { kind: "error", text: p.error } : p.notice ? { kind: "ok", text: p.notice } : null}
    >
      <form class="login" method="post" action="/dang-nhap">
        <input type="hidden" name="tiep" value={p.next} />
        <label for="login">Địa chỉ thư (hoặc họ tên trong danh bạ)</label>
        <input id="login" name="login" type="text" autocomplete="username" required value={p.login ?? ""} />
        <label for="password">Mật khẩu</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <p>
          <button type="submit">Đăng nhập</button>
        </p>
        <p class="meta">
          Chưa có mật khẩu? Quản trị viên đặt bằng lệnh <code>npm run cli -- user password TÊN</code>.
        </p>
      </form>
    </Layout>
  );
}

/** The account key a typed login means: an e-mail as typed (any case), or the one desk person with that name. */
async function accountKey(ctx: WebCtx, typed: string): Promise<string> {
  const t = typed.trim();
  if (t.includes("@")) return t.toLowerCase();
  const desk = (await findPeople(ctx.desk, t)).filter((p) =>
    (DESK_ROLES as readonly string[]).includes(p.role),
  );
  return desk.length === 1 ? desk[0]!.login : t;
}

export function loginRoutes(ctx: WebCtx): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const perAddress = new AttemptWindow(ctx.settings.loginPerMinute);

  app.get("/dang-nhap", (c) => {
    const next = safeNext(c.req.query("tiep"));
    if (c.get("user")) return c.redirect(next, 302);
    return c.html(<LoginPage next={next} notice={flashOf(c)?.text ?? null} />);
  });

  app.post("/dang-nhap", async (c) => {
    const body = await c.req.parseBody();
    const typed = typeof body.login === "string" ? body.login.slice(0, 200) : "";
    const password = typeof body.password === "string" ? body.password.slice(0, 400) : "";
    const next = safeNext(typeof body.tiep === "string" ? body.tiep : undefined);
    const now = ctx.now();
    const address = clientAddress(c, ctx.trustProxy);
    if (!perAddress.allow(address, now.getTime())) {
      return c.html(
        <LoginPage
          next={next}
          login={typed}
          error="Quá nhiều lần đăng nhập từ địa chỉ này. Hãy chờ một phút rồi thử lại."
        />,
        429,
      );
    }
    const login = await accountKey(ctx, typed);
    const verdict = await ctx.logins.before(login, address, now);
    if (verdict.kind === "slowed")
      return c.html(
        <LoginPage
          next={next}
          login={typed}
          error={`Tài khoản đang bị thử mật khẩu nhiều lần; vui lòng thử lại sau ${verdict.minutes} phút.`}
        />,
        429,
      );
    if (verdict.kind === "locked") {
      // Locked from this address: the same answer, after the same scrypt work, as a wrong password.
      await burnVerify(password);
      return c.html(<LoginPage next={next} login={typed} error={LOGIN_FAILED} />, 401);
    }
    let good: boolean;
    try {
      good = await checkLogin(ctx.desk, login, password);
      if (good) await ctx.logins.succeeded(login, address);
      else await ctx.logins.failed(login, address, now);
    } finally {
      verdict.done();
    }
    if (!good) return c.html(<LoginPage next={next} login={typed} error={LOGIN_FAILED} />, 401);
    // Session fixation: whatever cookie came in is dropped; the session is always a fresh random token.
    const old = c.get("sessionToken");
    if (old) await deleteSession(ctx.desk, old);
    const { token, session } = await createSession(ctx.desk, login, now, ctx.settings);
    setSessionCookie(c, token, session.expiresAt, ctx.settings, now);
    return c.redirect(next, 303);
  });

  app.post("/dang-xuat", async (c) => {
    const token = c.get("sessionToken");
    if (token) await deleteSession(ctx.desk, token);
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.redirect("/dang-nhap?tb=da-dang-xuat", 303);
  });
  return app;
}

import { Hono } from "hono";
import { PER_LOGIN_MINUTES } from "../auth/login-guard.js";
import { listAccounts, unlockAccount } from "../auth/sessions.js";
import { requireRole, type WebCtx, type WebEnv, type WebUser } from "../context.js";
import { flashOf, withFlash } from "../views/flash.js";
import { dateTime } from "../views/format.js";
import { Csrf, Layout } from "../views/layout.js";

async function AccountsPage(p: { ctx: WebCtx; user: WebUser; flash: ReturnType<typeof flashOf> }) {
  const now = p.ctx.now();
  const zone = p.ctx.desk.reg.zone;
  const rows = await listAccounts(p.ctx.desk);
  const locks = await Promise.all(rows.map((a) => p.ctx.logins.status(a.login, now)));
  return (
    <Layout title="Tài khoản" user={p.user} current="/tai-khoan" flash={p.flash}>
      <p>
        Mật khẩu được đặt bằng lệnh <code>npm run cli -- user password TÊN</code>. Vai trò lấy từ danh bạ.
      </p>
      <div class="table-wrap">
        <table>
          <caption class="meta">Tài khoản bàn kỹ thuật trên web</caption>
          <thead>
            <tr>
              <th scope="col">Tên đăng nhập</th>
              <th scope="col">Đặt mật khẩu lúc</th>
              <th scope="col">Trạng thái</th>
              <th scope="col">Thao tác</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a, i) => {
              const lock = locks[i]!;
              const locked = lock.lockedAddresses > 0 || lock.recentFailures > 0;
              const state = [
                lock.lockedAddresses > 0 && lock.lockedUntil
                  ? `tạm khóa với ${lock.lockedAddresses} địa chỉ đến ${dateTime(lock.lockedUntil, zone)}`
                  : null,
                lock.slowed
                  ? `bị thử mật khẩu nhiều lần (${lock.recentFailures} lần sai trong ${PER_LOGIN_MINUTES} phút): địa chỉ đã nhập sai phải chờ`
                  : lock.recentFailures > 0
                    ? `${lock.recentFailures} lần nhập sai trong ${PER_LOGIN_MINUTES} phút`
                    : null,
              ].filter((x) => x !== null);
              return (
                <tr>
                  <td>{a.login}</td>
                  <td>{dateTime(a.updatedAt, zone)}</td>
                  <td>{state.length ? state.join("; ") : "hoạt động"}</td>
                  <td>
                    {locked ? (
                      <form method="post" action={`/tai-khoan/mo-khoa`}>
                        <Csrf user={p.user} />
                        <input type="hidden" name="login" value={a.login} />
                        <button type="submit">Mở khóa</button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

/** Admin only: the web accounts, their lockouts (by address) and failure counts; «Mở khóa» clears all of them. */
export function accountRoutes(ctx: WebCtx): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const admin = requireRole("admin");
  app.get("/tai-khoan", admin, async (c) =>
    c.html(<AccountsPage ctx={ctx} user={c.get("user")!} flash={flashOf(c)} />),
  );
  app.post("/tai-khoan/mo-khoa", admin, async (c) => {
    const body = await c.req.parseBody();
    const login = typeof body.login === "string" ? body.login : "";
    if (!(await unlockAccount(ctx.desk, login)))
      return c.html(
        <AccountsPage
          ctx={ctx}
          user={c.get("user")!}
          flash={{
            kind: "error",
            text: `Không có tài khoản «${login.slice(0, 120)}» để mở khóa: danh sách dưới đây là các tài khoản hiện có.`,
          }}
        />,
        404,
      );
    await ctx.logins.unlock(login, c.get("user")!.login);
    return c.redirect(withFlash(c, "/tai-khoan", "da-mo-khoa", login), 303);
  });
  return app;
}

import { Hono } from "hono";
import { listAccounts, unlockAccount } from "../auth/sessions.js";
import { requireRole, type WebCtx, type WebEnv, type WebUser } from "../context.js";
import { flashOf, withFlash } from "../views/flash.js";
import { dateTime } from "../views/format.js";
import { Csrf, Layout } from "../views/layout.js";

async function AccountsPage(p: { ctx: WebCtx; user: WebUser; flash: ReturnType<typeof flashOf> }) {
  const now = p.ctx.now();
  const zone = p.ctx.desk.reg.zone;
  const rows = await listAccounts(p.ctx.desk);
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
            {rows.map((a) => {
              const locked = a.lockedUntil !== null && a.lockedUntil > now;
              return (
                <tr>
                  <td>{a.login}</td>
                  <td>{dateTime(a.updatedAt, zone)}</td>
                  <td>{locked ? `tạm khóa đến ${dateTime(a.lockedUntil, zone)}` : "hoạt động"}</td>
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

/** Admin only: the web accounts and their lockouts. */
export function accountRoutes(ctx: WebCtx): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const admin = requireRole("admin");
  app.get("/tai-khoan", admin, async (c) =>
    c.html(<AccountsPage ctx={ctx} user={c.get("user")!} flash={flashOf(c)} />),
  );
  app.post("/tai-khoan/mo-khoa", admin, async (c) => {
    const body = await c.req.parseBody();
    const login = typeof body.login === "string" ? body.login : "";
    if (!(await unlockAccount(ctx.desk, login))) return c.text("Không có tài khoản này.", 404);
    return c.redirect(withFlash("/tai-khoan", "da-mo-khoa", login), 303);
  });
  return app;
}

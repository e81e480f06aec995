import { Hono } from "hono";
import { requireUser, type WebCtx, type WebEnv, type WebUser } from "../context.js";
import { reportRoutes } from "../report/routes.js";
import { addNav, Layout } from "../views/layout.js";

addNav({ href: "/bao-cao", label: "Báo cáo", order: 60 });

/**
 * «Báo cáo» (Điều 15.2c, 19.6): the report page and its workbook download, behind the desk's login and inside its
 * layout. The page itself is src/web/report/routes.ts (also usable on its own).
 */
export function reportPageRoutes(ctx: WebCtx): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  app.use("/bao-cao", requireUser);
  app.use("/bao-cao/*", requireUser);
  app.route(
    "/",
    reportRoutes({
      desk: ctx.desk,
      zone: ctx.desk.reg.zone,
      now: ctx.now,
      // Secret sessions are counted for admins only; every other role's report leaves them out entirely.
      withSecret: (c) => (c.get("user") as WebUser | null)?.role === "admin",
      layout: ({ title, body }, c) =>
        (
          <Layout title={title} user={c.get("user") ?? null} current="/bao-cao">
            {body}
          </Layout>
        ) as never,
    }) as unknown as Hono<WebEnv>,
  );
  return app;
}

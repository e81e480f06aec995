/**
 * Sub-apps the web server mounts, each in one line:
 *   app.route("/", publicRoutes(service)); // /lich, /lich.ics, /lich/co-quan/{slug}.ics, /lich/diem-cau/{code}.ics
 *   app.route("/", opsRoutes(service));    // /healthz, /metrics
 * Neither needs a login; /metrics guards itself (loopback or DESK_METRICS_TOKEN).
 */
export { opsRoutes } from "./ops-routes.js";
export { publicRoutes } from "./routes.js";

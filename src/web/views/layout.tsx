import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { ROLE_VI } from "../auth/accounts.js";
import type { WebUser } from "../context.js";

/** One entry of the top navigation; page modules add theirs with `addNav`. */
export interface NavItem {
  href: string;
  label: string;
  /** Roles that see the entry; all desk roles when absent. */
  roles?: string[];
  /** Position, lowest first. */
  order: number;
}

/** No inline styles (CSP), no eval, and error pages (401/403/409) are shown rather than ignored. */
const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  responseHandling: [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "[45]..", swap: true, error: true },
  ],
});

const NAV: NavItem[] = [
  { href: "/hom-nay", label: "Hôm nay", order: 10 },
  { href: "/cho-xu-ly", label: "Chờ xử lý", order: 20, roles: ["admin", "mcu-technician"] },
  { href: "/su-co", label: "Sự cố", order: 30 },
  { href: "/tai-khoan", label: "Tài khoản", order: 90, roles: ["admin"] },
];

/** Add a navigation entry (Lịch, Danh bạ…); the same href twice is ignored. */
export function addNav(item: NavItem): void {
  if (NAV.some((n) => n.href === item.href)) return;
  NAV.push(item);
  NAV.sort((a, b) => a.order - b.order);
}

export interface LayoutProps {
  title: string;
  user: WebUser | null;
  /** The href of the current page, marked aria-current in the navigation. */
  current?: string;
  /** A line shown above the page: what just happened, or why not. */
  flash?: { kind: "ok" | "error"; text: string; back?: string } | null;
  /** Connect the page to the live feed (`/su-kien`): elements with hx-trigger="sse:change" refresh. */
  live?: boolean;
  children?: Child;
}

/** The page frame: Vietnamese, landmarks, skip link, htmx with the CSRF header on every request. */
export function Layout(p: LayoutProps) {
  const nav = NAV.filter((n) => !n.roles || (p.user && n.roles.includes(p.user.role)));
  return (
    <>
      {raw("<!doctype html>")}
      <html lang="vi">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content={HTMX_CONFIG} />
          {p.user ? <meta name="csrf-token" content={p.user.csrf} /> : null}
          <title>{`${p.title} — Bàn kỹ thuật họp trực tuyến`}</title>
          <link rel="stylesheet" href="/static/desk.css" />
          <script src="/static/htmx.js" defer></script>
          <script src="/static/sse.js" defer></script>
          <script src="/static/desk.js" defer></script>
        </head>
        <body
          hx-boost="true"
          {...(p.user ? { "hx-headers": JSON.stringify({ "X-CSRF-Token": p.user.csrf }) } : {})}
        >
          <a class="skip" href="#noi-dung">
            Bỏ qua điều hướng
          </a>
          <header class="top">
            <p class="brand">Bàn kỹ thuật họp trực tuyến Hà Nội</p>
            {p.user ? (
              <nav aria-label="Chức năng chính">
                <ul>
                  {nav.map((n) => (
                    <li>
                      <a href={n.href} {...(p.current === n.href ? { "aria-current": "page" } : {})}>
                        {n.label}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            ) : null}
            {p.user ? (
              <form class="who" method="post" action="/dang-xuat">
                <input type="hidden" name="_csrf" value={p.user.csrf} />
                <span>
                  {p.user.name} ({ROLE_VI[p.user.role] ?? p.user.role})
                </span>{" "}
                <button type="submit">Đăng xuất</button>
              </form>
            ) : null}
          </header>
          <main id="noi-dung" {...(p.live ? { "hx-ext": "sse", "sse-connect": "/su-kien" } : {})}>
            <h1>{p.title}</h1>
            {p.flash ? (
              <p class={`flash ${p.flash.kind}`} role={p.flash.kind === "error" ? "alert" : "status"}>
                {p.flash.text}
                {p.flash.back ? (
                  <>
                    {" "}
                    <a href={p.flash.back}>Mở lại trang với giá trị mặc định</a>
                  </>
                ) : null}
              </p>
            ) : null}
            {p.children}
          </main>
          <footer>
            <p>Trung tâm Tin học - Công báo, Văn phòng UBND thành phố Hà Nội · Quyết định 3125/QĐ-UBND</p>
          </footer>
        </body>
      </html>
    </>
  );
}

/** A form's hidden CSRF field (htmx requests carry the header as well). */
export function Csrf(p: { user: WebUser }) {
  return <input type="hidden" name="_csrf" value={p.user.csrf} />;
}

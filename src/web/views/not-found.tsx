import type { Context } from "hono";
import type { WebEnv } from "../context.js";
import { refusal, roleRefusal } from "./refusal.js";

/**
 * The desk's «not found» page (404): the desk's frame and navigation, what was not found, and where to go. A
 * person who follows a stale link or mistypes a code reads it, so it is a page of the desk in Vietnamese, not
 * a line of plain text without a way back.
 */
export function notFoundPage(
  c: Context<WebEnv>,
  text: string,
  links: { href: string; label: string }[] = [],
) {
  const user = c.get("user") ?? null;
  // One way to refuse (views/refusal.tsx): a browser reads the page, an htmx swap or a program the line.
  return refusal(c, 404, text, {
    title: "Không tìm thấy",
    alert: text,
    next: (
      <>
        {links.length ? (
          <ul>
            {links.map((l) => (
              <li>
                <a href={l.href}>{l.label}</a>
              </li>
            ))}
          </ul>
        ) : null}
        <p>
          {user ? (
            <>
              Về <a href="/hom-nay">trang Hôm nay</a> của bàn kỹ thuật, hoặc xem{" "}
              <a href="/lich">lịch họp công khai</a>.
            </>
          ) : (
            <>
              Xem <a href="/lich">lịch họp công khai</a>, hoặc <a href="/dang-nhap">đăng nhập</a> bàn kỹ
              thuật.
            </>
          )}
        </p>
      </>
    ),
  });
}

/**
 * The page for a person whose role may not open it (403): in the desk's frame with its navigation, so the way on
 * is one click, where a line of plain text left a technician who followed an admin's link with nothing. An htmx
 * swap or a client asking for JSON or text gets the line (views/refusal.tsx).
 */
export function forbiddenPage(c: Context<WebEnv>) {
  return roleRefusal(c);
}

/** A code typed into an address, as a page may show it back: at most 60 characters. */
export function shownCode(code: string): string {
  return code.length > 60 ? `${code.slice(0, 60)}…` : code;
}

import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { WebEnv } from "../context.js";
import { Layout } from "./layout.js";
import { type BadValue, badValuesText, repeatedParam } from "./query.js";

/**
 * The desk's refusals (401, 403, 404, 413, 429, 503) and its 500 as a person and as a program read them. A browser got a line of plain
 * text without the desk's frame or a way on («Cần đăng nhập.» after a form sent from an expired session); it gets
 * the desk's page now, as for 404 (views/not-found.tsx). An htmx swap keeps the line (it is put into the page), and
 * a client that asks for JSON or plain text (`Accept`) gets that, short. None says more than its fixed words: no
 * token, no path, no stack.
 */
export type AnswerKind = "page" | "json" | "text";

/** How to answer this request: htmx swaps get text; `Accept` naming JSON or plain text (and not HTML) gets that. */
export function answerKind(c: Context): AnswerKind {
  if (c.req.header("hx-request") === "true") return "text";
  const accept = (c.req.header("accept") ?? "").toLowerCase();
  if (accept.includes("text/html")) return "page";
  if (accept.includes("application/json")) return "json";
  if (accept.includes("text/plain")) return "text";
  // An EventSource (`/su-kien`) reads no page: its refusal is the short line.
  if (accept.includes("text/event-stream")) return "text";
  return "page";
}

/**
 * How to answer a calendar feed's request (`/lich.ics`): a calendar client sends no `Accept`, «*\/*» or
 * «text/calendar», and shows what it got as text, so the page is for a browser only (its `Accept` names HTML).
 */
export function feedAnswerKind(c: Context): AnswerKind {
  const kind = answerKind(c);
  if (kind !== "page") return kind;
  return (c.req.header("accept") ?? "").toLowerCase().includes("text/html") ? "page" : "text";
}

type Status = 400 | 401 | 403 | 404 | 405 | 413 | 429 | 500 | 503;

/** One refusal: `short` for programs and htmx, the page (its title, its alert and what to do) for people. */
export function refusal(
  c: Context<WebEnv>,
  status: Status,
  short: string,
  page: { title: string; alert: string; next: Child },
  kind: AnswerKind = answerKind(c),
) {
  if (kind === "json") return c.json({ status, error: short }, status);
  if (kind === "text") return c.text(short, status);
  return c.html(
    <Layout title={page.title} user={c.get("user") ?? null}>
      <p role="alert">{page.alert}</p>
      {page.next}
    </Layout>,
    status,
  );
}

/** 400 for an address whose values no page reads (views/query.ts), with the way back to the page's defaults. */
export function badQueryRefusal(
  c: Context<WebEnv>,
  bad: BadValue[],
  back: string,
  kind: AnswerKind = answerKind(c),
) {
  return refusal(
    c,
    400,
    badValuesText(bad),
    {
      title: "Địa chỉ không hợp lệ",
      alert: badValuesText(bad),
      next: (
        <p>
          <a href={back}>Mở lại trang với giá trị mặc định</a>
        </p>
      ),
    },
    kind,
  );
}

/**
 * A parameter given twice with different values (`?trang=1&trang=9`, `?loai=a&loai=b`): every page read the first
 * and dropped the other without a word. No page of the desk sends one twice (no GET form has a multiple field), so
 * it is refused before any page reads it.
 */
export function repeatedQuery(c: Context): BadValue[] {
  const all = c.req.queries();
  return Object.entries(all).flatMap(([param, values]) => {
    const bad = repeatedParam(values, { param: param.slice(0, 40), label: "Tham số" });
    return bad ? [bad] : [];
  });
}

/**
 * 405: a real page asked with a method it does not take (`DELETE /dat-lich/…`, `POST /lich`). `allow` is what it
 * takes, in the `Allow` header and in words. The method is named only when it is a plain method token.
 */
export function wrongMethodRefusal(c: Context<WebEnv>, allow: string[]) {
  const method = /^[A-Z]{1,12}$/.test(c.req.method) ? c.req.method : "này";
  const listed = allow.join(", ");
  const short = `Địa chỉ này không nhận phương thức ${method} (405). Phương thức được nhận: ${listed}.`;
  c.header("Allow", listed);
  return refusal(c, 405, short, {
    title: "Thao tác không được hỗ trợ",
    alert: short,
    next: (
      <p>
        Trang có tồn tại nhưng không làm được thao tác này. Hãy mở trang bằng liên kết hoặc nút trên bàn kỹ
        thuật, hoặc về <a href="/hom-nay">trang Hôm nay</a>; lịch họp công khai ở{" "}
        <a href="/lich">trang Lịch</a>.
      </p>
    ),
  });
}

/** 401: no session, or it ended. The page says how to sign in. */
export function signInRefusal(c: Context<WebEnv>) {
  return refusal(c, 401, "Cần đăng nhập.", {
    title: "Cần đăng nhập",
    alert: "Bạn chưa đăng nhập, hoặc phiên đăng nhập đã hết hạn, nên thao tác chưa được thực hiện.",
    next: (
      <p>
        Hãy <a href="/dang-nhap">đăng nhập</a> bằng địa chỉ thư công vụ và mật khẩu tài khoản bàn kỹ thuật,
        rồi làm lại thao tác. Quên mật khẩu: đề nghị quản trị viên đặt lại.
      </p>
    ),
  });
}

/** 403 for a person whose role may not open the page or take the action. */
export function roleRefusal(c: Context<WebEnv>) {
  return refusal(c, 403, "Bạn không có quyền thực hiện thao tác này.", {
    title: "Không có quyền truy cập",
    alert:
      "Bạn không có quyền thực hiện thao tác này: trang hoặc thao tác này dành cho vai trò khác trong danh bạ. Nếu cần, hãy liên hệ quản trị viên.",
    next: (
      <p>
        Tài khoản của bạn không có vai trò cần thiết. Về <a href="/hom-nay">trang Hôm nay</a> của bàn kỹ
        thuật.
      </p>
    ),
  });
}

/** 403 for a form without the session's anti-forgery token (an old tab, another site's form). */
export function csrfRefusal(c: Context<WebEnv>, foreign: boolean) {
  const short = foreign
    ? "Yêu cầu từ trang khác bị từ chối."
    : "Mã chống giả mạo (CSRF) không hợp lệ. Hãy tải lại trang rồi thử lại.";
  return refusal(c, 403, short, {
    title: "Yêu cầu bị từ chối",
    alert: foreign
      ? "Yêu cầu này được gửi từ một trang khác, không phải từ bàn kỹ thuật, nên bị từ chối."
      : "Biểu mẫu này không mang mã chống giả mạo (CSRF) của phiên đăng nhập hiện tại (trang đã mở quá lâu, hoặc đã đăng nhập lại ở thẻ khác), nên bị từ chối.",
    next: (
      <p>
        Hãy mở lại trang trên bàn kỹ thuật, tải lại (F5) rồi làm lại thao tác. Về{" "}
        <a href="/hom-nay">trang Hôm nay</a>.
      </p>
    ),
  });
}

const MB = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 2 });

/** A byte limit in MB as a person reads it: «2 MB», «0,06 MB». */
export function megabytes(bytes: number): string {
  return `${MB.format(bytes / 1024 / 1024)} MB`;
}

/** 413: the body (an upload, a form) is over its limit; the page says the limit in MB. */
export function tooLargeRefusal(c: Context<WebEnv>, maxBytes: number, what: "upload" | "form") {
  const limit = megabytes(maxBytes);
  const short =
    what === "upload"
      ? `Tệp tải lên quá lớn: tổng dung lượng tối đa ${limit}.`
      : `Yêu cầu quá lớn: tối đa ${limit}.`;
  return refusal(c, 413, short, {
    title: "Tệp quá lớn",
    alert:
      what === "upload"
        ? `Tệp tải lên quá lớn: tổng dung lượng các tệp gửi một lần tối đa ${limit}. Không có gì được nhập.`
        : `Nội dung gửi quá lớn: mỗi biểu mẫu tối đa ${limit}. Không có gì được ghi.`,
    next:
      what === "upload" ? (
        <p>
          Danh bạ của thành phố nhỏ hơn nhiều so với giới hạn này: hãy kiểm tra đã chọn đúng tệp chưa, rồi thử
          lại ở <a href="/danh-ba#nhap">trang Danh bạ</a>.
        </p>
      ) : (
        <p>
          Hãy rút gọn nội dung rồi gửi lại. Về <a href="/hom-nay">trang Hôm nay</a>.
        </p>
      ),
  });
}

/** 503: the desk is starting or cannot reach its database. Try again. */
export function unavailableRefusal(c: Context<WebEnv>) {
  c.header("Retry-After", "30");
  return refusal(
    c,
    503,
    "Bàn kỹ thuật tạm thời chưa phục vụ được (đang khởi động hoặc không kết nối được cơ sở dữ liệu). Hãy thử lại sau ít phút.",
    {
      title: "Tạm thời chưa phục vụ được",
      alert:
        "Bàn kỹ thuật đang khởi động, hoặc tạm thời không kết nối được cơ sở dữ liệu, nên chưa hiển thị được trang này.",
      next: (
        <p>
          Hãy thử lại sau ít phút (tải lại trang). Nếu vẫn không được, báo quản trị viên kèm giờ xảy ra. Thư
          và tin nhắn gửi đến bàn kỹ thuật không bị mất: chúng được xử lý khi cơ sở dữ liệu trở lại.
        </p>
      ),
    },
  );
}

/** 500: a fault of the desk's own. The page says nothing of the fault (the log has it), only what to do. */
export function serverErrorPage(c: Context<WebEnv>) {
  return refusal(
    c,
    500,
    "Lỗi máy chủ (500): trang chưa hiển thị được. Thử lại sau ít phút; nếu vẫn lỗi, báo quản trị viên kèm giờ xảy ra.",
    {
      title: "Lỗi máy chủ",
      alert: "Bàn kỹ thuật gặp lỗi (500) nên chưa hiển thị được trang này hoặc chưa thực hiện được thao tác.",
      next: (
        <p>
          Hãy thử lại sau ít phút. Nếu vẫn lỗi, báo quản trị viên kèm giờ xảy ra. Về{" "}
          <a href="/hom-nay">trang Hôm nay</a>.
        </p>
      ),
    },
  );
}

/** 429: one person has opened more live (self-updating) pages than the desk keeps for them. */
export function tooManyLivePagesRefusal(c: Context<WebEnv>, max: number) {
  const short = `Tài khoản này đang mở quá nhiều trang tự cập nhật (tối đa ${max}); hãy đóng bớt thẻ trình duyệt của bàn kỹ thuật.`;
  return refusal(c, 429, short, {
    title: "Quá nhiều trang đang mở",
    alert: short,
    next: (
      <p>
        Đóng bớt các thẻ trình duyệt đang mở bàn kỹ thuật rồi tải lại trang. Về{" "}
        <a href="/hom-nay">trang Hôm nay</a>.
      </p>
    ),
  });
}

/** 503 for an invite asked for while the desk has no mailbox configured: nothing to build it with. */
export function noMailboxRefusal(c: Context<WebEnv>, code: string) {
  const short = "Chưa cấu hình hộp thư của bàn kỹ thuật nên không dựng lại được thư mời.";
  return refusal(c, 503, short, {
    title: "Chưa cấu hình hộp thư",
    alert: `${short} Thư mời được dựng theo địa chỉ hộp thư của bàn kỹ thuật (người tổ chức trong tệp lịch).`,
    next: (
      <p>
        Đề nghị quản trị viên cấu hình hộp thư (mục Configuration trong README). Về{" "}
        <a href={`/dat-lich/${encodeURIComponent(code)}`}>lịch họp {code}</a>.
      </p>
    ),
  });
}

/**
 * Error codes that mean the database is unreachable or not ready (not a bug): the network to PostgreSQL, its
 * «starting up» / «shutting down» / «too many connections», a connection exception (SQLSTATE class 08), a
 * locked or unopenable SQLite file.
 */
const OUTAGE_CODE =
  /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|08\d{3}|57P0[123]|53300|SQLITE_BUSY|SQLITE_LOCKED|SQLITE_CANTOPEN|SQLITE_IOERR\w*)$/;
/** node-postgres says these without a code. */
const OUTAGE_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Cannot use a pool after calling end|The database connection is not open)/;

/** True when `err` (or an error it wraps, as drizzle's query errors do) is the database being out of reach. */
export function isOutage(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 6 && e && typeof e === "object"; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && OUTAGE_CODE.test(code)) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string" && OUTAGE_MESSAGE.test(message)) return true;
    const inner = (e as { cause?: unknown }).cause;
    const errors = (e as { errors?: unknown }).errors;
    // An AggregateError (node's dual-stack connect) carries one error per address.
    if (Array.isArray(errors) && errors.some((x) => isOutage(x))) return true;
    e = inner;
  }
  return false;
}

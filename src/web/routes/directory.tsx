import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import {
  type CsvProblem,
  DirectoryCsvError,
  directoryToCsv,
  guardCell,
  readDirectoryCsv,
} from "../../app/directory/csv.js";
import { importDirectory, type OrphanedBooking } from "../../app/directory/import.js";
import {
  domainsVi,
  type MailboxChange,
  mailboxChanges,
  type OutsideMailbox,
  outsideMailboxes,
} from "../../app/directory/mailbox-changes.js";
import { directoryToXlsx, readDirectoryXlsx, XLSX_FILE } from "../../app/directory/xlsx.js";
import { chairWarnings, checkDirectory, type Violation } from "../../core/directory/check.js";
import { AGENCY_KIND_VI, type Directory, type Role } from "../../core/directory/types.js";
import { deskLogins, offTheDesk } from "../auth/accounts.js";
import { listAccounts } from "../auth/sessions.js";
import { requireRole, requireUser, type WebCtx, type WebEnv, type WebUser } from "../context.js";
import { flashOf, withFlash } from "../views/flash.js";
import { dateTime } from "../views/format.js";
import { addNav, Csrf, Layout } from "../views/layout.js";
import { notFoundPage, shownCode } from "../views/not-found.js";
import { tooLargeRefusal } from "../views/refusal.js";

addNav({ href: "/danh-ba", label: "Danh bạ", order: 40 });

/** The three files of a directory, as the CLI's `directory import DIR` reads them. */
export const FILES = ["agencies.csv", "endpoints.csv", "people.csv"] as const;
/** All three files of the city's directory are under 100 kB; anything near this limit is not a directory. */
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;
/**
 * The upload's size limit. server.ts mounts it before the CSRF guard, which may read a form body to find the
 * `_csrf` field: the limit must hold before anything buffers the upload.
 */
export const uploadLimit = bodyLimit({
  maxSize: MAX_UPLOAD_BYTES,
  onError: (c) => tooLargeRefusal(c as Context<WebEnv>, MAX_UPLOAD_BYTES, "upload"),
});
/** How long a previewed upload waits for the operator's confirmation. */
const PENDING_MS = 30 * 60_000;

const ROLE_VI: Record<Role, string> = {
  leader: "lãnh đạo phụ trách",
  technician: "cán bộ kỹ thuật điểm cầu",
  "mcu-technician": "cán bộ kỹ thuật MCU",
  "wan-duty": "trực mạng WAN",
  admin: "quản trị",
};
const LEVEL_VI = { city: "cấp Thành phố", district: "cấp huyện", commune: "cấp xã" } as const;

/** Re-exported for the page's tests: the one guard against CSV injection is csv.ts's, shared with the CLI. */
export { guardCell };

/**
 * A previewed upload, kept in this process until the operator confirms. Server-side rather than re-posted
 * with an HMAC: the confirmation imports exactly what was checked, the file (phones, VPN tokens) does not
 * travel back through the browser, and there is no signing key to manage. It is bound to the session that
 * uploaded it (by a hash of the session token) and expires; a restart loses it and the operator uploads again.
 */
interface Pending {
  session: string;
  dir: Directory;
  expires: number;
}

const hash = (s: string) => createHash("sha256").update(s).digest("hex");

function findingsOf(dir: Directory, ctx: WebCtx): Violation[] {
  return [...checkDirectory(dir, ctx.desk.reg), ...chairWarnings(dir)];
}

/** The findings of a directory snapshot, computed once per snapshot (a new import makes a new one). */
const findingsBySnapshot = new WeakMap<Directory, Violation[]>();
function snapshotFindings(dir: Directory, ctx: WebCtx): Violation[] {
  let found = findingsBySnapshot.get(dir);
  if (!found) {
    found = findingsOf(dir, ctx);
    findingsBySnapshot.set(dir, found);
  }
  return found;
}

function Findings(p: { list: Violation[] }) {
  return p.list.length ? (
    <ul class="findings">
      {p.list.map((v) => (
        <li class="warn">
          Điều {v.article}: {v.message}
        </li>
      ))}
    </ul>
  ) : null;
}

function ImportForm(p: { user: WebUser }) {
  return (
    <section aria-labelledby="nhap">
      <h2 id="nhap">Nhập danh bạ từ CSV</h2>
      <p class="meta">
        Ba tệp cùng định dạng với lệnh <code>directory import</code>. Hệ thống kiểm tra và cho xem trước; chỉ
        nhập khi bạn xác nhận. Tổng dung lượng tối đa {MAX_UPLOAD_BYTES / 1024 / 1024} MB.
      </p>
      <form method="post" action="/danh-ba/nhap" enctype="multipart/form-data">
        <Csrf user={p.user} />
        {FILES.map((f) => (
          <div>
            <label for={`tep-${f}`}>{f}</label>
            <input id={`tep-${f}`} name={f} type="file" accept=".csv,text/csv" required />
          </div>
        ))}
        <button type="submit">Kiểm tra và xem trước</button>
      </form>
      <h3 id="nhap-xlsx">Hoặc nhập từ một sổ Excel (.xlsx)</h3>
      <p class="meta">
        Sổ có ba trang <code>agencies</code>, <code>endpoints</code>, <code>people</code> cùng các cột như ba
        tệp CSV: tốt nhất là sửa sổ <a href={`/danh-ba/xuat/${XLSX_FILE}`}>{XLSX_FILE}</a> xuất từ đây (các ô
        dạng văn bản giữ nguyên số 0 đầu của token VPN và mã tài khoản). Cùng các bước kiểm tra, xem trước và
        xác nhận.
      </p>
      <form method="post" action="/danh-ba/nhap" enctype="multipart/form-data" aria-labelledby="nhap-xlsx">
        <Csrf user={p.user} />
        <div>
          <label for="tep-xlsx">Sổ Excel danh bạ</label>
          <input
            id="tep-xlsx"
            name="xlsx"
            type="file"
            accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            required
          />
        </div>
        <button type="submit">Kiểm tra và xem trước</button>
      </form>
    </section>
  );
}

async function DirectoryPage(p: { ctx: WebCtx; user: WebUser; flash: ReturnType<typeof flashOf> }) {
  const dir = await p.ctx.desk.store.read(async (r) => (await r.directory.snapshot()).directory);
  const findings = snapshotFindings(dir, p.ctx);
  const admin = p.user.role === "admin";
  // Each finding beside its one endpoint, or else its agency: indexed once, not searched per row.
  const byAgency = new Map<string, Violation[]>();
  const byEndpoint = new Map<string, Violation[]>();
  for (const v of findings) {
    const [key, map] = v.endpoints.length === 1 ? [v.endpoints[0]!, byEndpoint] : [v.agency, byAgency];
    if (key === undefined) continue;
    const list = map.get(key);
    if (list) list.push(v);
    else map.set(key, [v]);
  }
  const ofAgency = (name: string) => byAgency.get(name) ?? [];
  const ofEndpoint = (code: string) => byEndpoint.get(code) ?? [];
  return (
    <Layout title="Danh bạ" user={p.user} current="/danh-ba" flash={p.flash}>
      <p>
        {dir.agencies.length} cơ quan, {dir.endpoints.length} điểm cầu, {dir.people.length} người.{" "}
        {findings.length ? (
          <strong class="warn">{findings.length} điểm cần xem theo Quy chế (directory check).</strong>
        ) : (
          <span class="ok">Không có vi phạm Quy chế.</span>
        )}
      </p>
      {admin ? (
        <>
          <p>
            Xuất CSV:{" "}
            {FILES.map((f) => (
              <>
                <a href={`/danh-ba/xuat/${f}`} download={f}>
                  {f}
                </a>{" "}
              </>
            ))}
            — hoặc cả ba trong một sổ Excel:{" "}
            <a href={`/danh-ba/xuat/${XLSX_FILE}`} download={XLSX_FILE}>
              {XLSX_FILE}
            </a>
            . Để sửa bằng Excel, nên dùng sổ Excel: Excel cài đặt tiếng Việt (dấu phân cách danh sách «;») có
            thể mở tệp CSV thành một cột, và bỏ các chữ số 0 ở đầu token VPN khi mở CSV.
          </p>
          <ImportForm user={p.user} />
        </>
      ) : null}
      <section aria-labelledby="co-quan">
        <h2 id="co-quan">Cơ quan</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Tên</th>
                <th scope="col">Loại</th>
                <th scope="col">Hộp thư công vụ</th>
                <th scope="col">Điểm cầu</th>
                <th scope="col">Kiểm tra</th>
              </tr>
            </thead>
            <tbody>
              {dir.agencies.map((a) => (
                <tr>
                  <td>{a.name}</td>
                  <td>
                    {AGENCY_KIND_VI[a.kind]} <code>{a.kind}</code>
                    {a.notifiesFor ? <div>Văn phòng thông báo lịch họp của {a.notifiesFor}</div> : null}
                  </td>
                  <td>{a.mailboxes.join(", ")}</td>
                  <td>{dir.endpoints.filter((e) => e.agency === a.name).length}</td>
                  <td>
                    <Findings list={ofAgency(a.name)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="diem-cau">
        <h2 id="diem-cau">Điểm cầu</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Mã</th>
                <th scope="col">Tên</th>
                <th scope="col">Cấp</th>
                <th scope="col">Cơ quan</th>
                <th scope="col">Quyền điều khiển</th>
                <th scope="col">Kiểm tra</th>
              </tr>
            </thead>
            <tbody>
              {dir.endpoints.map((e) => (
                <tr>
                  <td>{e.code}</td>
                  <td>{e.name}</td>
                  <td>{LEVEL_VI[e.level]}</td>
                  <td>{e.agency}</td>
                  <td>
                    {e.control ? (e.vpnToken ? "có (đã có token VPN)" : "có (chưa có token VPN)") : "không"}
                  </td>
                  <td>
                    <Findings list={ofEndpoint(e.code)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="nguoi">
        <h2 id="nguoi">Người</h2>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Họ tên</th>
                <th scope="col">Vai trò</th>
                <th scope="col">Điểm cầu</th>
                <th scope="col">Điện thoại</th>
                <th scope="col">Thư</th>
              </tr>
            </thead>
            <tbody>
              {dir.people.map((x) => (
                <tr>
                  <td>{x.name}</td>
                  <td>{ROLE_VI[x.role]}</td>
                  <td>{x.endpoint ?? ""}</td>
                  <td>{x.phone ?? ""}</td>
                  <td>{x.email ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </Layout>
  );
}

function Problems(p: { problems: CsvProblem[] }) {
  return (
    <div class="table-wrap">
      <table>
        <caption class="meta">Lỗi trong các tệp tải lên: chưa nhập gì.</caption>
        <thead>
          <tr>
            <th scope="col">Tệp</th>
            <th scope="col">Dòng</th>
            <th scope="col">Cột</th>
            <th scope="col">Lỗi</th>
          </tr>
        </thead>
        <tbody>
          {p.problems.map((x) => (
            <tr>
              <td>{x.file}</td>
              <td>{x.line ? String(x.line) : "-"}</td>
              <td>{x.column}</td>
              <td>{x.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The official mailboxes the import adds or takes away: who will speak for an agency by mail. */
function MailboxChanges(p: { changes: MailboxChange[] }) {
  if (p.changes.length === 0) return null;
  return (
    <div class="table-wrap">
      <table>
        <caption class="bad">
          Hòm thư công vụ thay đổi: thư từ hòm thư thêm mới sẽ được xử lý như thư của cơ quan (đăng ký, đổi,
          hủy lịch) và nhận trả lời. Kiểm tra kỹ trước khi xác nhận.
        </caption>
        <thead>
          <tr>
            <th scope="col">Cơ quan</th>
            <th scope="col">Thêm</th>
            <th scope="col">Bỏ</th>
          </tr>
        </thead>
        <tbody>
          {p.changes.map((c) => (
            <tr>
              <td>{c.agency}</td>
              <td>{c.added.join(", ")}</td>
              <td>{c.removed.join(", ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Official mailboxes outside DESK_OFFICIAL_DOMAINS: accepted (a security or military body may have its own domain),
 * but a private address slipped into the CSV would speak for the agency by mail, so each one is shown.
 */
function OutsideMailboxes(p: { list: OutsideMailbox[]; domains: readonly string[] }) {
  if (p.list.length === 0) return null;
  return (
    <div class="table-wrap">
      <table>
        <caption class="bad">
          Hòm thư công vụ ngoài miền thư công vụ ({domainsVi(p.domains)}): vẫn nhập được, nhưng thư từ các hòm
          thư này sẽ đăng ký, đổi, hủy lịch thay cơ quan. Hãy xác minh với từng cơ quan bằng điện thoại trước
          khi xác nhận.
        </caption>
        <thead>
          <tr>
            <th scope="col">Cơ quan</th>
            <th scope="col">Hòm thư</th>
            <th scope="col">Trong danh bạ hiện tại</th>
          </tr>
        </thead>
        <tbody>
          {p.list.map((o) => (
            <tr>
              <td>{o.agency}</td>
              <td>{o.mailbox}</td>
              <td>{o.added ? "chưa có (thêm mới)" : "đã có"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** What an import does to the web desk's admins: `none` left who can sign in, or the importer no longer one. */
interface AdminsAfter {
  none: boolean;
  /** The importer is no admin in the new directory (whether their account stays open or closes). */
  selfDemoted: boolean;
  /** The importer's own web account closes: their person is no longer a desk person in the new directory. */
  selfClosed: boolean;
  /** The importer's role in the new directory; null when nobody there has their login (removed, e-mail changed). */
  selfRole: Role | null;
  /** Admins of the new directory who have a web account, the importer aside: who can still administer. */
  otherAdmins: string[];
  /** Web accounts the import closes: their person is no longer a desk person. */
  closing: string[];
}

async function adminsAfter(ctx: WebCtx, user: WebUser, dir: Directory): Promise<AdminsAfter> {
  const admins = deskLogins(dir, ["admin"]);
  const accounts = await listAccounts(ctx.desk);
  const closing = offTheDesk(
    accounts.map((a) => a.login),
    dir,
  );
  const roles = Object.keys(ROLE_VI) as Role[];
  return {
    none: !accounts.some((a) => admins.has(a.login)),
    selfDemoted: !admins.has(user.login),
    selfClosed: closing.includes(user.login),
    selfRole: roles.find((r) => deskLogins(dir, [r]).has(user.login)) ?? null,
    otherAdmins: accounts.map((a) => a.login).filter((l) => l !== user.login && admins.has(l)),
    closing,
  };
}

/**
 * What the preview says to an admin whose import takes their own admin role away or closes their own account:
 * they are locked out of this page once it is confirmed, so they are told which account and why, plainly.
 */
function SelfLockout(p: { user: WebUser; admins: AdminsAfter }) {
  const { admins, user } = p;
  const others = admins.otherAdmins.join(", ");
  if (admins.selfClosed)
    return (
      <div class="bad" role="alert">
        <p>
          <strong>Danh bạ này đóng tài khoản web của chính bạn ({user.login}).</strong>{" "}
          {admins.selfRole
            ? `Trong danh bạ mới, ${user.name} là ${ROLE_VI[admins.selfRole]}: vai trò này không được dùng bàn kỹ thuật trên web.`
            : `Danh bạ mới không còn ai có tài khoản ${user.login} (người đã bị bỏ hoặc đổi địa chỉ thư).`}
        </p>
        <p>
          Ngay khi nhập, phiên đăng nhập này kết thúc, mật khẩu của bạn bị xóa và bạn không đăng nhập lại
          được. Chỉ quản trị viên còn lại ({others}) mới nhập lại được danh bạ trên web.
        </p>
      </div>
    );
  if (admins.selfDemoted)
    return (
      <div class="bad" role="alert">
        <p>
          Sau khi nhập, tài khoản của bạn ({user.login}) không còn vai trò quản trị viên
          {admins.selfRole ? ` (vai trò mới: ${ROLE_VI[admins.selfRole]})` : ""}: bạn vẫn đăng nhập được nhưng
          không nhập được danh bạ, không mở khóa tài khoản trên web nữa. Chỉ quản trị viên còn lại ({others})
          mới nhập lại được.
        </p>
      </div>
    );
  return null;
}

/** The box an admin must tick to confirm an import that locks them out (`SelfLockout`). */
function SelfLockoutConsent(p: { user: WebUser; admins: AdminsAfter }) {
  if (!p.admins.selfDemoted) return null;
  return (
    <div>
      <input id="toi-hieu" type="checkbox" name="toi-hieu" value="1" required />
      <label for="toi-hieu">
        {p.admins.selfClosed
          ? `Tôi hiểu: danh bạ này đóng tài khoản web ${p.user.login} của tôi và tôi sẽ không đăng nhập được nữa`
          : "Tôi hiểu: sau khi nhập, tôi không còn là quản trị viên bàn kỹ thuật trên web"}
      </label>
    </div>
  );
}

/** Said when the import that locks its admin out is confirmed without the «Tôi hiểu …» box ticked (409). */
const SELF_LOCKOUT_UNCONFIRMED =
  "Chưa nhập: danh bạ mới khóa chính bạn khỏi quyền quản trị bàn kỹ thuật trên web (xem cảnh báo bên dưới). Nếu chắc chắn, đánh dấu ô «Tôi hiểu …» rồi bấm xác nhận lại; nếu không, hãy sửa tệp people.csv và tải lên lại.";

/**
 * Refused on the web: after it nobody could sign in as an admin, so nobody could import again or unlock an account
 * there. The CLI, on the server, still imports such a directory.
 */
const NO_ADMIN_LEFT =
  "Chưa nhập: danh bạ mới không còn quản trị viên nào có tài khoản web, nên sau khi nhập không ai quản trị được bàn kỹ thuật trên web (nhập lại danh bạ, mở khóa tài khoản). Hãy giữ ít nhất một người vai trò admin đã có mật khẩu (kể cả bạn), hoặc nhập bằng lệnh «npm run cli -- directory import DIR» trên máy chủ nếu chắc chắn.";

function Preview(p: {
  ctx: WebCtx;
  user: WebUser;
  current: Directory;
  dir: Directory | null;
  problems: CsvProblem[];
  token: string | null;
  orphaned?: OrphanedBooking[];
  error?: string;
  admins?: AdminsAfter;
}) {
  const zone = p.ctx.desk.reg.zone;
  const codes = new Set(p.current.endpoints.map((e) => e.code));
  const next = new Set(p.dir?.endpoints.map((e) => e.code) ?? []);
  const added = [...next].filter((c) => !codes.has(c));
  const removed = [...codes].filter((c) => !next.has(c));
  return (
    <Layout
      title="Xem trước danh bạ"
      user={p.user}
      current="/danh-ba"
      flash={p.error ? { kind: "error", text: p.error } : null}
    >
      {p.problems.length ? <Problems problems={p.problems} /> : null}
      {p.dir && p.token ? (
        <>
          <p>
            Tệp hợp lệ: {p.dir.agencies.length} cơ quan, {p.dir.endpoints.length} điểm cầu,{" "}
            {p.dir.people.length} người (hiện có {p.current.agencies.length} cơ quan,{" "}
            {p.current.endpoints.length} điểm cầu, {p.current.people.length} người).
          </p>
          <p>
            Điểm cầu thêm mới: {added.join(", ") || "không có"}. Điểm cầu bị bỏ:{" "}
            {removed.join(", ") || "không có"}.
          </p>
          {p.admins ? <SelfLockout user={p.user} admins={p.admins} /> : null}
          {p.admins?.closing.length ? (
            <p class="bad">
              Tài khoản web sẽ bị đóng (người không còn vai trò ở bàn kỹ thuật trong danh bạ mới; phiên đăng
              nhập kết thúc, mật khẩu bị xóa): {p.admins.closing.join(", ")}.
            </p>
          ) : null}
          <MailboxChanges changes={mailboxChanges(p.current, p.dir)} />
          <OutsideMailboxes
            list={outsideMailboxes(p.current, p.dir, p.ctx.settings.officialDomains ?? [])}
            domains={p.ctx.settings.officialDomains ?? []}
          />
          <Findings list={findingsOf(p.dir, p.ctx)} />
          {p.orphaned?.length ? (
            <>
              <p class="bad">Danh bạ mới bỏ điểm cầu mà các lịch họp sắp tới còn dùng:</p>
              <ul>
                {p.orphaned.map((o) => (
                  <li>
                    {o.code} ({dateTime(o.start, zone)}): {o.endpoints.join(", ")}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <form method="post" action="/danh-ba/nhap/xac-nhan">
            <Csrf user={p.user} />
            <input type="hidden" name="token" value={p.token} />
            {p.orphaned?.length ? (
              <div>
                <input id="bat-buoc" type="checkbox" name="force" value="1" />
                <label for="bat-buoc">Vẫn nhập dù các lịch họp trên mất điểm cầu</label>
              </div>
            ) : null}
            {p.admins ? <SelfLockoutConsent user={p.user} admins={p.admins} /> : null}
            <button type="submit">Xác nhận nhập danh bạ</button>
          </form>
        </>
      ) : null}
      <p>
        <a href="/danh-ba">Quay lại Danh bạ</a>
      </p>
    </Layout>
  );
}

/** Danh bạ: the directory with its `directory check` findings; CSV import with preview (admin); CSV export. */
export function directoryRoutes(ctx: WebCtx): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const pending = new Map<string, Pending>();
  const admin = requireRole("admin");
  /** The preview page with nothing to import and why not (409). */
  const refused = (c: Context<WebEnv>, user: WebUser, current: Directory, error: string) =>
    c.html(
      <Preview ctx={ctx} user={user} current={current} dir={null} problems={[]} token={null} error={error} />,
      409,
    );
  const sweep = (now: number) => {
    for (const [k, v] of pending) if (v.expires <= now) pending.delete(k);
  };
  app.get("/danh-ba", requireUser, async (c) =>
    c.html(<DirectoryPage ctx={ctx} user={c.get("user")!} flash={flashOf(c)} />),
  );
  app.get("/danh-ba/xuat/:file", admin, async (c) => {
    const file = c.req.param("file");
    if (file === XLSX_FILE) {
      const dir = await ctx.desk.store.read((r) => r.directory.load());
      c.header("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
      c.header("Content-Disposition", `attachment; filename="${file}"`);
      return c.body(new Uint8Array(await directoryToXlsx(dir)));
    }
    if (!(FILES as readonly string[]).includes(file))
      return notFoundPage(
        c,
        `Không có tệp «${shownCode(file)}» để tải: danh bạ xuất ra ${FILES.join(", ")} hoặc ${XLSX_FILE}.`,
      );
    const dir = await ctx.desk.store.read((r) => r.directory.load());
    c.header("Content-Type", "text/csv; charset=utf-8");
    c.header("Content-Disposition", `attachment; filename="${file}"`);
    // directoryToCsv guards every formula-like cell itself (CSV injection), for the CLI's export as for this one.
    return c.body(directoryToCsv(dir)[file]!);
  });
  app.post("/danh-ba/nhap", admin, async (c) => {
    const user = c.get("user")!;
    const now = ctx.now();
    const current = await ctx.desk.store.read((r) => r.directory.load());
    const body = await c.req.parseBody();
    const folder = mkdtempSync(join(tmpdir(), "danh-ba-"));
    let dir: Directory | null = null;
    let problems: CsvProblem[] = [];
    const workbook = body.xlsx;
    try {
      if (workbook instanceof File && workbook.size > 0) {
        // The same reading and checks as `npm run cli -- directory import TỆP.xlsx`.
        dir = await readDirectoryXlsx(Buffer.from(await workbook.arrayBuffer()), { known: current });
      } else {
        for (const f of FILES) {
          const part = body[f];
          if (part instanceof File && part.size > 0)
            writeFileSync(join(folder, f), Buffer.from(await part.arrayBuffer()));
        }
        // The same reading and checks as `npm run cli -- directory import DIR`.
        dir = readDirectoryCsv(folder, { known: current });
      }
    } catch (err) {
      if (!(err instanceof DirectoryCsvError)) throw err;
      problems =
        workbook instanceof File && workbook.size > 0
          ? err.problems
          : err.problems.map((p) =>
              p.line === 0 && FILES.some((f) => f === p.file)
                ? { ...p, message: "chưa chọn tệp này hoặc tệp rỗng." }
                : p,
            );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    if (!dir) {
      return c.html(
        <Preview ctx={ctx} user={user} current={current} dir={null} problems={problems} token={null} />,
        422,
      );
    }
    const admins = await adminsAfter(ctx, user, dir);
    if (admins.none) {
      return refused(c, user, current, NO_ADMIN_LEFT);
    }
    sweep(now.getTime());
    const session = hash(c.get("sessionToken") ?? "");
    for (const [k, v] of pending) if (v.session === session) pending.delete(k);
    const token = randomBytes(24).toString("hex");
    pending.set(token, { session, dir, expires: now.getTime() + PENDING_MS });
    return c.html(
      <Preview
        ctx={ctx}
        user={user}
        current={current}
        dir={dir}
        problems={[]}
        token={token}
        admins={admins}
      />,
    );
  });
  app.post("/danh-ba/nhap/xac-nhan", admin, async (c) => {
    const user = c.get("user")!;
    const now = ctx.now();
    sweep(now.getTime());
    const body = await c.req.parseBody();
    const token = typeof body.token === "string" ? body.token : "";
    const held = pending.get(token);
    const current = await ctx.desk.store.read((r) => r.directory.load());
    if (!held || held.session !== hash(c.get("sessionToken") ?? "")) {
      return refused(
        c,
        user,
        current,
        "Bản xem trước không còn (đã nhập, đã quá 30 phút hoặc thuộc phiên đăng nhập khác). Hãy tải tệp lên lại.",
      );
    }
    // Accounts may have changed since the preview (a password set, an account's person renamed).
    const admins = await adminsAfter(ctx, user, held.dir);
    if (admins.none) {
      pending.delete(token);
      return refused(c, user, current, NO_ADMIN_LEFT);
    }
    // An import that takes the importer's own admin role away (or closes their account) goes through only with
    // their explicit «Tôi hiểu …»: the preview said so, and the answer is re-checked against today's accounts.
    // Not imported: the same preview again (same token), with why.
    const again = (error: string, orphaned?: OrphanedBooking[]) =>
      c.html(
        <Preview
          ctx={ctx}
          user={user}
          current={current}
          dir={held.dir}
          problems={[]}
          token={token}
          admins={admins}
          error={error}
          {...(orphaned ? { orphaned } : {})}
        />,
        409,
      );
    if (admins.selfDemoted && body["toi-hieu"] !== "1") return again(SELF_LOCKOUT_UNCONFIRMED);
    const outcome = await importDirectory(ctx.desk.store, held.dir, {
      now,
      force: body.force === "1",
      by: `${user.name}, web:${user.login}`,
      officialDomains: ctx.settings.officialDomains ?? [],
    });
    if (!outcome.imported)
      return again("Chưa nhập: danh bạ mới bỏ điểm cầu mà lịch họp sắp tới còn dùng.", outcome.orphaned);
    pending.delete(token);
    const d = held.dir;
    return c.redirect(
      withFlash(
        c,
        "/danh-ba",
        "da-nhap-danh-ba",
        `${d.agencies.length}-${d.endpoints.length}-${d.people.length}`,
      ),
      303,
    );
  });
  return app;
}

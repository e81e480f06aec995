/**
 * Previous/next links of a paged list, with "Trang N/M" between them; nothing when everything fits on one page.
 * `link(n)` is the address of page n (the caller keeps its other parameters).
 */
export function Pager(p: {
  page: number;
  pages: number;
  link: (page: number) => string;
  label: string;
  note?: string;
}) {
  if (p.pages <= 1) return null;
  return (
    <nav aria-label={p.label} class="filters">
      {p.page > 1 ? (
        <a href={p.link(p.page - 1)} rel="prev">
          ← Trang trước
        </a>
      ) : null}
      <span>
        Trang {p.page}/{p.pages}
        {p.note ? ` (${p.note})` : ""}
      </span>
      {p.page < p.pages ? (
        <a href={p.link(p.page + 1)} rel="next">
          Trang sau →
        </a>
      ) : null}
    </nav>
  );
}

/** The largest page number read as asked; beyond it every list is on its last page anyway. */
const PAGE_CAP = 999_999;

/**
 * The page a list is asked for (`?trang=N`), one parser for every paged list of the desk. Absent or empty: page 1.
 * A whole number from 1: that page (the list clamps it to its last). Anything else («-1», «abc», «0», «2.5»): page
 * 1 with `wrong` set, which the page answers with 400 and `wrongPage(wrong)` on top: «?trang=-1» showed page 1 as
 * if it had been asked for, and whoever typed or pasted the address never learnt the number was not read.
 */
export function pageParam(raw: string | undefined): { page: number; wrong?: string } {
  const v = (raw ?? "").trim();
  if (v === "") return { page: 1 };
  if (/^\d+$/.test(v) && Number(v) >= 1) return { page: Math.min(Number(v), PAGE_CAP) };
  return { page: 1, wrong: v.slice(0, 20) };
}

/** Why a page number was not read, said above the first page of the list. */
export function wrongPage(wrong: string): { kind: "error"; text: string } {
  return {
    kind: "error",
    text: `Số trang «${wrong}» không hợp lệ: số trang là số nguyên từ 1 trở lên (ví dụ ?trang=2). Đang hiển thị trang đầu.`,
  };
}

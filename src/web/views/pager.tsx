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

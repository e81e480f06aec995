/** A plain text table, columns padded to the widest cell. */
export function table(headers: string[], rows: string[][]): string {
  // A loop, not Math.max(...rows): spreading 100k+ arguments overflows the call stack.
  const widths = headers.map((h, i) => rows.reduce((w, r) => Math.max(w, (r[i] ?? "").length), h.length));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

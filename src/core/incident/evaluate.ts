import { CATEGORY_VI, type FaultCategory } from "./classify.js";

export const CATEGORIES: readonly FaultCategory[] = [
  "power",
  "network",
  "equipment",
  "audio",
  "video",
  "other",
];

/** One labelled report: the class a person assigned first, and a second fault when the message has two. */
export interface LabelledReport {
  text: string;
  expected: FaultCategory;
  second: FaultCategory | null;
}

/** `text<TAB>class[,second class]` lines; `#` starts a comment line. */
export function parseCorpus(tsv: string): LabelledReport[] {
  const out: LabelledReport[] = [];
  for (const [i, line] of tsv.split(/\r?\n/).entries()) {
    if (!line.trim() || line.startsWith("#")) continue;
    const [text, labels] = line.split("\t");
    const [expected, second] = (labels ?? "").split(",").map((s) => s.trim()) as FaultCategory[];
    if (!text || !expected || !CATEGORIES.includes(expected) || (second && !CATEGORIES.includes(second)))
      throw new Error(`corpus line ${i + 1}: expected "text<TAB>class[,class]", got ${JSON.stringify(line)}`);
    out.push({ text, expected, second: second ?? null });
  }
  return out;
}

export interface Evaluation {
  total: number;
  correct: number;
  accuracy: number;
  /** matrix[expected][predicted] = count */
  matrix: Record<FaultCategory, Record<FaultCategory, number>>;
  perClass: Record<FaultCategory, { precision: number; recall: number; support: number }>;
  /** Reports sent to the wrong team: network (WAN) vs everything else (MCU technician). */
  misrouted: number;
  errors: { text: string; expected: FaultCategory; got: FaultCategory }[];
}

/** Score a classifier on labelled reports; a two-fault report counts as right only when its primary class is. */
export function evaluate(
  rows: readonly LabelledReport[],
  classify: (t: string) => FaultCategory,
): Evaluation {
  const zero = () => Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<FaultCategory, number>;
  const matrix = Object.fromEntries(CATEGORIES.map((c) => [c, zero()])) as Evaluation["matrix"];
  const errors: Evaluation["errors"] = [];
  let misrouted = 0;
  for (const r of rows) {
    const got = classify(r.text);
    matrix[r.expected][got]++;
    if (got !== r.expected) errors.push({ text: r.text, expected: r.expected, got });
    if ((got === "network") !== (r.expected === "network")) misrouted++;
  }
  const perClass = Object.fromEntries(
    CATEGORIES.map((c) => {
      const tp = matrix[c][c];
      const predicted = CATEGORIES.reduce((n, e) => n + matrix[e][c], 0);
      const support = CATEGORIES.reduce((n, p) => n + matrix[c][p], 0);
      return [c, { precision: predicted ? tp / predicted : 0, recall: support ? tp / support : 0, support }];
    }),
  ) as Evaluation["perClass"];
  const correct = rows.length - errors.length;
  return {
    total: rows.length,
    correct,
    accuracy: correct / rows.length,
    matrix,
    perClass,
    misrouted,
    errors,
  };
}

/** The confusion matrix as a Markdown table, rows = expected, columns = predicted. */
export function matrixMarkdown(e: Evaluation): string {
  const head = `| expected \\ predicted | ${CATEGORIES.join(" | ")} | recall |`;
  const sep = `|---|${CATEGORIES.map(() => "---:").join("|")}|---:|`;
  const rows = CATEGORIES.map(
    (c) =>
      `| ${c} (${CATEGORY_VI[c]}) | ${CATEGORIES.map((p) => (c === p ? `**${e.matrix[c][p]}**` : String(e.matrix[c][p]))).join(" | ")} | ${(e.perClass[c].recall * 100).toFixed(1)}% |`,
  );
  const precision = `| precision | ${CATEGORIES.map((c) => `${(e.perClass[c].precision * 100).toFixed(1)}%`).join(" | ")} | |`;
  return [head, sep, ...rows, precision].join("\n");
}

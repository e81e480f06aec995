import { parseArgs } from "node:util";
import { CopyRefused, copySqliteToPostgres } from "../../store/pg/copy.js";
import { maskUrl, maskUrlsIn } from "../../store/pg/db.js";
import { parseArgsErrorVi } from "./args-vi.js";
import { CliError, type Io } from "./commands.js";
import { table } from "./table.js";

export const DB_COPY_USAGE =
  "Cách dùng: npm run cli -- db copy --from TỆP_SQLITE --to postgres://người_dùng@máy:cổng/tên_csdl";

/**
 * `db copy --from SQLITE_PATH --to postgres://…`: move a desk from its SQLite file to an empty PostgreSQL database
 * (issue 12), then print the rows of every table on both sides. The URL's password is never printed.
 */
export async function dbCopyCommand(argv: string[], io: Io): Promise<void> {
  let values: { from?: string; to?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { from: { type: "string" }, to: { type: "string" } },
      allowPositionals: false,
      strict: true,
    }));
  } catch (err) {
    throw new CliError(`Tham số không hợp lệ: ${maskUrlsIn(parseArgsErrorVi(err))}\n${DB_COPY_USAGE}`, 2);
  }
  if (!values.from || !values.to) throw new CliError(`Thiếu --from hoặc --to.\n${DB_COPY_USAGE}`, 2);
  const { from, to } = values;
  io.out(`Đang chép ${from} sang ${maskUrl(to)}…`);
  let result: Awaited<ReturnType<typeof copySqliteToPostgres>>;
  try {
    result = await copySqliteToPostgres(from, to);
  } catch (err) {
    if (err instanceof CopyRefused) throw new CliError(err.message);
    throw new CliError(`Chép không thành công: ${maskUrlsIn((err as Error).message)}`);
  }
  io.out(
    table(
      ["Bảng", "SQLite", "PostgreSQL", "Khớp"],
      result.tables.map((t) => [
        t.name,
        String(t.source),
        String(t.target),
        t.source === t.target ? "có" : "KHÔNG",
      ]),
    ),
  );
  io.out(
    `Đã chép ${result.rows} dòng của ${result.tables.length} bảng trong ${Math.round(result.ms)} ms; số dòng mọi bảng ` +
      `khớp nhau. CSDL nguồn ${from} không thay đổi.`,
  );
}

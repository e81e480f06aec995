/**
 * node:util parseArgs explains a bad command line in English; the operator reads Vietnamese. Its errors carry a
 * code and name the option in quotes, which is all this needs. Anything unforeseen keeps a generic sentence, never
 * the English.
 */
export function parseArgsErrorVi(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const message = e.message ?? "";
  const option = /'(-{1,2}[^'\s]+)/.exec(message)?.[1];
  const quoted = /'([^']*)'/.exec(message)?.[1];
  switch (e.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `Không có tùy chọn ${option ?? quoted ?? ""}.`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `Tham số «${quoted ?? ""}» thừa.`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (/argument missing/.test(message))
        return `Tùy chọn ${option} cần một giá trị, ví dụ ${option} GIÁ_TRỊ.`;
      if (/does not take an argument/.test(message)) return `Tùy chọn ${option} không nhận giá trị.`;
      if (/ambiguous/.test(message))
        return `Giá trị của ${option} bắt đầu bằng dấu «-»; nếu đúng là vậy, hãy viết ${option}=GIÁ_TRỊ.`;
      return `Giá trị của tùy chọn ${option ?? ""} không hợp lệ.`;
    default:
      return "Các tham số không đúng cách dùng.";
  }
}

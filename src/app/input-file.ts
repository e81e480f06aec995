import { readFileSync, type Stats, statSync } from "node:fs";

/** Why a file named on the command line cannot be read, in the operator's words (by the error's code). */
const READ_ERROR_VI: Record<string, string> = {
  ENOENT: "không có tệp này",
  ENOTDIR: "một phần của đường dẫn không phải thư mục",
  EACCES: "không có quyền đọc",
  EPERM: "không có quyền đọc",
  EISDIR: "đó là một thư mục, không phải tệp",
  ELOOP: "đường dẫn vòng lặp liên kết",
  ENAMETOOLONG: "đường dẫn quá dài",
};

/** A week's duty roster is a few dozen lines: a file larger than this is not one. */
export const MAX_ROSTER_BYTES = 1024 * 1024;

/** A file named on the command line (or beside a directory it names) that cannot be read: the message names it and says why, in Vietnamese. */
export class InputFileError extends Error {
  constructor(
    readonly path: string,
    readonly why: string,
  ) {
    super(`Không đọc được «${path}»: ${why}. Hãy kiểm tra lại đường dẫn.`);
    this.name = "InputFileError";
  }
}

/**
 * Throws an InputFileError unless `path` is a regular file of at most `max` bytes the operator could read: a folder,
 * a device or a pipe (/dev/zero would be read forever), a missing file, one larger than `max` (refused before it is
 * read into memory). Never Node's English «ENOENT: no such file or directory».
 */
export function checkInputFile(path: string, max?: number): void {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (err) {
    throw fsError(path, err);
  }
  if (st.isDirectory()) throw new InputFileError(path, READ_ERROR_VI.EISDIR!);
  if (!st.isFile()) throw new InputFileError(path, "đó không phải một tệp thường (thiết bị, ống dẫn…)");
  if (max !== undefined && st.size > max)
    throw new InputFileError(path, `tệp quá lớn (${mb(st.size)} MB, tối đa ${mb(max)} MB)`);
}

/** The bytes of a file the operator named (a mail, a roster), after checkInputFile; an InputFileError if not. */
export function readInputFile(path: string, max?: number): Buffer {
  checkInputFile(path, max);
  try {
    return readFileSync(path);
  } catch (err) {
    throw fsError(path, err);
  }
}

function fsError(path: string, err: unknown): InputFileError {
  const code = (err as NodeJS.ErrnoException).code ?? "";
  return new InputFileError(path, READ_ERROR_VI[code] ?? `lỗi hệ thống ${code || "không rõ"}`);
}

function mb(bytes: number): string {
  return (Math.ceil((bytes / 1024 / 1024) * 10) / 10).toLocaleString("vi-VN");
}

/**
 * One CSV cell as Excel opens it safely: quoted when it holds a comma, quote or line break;
 * text Excel would run as a formula (a leading = @ tab or CR, or + - not followed by a
 * number or a phone number like "+86 138-0000-0000") gets a leading ', which our readers drop.
 */
export function csvCell(v: string | number | null | undefined): string {
  let s = v === null || v === undefined ? "" : String(v);
  if (typeof v !== "number" && (/^[=@\t\r]/.test(s) || (/^[+-]/.test(s) && !/^[+-]?[0-9][0-9 ().-]*$/.test(s)))) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV line (no line break) of cells. */
export const csvLine = (cells: readonly (string | number | null | undefined)[]) => cells.map(csvCell).join(",");

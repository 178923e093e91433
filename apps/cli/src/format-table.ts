/** A plain text table: columns padded to their widest cell, numbers right-aligned. */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  // A loop, not Math.max(...cells): a spread passes every row as an argument, and past ~100k rows
  // that overflows the call stack ("Maximum call stack size exceeded" in vpa analyze).
  const widths = header.map(() => 0);
  for (const row of cells)
    for (let column = 0; column < widths.length; column++)
      widths[column] = Math.max(widths[column] as number, (row[column] ?? "").length);
  // A column of numbers only is right-aligned. (With no rows every column counts as numeric, which
  // changes nothing: each header cell is already as wide as its column.)
  const numeric = header.map((_, column) => rows.every((row) => typeof row[column] === "number"));
  return cells
    .map((row) =>
      row
        .map((cell, column) =>
          numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
        )
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/**
 * Joins several Prometheus text expositions into one in which each metric family appears once:
 * its `# HELP` and `# TYPE` lines once, then every sample of it. The text format forbids a family
 * announced twice or split in two, which is what concatenating BullMQ's per-queue
 * `exportPrometheusMetrics()` outputs would give.
 *
 * @example
 * mergePrometheusText([await analyze.exportPrometheusMetrics(), await alerts.exportPrometheusMetrics()])
 */
export function mergePrometheusText(texts: readonly string[]): string {
  const families = new Map<string, { help: string | null; type: string | null; samples: string[] }>();
  const familyOf = (name: string) => {
    let family = families.get(name);
    if (family === undefined) {
      family = { help: null, type: null, samples: [] };
      families.set(name, family);
    }
    return family;
  };
  for (const text of texts) {
    for (const line of text.split("\n")) {
      const trimmed = line.trim();
      if (trimmed === "") continue;
      const comment = /^#\s+(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(trimmed);
      if (comment !== null) {
        const family = familyOf(comment[2] as string);
        if (comment[1] === "HELP") family.help ??= trimmed;
        else family.type ??= trimmed;
        continue;
      }
      if (trimmed.startsWith("#")) continue;
      const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(trimmed)?.[0];
      if (name !== undefined) familyOf(name).samples.push(trimmed);
    }
  }
  const lines: string[] = [];
  for (const family of families.values()) {
    if (family.help !== null) lines.push(family.help);
    if (family.type !== null) lines.push(family.type);
    lines.push(...family.samples);
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}

/**
 * A reader for exactly the subset of YAML that docker-compose.yml is written in, so the compose
 * check needs no YAML dependency. It understands:
 *
 * - blank lines and comments: a whole-line `# ...`, or ` # ...` after a value (outside quotes);
 * - block mappings: `key: value`, or `key:` followed by a block indented 2 spaces more (a nested
 *   mapping or sequence), or by nothing (null, e.g. a named volume without options);
 * - block sequences of scalars: `- value`, indented 2 spaces more than their key;
 * - scalars: double-quoted strings (JSON syntax), flow sequences of double-quoted strings
 *   (`["CMD", "redis-cli", "ping"]`), and plain scalars, which stay strings (`5s`, `true` and `1.0`
 *   are not converted: compare them as written);
 * - a flow sequence may span several lines (after `key: [`, or from a `[` on the line after its key,
 *   indented 2 spaces more) and end with a trailing comma: the shapes Biome's YAML formatter
 *   gives long ones.
 *
 * Everything else throws with the line number (tabs, single quotes, anchors, aliases, tags, block
 * scalars, flow mappings, multi-line scalars, sequences of mappings, duplicate keys, odd
 * indentation), so the file is never silently read differently from how Docker Compose reads it.
 */

export type YamlValue = string | null | YamlValue[] | { [key: string]: YamlValue };
export type YamlMapping = { [key: string]: YamlValue };

interface Line {
  readonly number: number;
  readonly indent: number;
  readonly text: string;
}

const KEY_LINE = /^([A-Za-z0-9_.-]+):(?: (.*))?$/;
const UNSUPPORTED_START = /^['{&*!|>%@`]/;

export function parseComposeYaml(source: string): YamlMapping {
  const lines: Line[] = [];
  source.split("\n").forEach((raw, index) => {
    const number = index + 1;
    if (raw.includes("\t")) throw new YamlSubsetError(number, "tab character");
    const text = stripComment(raw, number).trimEnd();
    if (text.trim() === "") return;
    const indent = text.length - text.trimStart().length;
    if (indent % 2 !== 0) throw new YamlSubsetError(number, "indentation is not a multiple of 2 spaces");
    lines.push({ number, indent, text: text.trimStart() });
  });
  const reader = { lines, next: 0 };
  const document = readBlock(reader, 0);
  if (document === null || Array.isArray(document) || typeof document === "string") {
    throw new YamlSubsetError(1, "the document must be a mapping");
  }
  return document;
}

export class YamlSubsetError extends Error {
  constructor(line: number, problem: string) {
    super(`docker-compose.yml line ${line}: ${problem} (outside the YAML subset compose-yaml.ts reads)`);
    this.name = "YamlSubsetError";
  }
}

interface Reader {
  readonly lines: readonly Line[];
  next: number;
}

/** Reads the mapping or sequence whose lines are indented exactly `indent` spaces. */
function readBlock(reader: Reader, indent: number): YamlValue {
  const first = reader.lines[reader.next];
  if (first === undefined || first.indent < indent) return null;
  if (first.indent > indent) throw new YamlSubsetError(first.number, "unexpected indentation");
  if (first.text.startsWith("[")) return readFlowSequence(reader);
  return first.text.startsWith("- ") || first.text === "-"
    ? readSequence(reader, indent)
    : readMapping(reader, indent);
}

/** A flow sequence on lines of its own: from `[` to the line that closes it. */
function readFlowSequence(reader: Reader): YamlValue {
  const start = reader.lines[reader.next]!;
  const parts: string[] = [];
  for (let line = reader.lines[reader.next]; line !== undefined; line = reader.lines[reader.next]) {
    reader.next += 1;
    parts.push(line.text);
    if (bracketDepth(parts.join(" ")) === 0) {
      return parseScalar(parts.join(" ").replace(/,\s*]$/, "]"), start.number);
    }
  }
  throw new YamlSubsetError(start.number, "unterminated flow sequence");
}

/** `[` minus `]` outside double-quoted strings. */
function bracketDepth(text: string): number {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === "\\") i += 1;
      else if (char === '"') quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === "[") depth += 1;
    else if (char === "]") depth -= 1;
  }
  return depth;
}

function readMapping(reader: Reader, indent: number): YamlMapping {
  const mapping: YamlMapping = {};
  for (let line = reader.lines[reader.next]; line !== undefined; line = reader.lines[reader.next]) {
    if (line.indent < indent) break;
    if (line.indent > indent) throw new YamlSubsetError(line.number, "unexpected indentation");
    const match = KEY_LINE.exec(line.text);
    if (match === null) throw new YamlSubsetError(line.number, "expected `key: value` or `key:`");
    const key = match[1]!;
    if (Object.hasOwn(mapping, key)) throw new YamlSubsetError(line.number, `duplicate key ${key}`);
    reader.next += 1;
    let value = match[2]?.trim();
    // `key: [` continued on the following lines
    while (value?.startsWith("[") && bracketDepth(value) > 0) {
      const next = reader.lines[reader.next];
      if (next === undefined || next.indent <= indent) {
        throw new YamlSubsetError(line.number, "unterminated flow sequence");
      }
      value = `${value} ${next.text}`;
      reader.next += 1;
    }
    mapping[key] =
      value === undefined || value === ""
        ? readBlock(reader, indent + 2)
        : parseScalar(value.replace(/,\s*]$/, "]"), line.number);
  }
  return mapping;
}

function readSequence(reader: Reader, indent: number): YamlValue[] {
  const items: YamlValue[] = [];
  for (let line = reader.lines[reader.next]; line !== undefined; line = reader.lines[reader.next]) {
    if (line.indent < indent) break;
    if (line.indent > indent) throw new YamlSubsetError(line.number, "unexpected indentation");
    if (!line.text.startsWith("- ")) throw new YamlSubsetError(line.number, "expected `- value`");
    if (line.text.slice(2).trim() === "") throw new YamlSubsetError(line.number, "empty sequence item");
    reader.next += 1;
    items.push(parseScalar(line.text.slice(2).trim(), line.number));
  }
  return items;
}

function parseScalar(text: string, line: number): YamlValue {
  if (text.startsWith('"')) {
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === "string") return value;
    } catch {}
    throw new YamlSubsetError(line, "a double-quoted string must be one complete JSON string");
  }
  if (text.startsWith("[")) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new YamlSubsetError(line, "a flow sequence must be a one-line JSON array");
    }
    if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
      throw new YamlSubsetError(line, "a flow sequence must hold strings only");
    }
    return value as string[];
  }
  if (UNSUPPORTED_START.test(text)) throw new YamlSubsetError(line, `unsupported value ${text}`);
  if (text.includes(": ") || text.endsWith(":")) {
    throw new YamlSubsetError(line, "a plain value must not contain `: ` (quote it, or it is a mapping)");
  }
  return text;
}

/** Drops a comment: `#` at the start of the line or after a space, outside double quotes. */
function stripComment(raw: string, line: number): string {
  let quoted = false;
  for (let i = 0; i < raw.length; i += 1) {
    const char = raw[i];
    if (quoted) {
      if (char === "\\") i += 1;
      else if (char === '"') quoted = false;
    } else if (char === '"') {
      quoted = true;
    } else if (char === "#" && (i === 0 || raw[i - 1] === " ")) {
      return raw.slice(0, i);
    }
  }
  if (quoted) throw new YamlSubsetError(line, "unterminated double-quoted string");
  return raw;
}

/**
 * The docs page (`/api/v1/docs`): the OpenAPI document as one static HTML page, rendered once at
 * start. No script and no CDN (a server may have no internet): each operation with its role, its
 * parameters and its body and answer schemas as JSON.
 */
const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

interface Operation {
  summary?: string;
  description?: string;
  parameters?: { name: string; in: string; required: boolean; description?: string; schema?: unknown }[];
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description: string; content?: Record<string, { schema?: unknown }> }>;
}

function schemaBlock(schema: unknown): string {
  return `<pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>`;
}

export function renderApiDocsHtml(document: Record<string, unknown>): string {
  const info = document.info as { title: string; version: string; description: string };
  const paths = document.paths as Record<string, Record<string, Operation>>;
  const sections: string[] = [];
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = operation.parameters ?? [];
      const body = operation.requestBody?.content["application/json"]?.schema;
      sections.push(`<section id="${escapeHtml(`${method}-${path}`)}">
<h2><code>${escapeHtml(method.toUpperCase())} /api/v1${escapeHtml(path)}</code></h2>
<p>${escapeHtml(operation.summary ?? "")} — <em>${escapeHtml(operation.description ?? "")}</em></p>
${
  parameters.length === 0
    ? ""
    : `<table><thead><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th><th>description</th></tr></thead><tbody>${parameters
        .map(
          (p) =>
            `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td><td>${p.required ? "yes" : "no"}</td><td><code>${escapeHtml(JSON.stringify(p.schema ?? {}))}</code></td><td>${escapeHtml(p.description ?? "")}</td></tr>`,
        )
        .join("")}</tbody></table>`
}
${body === undefined ? "" : `<details><summary>Request body</summary>${schemaBlock(body)}</details>`}
<details><summary>Responses</summary><ul>${Object.entries(operation.responses ?? {})
        .map(([status, response]) => {
          const content = Object.entries(response.content ?? {})[0];
          return `<li><strong>${escapeHtml(status)}</strong> ${escapeHtml(response.description)}${
            content === undefined
              ? ""
              : ` (<code>${escapeHtml(content[0])}</code>)${content[1].schema === undefined ? "" : schemaBlock(content[1].schema)}`
          }</li>`;
        })
        .join("")}</ul></details>
</section>`);
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)} ${escapeHtml(info.version)}</title>
<link rel="stylesheet" href="/dashboard/app.css"></head>
<body><main class="docs">
<h1>${escapeHtml(info.title)} <small>${escapeHtml(info.version)}</small></h1>
<p>${escapeHtml(info.description)}</p>
<p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1) · <a href="/dashboard/">Dashboard</a></p>
${sections.join("\n")}
</main></body></html>
`;
}

/**
 * A readable page of the OpenAPI document, rendered on the server with no script or web font to
 * fetch (Arbor runs where only the npm registry is reachable): each operation with its permission,
 * parameters, request body and responses.
 */
// biome-ignore lint/suspicious/noExplicitAny: the document is plain JSON
type Json = any;

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function renderApiDocs(doc: Json): string {
  const ops: string[] = [];
  const toc: string[] = [];
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries<Json>(doc.paths ?? {})) {
    for (const [method, op] of Object.entries<Json>(item)) {
      const tag = op.tags?.[0] ?? 'other';
      const id = `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, '-');
      const params = (op.parameters ?? [])
        .map(
          (p: Json) =>
            `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : ''}</td><td>${esc(
              p.schema?.type ?? '',
            )}</td><td>${esc(p.description ?? p.schema?.description ?? '')}</td></tr>`,
        )
        .join('');
      const body = op.requestBody?.content
        ? Object.entries<Json>(op.requestBody.content)
            .map(
              ([type, c]) =>
                `<p>body <code>${esc(type)}</code></p><pre>${esc(JSON.stringify(c.schema, null, 2))}</pre>`,
            )
            .join('')
        : '';
      const responses = Object.entries<Json>(op.responses ?? {})
        .map(([code, r]) => `<li><code>${esc(code)}</code> ${esc(r.description)}</li>`)
        .join('');
      const entry = `<section id="${id}"><h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(
        path,
      )}</code></h3><p>${esc(op.summary ?? '')}</p>${op.description ? `<p>${esc(op.description)}</p>` : ''}${
        params
          ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>type</th><th></th></tr>${params}</table>`
          : ''
      }${body}<ul>${responses}</ul></section>`;
      const list = byTag.get(tag) ?? [];
      list.push(entry);
      byTag.set(tag, list);
      toc.push(`<li><a href="#${id}">${esc(method.toUpperCase())} ${esc(path)}</a></li>`);
    }
  }
  for (const [tag, entries] of [...byTag].sort(([a], [b]) => a.localeCompare(b)))
    ops.push(`<h2>${esc(tag)}</h2>${entries.join('')}`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(doc.info?.title)}</title>
<style>body{font:14px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}
code,pre{font:12px ui-monospace,monospace}pre{background:#f6f6f6;padding:.5rem;overflow:auto;max-height:20rem}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px;text-align:left}
.m{display:inline-block;min-width:4em;font-weight:600}.get{color:#06c}.post{color:#080}.delete{color:#b00}
section{border-top:1px solid #eee;margin-top:1rem}</style></head><body>
<h1>${esc(doc.info?.title)} ${esc(doc.info?.version)}</h1><p>${esc(doc.info?.description)}</p>
<p>The machine-readable document: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI ${esc(doc.openapi)}).</p>
<details><summary>All operations</summary><ul>${toc.join('')}</ul></details>${ops.join('')}</body></html>`;
}

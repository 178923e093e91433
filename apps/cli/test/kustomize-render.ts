import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseAllDocuments } from "yaml";

/**
 * A renderer for exactly the kustomize features deploy/k8s uses, so its test runs where no
 * kustomize or kubectl binary is installed: `resources` (files and directories), `components`,
 * `namespace`, `labels` (with `includeTemplates`), `images` (`newName`, `newTag`) and `patches`
 * with a `path` to strategic-merge patches (lists of objects merged by `name`, `mountPath` or
 * `containerPort`, as Kubernetes' patch strategy does for the fields used). Anything else throws,
 * so the manifests cannot drift into features this reader would get wrong. Where kubectl is
 * installed, the test also checks this renderer's output equals `kubectl kustomize`.
 */

export type Manifest = { [key: string]: unknown } & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
};

const KNOWN_FIELDS = new Set([
  "apiVersion",
  "kind",
  "namespace",
  "labels",
  "resources",
  "components",
  "images",
  "patches",
]);

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function readYamlDocuments(path: string): Plain[] {
  return parseAllDocuments(readFileSync(path, "utf8"))
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`${path}: ${document.errors[0]?.message}`);
      return document.toJS() as unknown;
    })
    .filter((value): value is Plain => isPlain(value));
}

const MERGE_KEYS = ["name", "mountPath", "containerPort"] as const;

/** Strategic merge of `patch` into `target` (both plain JSON values); returns the merged value. */
export function strategicMerge(target: unknown, patch: unknown): unknown {
  if (isPlain(target) && isPlain(patch)) {
    const merged: Plain = { ...target };
    for (const [key, value] of Object.entries(patch)) {
      merged[key] = value === null ? undefined : strategicMerge(target[key], value);
      if (merged[key] === undefined) delete merged[key];
    }
    return merged;
  }
  if (Array.isArray(target) && Array.isArray(patch)) {
    const key = MERGE_KEYS.find((candidate) =>
      [...target, ...patch].every((item) => isPlain(item) && item[candidate] !== undefined),
    );
    if (key === undefined) return patch;
    // kustomize's order: the patch's items (merged with the ones they match), then the rest.
    const patched = (patch as Plain[]).map((item) => {
      const existing = (target as Plain[]).find((candidate) => candidate[key] === item[key]);
      return existing === undefined ? item : (strategicMerge(existing, item) as Plain);
    });
    const rest = (target as Plain[]).filter((item) => !patched.some((done) => done[key] === item[key]));
    return [...patched, ...rest];
  }
  return patch;
}

function kustomizationIn(directory: string): Plain {
  const documents = readYamlDocuments(join(directory, "kustomization.yaml"));
  const kustomization = documents[0];
  if (kustomization === undefined) throw new Error(`${directory}: empty kustomization.yaml`);
  for (const field of Object.keys(kustomization)) {
    if (!KNOWN_FIELDS.has(field))
      throw new Error(`${directory}: kustomize field ${field} is not supported here`);
  }
  return kustomization;
}

function strings(value: unknown, what: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    throw new Error(`${what}: expected a list of paths`);
  }
  return value as string[];
}

/** Every pod template in a resource (Deployment, Job, CronJob). */
function podTemplates(resource: Plain): Plain[] {
  const spec = resource.spec;
  if (!isPlain(spec)) return [];
  if (isPlain(spec.template)) return [spec.template];
  const jobTemplate = spec.jobTemplate;
  if (isPlain(jobTemplate) && isPlain(jobTemplate.spec) && isPlain(jobTemplate.spec.template)) {
    return [jobTemplate.spec.template];
  }
  return [];
}

function applyKustomization(directory: string, accumulated: Plain[]): Plain[] {
  const kustomization = kustomizationIn(directory);
  let resources = [...accumulated];
  for (const entry of strings(kustomization.resources, `${directory} resources`)) {
    const path = resolve(directory, entry);
    resources.push(...(statSync(path).isDirectory() ? renderKustomization(path) : readYamlDocuments(path)));
  }
  for (const entry of strings(kustomization.components, `${directory} components`)) {
    const path = resolve(directory, entry);
    if (kustomizationIn(path).kind !== "Component") throw new Error(`${path}: not a Component`);
    resources = applyKustomization(path, resources);
  }
  for (const patchEntry of (kustomization.patches as Plain[] | undefined) ?? []) {
    if (Object.keys(patchEntry).join() !== "path") throw new Error(`${directory}: only patches with a path`);
    for (const patch of readYamlDocuments(resolve(directory, patchEntry.path as string))) {
      const name = (patch.metadata as Plain).name;
      const at = resources.findIndex(
        (resource) => resource.kind === patch.kind && (resource.metadata as Plain).name === name,
      );
      if (at === -1) throw new Error(`${directory}: patch for ${patch.kind}/${name} matches nothing`);
      resources[at] = strategicMerge(resources[at], patch) as Plain;
    }
  }
  for (const labelEntry of (kustomization.labels as Plain[] | undefined) ?? []) {
    const pairs = labelEntry.pairs as Record<string, string>;
    for (const resource of resources) {
      const metadata = resource.metadata as Plain;
      metadata.labels = { ...(metadata.labels as Plain | undefined), ...pairs };
      if (labelEntry.includeTemplates === true) {
        // A CronJob's job template is labelled as well as its pod template.
        const jobTemplate = isPlain(resource.spec) ? resource.spec.jobTemplate : undefined;
        for (const template of [...(isPlain(jobTemplate) ? [jobTemplate] : []), ...podTemplates(resource)]) {
          const templateMetadata = (template.metadata ?? {}) as Plain;
          templateMetadata.labels = { ...(templateMetadata.labels as Plain | undefined), ...pairs };
          template.metadata = templateMetadata;
        }
      }
    }
  }
  for (const image of (kustomization.images as Plain[] | undefined) ?? []) {
    for (const resource of resources) {
      for (const template of podTemplates(resource)) {
        for (const container of ((template.spec as Plain).containers as Plain[]) ?? []) {
          const [name, tag] = (container.image as string).split(":");
          if (name !== image.name) continue;
          const newName = (image.newName as string | undefined) ?? name;
          const newTag = (image.newTag as string | undefined) ?? tag;
          container.image = newTag === undefined ? newName : `${newName}:${newTag}`;
        }
      }
    }
  }
  if (typeof kustomization.namespace === "string") {
    for (const resource of resources) {
      if (resource.kind === "Namespace") continue;
      (resource.metadata as Plain).namespace = kustomization.namespace;
    }
  }
  return resources;
}

/** The resources `kustomize build <directory>` gives, for the subset of features named above. */
export function renderKustomization(directory: string): Manifest[] {
  // Deep copies: a patch or transformer in one build must not change another build's objects.
  return structuredClone(applyKustomization(directory, [])) as Manifest[];
}

/** `Kind/namespace/name`, to compare renderings regardless of order. */
export function manifestKey(manifest: Manifest): string {
  return `${manifest.kind}/${manifest.metadata.namespace ?? ""}/${manifest.metadata.name}`;
}

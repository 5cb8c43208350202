// The overlays rendered by scripts/validate-manifests.sh (kustomize build), and the repository's facts.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, parseAllDocuments } from "yaml";
import { serverFacts } from "./facts.mjs";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const facts = serverFacts(repoRoot);

const renderedDir = process.env.RENDERED_DIR;
if (!renderedDir) throw new Error("RENDERED_DIR is not set: run scripts/validate-manifests.sh, which renders the overlays first");

/** Rendered file name (e.g. "overlays-gpu.yaml") -> its objects. */
export const rendered = new Map(
  readdirSync(renderedDir)
    .filter((name) => name.endsWith(".yaml"))
    .sort()
    .map((name) => [name, parseAllDocuments(readFileSync(join(renderedDir, name), "utf8")).map((d) => d.toJS()).filter(Boolean)]),
);

export const readYaml = (relativePath) => parse(readFileSync(join(repoRoot, relativePath), "utf8"), { merge: true });

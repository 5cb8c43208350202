// What the manifests must agree with, read from the repository itself: the server's routes, option keys,
// defaults and metrics (C# sources) and the image's port, user, environment and HEALTHCHECK (Dockerfile).
// Read statically, so a renamed route or option breaks CI instead of a deployment.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

function sourcesUnder(dir) {
  return readdirSync(dir, { recursive: true })
    .filter((name) => name.endsWith(".cs") && !/(^|\/)(bin|obj)\//.test(name))
    .map((name) => readFileSync(join(dir, name), "utf8"));
}

function single(text, pattern, what) {
  const match = text.match(pattern);
  if (!match) throw new Error(`cannot find ${what}`);
  return match[1];
}

/** Route path -> endpoint name (or null when unnamed), for every route the server maps. */
function routes(sources) {
  const found = new Map();
  for (const source of sources) {
    for (const [, path] of source.matchAll(/\.Map(?:Get|Post|Put|Delete|Patch|Methods)\(\s*"([^"]+)"/g)) found.set(path, null);
    for (const [, path] of source.matchAll(/MapPrometheusScrapingEndpoint\(\s*"([^"]+)"/g)) found.set(path, null);
    // A route's .WithName(...) comes before the next Map call.
    for (const [, path, name] of source.matchAll(/\.Map\w*\(\s*"([^"]+)"(?:(?!\.Map\w*\()[\s\S])*?\.WithName\("([^"]+)"\)/g)) {
      found.set(path, name);
    }
  }
  return found;
}

/** Prometheus names of the server's gauges (OpenTelemetry instrument "llava.queue_depth" -> llava_queue_depth). */
function gauges(metricsSource) {
  return new Set(
    [...metricsSource.matchAll(/CreateObservableGauge(?:<\w+>)?\(\s*"([\w.]+)"/g)].map(([, name]) => name.replaceAll(".", "_")),
  );
}

/** Dockerfile instructions with continuation lines joined. */
function instructions(dockerfile) {
  return dockerfile
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
}

function image(dockerfile) {
  const lines = instructions(dockerfile);
  const runtimeStart = lines.findLastIndex((line) => /^FROM\s/i.test(line));
  const runtime = lines.slice(runtimeStart);
  const env = {};
  for (const line of runtime.filter((l) => /^ENV\s/i.test(l))) {
    // Values built from build arguments (Llava__Device=${TORCH_BACKEND}) depend on the build; they are left out.
    for (const [, key, value] of line.slice(4).matchAll(/(\S+?)=(\S*)/g)) if (!value.includes("${")) env[key] = value;
  }
  const arg = (name) => runtime.map((l) => l.match(new RegExp(`^ARG\\s+${name}=(\\S+)`))).find(Boolean)?.[1];
  const user = single(runtime.join("\n"), /^USER\s+(\S+)/m, "the Dockerfile's USER").replace(/^\$\{(\w+)\}$/, (_, name) => arg(name));
  const healthcheck = single(runtime.join("\n"), /^HEALTHCHECK\s.*?CMD\s+(\[.*\])/m, "the Dockerfile's HEALTHCHECK");
  return {
    exposedPort: Number(single(runtime.join("\n"), /^EXPOSE\s+(\d+)/m, "the Dockerfile's EXPOSE")),
    user: Number(user),
    env,
    healthcheck: ["CMD", ...JSON.parse(healthcheck)],
  };
}

export function serverFacts(repoRoot) {
  const server = join(repoRoot, "src/LlavaServer");
  const sources = sourcesUnder(server);
  const options = readFileSync(join(server, "Hosting/ServerOptions.cs"), "utf8");
  const commandLine = readFileSync(join(server, "Hosting/CommandLine.cs"), "utf8");
  return {
    routes: routes(sources),
    optionKeys: new Set([...commandLine.matchAll(/new\("[a-z-]+", "(\w+)"/g)].map(([, key]) => key)),
    defaultPort: Number(single(options, /\bint Port \{ get; set; \} = (\d+);/, "the default port")),
    defaultDrainSeconds: Number(single(options, /\bShutdownDrainSeconds \{ get; set; \} = ([\d.]+);/, "the default drain")),
    gauges: gauges(readFileSync(join(server, "Telemetry/ServerMetrics.cs"), "utf8")),
    image: image(readFileSync(join(repoRoot, "Dockerfile"), "utf8")),
  };
}

/** The path of the route the server names `name` (e.g. "Ready" -> "/ready"). */
export function routeNamed(facts, name) {
  return [...facts.routes].find(([, n]) => n === name)?.[0];
}

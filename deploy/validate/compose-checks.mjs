// Checks docker-compose.yml and the configuration files it mounts against the server and the image. No
// Docker engine or compose binary is needed: the file is read as YAML (anchors and merge keys resolved).

const OPTION_PREFIX = "Llava__";

/** Compose durations ("45s", "1m30s") in seconds. */
export function durationSeconds(text) {
  const units = { h: 3600, m: 60, s: 1, ms: 0.001 };
  const parts = [...String(text).matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (parts.length === 0) throw new Error(`not a duration: ${text}`);
  return parts.reduce((sum, [, value, unit]) => sum + Number(value) * units[unit], 0);
}

/** `${NAME:-default}` -> default, as compose resolves it with the variable unset. */
const withDefaults = (value) => String(value).replace(/\$\{\w+:-([^}]*)\}/g, "$1");

function serverServiceProblems(name, service, facts) {
  const problems = [];
  const env = { ...facts.image.env, ...(service.environment ?? {}) };
  for (const key of Object.keys(env).filter((k) => k.startsWith(OPTION_PREFIX))) {
    if (!facts.optionKeys.has(key.slice(OPTION_PREFIX.length).split("__")[0])) problems.push(`${name}: ${key} is not a server option`);
  }
  const port = Number(env.Llava__Port ?? facts.defaultPort);
  const published = (service.ports ?? []).map((p) => Number(withDefaults(p).split(":").at(-1)));
  if (!published.includes(port)) problems.push(`${name}: no port mapping to the server's port ${port} (has ${published.join(", ")})`);

  const test = service.healthcheck?.test;
  if (JSON.stringify(test) !== JSON.stringify(facts.image.healthcheck)) {
    problems.push(`${name}: healthcheck ${JSON.stringify(test)} differs from the image's ${JSON.stringify(facts.image.healthcheck)}`);
  }
  const model = (service.volumes ?? []).find((v) => v.target === env.Llava__Model);
  if (!model) problems.push(`${name}: nothing mounted at Llava__Model (${env.Llava__Model})`);
  else if (model.read_only !== true) problems.push(`${name}: the model volume is not read-only`);
  if (service.read_only === true && !(service.tmpfs ?? []).includes("/tmp")) problems.push(`${name}: read-only root without a /tmp tmpfs`);

  const drain = Number(env.Llava__ShutdownDrainSeconds ?? facts.defaultDrainSeconds);
  const grace = service.stop_grace_period === undefined ? 10 : durationSeconds(service.stop_grace_period);
  if (grace <= drain) problems.push(`${name}: stop_grace_period ${grace} s must exceed the drain of ${drain} s`);

  const backend = service.build?.args?.TORCH_BACKEND;
  const gpu = (service.deploy?.resources?.reservations?.devices ?? []).some(
    (d) => d.driver === "nvidia" && (d.capabilities ?? []).includes("gpu"),
  );
  const device = String(env.Llava__Device ?? "cpu");
  if ((backend === "cuda") !== gpu) problems.push(`${name}: TORCH_BACKEND ${backend} but ${gpu ? "a" : "no"} NVIDIA GPU reservation`);
  if ((backend === "cuda") !== device.startsWith("cuda")) problems.push(`${name}: TORCH_BACKEND ${backend} with Llava__Device ${device}`);
  return problems;
}

/** Problems in the compose file; `prometheus` is the parsed Prometheus configuration it mounts. */
export function composeProblems(compose, prometheus, facts) {
  const problems = [];
  const servers = Object.entries(compose.services ?? {}).filter(([, s]) => s.build?.args?.TORCH_BACKEND);
  const backends = servers.map(([, s]) => s.build.args.TORCH_BACKEND).sort();
  if (JSON.stringify(backends) !== JSON.stringify(["cpu", "cuda"])) problems.push(`expected a cuda and a cpu server service, found ${backends.join(", ")}`);
  const profiles = servers.map(([, s]) => (s.profiles ?? []).join(","));
  if (profiles.includes("") || new Set(profiles).size !== profiles.length) {
    problems.push("each server service needs its own profile, or `up` starts two servers on one port");
  }
  for (const [name, service] of servers) problems.push(...serverServiceProblems(name, service, facts));

  const job = (prometheus.scrape_configs ?? []).find((c) => (c.static_configs ?? []).some((s) => s.targets.some((t) => t.startsWith("llava-server:"))));
  if (!job) problems.push("Prometheus does not scrape llava-server");
  else {
    const path = job.metrics_path ?? "/metrics";
    if (!facts.routes.has(path)) problems.push(`Prometheus scrapes ${path}, which the server does not serve`);
    const target = job.static_configs.flatMap((s) => s.targets).find((t) => t.startsWith("llava-server:"));
    if (Number(target.split(":")[1]) !== facts.defaultPort) problems.push(`Prometheus scrapes ${target}, not port ${facts.defaultPort}`);
  }
  const aliased = servers.every(([, s]) => (s.networks?.default?.aliases ?? []).includes("llava-server"));
  if (!aliased) problems.push("Prometheus's target llava-server is not an alias of every server service");
  return problems;
}

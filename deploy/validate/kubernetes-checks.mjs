// Checks a rendered overlay against the server and the image: what a schema cannot see, such as a probe on a
// route the server does not have, a port the server does not listen on, or a grace period shorter than the
// server's drain. Returns problems as sentences; an empty list means the overlay is consistent.
import { routeNamed } from "./facts.mjs";

const SERVER_CONTAINER = "server";
const GPU_RESOURCE = "nvidia.com/gpu";
const OPTION_PREFIX = "Llava__";

const isSubset = (selector = {}, labels = {}) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);

/** Seconds the preStop hook waits (exec `sleep N` or the sleep action), 0 without one. */
function preStopSeconds(container) {
  const preStop = container.lifecycle?.preStop;
  if (preStop?.sleep) return Number(preStop.sleep.seconds);
  const command = preStop?.exec?.command ?? [];
  return command[0] === "sleep" ? Number(command[1]) : 0;
}

/** The server's environment as the container sees it: image ENV, then envFrom ConfigMaps, then env. */
function effectiveEnvironment(container, objects, facts, problems) {
  const env = { ...facts.image.env };
  for (const source of container.envFrom ?? []) {
    if (!source.configMapRef) continue;
    const configMap = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === source.configMapRef.name);
    if (configMap) Object.assign(env, configMap.data);
    else if (!source.configMapRef.optional) problems.push(`envFrom names ConfigMap ${source.configMapRef.name}, which the overlay lacks`);
  }
  for (const variable of container.env ?? []) {
    if ("value" in variable) env[variable.name] = variable.value;
    const secret = variable.valueFrom?.secretKeyRef;
    if (secret && !secret.optional && !objects.some((o) => o.kind === "Secret" && o.metadata.name === secret.name)) {
      problems.push(`env ${variable.name} needs Secret ${secret.name}, which the overlay lacks (mark it optional or add it)`);
    }
  }
  return env;
}

function checkOptionKeys(env, facts, problems) {
  for (const name of Object.keys(env).filter((n) => n.startsWith(OPTION_PREFIX))) {
    const key = name.slice(OPTION_PREFIX.length).split("__")[0];
    if (!facts.optionKeys.has(key)) problems.push(`${name} is not a server option (known: ${[...facts.optionKeys].join(", ")})`);
  }
}

function checkProbes(container, port, facts, problems) {
  const expected = { startupProbe: "Ready", readinessProbe: "Ready", livenessProbe: "Health" };
  for (const [probe, routeName] of Object.entries(expected)) {
    const httpGet = container[probe]?.httpGet;
    const path = routeNamed(facts, routeName);
    if (!httpGet) {
      problems.push(`${probe} missing (expected GET ${path})`);
      continue;
    }
    if (!facts.routes.has(httpGet.path)) problems.push(`${probe} GET ${httpGet.path}: the server has no such route`);
    else if (httpGet.path !== path) problems.push(`${probe} GET ${httpGet.path}: should be ${path} (the ${routeName} endpoint)`);
    if (resolvePort(container, httpGet.port) !== port) {
      problems.push(`${probe} port ${httpGet.port} is not the server's port ${port}`);
    }
  }
}

/** A port given by name or number, resolved against the container's ports (undefined if it has none such). */
function resolvePort(container, port) {
  const ports = container.ports ?? [];
  return typeof port === "string" ? ports.find((p) => p.name === port)?.containerPort : ports.find((p) => p.containerPort === port)?.containerPort;
}

function checkSecurity(podSpec, container, problems) {
  const pod = podSpec.securityContext ?? {};
  const own = container.securityContext ?? {};
  const name = container.name;
  if (!(own.runAsNonRoot ?? pod.runAsNonRoot)) problems.push(`${name}: runAsNonRoot is not set`);
  const uid = own.runAsUser ?? pod.runAsUser;
  if (uid === 0) problems.push(`${name}: runAsUser is 0`);
  if (own.readOnlyRootFilesystem !== true) problems.push(`${name}: readOnlyRootFilesystem is not true`);
  if (own.allowPrivilegeEscalation !== false) problems.push(`${name}: allowPrivilegeEscalation is not false`);
  if (!own.capabilities?.drop?.includes("ALL")) problems.push(`${name}: capabilities are not all dropped`);
}

function checkVolumes(podSpec, objects, problems) {
  const volumes = podSpec.volumes ?? [];
  for (const volume of volumes) {
    const sources = Object.keys(volume).filter((key) => key !== "name" && volume[key] != null);
    if (sources.length !== 1) problems.push(`volume ${volume.name} has ${sources.length} sources (${sources.join(", ")}), needs exactly one`);
    const claim = volume.persistentVolumeClaim?.claimName;
    if (claim && !objects.some((o) => o.kind === "PersistentVolumeClaim" && o.metadata.name === claim)) {
      problems.push(`volume ${volume.name} names PersistentVolumeClaim ${claim}, which the overlay lacks`);
    }
  }
  for (const container of [...(podSpec.initContainers ?? []), ...podSpec.containers]) {
    for (const mount of container.volumeMounts ?? []) {
      if (!volumes.some((v) => v.name === mount.name)) problems.push(`${container.name} mounts volume ${mount.name}, which the pod lacks`);
    }
  }
}

function checkServerContainer(deployment, objects, facts, problems) {
  const podSpec = deployment.spec.template.spec;
  const container = podSpec.containers.find((c) => c.name === SERVER_CONTAINER);
  if (!container) {
    problems.push(`Deployment ${deployment.metadata.name} has no container named ${SERVER_CONTAINER}`);
    return;
  }
  const env = effectiveEnvironment(container, objects, facts, problems);
  checkOptionKeys(env, facts, problems);

  const port = Number(env.Llava__Port ?? facts.defaultPort);
  if (port !== facts.image.exposedPort) problems.push(`Llava__Port ${port} differs from the image's EXPOSE ${facts.image.exposedPort}`);
  if (!(container.ports ?? []).some((p) => p.containerPort === port && p.name === "http")) {
    problems.push(`no container port named http on ${port}, where the server listens`);
  }
  checkProbes(container, port, facts, problems);
  checkSecurity(podSpec, container, problems);
  for (const init of podSpec.initContainers ?? []) checkSecurity(podSpec, init, problems);
  const uid = container.securityContext?.runAsUser ?? podSpec.securityContext?.runAsUser;
  if (uid !== undefined && uid !== facts.image.user) problems.push(`runAsUser ${uid} is not the image's user ${facts.image.user}`);

  const mounts = container.volumeMounts ?? [];
  const writable = (path) => mounts.some((m) => m.mountPath === path && !m.readOnly);
  if (container.securityContext?.readOnlyRootFilesystem && !writable("/tmp")) problems.push("read-only root filesystem without a writable /tmp mount");
  const modelMount = mounts.find((m) => m.mountPath === env.Llava__Model);
  if (!modelMount) problems.push(`nothing mounted at Llava__Model (${env.Llava__Model})`);
  else if (modelMount.readOnly !== true) problems.push(`the model mount ${modelMount.mountPath} is not read-only`);

  const requests = container.resources?.requests ?? {};
  if (!requests.cpu || !requests.memory) problems.push("the server container lacks cpu and memory requests");
  const gpus = Number(container.resources?.limits?.[GPU_RESOURCE] ?? 0);
  const onGpu = String(env.Llava__Device ?? "cpu").startsWith("cuda");
  if (onGpu && gpus < 1) problems.push(`Llava__Device ${env.Llava__Device} without a ${GPU_RESOURCE} limit`);
  if (!onGpu && gpus > 0) problems.push(`${GPU_RESOURCE} requested but Llava__Device is ${env.Llava__Device ?? "cpu"}`);
  const tag = container.image.split(":").at(-1);
  if ((tag === "cpu" && onGpu) || (tag === "cuda" && !onGpu)) problems.push(`image ${container.image} with Llava__Device ${env.Llava__Device}`);

  const drain = Number(env.Llava__ShutdownDrainSeconds ?? facts.defaultDrainSeconds);
  const grace = podSpec.terminationGracePeriodSeconds ?? 30;
  const preStop = preStopSeconds(container);
  if (preStop <= 0) problems.push("no preStop delay: the endpoint may still get requests after SIGTERM");
  if (grace <= preStop + drain) {
    problems.push(`terminationGracePeriodSeconds ${grace} must exceed preStop ${preStop} s + drain ${drain} s`);
  }
  return { container, port };
}

function checkService(service, podLabels, server, problems) {
  if (!isSubset(service.spec.selector, podLabels)) problems.push(`Service ${service.metadata.name} selects no server pods`);
  for (const port of service.spec.ports) {
    if (resolvePort(server.container, port.targetPort ?? port.port) !== server.port) {
      problems.push(`Service ${service.metadata.name} port ${port.name ?? port.port} does not reach the server's port ${server.port}`);
    }
  }
}

function checkAutoscaler(hpa, deployment, server, facts, problems) {
  const target = hpa.spec.scaleTargetRef;
  if (target.kind !== "Deployment" || target.name !== deployment.metadata.name) {
    problems.push(`HorizontalPodAutoscaler ${hpa.metadata.name} targets ${target.kind}/${target.name}, not the server`);
  }
  for (const metric of hpa.spec.metrics ?? []) {
    if (metric.type === "Resource" && !server.container.resources?.requests?.[metric.resource.name]) {
      problems.push(`HPA scales on ${metric.resource.name} utilisation but the server requests no ${metric.resource.name}`);
    }
    const custom = metric.pods?.metric?.name ?? metric.object?.metric?.name;
    if (custom && !facts.gauges.has(custom)) {
      problems.push(`HPA metric ${custom} is not a gauge the server exports (${[...facts.gauges].join(", ")})`);
    }
  }
}

function checkDisruptionBudget(pdb, deployment, podLabels, problems) {
  if (!isSubset(pdb.spec.selector?.matchLabels, podLabels)) problems.push(`PodDisruptionBudget ${pdb.metadata.name} selects no server pods`);
  const { minAvailable, maxUnavailable } = pdb.spec;
  if (typeof minAvailable === "number" && minAvailable >= (deployment.spec.replicas ?? 1)) {
    problems.push(`PodDisruptionBudget minAvailable ${minAvailable} leaves no pod evictable at ${deployment.spec.replicas} replicas`);
  }
  if (maxUnavailable === 0 || maxUnavailable === "0%") problems.push("PodDisruptionBudget maxUnavailable 0 blocks node drains");
}

function checkServiceMonitor(monitor, services, facts, problems) {
  const service = services.find((s) => isSubset(monitor.spec.selector?.matchLabels, s.metadata.labels));
  if (!service) {
    problems.push(`ServiceMonitor ${monitor.metadata.name} selects no Service`);
    return;
  }
  for (const endpoint of monitor.spec.endpoints ?? []) {
    if (!service.spec.ports.some((p) => p.name === endpoint.port)) problems.push(`ServiceMonitor port ${endpoint.port} is not a port of Service ${service.metadata.name}`);
    const path = endpoint.path ?? "/metrics";
    if (!facts.routes.has(path)) problems.push(`ServiceMonitor scrapes ${path}, which the server does not serve`);
  }
}

/** Problems in one rendered overlay (all its objects), given the server's facts. */
export function kubernetesProblems(objects, facts) {
  const problems = [];
  const deployments = objects.filter((o) => o.kind === "Deployment");
  if (deployments.length !== 1) return [`expected one Deployment, found ${deployments.length}`];
  const deployment = deployments[0];
  const podLabels = deployment.spec.template.metadata?.labels ?? {};
  if (!isSubset(deployment.spec.selector?.matchLabels, podLabels)) problems.push("the Deployment's selector does not match its pod labels");
  checkVolumes(deployment.spec.template.spec, objects, problems);
  const server = checkServerContainer(deployment, objects, facts, problems);
  if (!server) return problems;

  const services = objects.filter((o) => o.kind === "Service");
  if (services.length === 0) problems.push("no Service");
  for (const service of services) checkService(service, podLabels, server, problems);
  const autoscalers = objects.filter((o) => o.kind === "HorizontalPodAutoscaler");
  for (const hpa of autoscalers) checkAutoscaler(hpa, deployment, server, facts, problems);
  const budgets = objects.filter((o) => o.kind === "PodDisruptionBudget");
  if (budgets.length === 0) problems.push("no PodDisruptionBudget");
  for (const pdb of budgets) checkDisruptionBudget(pdb, deployment, podLabels, problems);
  for (const monitor of objects.filter((o) => o.kind === "ServiceMonitor")) checkServiceMonitor(monitor, services, facts, problems);
  return problems;
}

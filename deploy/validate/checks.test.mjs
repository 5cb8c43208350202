// The checks catch real mistakes: each case breaks one thing in a copy of the rendered GPU overlay (or of
// docker-compose.yml) and expects a problem that names it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { composeProblems, durationSeconds } from "./compose-checks.mjs";
import { kubernetesProblems } from "./kubernetes-checks.mjs";
import { facts, readYaml, rendered } from "./rendered.mjs";
import { schemaProblems } from "./schema.mjs";

const gpuOverlay = () => structuredClone(rendered.get("overlays-gpu.yaml"));
const find = (objects, kind) => objects.find((o) => o.kind === kind);
const server = (objects) => find(objects, "Deployment").spec.template.spec.containers.find((c) => c.name === "server");

function assertCaught(breakIt, expected) {
  const objects = gpuOverlay();
  breakIt(objects);
  const problems = kubernetesProblems(objects, facts);
  assert.ok(problems.some((p) => expected.test(p)), `expected a problem matching ${expected}, got: ${JSON.stringify(problems)}`);
}

test("the unbroken GPU overlay passes (so the cases below fail for their own reason)", () => {
  assert.deepEqual(kubernetesProblems(gpuOverlay(), facts), []);
});

test("liveness probe on a route the server lacks", () =>
  assertCaught((o) => (server(o).livenessProbe.httpGet.path = "/healthz"), /livenessProbe GET \/healthz: the server has no such route/));

test("readiness probe on the liveness route", () =>
  assertCaught((o) => (server(o).readinessProbe.httpGet.path = "/health"), /readinessProbe GET \/health: should be \/ready/));

test("startup probe missing", () => assertCaught((o) => delete server(o).startupProbe, /startupProbe missing/));

test("container port other than the server's", () =>
  assertCaught((o) => (server(o).ports[0].containerPort = 8080), /no container port named http on 8000/));

test("grace period shorter than preStop plus drain", () =>
  assertCaught((o) => (find(o, "Deployment").spec.template.spec.terminationGracePeriodSeconds = 35), /terminationGracePeriodSeconds 35 must exceed preStop 10 s \+ drain 30 s/));

test("drain raised in the ConfigMap beyond the grace period", () =>
  assertCaught((o) => (find(o, "ConfigMap").data.Llava__ShutdownDrainSeconds = "120"), /drain 120 s/));

test("misspelt option in the ConfigMap", () =>
  assertCaught((o) => (find(o, "ConfigMap").data.Llava__ShutdownDrainSecs = "30"), /Llava__ShutdownDrainSecs is not a server option/));

test("writable root filesystem", () =>
  assertCaught((o) => (server(o).securityContext.readOnlyRootFilesystem = false), /readOnlyRootFilesystem is not true/));

test("root user", () =>
  assertCaught((o) => (find(o, "Deployment").spec.template.spec.securityContext.runAsUser = 0), /runAsUser is 0/));

test("writable model mount", () =>
  assertCaught((o) => (server(o).volumeMounts.find((m) => m.mountPath === "/models").readOnly = false), /model mount \/models is not read-only/));

test("GPU device without a GPU", () =>
  assertCaught((o) => delete server(o).resources.limits["nvidia.com/gpu"], /Llava__Device cuda without a nvidia.com\/gpu limit/));

test("volume with two sources", () =>
  assertCaught((o) => (find(o, "Deployment").spec.template.spec.volumes.find((v) => v.name === "model").emptyDir = {}), /volume model has 2 sources/));

test("Service aimed at another port", () =>
  assertCaught((o) => (find(o, "Service").spec.ports[0].targetPort = 9000), /does not reach the server's port 8000/));

test("autoscaling on a metric the server does not export", () =>
  assertCaught(
    (o) => (find(o, "HorizontalPodAutoscaler").spec.metrics = [{ type: "Pods", pods: { metric: { name: "llava_queue_size" }, target: { type: "AverageValue", averageValue: "2" } } }]),
    /HPA metric llava_queue_size is not a gauge/,
  ));

test("disruption budget that blocks every eviction", () =>
  assertCaught((o) => (find(o, "PodDisruptionBudget").spec = { minAvailable: 2, selector: find(o, "PodDisruptionBudget").spec.selector }), /leaves no pod evictable/));

test("ServiceMonitor on a port name the Service lacks", () => {
  const objects = structuredClone(rendered.get("examples-gpu-autoscaled-on-queue-depth.yaml"));
  find(objects, "ServiceMonitor").spec.endpoints[0].port = "metrics";
  assert.ok(kubernetesProblems(objects, facts).some((p) => /ServiceMonitor port metrics is not a port/.test(p)));
});

test("schema violations are reported", async () => {
  const deployment = find(gpuOverlay(), "Deployment");
  deployment.spec.replicas = "two";
  assert.match((await schemaProblems(deployment)).join("\n"), /replicas must be integer/);
  assert.match((await schemaProblems({ apiVersion: "example.com/v1", kind: "Widget" })).join("\n"), /no schema/);
});

test("compose: healthcheck drifting from the image's, grace period under the drain, GPU service without a GPU", () => {
  const compose = readYaml("docker-compose.yml");
  const prometheus = readYaml("deploy/compose/prometheus.yml");
  compose.services["llava-cpu"].healthcheck.test = ["CMD", "curl", "-f", "http://localhost:8000/health"];
  compose.services["llava-cpu"].stop_grace_period = "10s";
  delete compose.services["llava-gpu"].deploy;
  const problems = composeProblems(compose, prometheus, facts).join("\n");
  assert.match(problems, /llava-cpu: healthcheck .* differs from the image's/);
  assert.match(problems, /llava-cpu: stop_grace_period 10 s must exceed the drain of 30 s/);
  assert.match(problems, /llava-gpu: TORCH_BACKEND cuda but no NVIDIA GPU reservation/);
});

test("compose durations", () => {
  assert.equal(durationSeconds("45s"), 45);
  assert.equal(durationSeconds("1m30s"), 90);
  assert.throws(() => durationSeconds("soon"));
});

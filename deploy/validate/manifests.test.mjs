// Every rendered overlay: each object against its Kubernetes schema, the whole against the server and image.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { composeProblems } from "./compose-checks.mjs";
import { kubernetesProblems } from "./kubernetes-checks.mjs";
import { facts, readYaml, rendered } from "./rendered.mjs";
import { schemaProblems } from "./schema.mjs";

test("the overlays and examples were rendered", () => {
  for (const name of ["overlays-gpu.yaml", "overlays-cpu.yaml"]) assert.ok(rendered.has(name), `${name} missing`);
});

for (const [name, objects] of rendered) {
  describe(name, () => {
    test("every object matches its Kubernetes schema", async () => {
      assert.ok(objects.length > 0, "rendered nothing");
      const problems = (await Promise.all(objects.map(schemaProblems))).flat();
      assert.deepEqual(problems, []);
    });

    test("probes, ports, security, drain and scaling agree with the server and the image", () => {
      assert.deepEqual(kubernetesProblems(objects, facts), []);
    });
  });
}

test("docker-compose.yml agrees with the server and the image", () => {
  const problems = composeProblems(readYaml("docker-compose.yml"), readYaml("deploy/compose/prometheus.yml"), facts);
  assert.deepEqual(problems, []);
});

test("the prometheus-adapter rule serves the gauge the queue-depth HPA scales on", () => {
  const rules = readYaml("deploy/kubernetes/components/queue-depth-hpa/prometheus-adapter-rules.yaml").rules;
  const hpa = readYaml("deploy/kubernetes/components/queue-depth-hpa/hpa-queue-depth.yaml");
  const wanted = hpa.spec.metrics.map((m) => m.pods.metric.name);
  for (const name of wanted) {
    assert.ok(facts.gauges.has(name), `${name} is not a gauge the server exports`);
    const rule = rules.find((r) => r.name.as === name);
    assert.ok(rule, `no adapter rule serves ${name}`);
    assert.match(rule.seriesQuery, new RegExp(`^${name}\\{`));
  }
});
